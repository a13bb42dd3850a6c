"""Parts of a dossier rendered once per value and process: badges, notes and
marks (`badges.code[...]` and the like in templates) and the rows that repeat
from case to case (`badges.pair_rows`, `badges.cells`, decision 0195). The
markup stays in templates/macros.html; this only remembers what a macro made.
"""

from __future__ import annotations

import functools
import operator

import jinja2
from markupsafe import Markup


class _MacroCache(dict):
    """`cache[value]`: the macro's output for `value`, rendered on first use.

    For small macros whose output depends on their argument alone (badges),
    so a page with a thousand badges calls the macro once per distinct value;
    the markup still lives in templates/macros.html."""

    def __init__(self, env: jinja2.Environment, macro: str):
        super().__init__()
        self.env, self.macro = env, macro

    def __missing__(self, value):
        rendered = getattr(self.env.get_template("macros.html").module, self.macro)(value)
        self[value] = rendered
        return rendered


class Badges:
    """`badges.code[...]`, `badges.stance[...]`, `badges.basis[...]` and
    `badges.provisional` in templates: the macros `code_badge`, `stance_badge`,
    `basis_note` and `provisional_mark`, rendered once per value and process (a
    dossier shows about 150 marks and notes besides its badges)."""

    def __init__(self, env: jinja2.Environment):
        self.env = env
        self.code = _MacroCache(env, "code_badge")
        self.stance = _MacroCache(env, "stance_badge")
        self.basis = _MacroCache(env, "basis_note")

    @functools.cached_property
    def provisional(self):
        return self.env.get_template("macros.html").module.provisional_mark()

    @functools.cached_property
    def _rows(self) -> dict:
        return {}

    def pair_rows(self, matrix: list[dict], min_readings: int) -> Markup:
        """Every row of a dossier's pairwise judgements (about 140, most of them
        alike from case to case): the `pair_row` macro, once per distinct row."""
        return Markup("").join(
            self._row("pair_row", PAIR_ROW, (row["label"], min_readings), pair)
            for row in matrix
            for pair in row["pairs"]
        )

    def cells(self, cells: list[dict]) -> Markup:
        """A row of a dossier's convergence matrix: the `matrix_cell` macro, once
        per distinct cell."""
        return Markup("").join(self._row("matrix_cell", MATRIX_CELL, (), cell) for cell in cells)

    def diagram(self, diagram) -> Markup:
        """The `icamo_diagram` macro of a case's laid-out diagram (a frozen
        dataclass of numbers and texts; 404 distinct among 1,000 synthetic cases),
        once per process; keyed by its `repr`, which tells 1 from 1.0 and True."""
        key = ("icamo_diagram", repr(diagram))
        rendered = self._rows.get(key)
        if rendered is None:
            if len(self._rows) >= MAX_CACHED_ROWS:
                self._rows.clear()
            module = self.env.get_template("macros.html").module
            rendered = self._rows[key] = module.icamo_diagram(diagram)
        return rendered

    def _row(self, macro: str, fields: Fields, before: tuple, row: dict) -> Markup:
        """`macro(*before, row)`, rendered once per process for what it reads of
        `row` (`fields`): it is given those fields alone, so reading another one
        fails (StrictUndefined), and a cached row can never stand for a row that
        differs in anything it shows."""
        values = fields.plain(row)
        lists = tuple(_frozen(row[f]) for f in fields.lists)
        key = (macro, before, values, tuple(map(type, values)), lists)
        rendered = self._rows.get(key)
        if rendered is None:
            if len(self._rows) >= MAX_CACHED_ROWS:
                self._rows.clear()
            given = dict(zip(fields.names, values, strict=True))
            given.update((f, _thaw(v)) for f, v in zip(fields.lists, lists, strict=True))
            module = self.env.get_template("macros.html").module
            rendered = self._rows[key] = getattr(module, macro)(*before, given)
        return rendered


class Fields:
    """What a cached macro reads of a row: plain values (`names`), taken at once,
    and lists (`lists`)."""

    def __init__(self, names: tuple[str, ...], lists: tuple[str, ...] = ()):
        self.names, self.lists = names, lists
        getter = operator.itemgetter(*names)
        self.plain = getter if len(names) > 1 else lambda row: (getter(row),)


#: what the `pair_row` and `matrix_cell` macros read of a pair and of a cell
PAIR_ROW = Fields(
    (
        "source_a", "source_b", "stance_a", "stance_b", "meaning_agrees", "examples_agree",
        "code", "held_back", "held_back_reason", "basis_a", "basis_b", "provisional",
    ),
    ("shared_examples",),
)  # fmt: skip
MATRIX_CELL = Fields(
    ("stance", "n_excerpts", "source_kind", "basis", "provisional", "low_confidence_only"),
    ("informants",),
)
#: rows kept per process before the cache starts again (a few MB)
MAX_CACHED_ROWS = 20_000


def _frozen(value):
    """A value as part of a key, its type beside it (True, 1 and 1.0 are equal keys
    but render apart); lists and dicts as tuples."""
    if type(value) is list:
        return (list, tuple(_frozen(v) for v in value))
    if type(value) is dict:
        return (dict, tuple((k, _frozen(v)) for k, v in value.items()))
    return (type(value), value)


def _thaw(frozen):
    kind, value = frozen
    if kind is list:
        return [_thaw(v) for v in value]
    if kind is dict:
        return {k: _thaw(v) for k, v in value}
    return value

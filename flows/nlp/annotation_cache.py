"""The annotation cache's file (`flows.nlp.annotate` explains what it holds and
why it is safe to keep): one row per excerpt key, kept as columns in one
marshal file in the order of the run that wrote it (decision 0189), picked and
decoded only for the run's excerpts, written owner-only through a rename.
"""

from __future__ import annotations

import json
import marshal
from collections.abc import Sequence
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

from flows.runs import write_private

#: Changes whenever the cache's layout or meaning changes (part of the salt).
CACHE_FORMAT = "annotations-2"
CACHE_COLUMNS = (
    "key",
    "text",
    "suggested_stance",
    "suggestion_confidence",
    "suggestion_cues",
    "examples",
    "names_replaced",
    "replaced",
)


class Annotation(NamedTuple):
    """What annotation produces for one excerpt."""

    text: str
    stance: str
    confidence: float
    cues: list[str]
    examples: list[str]
    names: int
    replaced: tuple[tuple[str, int], ...]  # identifier / entity label -> count, sorted


class Cached(NamedTuple):
    """The annotation cache as read: each key's row, and the columns
    (`CACHE_COLUMNS`, lists in file order; list cells still encoded)."""

    rows: dict[str, int]
    columns: dict[str, list]


class Results(NamedTuple):
    """One annotation per excerpt, as columns (what `annotate._assemble` consumes):
    no per-row object is built for a cached row."""

    text: list[str]
    stance: list[str]
    confidence: list[float]
    cues: list[list[str]]
    examples: list[list[str]]
    names: list[int]
    replaced: list[tuple[tuple[str, int], ...]]


def _results(
    rows: list[int | None], cached: Cached | None, fresh: dict[int, Annotation]
) -> Results:
    """One annotation per excerpt: `fresh[i]`, or the cache's row `rows[i]` decoded,
    as columns picked straight from the cache's (by `operator.itemgetter`, in C;
    a miss picks the "" put after each column). Every row gets lists of its own
    (identical excerpts share a key); a list or replacement cell is decoded once
    per distinct value (few: cue, example and replacement sets repeat)."""
    columns = cached.columns if cached else {}
    end = len(columns["key"]) if columns else 0  # where each column's "" is
    picked = {name: [""] * len(rows) for name in _PICKED}
    if columns and rows:
        pick = itemgetter(*[end if r is None else r for r in rows])
        for name in _PICKED:
            found = pick([*columns[name], ""])
            picked[name] = list(found) if len(rows) > 1 else [found]
    results = Results(
        picked["text"],
        picked["suggested_stance"],
        picked["suggestion_confidence"],
        _lists(picked["suggestion_cues"]),
        _lists(picked["examples"]),
        picked["names_replaced"],
        _pairs(picked["replaced"]),
    )
    for i, annotation in fresh.items():  # the rows not in the cache ("" above)
        for column, value in zip(results, annotation, strict=True):
            column[i] = value
    return results


#: the cache columns `_results` takes for a run's rows, in `Results` order
_PICKED = CACHE_COLUMNS[1:]


def _decoded(memo: dict[str, list[str]], value: str) -> list[str]:
    found = memo.get(value)
    if found is None:
        found = memo[value] = _decode_list(value)
    return found


def _decoded_pairs(
    memo: dict[str, tuple[tuple[str, int], ...]], value: str
) -> tuple[tuple[str, int], ...]:
    found = memo.get(value)
    if found is None:
        found = memo[value] = tuple(tuple(pair) for pair in json.loads(value))
    return found


def _lists(cells: list[str]) -> list[list[str]]:
    """Each encoded list cell decoded, as a list of its own."""
    memo: dict[str, list[str]] = {"": []}
    out = []
    for cell in cells:
        found = memo.get(cell)
        if found is None:
            found = memo[cell] = _decode_list(cell)
        out.append(found.copy())
    return out


def _pairs(cells: list[str]) -> list[tuple[tuple[str, int], ...]]:
    memo: dict[str, tuple[tuple[str, int], ...]] = {"": ()}
    return [_decoded_pairs(memo, cell) for cell in cells]


#: each column's type in the file (`read_cache` takes a file only when every cell is so)
_TYPES = dict(zip(CACHE_COLUMNS, (str, str, str, float, str, str, int, str), strict=True))


def read_cache(path: Path) -> Cached | None:
    """The cached annotations (decoded by `_results`, for the run's excerpts
    only); None when the file is missing, unreadable, or not of this format."""
    try:
        stored = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(stored, dict) or stored.get("format") != CACHE_FORMAT:
        return None
    columns = stored.get("columns")
    if not isinstance(columns, dict) or set(columns) != set(CACHE_COLUMNS):
        return None
    n = len(columns["key"]) if isinstance(columns["key"], list) else -1
    for name, kind in _TYPES.items():
        column = columns[name]
        if not isinstance(column, list) or len(column) != n or set(map(type, column)) - {kind}:
            return None  # a cell `_results` could not use: none of it is read
    try:
        for value in set(columns["suggestion_cues"]) | set(columns["examples"]):
            _decode_list(value)  # every distinct cell decodes (else none is read)
        for value in set(columns["replaced"]) - {""}:
            _ = [tuple(pair) for pair in json.loads(value)]  # likewise
    except (ValueError, TypeError):
        return None
    rows = {key: row for row, key in enumerate(columns["key"])}
    if len(rows) != n:
        return None  # a key twice: not a file this module wrote
    return Cached(rows, columns)


#: Separates the items of a list of strings in one cache cell (JSON if an item holds it).
_SEP = "\x1f"


def _encode_list(values: Sequence[str]) -> str:
    """A list of strings as one string: "" for none, else each item after `_SEP`
    (or JSON when an item holds `_SEP`); `_decode_list` reverses it exactly."""
    if not values:
        return ""
    if any(_SEP in v for v in values):
        return json.dumps(list(values))
    return _SEP + _SEP.join(values)


def _decode_list(value: str) -> list[str]:
    if not value:
        return []
    if value[0] == _SEP:
        return value[1:].split(_SEP)
    return json.loads(value)


def write_cache(
    path: Path,
    keys: list[str],
    fresh: dict[int, Annotation],
    previous: Cached | None,
) -> None:
    """Replace the cache with exactly this run's excerpts, one row per distinct key
    in the run's order (the first excerpt of each key): the `fresh` annotations
    (by excerpt position), and the other rows copied from the previous file.
    Owner-only (0600); written to a temporary file, then renamed."""
    if not fresh and previous is not None and previous.rows.keys() == set(keys):
        path.chmod(0o600)  # same rows: the file stays as it is
        return
    old = previous.columns if previous is not None else {name: [] for name in CACHE_COLUMNS}
    base = len(old["key"])  # a fresh row's cells go after the previous file's rows
    added: dict[str, list] = {name: [] for name in CACHE_COLUMNS}
    source: list[int] = []  # per row of the new file: its row in old + added
    seen: set[str] = set()
    for i, key in enumerate(keys):
        if key in seen:
            continue
        seen.add(key)
        annotation = fresh.get(i)
        if annotation is None:
            source.append(previous.rows[key])  # not annotated this run: a hit
            continue
        source.append(base + len(added["key"]))
        cells = (
            key,
            annotation.text,
            annotation.stance,
            float(annotation.confidence),
            _encode_list(annotation.cues),
            _encode_list(annotation.examples),
            int(annotation.names),
            json.dumps([list(p) for p in annotation.replaced]) if annotation.replaced else "",
        )
        for name, cell in zip(CACHE_COLUMNS, cells, strict=True):
            added[name].append(cell)
    out: dict[str, list] = {name: [] for name in CACHE_COLUMNS}
    if source:  # each column picked in C (`operator.itemgetter`)
        pick = itemgetter(*source)
        for name in CACHE_COLUMNS:
            found = pick([*old[name], *added[name]])
            out[name] = list(found) if len(source) > 1 else [found]
    write_private(path, marshal.dumps({"format": CACHE_FORMAT, "columns": out}))
    path.chmod(0o600)

"""Exports assembled from per-case fragments, so a re-run rewrites only what changed.

An export whose query's first column is `case_id` is kept, in the private
cache, as one fragment per case: its CSV lines and its XLSX rows (with the row
number left open). A run queries only the changed cases' rows (the export's
own SQL file, filtered by case), audits their text for roster names as it
makes them, and assembles every file from the fragments in case order. A cold
run makes every fragment from one query over all cases and assembles them the
same way, so a re-run's files are byte-identical to a cold run's.

Exports over all cases at once (the QCA tables) are small and written whole.
"""

from __future__ import annotations

import csv
import hashlib
import io
import marshal
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb

from flows import warehouse
from flows.privacy.audit import NameScreen
from flows.render import exports

#: bumped when the fragment format changes (older caches are ignored)
FORMAT = 3
ROW_NUMBER = "\x00"  # where an XLSX row number goes (never in XML text: it is escaped)


#: short texts made cells before (codes, stances, labels repeat), at most this many
_CELLS: dict[str, str] = {}
_CELLS_MAX = 100_000


def cell(value):
    """A value as an export cell (as `exports.safe_frame` makes it): None for
    missing, lists joined with "; ", decimals as floats, formulas neutralised."""
    if type(value) is str:
        made = _CELLS.get(value)
        if made is None:
            made = exports.neutralise(value)
            if len(value) < exports.ESCAPED_LENGTH and len(_CELLS) < _CELLS_MAX:
                _CELLS[value] = made
        return made
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, list | tuple):
        value = "; ".join(map(str, value))
    elif isinstance(value, Decimal):
        value = float(value)
    return exports.neutralise(value)


def csv_text(rows: Sequence[Sequence]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return buffer.getvalue()


@dataclass
class Fragment:
    """One case's rows of one export: CSV text, XLSX rows, and whether the
    cell text holds a roster name."""

    csv: str
    xlsx: list[str]
    leak: bool = False

    def digest(self) -> bytes:
        return hashlib.blake2b(
            marshal.dumps((self.csv, self.xlsx, self.leak)), digest_size=16
        ).digest()


@dataclass
class ExportCache:
    """Every per-case export's header and fragments, with the keys they hold for.

    Kept as a small state file (`path`: keys, headers, each fragment's digest,
    whether any holds a name, the digests of the files last assembled) and, in
    the folder `exports/` beside it, one file of fragments per export with a
    copy of the files last assembled from them. An export's fragments are read
    only when it is assembled anew (`fragments_of`): a run rewrites only the
    exports whose fragments changed (`dirty`) and copies the others."""

    shared: str = ""
    names: str = ""
    keys: dict[str, str] = field(default_factory=dict)
    headers: dict[str, list[str]] = field(default_factory=dict)
    #: per export: the fragments read or made this run
    fragments: dict[str, dict[str, Fragment]] = field(default_factory=dict)
    #: the exports whose fragments this run changed (saved, assembled anew)
    dirty: set[str] = field(default_factory=set)
    #: per export: the SHA-256 of its last assembled CSV and XLSX (kept in `folder`)
    assembled: dict[str, tuple[str, str]] = field(default_factory=dict)
    folder: Path | None = None
    #: per export: each case's `Fragment.digest`, and whether any fragment holds a name
    digests: dict[str, dict[str, bytes]] = field(default_factory=dict)
    leaks: dict[str, bool] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> ExportCache:
        folder = path.parent / "exports"
        try:
            data = marshal.loads(path.read_bytes())
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                return cls(folder=folder)
            cache = cls(data["shared"], data["names"], data["keys"], data["headers"])
            cache.assembled, cache.digests = data["assembled"], data["digests"]
            cache.leaks, cache.folder = data["leaks"], folder
        except (OSError, EOFError, ValueError, TypeError, KeyError):
            return cls(folder=folder)
        return cache

    def fragments_of(self, stem: str) -> dict[str, Fragment] | None:
        """`stem`'s fragments, read from its file on first use; None when the
        file is missing, unreadable or not what the state file says (then
        every fragment is made again)."""
        if stem in self.fragments:
            return self.fragments[stem]
        try:
            saved = marshal.loads((self.folder / f"{stem}.marshal").read_bytes())
            made = {case: Fragment(*parts) for case, parts in saved["cases"].items()}
        except (OSError, EOFError, ValueError, TypeError, KeyError, AttributeError):
            return None
        if {case: f.digest() for case, f in made.items()} != self.digests.get(stem):
            return None
        self.fragments[stem] = made
        return made

    def save(self, path: Path) -> None:
        """The changed exports' fragments first, then the state that points at them."""
        folder = path.parent / "exports"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        for stem in sorted(self.dirty):
            cases = {case: (f.csv, f.xlsx, f.leak) for case, f in self.fragments[stem].items()}
            (folder / f"{stem}.marshal").write_bytes(marshal.dumps({"cases": cases}))
        data = {
            "format": FORMAT,
            "shared": self.shared,
            "names": self.names,
            "keys": self.keys,
            "headers": self.headers,
            "assembled": self.assembled,
            "digests": self.digests,
            "leaks": self.leaks,
        }
        path.write_bytes(marshal.dumps(data))

    def keep_assembled(self, stem: str, paths: tuple[Path, Path]) -> None:
        """Keep a copy of the files just assembled for `stem` (for a run that
        changes none of its fragments)."""
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        digests = []
        for written in paths:
            data = written.read_bytes()
            (self.folder / written.name).write_bytes(data)
            digests.append(hashlib.sha256(data).hexdigest())
        self.assembled[stem] = (digests[0], digests[1])

    def copy_assembled(self, stem: str, folder: Path) -> tuple[Path, Path] | None:
        """`stem`'s files as last assembled, copied into `folder`; None when the
        kept copies are missing or not what was assembled (then assemble)."""
        if self.folder is None or stem not in self.assembled:
            return None
        names, contents = (f"{stem}.csv", f"{stem}.xlsx"), []
        for name, digest in zip(names, self.assembled[stem], strict=True):
            try:
                data = (self.folder / name).read_bytes()
            except OSError:
                return None
            if hashlib.sha256(data).hexdigest() != digest:
                return None
            contents.append(data)
        for name, data in zip(names, contents, strict=True):
            (folder / name).write_bytes(data)
        return folder / names[0], folder / names[1]


def make_fragments(rows: Sequence[tuple], screen: NameScreen) -> dict[str, Fragment]:
    """Rows of one export (first column case_id) as a fragment per case, in row order."""
    by_case: dict[str, list[list]] = {}
    for row in rows:
        by_case.setdefault(row[0], []).append([cell(v) for v in row])
    made = {}
    for case_id, case_rows in by_case.items():
        xlsx = [exports.xlsx_row(ROW_NUMBER, values) for values in case_rows]
        text = "\n".join(str(v) for row in case_rows for v in row if v is not None)
        made[case_id] = Fragment(csv_text(case_rows), xlsx, leak=screen.holds_name(text))
    return made


def query_cases(
    con: duckdb.DuckDBPyConnection, query_name: str, case_ids: list[str] | None
) -> tuple[list[str], list[tuple]]:
    """An export query's columns and rows, for `case_ids` only (None: all cases).
    The filter sits on top of the file's own query, whose order it keeps."""
    relation = case_relation(con, query_name, case_ids)
    if case_ids == []:
        return relation.columns, []
    return relation.columns, relation.fetchall()


def case_relation(
    con: duckdb.DuckDBPyConnection, query_name: str, case_ids: list[str] | None
) -> duckdb.DuckDBPyRelation:
    """A query of sql/queries/ filtered to `case_ids` (None: all cases); the
    filter sits on top of the file's own query, whose order it keeps."""
    relation = con.sql(warehouse.query_sql(query_name))
    if case_ids is None:
        return relation
    return relation.filter(
        duckdb.FunctionExpression(
            "list_contains",
            duckdb.ConstantExpression(case_ids),
            duckdb.ColumnExpression("case_id"),
        )
    )


def write_export(
    stem: str, header: list[str], parts: list[Fragment], folder: Path
) -> tuple[Path, Path]:
    """Assemble `stem`.csv and `stem`.xlsx from the header and fragments in order."""
    csv_path, xlsx_path = folder / f"{stem}.csv", folder / f"{stem}.xlsx"
    with csv_path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(csv_text([header]))
        for part in parts:
            handle.write(part.csv)
    rows = [exports.xlsx_row(1, header, style=' s="1"')]
    number = 2
    for part in parts:
        for row in part.xlsx:
            rows.append(row.replace(ROW_NUMBER, str(number)))
            number += 1
    exports.write_xlsx_rows(rows, len(header), xlsx_path, sheet=stem)
    return csv_path, xlsx_path


def update_exports(
    con: duckdb.DuckDBPyConnection,
    queries: dict[str, str],
    case_keys: dict[str, str],
    changed: list[str] | None,
    cache: ExportCache,
    screen: NameScreen,
    folder: Path,
    order_columns: Callable[[str, list[str]], list[str]] = lambda stem, columns: columns,
) -> tuple[list[Path], list[dict]]:
    """Write every per-case export of `queries` (file stem -> query name) from
    fragments, recomputing those of the `changed` cases (None: all). An export
    whose changed cases' fragments are as before is copied as last assembled
    (its other fragments not even read). Returns the files written and the
    roster-name hits in their cell text."""
    written, hits = [], []
    for stem, query_name in queries.items():
        stale = changed if stem in cache.digests else None
        order, fresh = _fresh(con, stem, query_name, stale, screen, order_columns)
        if stale is not None and order != cache.headers.get(stem):
            stale = None  # other columns: every fragment again
            order, fresh = _fresh(con, stem, query_name, None, screen, order_columns)
        digests = cache.digests.get(stem, {})
        same = stale is not None and all(
            digests.get(c) == (fresh[c].digest() if c in fresh else None) for c in stale
        )
        paths = cache.copy_assembled(stem, folder) if same else None
        if paths is None:
            kept = {} if stale is None else cache.fragments_of(stem)
            if kept is None:  # its fragments unreadable: every fragment again
                order, fresh = _fresh(con, stem, query_name, None, screen, order_columns)
                kept, stale = {}, None
            kept = dict(kept)
            for case_id in stale or []:
                kept.pop(case_id, None)
            kept.update(fresh)
            cache.fragments[stem] = kept
            cache.digests[stem] = {c: f.digest() for c, f in kept.items()}
            cache.leaks[stem] = any(f.leak for f in kept.values())
            # case order: as the exports' "order by case_id" (code point order)
            paths = write_export(stem, order, [kept[c] for c in sorted(kept)], folder)
            cache.dirty.add(stem)
            cache.keep_assembled(stem, paths)
        cache.headers[stem] = order
        written += paths
        header_leak = screen.holds_name("\n".join(order))
        if header_leak or cache.leaks[stem]:
            hits += [{"where": f"exports/{p.name}", "line": 0} for p in paths]
    cache.keys = dict(case_keys)
    return written, hits


def _fresh(
    con: duckdb.DuckDBPyConnection,
    stem: str,
    query_name: str,
    case_ids: list[str] | None,
    screen: NameScreen,
    order_columns: Callable[[str, list[str]], list[str]],
) -> tuple[list[str], dict[str, Fragment]]:
    """An export's columns in order and the fragments of `case_ids` (None: all)."""
    columns, rows = query_cases(con, query_name, case_ids)
    order = order_columns(stem, list(columns))
    if order != list(columns):
        positions = [list(columns).index(c) for c in order]
        rows = [tuple(row[i] for i in positions) for row in rows]
    return order, make_fragments(rows, screen)

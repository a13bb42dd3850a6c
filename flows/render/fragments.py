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
FORMAT = 2
ROW_NUMBER = "\x00"  # where an XLSX row number goes (never in XML text: it is escaped)


def cell(value):
    """A value as an export cell (as `exports.safe_frame` makes it): None for
    missing, lists joined with "; ", decimals as floats, formulas neutralised."""
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


@dataclass
class ExportCache:
    """Every per-case export's header and fragments, with the keys they hold for.

    Kept as a small state file (`path`: keys, headers) and, in the folder
    `exports/` beside it, one file of fragments per export with a copy of the
    files last assembled from them: a run rewrites only the exports whose
    fragments changed (`dirty`) and copies the others."""

    shared: str = ""
    names: str = ""
    keys: dict[str, str] = field(default_factory=dict)
    headers: dict[str, list[str]] = field(default_factory=dict)
    fragments: dict[str, dict[str, Fragment]] = field(default_factory=dict)
    #: the exports whose fragments this run changed (saved, assembled anew)
    dirty: set[str] = field(default_factory=set)
    #: per export: the SHA-256 of its last assembled CSV and XLSX (kept in `folder`)
    assembled: dict[str, tuple[str, str]] = field(default_factory=dict)
    folder: Path | None = None

    @classmethod
    def load(cls, path: Path) -> ExportCache:
        folder = path.parent / "exports"
        try:
            data = marshal.loads(path.read_bytes())
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                return cls(folder=folder)
            fragments, assembled = {}, {}
            for stem in data["stems"]:
                saved = marshal.loads((folder / f"{stem}.marshal").read_bytes())
                fragments[stem] = {case: Fragment(*parts) for case, parts in saved["cases"].items()}
                assembled[stem] = saved["assembled"]
        except (OSError, EOFError, ValueError, TypeError, KeyError):
            return cls(folder=folder)
        keys, headers = data["keys"], data["headers"]
        return cls(
            data["shared"], data["names"], keys, headers, fragments, set(), assembled, folder
        )

    def save(self, path: Path) -> None:
        """The changed exports' fragments first, then the state that points at them."""
        folder = path.parent / "exports"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        for stem in sorted(self.dirty):
            cases = {case: (f.csv, f.xlsx, f.leak) for case, f in self.fragments[stem].items()}
            saved = {"cases": cases, "assembled": self.assembled.get(stem)}
            (folder / f"{stem}.marshal").write_bytes(marshal.dumps(saved))
        data = {
            "format": FORMAT,
            "shared": self.shared,
            "names": self.names,
            "keys": self.keys,
            "headers": self.headers,
            "stems": sorted(self.fragments),
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
    fragments, recomputing those of the `changed` cases (None: all). Returns
    the files written and the roster-name hits in their cell text."""
    written, hits = [], []
    for stem, query_name in queries.items():
        stale = changed if stem in cache.fragments else None
        columns, rows = query_cases(con, query_name, stale)
        order = order_columns(stem, list(columns))
        if stale is not None and order != cache.headers.get(stem):
            stale = None  # other columns: every fragment again
            columns, rows = query_cases(con, query_name, None)
        if order != list(columns):
            positions = [list(columns).index(c) for c in order]
            rows = [tuple(row[i] for i in positions) for row in rows]
        fresh = make_fragments(rows, screen)
        kept = {} if stale is None else cache.fragments[stem]
        same = stale is not None and all(kept.get(c) == fresh.get(c) for c in stale)
        for case_id in stale or []:
            kept.pop(case_id, None)
        kept.update(fresh)
        cache.fragments[stem], cache.headers[stem] = kept, order
        # case order: as the exports' "order by case_id" (code point order)
        parts = [kept[c] for c in sorted(kept)]
        paths = cache.copy_assembled(stem, folder) if same else None
        if paths is None:
            paths = write_export(stem, order, parts, folder)
            cache.dirty.add(stem)
            cache.keep_assembled(stem, paths)
        written += paths
        header_leak = screen.holds_name("\n".join(order))
        if header_leak or any(part.leak for part in parts):
            hits += [{"where": f"exports/{p.name}", "line": 0} for p in paths]
    cache.keys = dict(case_keys)
    return written, hits

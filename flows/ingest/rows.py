"""Rows of the native input tables: header check, and rows that cannot be read.

`read_csv_rows` reads a CSV or XLSX table with the settings the study file
gives the input; `row_problem` names a row with more cells than the header or
a control character in a cell (such rows go to the rejects, never loaded).
"""

from __future__ import annotations

from pathlib import Path

from flows.errors import InputFileError
from flows.readers.common import Rejects
from flows.readers.tables import CONTROL, EXTRA_CELLS, read_table
from flows.study import InputSpec


def read_csv_rows(
    path: Path, required: tuple[str, ...], spec: InputSpec | None = None
) -> list[tuple[int, dict[str, str]]]:
    """Rows of a native input table as (row number, row); checks the header.

    CSV or XLSX (`flows.readers.tables.read_table`: size, row and cell limits),
    with the `encoding`, `delimiter` and `sheet` the study file gives the input.
    A row with more cells than the header holds them, joined, in `__extra__`."""
    table = read_table(
        path,
        encoding=spec.encoding if spec else "utf-8",
        delimiter=spec.delimiter if spec else None,
        sheet=spec.sheet if spec else None,
    )
    missing = [c for c in required if c not in table.header]
    if missing:
        raise InputFileError(
            str(path),
            f"header: missing column(s) {', '.join(missing)}; expected {', '.join(required)}",
        )
    return [(int(line), row) for line, row in table.rows]


def row_problem(row: dict[str, str]) -> tuple[str, str] | None:
    """(element, reason) when a native row has extra cells or control characters."""
    if row.get("__extra__"):
        return "row", EXTRA_CELLS
    if not CONTROL.search("".join(row.values())):  # one search per row, cells only on a hit
        return None
    for column, value in row.items():
        found = CONTROL.search(value)
        if found:
            return column, f"control character U+{ord(found.group()):04X} in the cell"
    return None


def _split_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _rows(
    path: Path,
    required: tuple[str, ...],
    read_counts: dict[str, int] | None,
    rejects: Rejects,
    spec: InputSpec | None = None,
) -> list[tuple[int, dict[str, str]]]:
    """`read_csv_rows`, noting the number of data rows read in `read_counts` (by
    file name); rows with extra cells or control characters go to the rejects."""
    rows = read_csv_rows(path, required, spec)
    if read_counts is not None:
        read_counts[path.name] = len(rows)
    kept = []
    for line, row in rows:
        problem = row_problem(row)
        if problem:
            rejects.add(path, line, *problem)
        else:
            kept.append((line, row))
    return kept

"""SPSS (.sav, .zsav) and Stata (.dta) files, read in a separate process.

pyreadstat wraps the C library ReadStat, which can crash the whole process
(a segmentation fault, found by the hostile-file tests) on a damaged file.
A crash cannot be caught in Python, so the file is read by a short-lived
child process (`python -m flows.readers.stat_files <format> <path>`) that
prints the cells as JSON; a crash, a timeout or an error in the child
becomes an `InputFileError` naming the file. The cost is one interpreter
start (about half a second) per statistics file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from flows.errors import InputFileError, UnsafeInputError

TIMEOUT_SECONDS = 300
KINDS = {"spss": "SPSS", "stata": "Stata"}


def read_stat_file(
    path: Path, fmt: str, label: str
) -> tuple[list[str], list[list[str]], dict[str, dict[str, str]], dict[str, str]]:
    """Header, rows of text cells, value labels (column -> code -> label) and
    variable labels (column -> label, "EPDS totalskår (0-30)")."""
    from flows.readers.common import MAX_FILE_BYTES

    kind = KINDS[fmt]
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise UnsafeInputError(label, f"file is larger than {MAX_FILE_BYTES} bytes; refused")
    except OSError as exc:
        raise InputFileError(label, f"cannot be read: {exc.strerror or exc}") from None
    try:
        done = subprocess.run(
            [sys.executable, "-m", "flows.readers.stat_files", fmt, str(path)],
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise InputFileError(
            label, f"reading the {kind} file took longer than {TIMEOUT_SECONDS} s; refused"
        ) from None
    if done.returncode < 0:
        raise InputFileError(
            label,
            f"not a readable {kind} file (the reader crashed on it, signal {-done.returncode})",
        )
    try:
        result = json.loads(done.stdout.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InputFileError(label, f"not a readable {kind} file (the reader failed)") from None
    if "error" in result:
        raise InputFileError(label, f"not a readable {kind} file ({result['error']})")
    return result["header"], result["rows"], result["labels"], result.get("column_labels", {})


def _read(fmt: str, path: str) -> dict:
    """In the child: the file's cells as text (pyreadstat's dict output; no pandas)."""
    import pyreadstat

    from flows.readers.cells import cell_text

    reader = pyreadstat.read_sav if fmt == "spss" else pyreadstat.read_dta
    columns, meta = reader(path, user_missing=False, output_format="dict")
    header = [str(c) for c in columns]
    values = list(columns.values())
    count = len(values[0]) if values else 0
    rows = [[cell_text(column[i]) for column in values] for i in range(count)]
    labels = {
        str(column): {cell_text(code): str(text) for code, text in mapping.items()}
        for column, mapping in (meta.variable_value_labels or {}).items()
    }
    column_labels = {
        str(column): str(text)
        for column, text in zip(columns, meta.column_labels or [], strict=False)
        if text
    }
    return {"header": header, "rows": rows, "labels": labels, "column_labels": column_labels}


def main(argv: list[str]) -> int:
    fmt, path = argv
    try:
        result = _read(fmt, path)
    except Exception as exc:  # reported to the parent as data, never a traceback
        result = {"error": type(exc).__name__}
    sys.stdout.write(json.dumps(result, ensure_ascii=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

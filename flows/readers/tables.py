"""CSV and XLSX sheets as rows of text, with the file's own row numbers.

`read_table` returns the header and `(row, cells)` pairs; `row` is what a
researcher sees: the CSV line number or the spreadsheet row (header = 1).
Problems that make the whole file unreadable raise `InputFileError`, naming
the file and the row or cell.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from flows.errors import InputFileError, UnsafeInputError
from flows.readers.common import MAX_CELL_CHARS, MAX_ROWS, bounded_read, cell_text, decode_text
from flows.readers.safe_zip import check_zip

DELIMITERS = (",", ";", "\t")
#: joins the cells beyond the header's columns in a row's `__extra__` entry
EXTRA_SEPARATOR = "\x1f"
#: the reject reason of such a row (its cells are shifted: nothing of it is loaded)
EXTRA_CELLS = "more cells than the header has columns (an unquoted comma?)"


@dataclass
class Table:
    file: Path
    header: list[str]
    rows: list[tuple[str, dict[str, str]]]


def read_table(
    path: Path,
    *,
    encoding: str = "utf-8",
    delimiter: str | None = None,
    sheet: str | None = None,
    label: str | None = None,
) -> Table:
    """Read a `.csv` (or `.tsv`/`.txt`) or `.xlsx` file as text cells."""
    label = label or str(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet, label)
    return _read_csv(path, encoding, delimiter, label)


def _sniff(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _clean_header(header: list[str], label: str) -> list[str]:
    cleaned = [h.strip().lstrip("\ufeff") for h in header]
    seen: set[str] = set()
    for name in cleaned:
        if name and name in seen:
            raise InputFileError(label, f"duplicate column {name!r}", where="header")
        seen.add(name)
    return cleaned


def _csv_text(path: Path, encoding: str, label: str) -> str:
    """A CSV file's text, or `InputFileError` (too large, not text in `encoding`)."""
    data = bounded_read(path)
    try:
        text = decode_text(data, encoding)
    except UnicodeDecodeError as exc:
        shown = "UTF-8" if codecs.lookup(encoding).name == "utf-8" else encoding
        raise InputFileError(label, f"not {shown} text (byte {exc.start}): {exc.reason}") from None
    except LookupError:
        raise InputFileError(label, f"unknown text encoding {encoding!r}") from None
    if text.count("\x00") * 100 > len(text):  # a few NULs are a row's problem (rejected there)
        raise InputFileError(label, "contains NUL characters: not a text table (binary file?)")
    return text


#: control characters a text cell may not hold (tab, new line and carriage return may;
#: `flows.ingest.rows.row_problem` rejects a row holding one)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def plain_columns(
    path: Path, required: tuple[str, ...], *, encoding: str = "utf-8", delimiter: str | None = None
) -> tuple[int, dict[str, list[str]]] | None:
    """The `required` columns (stripped cells, in row order) and the number of
    rows of a CSV table that `read_table` and `row_problem` take whole: every row
    as wide as the header, no cell too long, no control character anywhere in the
    file, nothing that raises. None otherwise (an `.xlsx` file too): the caller
    then reads it row by row, which rejects or raises as ever. Made column by
    column, in C where it can be (decision 0269): the same cells `read_table` gives."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return None
    try:
        text = _csv_text(path, encoding, str(path))
        if CONTROL.search(text):
            return None
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter or _sniff(text))
        header = _clean_header(next(reader, []), str(path))
        records = [cells for cells in reader if cells]  # a blank line: skipped, as read_table does
    except (InputFileError, UnsafeInputError, csv.Error):
        return None
    width = len(header)
    if len(records) > MAX_ROWS or any(len(cells) != width for cells in records):
        return None
    if any(name not in header for name in required):
        return None
    raw = list(zip(*records, strict=True)) if records else [() for _ in header]
    if any(max(map(len, cells), default=0) > MAX_CELL_CHARS for cells in raw):
        return None
    return len(records), {name: list(map(str.strip, raw[header.index(name)])) for name in required}


def _read_csv(path: Path, encoding: str, delimiter: str | None, label: str) -> Table:
    text = _csv_text(path, encoding, label)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter or _sniff(text))
    try:
        header = _clean_header(next(reader, []), label)
        rows = []
        for cells in reader:
            line = reader.line_num
            if len(rows) >= MAX_ROWS:
                raise UnsafeInputError(label, f"more than {MAX_ROWS} rows; refused")
            stripped = [c.strip() for c in cells]
            if not any(stripped):
                continue
            if max(map(len, cells)) > MAX_CELL_CHARS:
                raise UnsafeInputError(
                    label,
                    f"a field is longer than {MAX_CELL_CHARS} characters; refused",
                    where=f"row {line}",
                )
            if len(stripped) < len(header):
                stripped += [""] * (len(header) - len(stripped))
            # extra cells beyond the header are not columns; a repeated "" header: the last cell
            row = dict(zip(header, stripped, strict=False))
            if any(stripped[len(header) :]):
                row["__extra__"] = EXTRA_SEPARATOR.join(cells[len(header) :])
            rows.append((str(line), row))
    except csv.Error as exc:
        message = str(exc)
        if "field larger than field limit" in message:
            raise UnsafeInputError(
                label,
                f"a field is longer than {MAX_CELL_CHARS} characters; refused",
                where=f"row {reader.line_num}",
            ) from None
        raise InputFileError(
            label, f"malformed CSV: {message}", where=f"row {reader.line_num}"
        ) from None
    return Table(path, header, rows)


def _read_xlsx(path: Path, sheet: str | None, label: str) -> Table:
    check_zip(path, label)
    import openpyxl
    from openpyxl.utils import get_column_letter

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except UnsafeInputError:
        raise
    except Exception as exc:  # openpyxl raises many types on a broken workbook
        raise InputFileError(
            label, f"not a readable XLSX workbook ({type(exc).__name__})"
        ) from None
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise InputFileError(
                label, f"no sheet named {sheet!r} (sheets: {', '.join(workbook.sheetnames)})"
            )
        worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
        header: list[str] | None = None
        rows = []
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS + 1:
                raise UnsafeInputError(label, f"more than {MAX_ROWS} rows; refused")
            texts = []
            for column, value in enumerate(values):
                text = cell_text(value)
                if len(text) > MAX_CELL_CHARS:
                    raise UnsafeInputError(
                        label,
                        f"a cell is longer than {MAX_CELL_CHARS} characters; refused",
                        where=f"cell {get_column_letter(column + 1)}{number}",
                    )
                texts.append(text)
            if header is None:
                header = _clean_header(texts, label)
                while header and not header[-1]:
                    header.pop()
                continue
            if not any(texts):
                continue
            row = {h: (texts[i] if i < len(texts) else "") for i, h in enumerate(header)}
            if any(texts[len(header) :]):
                row["__extra__"] = EXTRA_SEPARATOR.join(texts[len(header) :])
            rows.append((str(number), row))
    except (InputFileError, UnsafeInputError):
        raise
    except Exception as exc:
        raise InputFileError(
            label, f"not a readable XLSX workbook ({type(exc).__name__})"
        ) from None
    finally:
        workbook.close()
    return Table(path, header or [], rows)

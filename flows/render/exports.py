"""Tables written beside the dossiers: CSV and XLSX, safe to open in a spreadsheet.

Cells that a spreadsheet would read as a formula (starting with =, +, -, @,
tab, carriage return or line feed, also after a field delimiter inside the
cell) get an apostrophe. XLSX files are written
byte-for-byte reproducibly (fixed document and ZIP time stamps).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
FIXED_TIME = dt.datetime(2000, 1, 1, 0, 0, 0)
#: a formula character after a field delimiter (",", ";", tab, "|") and optional spaces:
#: a reader splitting on that delimiter would see a cell starting with it
_AFTER_DELIMITER = re.compile(r"([,;\t|])([ ]*)(?=[=+\-@＝＋－＠])")


def neutralise(value):
    """A cell value that cannot start a formula (OWASP CSV injection rule): a
    leading = + - @ tab, carriage return or line feed (also after leading spaces)
    gets an apostrophe, and so does each such character that follows a field
    delimiter inside the cell, for readers that split on ";" or tabs."""
    if not isinstance(value, str):
        return value
    if _AFTER_DELIMITER.search(value):
        value = _AFTER_DELIMITER.sub(r"\1\2'", value)
    if value.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing values as empty cells, lists joined with "; ", formulas neutralised."""
    out = frame.astype(object).where(frame.notna(), None)
    out = out.map(lambda v: "; ".join(map(str, v)) if isinstance(v, list | tuple) else v)
    return out.map(neutralise)


def write_csv(frame: pd.DataFrame, path: Path, safe: pd.DataFrame | None = None) -> None:
    """`safe` is `safe_frame(frame)` when the caller has it already."""
    safe = safe_frame(frame) if safe is None else safe
    safe.to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")


def write_xlsx(
    frame: pd.DataFrame,
    path: Path,
    sheet: str,
    safe: pd.DataFrame | None = None,
    choices: dict[str, list[str]] | None = None,
) -> None:
    """One sheet with a bold, frozen header row; reproducible bytes.

    The package is written directly as SpreadsheetML (ECMA-376): a few fixed
    parts and one worksheet of inline strings, numbers and booleans. Every
    string cell is typed as text, so nothing is ever read as a formula. About
    ten times faster than a general-purpose writer on large exports; openpyxl
    reads every file back in the tests.

    `choices` maps a cell range (e.g. "L2 L5:L9") to the values a drop-down
    offers there (XLSX list data validation; blank cells allowed)."""
    safe = safe_frame(frame) if safe is None else safe
    rows = [xlsx_row(1, list(map(str, frame.columns)), style=' s="1"')]
    rows += [
        xlsx_row(number, values)
        for number, values in enumerate(safe.itertuples(index=False, name=None), 2)
    ]
    write_xlsx_rows(rows, len(frame.columns), path, sheet, choices)


def write_xlsx_rows(
    rows: list[str], n_columns: int, path: Path, sheet: str, choices: dict | None = None
) -> None:
    """The package around worksheet rows made by `xlsx_row` (the header first;
    `choices` as in `write_xlsx`)."""
    parts = _package(rows, len(rows), n_columns, sheet, choices)
    parts["xl/worksheets/sheet1.xml"] = "".join(parts["xl/worksheets/sheet1.xml"])
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, text.encode("utf-8"))


def write_xlsx_pieces(
    pieces: list[str | tuple[bytes, int, int]],
    n_rows: int,
    n_columns: int,
    path: Path,
    sheet: str,
    choices: dict | None,
    cache: dict[bytes, bytes],
    used: dict[bytes, bytes],
) -> None:
    """Like `write_xlsx_rows`, the rows given as pieces (each some whole rows,
    `n_rows` in all) compressed one by one, reusing those in `cache`
    (`flows.render.deflated`; `used`: every piece's compressed bytes); a piece
    may be given compressed already (`deflated.pack`)."""
    from flows.render import deflated

    parts = _package(pieces, n_rows, n_columns, sheet, choices)
    members = []
    for name, text in parts.items():
        if isinstance(text, list):
            texts = [t.encode("utf-8") if isinstance(t, str) else t for t in text]
            packed = deflated.deflate_pieces(texts, cache, used)
        else:
            packed = deflated.deflate_whole(text.encode("utf-8"))
        members.append((name, *packed))
    deflated.write_zip(path, members)


def _package(
    rows: list[str], n_rows: int, n_columns: int, sheet: str, choices: dict | None
) -> dict[str, str | list[str]]:
    """The package's parts; the worksheet as pieces: its start, the rows, its end."""
    last = f"{get_column_letter(max(n_columns, 1))}{n_rows}"
    start, end = _WORKSHEET.split("{rows}")
    return {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _ROOT_RELS,
        "docProps/app.xml": _APP,
        "docProps/core.xml": _CORE,
        "xl/workbook.xml": _WORKBOOK.format(sheet=escape(sheet[:31], _QUOTES)),
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
        "xl/styles.xml": _STYLES,
        "xl/worksheets/sheet1.xml": [
            start.format(last=last),
            *rows,
            end.format(after=_validations(choices or {})),
        ],
    }


def _validations(choices: dict[str, list[str]]) -> str:
    """`<dataValidations>` for drop-down lists, or nothing."""
    if not choices:
        return ""
    items = []
    for sqref, values in choices.items():
        listed = ",".join(v.replace('"', "") for v in values)
        items.append(
            f'<dataValidation type="list" allowBlank="1" showErrorMessage="1" '
            f'sqref="{escape(sqref)}"><formula1>"{_xml_text(listed)}"</formula1></dataValidation>'
        )
    return f'<dataValidations count="{len(items)}">{"".join(items)}</dataValidations>'


_QUOTES = {'"': "&quot;"}
#: characters XML 1.0 cannot hold, and a literal "_xHHHH_" (which would be read
#: as an escape): written as OOXML escapes (ST_Xstring)
_UNSAFE_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")


#: short texts escaped before (most cells repeat: codes, stances, labels), at most
#: this many, each shorter than `ESCAPED_LENGTH` (long texts seldom repeat)
_ESCAPED: dict[str, str] = {}
_ESCAPED_MAX = 100_000
ESCAPED_LENGTH = 200


def _xml_text(value: str) -> str:
    text = _ESCAPED.get(value)
    if text is None:
        text = _escaped_text(value)
        if len(value) < ESCAPED_LENGTH and len(_ESCAPED) < _ESCAPED_MAX:
            _ESCAPED[value] = text
    return text


def _escaped_text(value: str) -> str:
    text = escape(value)
    if _UNSAFE_XML.search(text):
        text = _UNSAFE_XML.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return text


def get_column_letter(number: int) -> str:
    """A worksheet column's letters (1 -> "A", 27 -> "AA"), as openpyxl's function of
    that name, without importing openpyxl (about 0.1 s of every run's start)."""
    if not 1 <= number <= 18278:  # XFD, the last column a workbook may have
        raise ValueError(f"invalid column index {number}")
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


#: column letters of the first columns (A, B, ...), looked up per cell
_LETTERS = tuple(get_column_letter(i + 1) for i in range(256))


def xlsx_row(number: int | str, values, style: str = "") -> str:
    """One worksheet row (`number` may be a placeholder replaced later).

    Plain `str` cells and finite `int` and `float` ones (nearly all) take paths of
    their own; anything else (numpy scalars, pandas' NA, NaN, ...) goes through
    `_typed_cell` (decision 0414: its `hasattr(value, "item")` fails, raising
    and catching an AttributeError, for each of the 229,000 numbers of a
    1,000-case study's exports)."""
    cells = []
    for col, value in enumerate(values):
        kind = type(value)
        if value is None:
            continue
        ref = _LETTERS[col] if col < 256 else get_column_letter(col + 1)
        if kind is str:
            cells.append(
                f'<c r="{ref}{number}"{style} t="inlineStr"><is><t xml:space="preserve">'
                f"{_xml_text(value)}</t></is></c>"
            )
        elif kind is int or (kind is float and math.isfinite(value)):
            cells.append(f'<c r="{ref}{number}"{style}><v>{value!r}</v></c>')
        else:
            made = _typed_cell(f"{ref}{number}", value, style)
            if made:
                cells.append(made)
    return f'<row r="{number}">{"".join(cells)}</row>'


def _typed_cell(ref: str, value, style: str) -> str:
    """A cell of any value but a plain `str` ("" for a missing value)."""
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float) and math.isfinite(value):
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    return (
        f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">'
        f"{_xml_text(str(value))}</t></is></c>"
    )


_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_PACKAGE = "http://schemas.openxmlformats.org/package/2006"
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CONTENT_TYPES = (
    f'{_XML}<Types xmlns="{_PACKAGE}/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    f'{_XML}<Relationships xmlns="{_PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{_OFFICE}/relationships/officeDocument" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{_PACKAGE}/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_OFFICE}/relationships/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)
_APP = (
    f'{_XML}<Properties xmlns="{_OFFICE}/extended-properties">'
    "<Application>triangulate</Application></Properties>"
)
_CORE = (
    f'{_XML}<cp:coreProperties xmlns:cp="{_PACKAGE}/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:creator>triangulate</dc:creator>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:modified>'
    "</cp:coreProperties>"
)
_WORKBOOK = (
    f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_OFFICE}/relationships">'
    '<sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    f'{_XML}<Relationships xmlns="{_PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{_OFFICE}/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_OFFICE}/relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)
_STYLES = (
    f'{_XML}<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_WORKSHEET = (
    _XML.replace("{", "{{").replace("}", "}}")
    + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_OFFICE}/relationships">'
    + '<dimension ref="A1:{last}"/>'
    + '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
    + 'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
    + "<sheetData>{rows}</sheetData>{after}</worksheet>"
)

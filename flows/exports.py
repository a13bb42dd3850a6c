"""Tables written beside the dossiers: CSV and XLSX, safe to open in a spreadsheet.

Cells that a spreadsheet would read as a formula (starting with =, +, -, @,
tab or carriage return) get a leading apostrophe. XLSX files are written
byte-for-byte reproducibly (fixed document and ZIP time stamps).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FIXED_TIME = dt.datetime(2000, 1, 1, 0, 0, 0)


def neutralise(value):
    """A cell value that cannot start a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
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
    frame: pd.DataFrame, path: Path, sheet: str, safe: pd.DataFrame | None = None
) -> None:
    """One sheet with a bold, frozen header row; reproducible bytes.

    Written with XlsxWriter, cell by cell with an explicit type: a string is
    always stored as text, never read as a formula, number or link."""
    import xlsxwriter

    safe = safe_frame(frame) if safe is None else safe
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "nan_inf_to_errors": True,
        },
    )
    workbook.set_properties({"author": "triangulate", "created": FIXED_TIME})
    worksheet = workbook.add_worksheet(sheet[:31])
    bold = workbook.add_format({"bold": True})
    for col, name in enumerate(frame.columns):
        worksheet.write_string(0, col, str(name), bold)
    write = {str: worksheet.write_string, bool: worksheet.write_boolean}
    for row, values in enumerate(safe.itertuples(index=False, name=None), 1):
        for col, value in enumerate(values):
            if value is None:
                continue
            if hasattr(value, "item"):  # numpy scalar
                value = value.item()
            writer = write.get(type(value))
            if writer is not None:
                writer(row, col, value)
            elif isinstance(value, int | float):
                worksheet.write_number(row, col, value)
            else:
                worksheet.write_string(row, col, str(value))
    worksheet.freeze_panes(1, 0)
    workbook.close()
    _rezip_reproducibly(buffer.getvalue(), path)


def _rezip_reproducibly(data: bytes, path: Path) -> None:
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for name in source.namelist():
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            part = source.read(name)
            if name == "docProps/core.xml":  # openpyxl stamps the save time here
                part = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>2000-01-01T00:00:00Z\g<2>",
                    part,
                )
            target.writestr(info, part)

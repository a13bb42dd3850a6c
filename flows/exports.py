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


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    safe_frame(frame).to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")


def write_xlsx(frame: pd.DataFrame, path: Path, sheet: str) -> None:
    """One sheet with a bold, frozen header row; reproducible bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet[:31]
    worksheet.append(list(frame.columns))
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
    for row in safe_frame(frame).itertuples(index=False):
        worksheet.append([v.item() if hasattr(v, "item") else v for v in row])
    worksheet.freeze_panes = "A2"
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    workbook.properties.creator = "triangulate"
    buffer = io.BytesIO()
    workbook.save(buffer)
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

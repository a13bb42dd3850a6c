"""Formatting one spreadsheet or statistics-file value as text (no pandas import:
the statistics-file child process uses it too)."""

from __future__ import annotations

import math
from datetime import date, datetime, time


def cell_text(value: object) -> str:
    """A spreadsheet or statistics-file value as text: whole floats without `.0`,
    dates in ISO form, booleans as true/false, missing as empty."""
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return ""
    if hasattr(value, "item") and not isinstance(value, str | bytes | datetime | date | time):
        value = value.item()  # numpy scalars
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() != time(0) else value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()

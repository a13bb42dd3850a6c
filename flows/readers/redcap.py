"""A REDCap export CSV read with its data dictionary (one row per record and
event, raw or label headers and values): radio, dropdown, yes/no and true/false
choices give labels, checkbox columns (`field___code`) are joined into one
`;`-separated value, a field the dictionary says cannot hold a number is noted,
and rows of repeating instruments are listed, not read. Part of
`flows.readers.surveys`, which re-exports these names."""

from __future__ import annotations

import re
from pathlib import Path

from flows.errors import InputFileError
from flows.readers.common import Rejects
from flows.readers.survey_table import SurveyTable
from flows.readers.tables import Table, read_table
from flows.study import InputSpec

# REDCap data dictionary columns: CSV download names, and API (metadata) names.
DICT_COLUMNS = {
    "name": ("Variable / Field Name", "field_name"),
    "form": ("Form Name", "form_name"),
    "type": ("Field Type", "field_type"),
    "label": ("Field Label", "field_label"),
    "choices": ("Choices, Calculations, OR Slider Labels", "select_choices_or_calculations"),
    "validation": (
        "Text Validation Type OR Show Slider Number",
        "text_validation_type_or_show_slider_number",
    ),
    "identifier": ("Identifier?", "identifier"),
}
REDCAP_SYSTEM = {
    "redcap_event_name": "Event Name",
    "redcap_repeat_instrument": "Repeat Instrument",
    "redcap_repeat_instance": "Repeat Instance",
    "redcap_data_access_group": "Data Access Group",
    "redcap_survey_identifier": "Survey Identifier",
}
NUMERIC_VALIDATION = re.compile(r"^(integer|number.*|float)$")
NOT_NUMERIC_TYPES = {"notes", "descriptive", "file", "checkbox", "signature"}
CHECKED = {"1", "checked"}


def _dict_column(header: list[str], name: str) -> str | None:
    keys = {h.strip().lower(): h for h in header}
    for candidate in DICT_COLUMNS[name]:
        if candidate.lower() in keys:
            return keys[candidate.lower()]
    return None


def _choices(text: str) -> dict[str, str] | None:
    """'1, Male | 2, Female' -> {'1': 'Male', '2': 'Female'}; None if malformed."""
    choices = {}
    for part in text.split("|"):
        if not part.strip():
            continue
        code, comma, name = part.partition(",")
        if not comma or not code.strip():
            return None
        choices[code.strip()] = name.strip()
    return choices


def _read_redcap(
    table: Table, dictionary: Path, spec: InputSpec, rejects: Rejects, ignore: set[str]
) -> SurveyTable:
    meta = read_table(dictionary, encoding=spec.encoding, label=str(dictionary))
    columns = {name: _dict_column(meta.header, name) for name in DICT_COLUMNS}
    missing = [DICT_COLUMNS[n][0] for n in ("name", "type") if columns[n] is None]
    if missing:
        raise InputFileError(
            str(dictionary),
            f"missing column(s) {', '.join(missing)} (a REDCap data dictionary)",
            where="header",
        )
    fields: dict[str, dict] = {}
    for row_number, row in meta.rows:
        name = row.get(columns["name"], "").strip()
        kind = row.get(columns["type"], "").strip().lower()
        if not name:
            rejects.add(dictionary, row_number, columns["name"], "empty field name")
            continue
        if name in fields:
            rejects.add(dictionary, row_number, columns["name"], "duplicate field name; ignored")
            continue
        choices: dict[str, str] = {}
        if kind in ("radio", "dropdown", "checkbox"):
            parsed = _choices(row.get(columns["choices"] or "", ""))
            if parsed is None:
                rejects.add(
                    dictionary,
                    row_number,
                    columns["choices"] or "choices",
                    "choices are not in 'code, label | code, label' form; codes used as they are",
                )
            choices = parsed or {}
        elif kind == "yesno":
            choices = {"1": "Yes", "0": "No"}
        elif kind == "truefalse":
            choices = {"1": "True", "0": "False"}
        fields[name] = {
            "type": kind,
            "label": row.get(columns["label"] or "", "").strip(),
            "choices": choices,
            "validation": row.get(columns["validation"] or "", "").strip().lower(),
        }
    # headers: raw names, or labels (a "labels" export)
    by_label = {f["label"]: n for n, f in fields.items() if f["label"]}
    by_label.update({v: k for k, v in REDCAP_SYSTEM.items()})
    rename = {}
    for header in table.header:
        if header in fields or header in REDCAP_SYSTEM or "___" in header:
            continue
        match = re.match(r"^(.*) \(choice=(.*)\)$", header)
        if header in by_label:
            rename[header] = by_label[header]
        elif match and match.group(1) in by_label:
            base = by_label[match.group(1)]
            codes = [c for c, t in fields[base]["choices"].items() if t == match.group(2)]
            if codes:
                rename[header] = f"{base}___{codes[0]}"
    header = [rename.get(h, h) for h in table.header]
    checkbox: dict[str, dict[str, str]] = {}  # sub-column -> base, code
    for name, info in fields.items():
        if info["type"] == "checkbox":
            for code in info["choices"]:
                checkbox[f"{name}___{code.lower().replace('-', '_')}"] = {
                    "base": name,
                    "code": code,
                }
    rows = []
    for row_number, row in table.rows:
        row = {rename.get(k, k): v for k, v in row.items()}
        if row.get("redcap_repeat_instrument", "").strip():
            rejects.add(
                table.file,
                row_number,
                "redcap_repeat_instrument",
                "row of a repeating instrument: not read (one row per record and event is)",
            )
            continue
        joined: dict[str, list[str]] = {}
        for column, value in row.items():
            if column in checkbox:
                base = checkbox[column]
                joined.setdefault(base["base"], [])
                if value.strip().lower() in CHECKED:
                    joined[base["base"]].append(base["code"])
        for base, codes in joined.items():
            row[base] = ";".join(codes)
        rows.append((row_number, row))
    labels = {n: dict(f["choices"]) for n, f in fields.items() if f["choices"]}
    bases = sorted({c["base"] for c in checkbox.values() if c["base"]})
    header = [h for h in header if h not in checkbox] + [b for b in bases if b not in header]
    system = {h for h in header if h in REDCAP_SYSTEM or h.endswith(("_complete", "_timestamp"))}
    not_numeric = {}
    for name, info in fields.items():
        validation = info["validation"]
        if info["type"] in NOT_NUMERIC_TYPES or (
            info["type"] == "text" and validation and not NUMERIC_VALIDATION.match(validation)
        ):
            kind = info["type"] + (f" ({validation})" if validation else "")
            not_numeric[name] = f"the data dictionary says this field is {kind}, not a number"
    for column in header:
        if column in ignore:
            system.add(column)
        elif column not in fields and column not in system and column not in bases:
            rejects.add(
                table.file, "header", column, "column not in the REDCap data dictionary; ignored"
            )
            system.add(column)
    free = {name for name, info in fields.items() if info["type"] == "notes"}
    return SurveyTable(table.file, header, rows, labels, system, not_numeric, free_text=free)

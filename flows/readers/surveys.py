"""Survey files: one table of answers per case and wave, whatever wrote it.

- `native`: CSV or XLSX; `[survey] layout = "long"` (one row per case and
  wave, one column per item: what SPSS and REDCap call long), `"stacked"`
  (one row per case, wave and item) or `"waves_in_columns"` (one row per
  case, a column per item and wave: `flows.readers.survey_columns`); the old
  names are read with a note (`SurveyLayout.layout_note`);
- `spss` (`.sav`, `.zsav`) and `stata` (`.dta`) through pyreadstat, wide or
  long: value labels name waves and context values; user-defined missing
  values (SPSS) and extended missing values (Stata) stay missing;
- `redcap`: a REDCap export CSV (one row per record and event, raw or label
  headers and values) read with its data dictionary: radio, dropdown, yes/no
  and true/false choices give labels, checkbox columns (`field___code`) are
  joined into one `;`-separated value, a survey item mapped to a field the
  dictionary says cannot hold a number is listed, and rows of repeating
  instruments are listed, not read.

`read_survey_table` reads any of them into a `SurveyTable` (text cells plus
value labels); `survey_values` turns that into long item values and baseline
context for the study's cases, listing every row or cell it cannot load.
Missing answers stay missing (NaN), never zero.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from flows.codes import WITHDRAWN_SURVEY_ROW
from flows.errors import InputFileError
from flows.readers.common import Rejects
from flows.readers.missing_labels import is_missing_label, undeclared_missing
from flows.readers.stat_files import read_stat_file
from flows.readers.survey_exports import qualtrics_header_rows, qualtrics_own_columns
from flows.readers.tables import Table, read_table
from flows.study import InputSpec, Study, SurveyLayout


@dataclass
class SurveyTable:
    file: Path
    header: list[str]
    rows: list[tuple[str, dict[str, str]]]
    #: column -> raw value -> label
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    #: columns that are bookkeeping, never "undeclared" (REDCap's own)
    system_columns: set[str] = field(default_factory=set)
    #: column -> why the file's own metadata says it cannot hold a number
    not_numeric: dict[str, str] = field(default_factory=dict)
    #: what the reader read otherwise than as answers (Qualtrics's header rows)
    notes: list[str] = field(default_factory=list)
    #: column -> its label from the file's own header rows (Qualtrics's question texts)
    column_labels: dict[str, str] = field(default_factory=dict)
    #: columns the file's own metadata says hold free text (REDCap notes,
    #: Qualtrics text entry): `init` never drafts them as context
    free_text: set[str] = field(default_factory=set)


# ---------------------------------------------------------------- reading


def read_survey_table(
    path: Path,
    spec: InputSpec,
    rejects: Rejects,
    dictionary: Path | None = None,
    label: str | None = None,
    ignore: tuple[str, ...] | list[str] = (),
) -> SurveyTable:
    """The table; columns in `ignore` ([survey] ignore_columns) are never listed."""
    label = label or str(path)
    if spec.format in ("spss", "stata"):
        return _read_stat(path, spec.format, label)
    table = read_table(
        path, encoding=spec.encoding, delimiter=spec.delimiter, sheet=spec.sheet, label=label
    )
    if spec.format == "redcap":
        if dictionary is None:
            raise InputFileError(label, "a REDCap export needs its data dictionary")
        return _read_redcap(table, dictionary, spec, rejects, set(ignore))
    extra = qualtrics_header_rows(table.header, table.rows)
    if extra is not None:
        count, note = extra
        texts = {k: v for k, v in table.rows[0][1].items() if k in table.header and v}
        ids = table.rows[count - 1][1] if count == 2 else {}
        free = {k for k, v in ids.items() if k in table.header and "_TEXT" in v}
        return SurveyTable(
            path,
            table.header,
            table.rows[count:],
            notes=[f"{path.name}: {note}"],
            column_labels=texts,
            free_text=free,
            system_columns=qualtrics_own_columns(table.header, ids),
        )
    return SurveyTable(path, table.header, table.rows)


def _read_stat(path: Path, fmt: str, label: str) -> SurveyTable:
    header, cells, labels, column_labels = read_stat_file(path, fmt, label)
    rows = [
        (str(number), dict(zip(header, record, strict=True)))
        for number, record in enumerate(cells, start=1)
    ]
    return SurveyTable(path, header, rows, labels, column_labels=column_labels)


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


# ---------------------------------------------------------------- mapping


def _norm_wave(label: str) -> str:
    text = re.sub(r"\(.*\)", "", label.lower())
    text = re.sub(r"_arm_\d+[a-z]?$", "", text.strip())
    return re.sub(r"[^a-z0-9]", "", text)


def wave_of(
    raw: str, table: SurveyTable, column: str, layout: SurveyLayout, fmt: str
) -> str | None:
    """'baseline', 'followup', 'context' (`context_wave`) or None for a value of
    the wave column."""
    waves = {layout.context_wave: "context"} if layout.context_wave else {}
    waves |= {layout.baseline: "baseline", layout.followup: "followup"}
    labelled = table.labels.get(column, {}).get(raw)
    for value in (labelled, raw):
        if value is not None and value in waves:
            return waves[value]
    if fmt in ("redcap", "spss", "stata"):
        wanted = {_norm_wave(k): v for k, v in waves.items()}
        for value in (labelled, raw):
            if value is not None and _norm_wave(value) in wanted:
                return wanted[_norm_wave(value)]
    return None


AT_CONTEXT_WAVE = (
    "a survey item at the context wave ([survey] context_wave): only baseline and "
    "follow-up are compared"
)


def context_wave(layout: SurveyLayout) -> str:
    """The wave (as `wave_of` names it) whose rows give the context variables."""
    if layout.context_wave and layout.context_wave != layout.baseline:
        return "context"
    return "baseline"


NOT_A_NUMBER = "expected a number; value treated as missing"
INFINITE = "infinite value; treated as missing"
AMBIGUOUS_COMMA = (
    "expected a number without a thousands separator: a comma before exactly three "
    "digits (e.g. 1,234) is 1.234 with a decimal comma or 1234 with a thousands "
    "separator; value treated as missing"
)
#: 1,234 or 12,500: a decimal comma or a thousands separator, which cannot be told apart
_THOUSANDS_OR_DECIMAL = re.compile(r"[+-]?[1-9]\d{0,2},\d{3}")


def read_number(raw: str, labels: dict[str, str], missing: set[str]) -> tuple[float, str | None]:
    """A number (NaN for missing), and why a value could not be read as one."""
    raw = raw.strip()
    if not raw or raw in missing:
        return math.nan, None
    if is_missing_label(labels.get(raw, "")):  # -99 "Missing", not declared missing
        return math.nan, undeclared_missing(raw, labels[raw])
    candidates = [raw] + [code for code, text in labels.items() if text == raw]
    if _THOUSANDS_OR_DECIMAL.fullmatch(raw):
        return math.nan, AMBIGUOUS_COMMA
    for candidate in candidates:
        try:
            number = float(candidate.replace(",", "."))
        except ValueError:
            continue
        return (number, None) if math.isfinite(number) else (math.nan, INFINITE)
    return math.nan, NOT_A_NUMBER


def context_value(raw: str, labels: dict[str, str]) -> str:
    if not labels:
        return raw
    return ";".join(labels.get(part, part) for part in raw.split(";") if part)


@dataclass
class SurveyResult:
    values: list[dict]
    context: list[dict]
    rows_read: int
    rows_loaded: int
    #: deprecation notes about the study file's [survey] table
    notes: list[str] = field(default_factory=list)


def survey_values(
    table: SurveyTable,
    study: Study,
    fmt: str,
    cases: set[str],
    withdrawn_cases: set[str],
    rejects: Rejects,
) -> SurveyResult:
    """Long item values (case, wave, item, value) and baseline context."""
    layout = study.survey.for_format(fmt)
    shape = layout.shape(table.header)
    if shape == "waves_in_columns":
        from flows.readers.survey_columns import waves_in_columns

        result = waves_in_columns(table, study, layout, cases, withdrawn_cases, rejects)
    elif shape == "stacked":
        result = _stacked(table, study, layout, fmt, cases, withdrawn_cases, rejects)
    else:
        result = _per_wave(table, study, layout, fmt, cases, withdrawn_cases, rejects)
    note = layout.layout_note(table.header)
    result.notes = table.notes + ([note] if note else [])
    return result


def check_header(table: SurveyTable, required: tuple[str, ...]) -> None:
    missing = [c for c in required if c not in table.header]
    if missing:
        raise InputFileError(
            str(table.file),
            f"missing column(s) {', '.join(missing)}; expected {', '.join(required)}",
            where="header",
        )


def _case_of(raw: str, layout: SurveyLayout) -> str:
    return layout.case_ids.get(raw, raw)


def _per_wave(table, study, layout, fmt, cases, withdrawn_cases, rejects) -> SurveyResult:
    check_header(table, (layout.case_column, layout.wave_column))
    items = [i.id for i in study.survey_items]
    variables = [v.id for v in study.context_variables]
    column = {key: layout.columns.get(key, key) for key in items + variables}
    declared = {
        layout.case_column,
        layout.wave_column,
        *column.values(),
        *layout.ignore_columns,
        "__extra__",
    }
    for name in table.header:
        if name not in declared and name not in table.system_columns:
            rejects.add(table.file, "header", name, "column not declared in study.toml; ignored")
    for item in items:
        if column[item] in table.not_numeric and column[item] in table.header:
            rejects.add(table.file, "header", column[item], table.not_numeric[column[item]])
    missing = set(layout.missing_codes)
    values, context, seen = [], [], set()
    context_at = context_wave(layout)
    for line, row in table.rows:
        keyed = _case_and_wave(row, line, table, layout, fmt, cases, withdrawn_cases, rejects)
        if keyed is None:
            continue
        case_id, wave = keyed
        if (case_id, wave) in seen:
            rejects.add(table.file, line, "row", f"duplicate row for this case at wave {wave}")
            continue
        seen.add((case_id, wave))
        for item in items if wave != "context" else ():
            name = column[item]
            number, problem = read_number(row.get(name, ""), table.labels.get(name, {}), missing)
            if problem:
                rejects.add(table.file, line, name, problem)
            values.append({"case_id": case_id, "wave": wave, "item_id": item, "value": number})
        if wave == context_at:
            for variable in variables:
                raw = row.get(column[variable], "").strip()
                if raw and raw not in missing:
                    value = context_value(raw, table.labels.get(column[variable], {}))
                    context.append({"case_id": case_id, "variable_id": variable, "value": value})
    return SurveyResult(values, context, len(table.rows), len(seen))


def case_of_row(row, line, table, layout, cases, withdrawn_cases, rejects) -> str | None:
    """A survey row's case, or None after listing why the row is rejected
    (unknown case, withdrawn participant)."""
    case_id = _case_of(row.get(layout.case_column, "").strip(), layout)
    if case_id not in cases:
        rejects.add(
            table.file,
            line,
            layout.case_column,
            "unknown case id (not in the roster); if the survey uses its own ids, map them "
            "to case ids in [survey] case_ids",
        )
        return None
    if case_id in withdrawn_cases:
        rejects.add(table.file, line, "row", WITHDRAWN_SURVEY_ROW)
        return None
    return case_id


def _case_and_wave(
    row, line, table, layout, fmt, cases, withdrawn_cases, rejects
) -> tuple[str, str] | None:
    """A survey row's case and wave, or None after listing why the row is rejected
    (unknown case, withdrawn participant, unknown wave)."""
    case_id = case_of_row(row, line, table, layout, cases, withdrawn_cases, rejects)
    if case_id is None:
        return None
    wave = wave_of(row.get(layout.wave_column, "").strip(), table, layout.wave_column, layout, fmt)
    if wave is None:
        rejects.add(
            table.file,
            line,
            layout.wave_column,
            f"unknown wave; expected {sorted([layout.baseline, layout.followup])} (a wave "
            "whose rows hold context variables, such as an enrolment event: [survey] "
            "context_wave)",
        )
        return None
    return case_id, wave


def _stacked(table, study, layout, fmt, cases, withdrawn_cases, rejects) -> SurveyResult:
    check_header(
        table, (layout.case_column, layout.wave_column, layout.item_column, layout.value_column)
    )
    items = [i.id for i in study.survey_items]
    variables = [v.id for v in study.context_variables]
    by_column = {layout.columns.get(key, key): key for key in items + variables}
    missing = set(layout.missing_codes)
    found: dict[tuple[str, str], dict[str, float]] = {}
    context, seen, loaded = [], set(), 0
    context_at = context_wave(layout)
    for line, row in table.rows:
        keyed = _case_and_wave(row, line, table, layout, fmt, cases, withdrawn_cases, rejects)
        if keyed is None:
            continue
        case_id, wave = keyed
        item = by_column.get(row.get(layout.item_column, "").strip())
        if item is None:
            rejects.add(
                table.file,
                line,
                layout.item_column,
                "not a survey item or context variable of study.toml",
            )
            continue
        if (case_id, wave, item) in seen:
            rejects.add(table.file, line, "row", "duplicate answer for this case, wave and item")
            continue
        seen.add((case_id, wave, item))
        raw = row.get(layout.value_column, "").strip()
        labels = table.labels.get(layout.value_column, {})
        if item in variables:
            loaded += 1
            if wave == context_at and raw and raw not in missing:
                value = context_value(raw, labels)
                context.append({"case_id": case_id, "variable_id": item, "value": value})
            continue
        if wave == "context":
            rejects.add(table.file, line, layout.wave_column, AT_CONTEXT_WAVE)
            continue
        number, problem = read_number(raw, labels, missing)
        if problem:
            rejects.add(table.file, line, layout.value_column, problem)
        found.setdefault((case_id, wave), {})[item] = number
        loaded += 1
    values = [
        {"case_id": case_id, "wave": wave, "item_id": item, "value": answers.get(item, math.nan)}
        for (case_id, wave), answers in found.items()
        for item in items
    ]
    return SurveyResult(values, context, len(table.rows), loaded)

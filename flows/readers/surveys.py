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
  instruments are listed, not read (`flows.readers.redcap`).

`read_survey_table` reads any of them into a `SurveyTable` (text cells plus
value labels; `flows.readers.survey_table`); `survey_values` turns that into long item values and baseline
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
from flows.readers.redcap import _read_redcap
from flows.readers.stat_files import read_stat_file
from flows.readers.survey_exports import (
    form_tool_columns,
    qualtrics_header_rows,
    qualtrics_own_columns,
)
from flows.readers.survey_table import SurveyTable
from flows.readers.tables import read_table
from flows.study import InputSpec, Study, SurveyLayout

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
    return SurveyTable(
        path, table.header, table.rows, system_columns=form_tool_columns(table.header)
    )


def _read_stat(path: Path, fmt: str, label: str) -> SurveyTable:
    header, cells, labels, column_labels = read_stat_file(path, fmt, label)
    rows = [
        (str(number), dict(zip(header, record, strict=True)))
        for number, record in enumerate(cells, start=1)
    ]
    return SurveyTable(path, header, rows, labels, column_labels=column_labels)


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

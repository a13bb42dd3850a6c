"""Surveys with the waves in columns: one row per case, each item in one
column per wave (`walk_t0`, `walk_t1`), as SPSS ("wide"), Stata and most
spreadsheets keep them. `[survey] layout = "waves_in_columns"`.

An item's column at each wave comes from the study file
(`SurveyLayout.wave_column_of`): its stem plus `wave_suffixes` or after
`wave_prefixes`, or named per item (`columns = { walk = { baseline =
"walk_t0", followup = "walk_t1" } }`). Context variables are read from their
one column (or, failing that, from their baseline column).

What cannot be loaded is listed, never dropped: an item with only one wave's
column or neither (header), a column matching no item or context variable
(header), an unknown or withdrawn case, a second row for a case (row), a
non-numeric cell (cell). The values are the long item values the other
layouts give (`flows.readers.surveys.SurveyResult`), in the same order:
per row, every item at baseline, then every item at follow-up.
"""

from __future__ import annotations

from flows.readers.common import Rejects
from flows.readers.surveys import (
    SurveyResult,
    SurveyTable,
    case_of_row,
    check_header,
    context_value,
    read_number,
)
from flows.study import Study, SurveyLayout
from flows.study.inputs import WAVES

WAVE_NAMES = {"baseline": "baseline", "followup": "follow-up"}
DUPLICATE_CASE = "duplicate row for this case (a row per case, the waves in columns)"


def item_columns(
    table: SurveyTable, items: list[str], layout: SurveyLayout, rejects: Rejects
) -> dict[str, dict[str, str]]:
    """Item -> wave -> its column in the file; an item missing a wave's column
    (or both) is listed once, at the header."""
    header = set(table.header)
    found: dict[str, dict[str, str]] = {}
    for item in items:
        wanted = layout.wave_column_of(item) or {}
        present = {wave: column for wave, column in wanted.items() if column in header}
        if len(present) == 1:
            (wave, column), other = (
                next(iter(present.items())),
                next(w for w in WAVES if w not in present),
            )
            rejects.add(
                table.file,
                "header",
                column,
                f"survey item {item!r} has a {WAVE_NAMES[wave]} column but no "
                f"{WAVE_NAMES[other]} column ({wanted[other]!r}); its {WAVE_NAMES[other]} "
                "answers are missing",
            )
        elif not present:
            rejects.add(
                table.file,
                "header",
                wanted.get("baseline", item),
                f"survey item {item!r}: neither {wanted.get('baseline')!r} nor "
                f"{wanted.get('followup')!r} is a column; its answers are missing",
            )
        for column in present.values():
            if column in table.not_numeric:
                rejects.add(table.file, "header", column, table.not_numeric[column])
        found[item] = present
    return found


def context_columns(
    table: SurveyTable, variables: list[str], layout: SurveyLayout
) -> dict[str, str]:
    """Context variable -> its one column: as named (`columns`, else its id),
    or, when the file has no such column, its baseline column (`sex_t0`)."""
    found = {}
    for variable in variables:
        named = layout.columns.get(variable, variable)
        column = named if isinstance(named, str) else variable
        if column not in table.header:
            baseline = (layout.wave_column_of(variable) or {}).get("baseline")
            if baseline in table.header:
                column = baseline
        found[variable] = column
    return found


def _undeclared_reason(column: str, layout: SurveyLayout) -> str:
    """Why a header column is listed, with the stem it was read as when it
    carries a wave's suffix or prefix."""
    reason = "column matches no survey item or context variable of study.toml"
    for wave in WAVES:
        suffix = layout.wave_suffixes.get(wave)
        prefix = layout.wave_prefixes.get(wave)
        if suffix and column.endswith(suffix) and len(column) > len(suffix):
            stem = column[: -len(suffix)]
            return f"{reason} (its stem {stem!r} before the {WAVE_NAMES[wave]} suffix is none); ignored"
        if prefix and column.startswith(prefix) and len(column) > len(prefix):
            stem = column[len(prefix) :]
            return (
                f"{reason} (its stem {stem!r} after the {WAVE_NAMES[wave]} prefix is none); ignored"
            )
    return f"{reason}; ignored"


def waves_in_columns(
    table: SurveyTable,
    study: Study,
    layout: SurveyLayout,
    cases: set[str],
    withdrawn_cases: set[str],
    rejects: Rejects,
) -> SurveyResult:
    """Long item values (case, wave, item, value) and baseline context from a
    file with one row per case and a column per item and wave."""
    check_header(table, (layout.case_column,))
    items = [i.id for i in study.survey_items]
    variables = [v.id for v in study.context_variables]
    by_item = item_columns(table, items, layout, rejects)
    by_variable = context_columns(table, variables, layout)
    declared = {
        layout.case_column,
        *by_variable.values(),
        *layout.ignore_columns,
        "__extra__",
    }
    declared |= {c for item in items for c in (layout.wave_column_of(item) or {}).values()}
    for name in table.header:
        if name not in declared and name not in table.system_columns:
            rejects.add(table.file, "header", name, _undeclared_reason(name, layout))
    missing = set(layout.missing_codes)
    values, context, seen = [], [], set()
    for line, row in table.rows:
        case_id = case_of_row(row, line, table, layout, cases, withdrawn_cases, rejects)
        if case_id is None:
            continue
        if case_id in seen:
            rejects.add(table.file, line, "row", DUPLICATE_CASE)
            continue
        seen.add(case_id)
        for wave in WAVES:
            for item in items:
                column = by_item[item].get(wave)
                raw = row.get(column, "") if column else ""
                labels = table.labels.get(column, {}) if column else {}
                number, problem = read_number(raw, labels, missing)
                if problem and column:
                    rejects.add(table.file, line, column, problem)
                values.append({"case_id": case_id, "wave": wave, "item_id": item, "value": number})
        for variable in variables:
            column = by_variable[variable]
            raw = row.get(column, "").strip()
            if raw and raw not in missing:
                value = context_value(raw, table.labels.get(column, {}))
                context.append({"case_id": case_id, "variable_id": variable, "value": value})
    return SurveyResult(values, context, len(table.rows), len(seen))

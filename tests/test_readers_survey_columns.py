"""Surveys with the waves in columns (`layout = "waves_in_columns"`): CSV,
XLSX, SPSS and Stata; every row loaded or listed; the same values as the long
layout; the study file's mistakes named."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROSTER, TINY_STUDY
from hypothesis import given, settings
from hypothesis import strategies as st
from tests_support import format_builders, fresh_dir, replace_once

from flows.codes import WITHDRAWN_SURVEY_ROW
from flows.errors import StudyFileError
from flows.ingest import ingest_study
from flows.readers.common import Rejects
from flows.readers.surveys import SurveyTable, survey_values
from flows.study import Study, load_study

GOOD = ["E1", "I1", "A", "Intervention/Walking", "", "1", "AK", "We walk together."]
SUFFIXES = 'layout = "waves_in_columns"\nwave_suffixes = { baseline = "_t0", followup = "_t1" }'
UNKNOWN_CASE = (
    "unknown case id (not in the roster); if the survey uses its own ids, map them "
    "to case ids in [survey] case_ids"
)
fb = format_builders()


@pytest.fixture
def study_with(make_study, tmp_path):
    """The tiny study reading `survey_input` with `[survey]` set to `table`."""

    def build(survey_input: str, table: str, roster: list[list[str]] | None = None) -> Path:
        toml = replace_once(TINY_STUDY, 'survey = "survey.csv"', f"survey = {survey_input}")
        toml += f"\n[survey]\n{table}\n"
        return make_study([GOOD], study_toml=toml, roster=roster, base=fresh_dir(tmp_path))

    return build


def ingest(folder: Path):
    data = ingest_study(load_study(folder))
    got = {(r.case_id, r.wave, r.item_id): r.value for r in data.survey.itertuples()}
    return (
        data,
        got,
        {(r["row"], r["element"]): r["reason"] for r in data.rejects.to_dict("records")},
    )


def test_suffixes_csv_every_row_loaded_or_listed(study_with):
    roster = [*ROSTER[:3], [*ROSTER[3][:5], "withdrawn"], *ROSTER[4:]]  # peer B withdrew
    folder = study_with('"survey.csv"', SUFFIXES + '\nmissing_codes = ["-99"]', roster)
    fb.write_csv(
        folder / "survey.csv",
        [
            ["case_id", "walk_min_t0", "walk_min_t1", "sit_hours_t0", "sex", "shoe_t0", "notes"],
            ["A", "30", "95", "8.5", "male", "44", ""],
            ["B", "10", "20", "7", "female", "40", ""],
            ["Z", "1", "2", "3", "male", "", ""],
            ["A", "31", "96", "8", "male", "", ""],
        ],
    )
    data, got, reasons = ingest(folder)
    assert got[("A", "baseline", "walk_min")] == 30 and got[("A", "followup", "walk_min")] == 95
    assert got[("A", "baseline", "sit_hours")] == 8.5
    assert math.isnan(got[("A", "followup", "sit_hours")])  # no column: missing, never zero
    assert not any(case == "B" for case, _, _ in got)  # withdrawn: vanishes
    assert data.context.to_dict("records") == [
        {"case_id": "A", "variable_id": "sex", "value": "male"}
    ]
    assert reasons == {
        ("header", "sit_hours_t0"): (
            "survey item 'sit_hours' has a baseline column but no follow-up column "
            "('sit_hours_t1'); its follow-up answers are missing"
        ),
        ("header", "shoe_t0"): (
            "column matches no survey item or context variable of study.toml (its stem "
            "'shoe' before the baseline suffix is none); ignored"
        ),
        (
            "header",
            "notes",
        ): "column matches no survey item or context variable of study.toml; ignored",
        ("3", "row"): WITHDRAWN_SURVEY_ROW,
        ("4", "case_id"): UNKNOWN_CASE,
        ("5", "row"): "duplicate row for this case (a row per case, the waves in columns)",
    }
    assert data.read_counts["survey.csv"] == 4 and data.loaded_counts["survey.csv"] == 1


def test_per_item_columns_and_prefixes_xlsx(study_with):
    table = (
        'layout = "waves_in_columns"\nwave_prefixes = { baseline = "pre_", followup = "post_" }\n'
        'columns = { walk_min = { baseline = "walk0", followup = "walk1" }, sex = "gender" }'
    )
    folder = study_with('"survey.xlsx"', table)
    fb.write_xlsx(
        folder / "survey.xlsx",
        [
            ["case_id", "walk0", "walk1", "pre_sit_hours", "post_sit_hours", "gender"],
            ["A", 60, 150, 8.5, None, "male"],
            ["B", "n/a", 20, -99, 6.25, None],
        ],
    )
    data, got, reasons = ingest(folder)
    assert got[("A", "followup", "walk_min")] == 150
    assert math.isnan(got[("A", "followup", "sit_hours")])
    assert math.isnan(got[("B", "baseline", "walk_min")])
    assert got[("B", "baseline", "sit_hours")] == -99  # not a declared missing code: a number
    assert got[("B", "followup", "sit_hours")] == 6.25
    assert data.context.to_dict("records") == [
        {"case_id": "A", "variable_id": "sex", "value": "male"}
    ]
    assert reasons == {("3", "walk0"): "expected a number; value treated as missing"}


def test_spss_labels_and_user_missing(study_with):
    import pyreadstat

    folder = study_with(
        '"survey.sav"', SUFFIXES + '\ncase_column = "id"\ncase_ids = { "1" = "A", "2" = "B" }'
    )
    frame = pd.DataFrame(
        {
            "id": [1.0, 2.0],
            "walk_min_t0": [60.0, 30.0],
            "walk_min_t1": [999.0, 45.0],
            "sit_hours_t0": [8.0, float("nan")],
            "sit_hours_t1": [7.5, 6.0],
            "sex_t0": [1.0, 2.0],  # a context variable read from its baseline column
        }
    )
    pyreadstat.write_sav(
        frame,
        folder / "survey.sav",
        variable_value_labels={"sex_t0": {1: "male", 2: "female"}},
        missing_ranges={"walk_min_t1": [999]},
    )
    data, got, reasons = ingest(folder)
    assert reasons == {}
    assert got[("A", "baseline", "walk_min")] == 60
    assert math.isnan(got[("A", "followup", "walk_min")])  # 999 is SPSS user-missing
    assert math.isnan(got[("B", "baseline", "sit_hours")])
    assert sorted(data.context.value) == ["female", "male"]  # value labels, not codes


def test_stata_missing_labels_and_unknown_record(study_with):
    import pyreadstat

    folder = study_with(
        '"survey.dta"', SUFFIXES + '\ncase_column = "id"\ncase_ids = { "1" = "A", "2" = "B" }'
    )
    frame = pd.DataFrame(
        {
            "id": [1.0, 2.0, 3.0],
            "walk_min_t0": [60.0, float("nan"), 5.0],
            "walk_min_t1": [120.0, 30.0, 6.0],
            "sit_hours_t0": [8.0, 7.0, 1.0],
            "sit_hours_t1": [6.0, 7.0, 1.0],
            "sex": [1.0, 2.0, 1.0],
        }
    )
    pyreadstat.write_dta(
        frame, folder / "survey.dta", variable_value_labels={"sex": {1: "male", 2: "female"}}
    )
    data, got, reasons = ingest(folder)
    assert got[("A", "followup", "walk_min")] == 120
    assert math.isnan(got[("B", "baseline", "walk_min")])
    assert reasons == {("3", "id"): UNKNOWN_CASE}  # the record number
    assert sorted(data.context.value) == ["female", "male"]


def test_an_item_without_either_column_is_listed(study_with):
    folder = study_with('"survey.csv"', SUFFIXES)
    fb.write_csv(
        folder / "survey.csv", [["case_id", "walk_min_t0", "walk_min_t1"], ["A", "1", "2"]]
    )
    _, got, reasons = ingest(folder)
    assert math.isnan(got[("A", "baseline", "sit_hours")])
    assert reasons == {
        ("header", "sit_hours_t0"): (
            "survey item 'sit_hours': neither 'sit_hours_t0' nor 'sit_hours_t1' is a column; "
            "its answers are missing"
        )
    }


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            'wave_suffixes = { baseline = "_t0", followup = "_t1" }',
            'with layout = "waves_in_columns" only',
        ),
        (
            'layout = "waves_in_columns"\nwave_suffixes = { baseline = "_t0", later = "_t1" }',
            "expected exactly the keys baseline and followup",
        ),
        (
            'layout = "waves_in_columns"\nwave_suffixes = { baseline = "_t", followup = "_t" }',
            "baseline and followup are the same",
        ),
        (
            'layout = "waves_in_columns"\nwave_suffixes = { baseline = "_0", followup = "_1" }\nwave_prefixes = { baseline = "a", followup = "b" }',
            "not both",
        ),
        ('layout = "waves_in_columns"', "survey.columns.walk_min: with layout"),
        (
            'layout = "waves_in_columns"\nwave_suffixes = { baseline = "_0", followup = "_1" }\ncolumns = { sex = { baseline = "s0", followup = "s1" } }',
            "a context variable is read from one column",
        ),
    ],
)
def test_study_file_mistakes_are_named(study_with, table, message):
    folder = study_with('"survey.csv"', table)
    with pytest.raises(StudyFileError, match="survey") as caught:
        load_study(folder)
    assert message in str(caught.value)


# ---------------------------------------------------------------- the same values as long


def _study(table: str) -> Study:
    import tomllib

    return Study.model_validate(tomllib.loads(TINY_STUDY + f"\n[survey]\n{table}\n"))


@settings(max_examples=60, deadline=None)
@given(
    answers=st.dictionaries(
        st.sampled_from(["A", "B"]),
        st.lists(
            st.one_of(st.just(""), st.just("x"), st.decimals(-1000, 1000, places=2).map(str)),
            min_size=5,
            max_size=5,
        ),
        min_size=1,
    )
)
def test_waves_in_columns_gives_the_long_layout_values(answers):
    """Any answers, written long and with the waves in columns, load alike
    (values, context, and the cells listed as not numbers)."""
    items = ["walk_min", "sit_hours"]
    long_rows, wide_rows = [], []
    for case, (w0, w1, s0, s1, sex) in answers.items():
        long_rows.append(
            {"case_id": case, "wave": "baseline", "walk_min": w0, "sit_hours": s0, "sex": sex}
        )
        long_rows.append(
            {"case_id": case, "wave": "followup", "walk_min": w1, "sit_hours": s1, "sex": ""}
        )
        wide_rows.append(
            {
                "case_id": case,
                "walk_min_t0": w0,
                "walk_min_t1": w1,
                "sit_hours_t0": s0,
                "sit_hours_t1": s1,
                "sex": sex,
            }
        )
    long_table = SurveyTable(
        Path("s.csv"),
        ["case_id", "wave", *items, "sex"],
        [(str(i), r) for i, r in enumerate(long_rows, 2)],
    )
    wide_header = ["case_id", "walk_min_t0", "walk_min_t1", "sit_hours_t0", "sit_hours_t1", "sex"]
    wide_table = SurveyTable(
        Path("s.csv"), wide_header, [(str(i), r) for i, r in enumerate(wide_rows, 2)]
    )
    results = []
    for table, layout in ((long_table, 'layout = "long"'), (wide_table, SUFFIXES)):
        rejects = Rejects()
        result = survey_values(table, _study(layout), "native", {"A", "B"}, set(), rejects)
        values = [(v["case_id"], v["wave"], v["item_id"], repr(v["value"])) for v in result.values]
        reasons = sorted(r["reason"] for r in rejects.frame().to_dict("records"))
        results.append((values, result.context, reasons))
    (long_values, long_context, long_reasons), (wide_values, wide_context, wide_reasons) = results
    assert wide_values == long_values
    assert wide_context == long_context
    assert wide_reasons == long_reasons


# ---------------------------------------------------------------- the demo, restructured


def _demo_waves_in_columns(demo: Path, folder: Path) -> None:
    """The demo study with its survey restructured to one row per case: items
    `<id>_t0`/`<id>_t1` (one named per wave), context in one column each."""
    import csv
    import shutil

    shutil.copytree(demo, folder)
    with (demo / "survey.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    study = load_study(demo).definition
    items = [i.id for i in study.survey_items]
    variables = [v.id for v in study.context_variables]
    named = {"baseline": "walk_before", "followup": "walk_after"}  # walking_min_week per wave
    header = ["case_id", *variables]
    for wave, suffix in (("baseline", "_t0"), ("followup", "_t1")):
        header += [named[wave] if i == "walking_min_week" else i + suffix for i in items]
    by_case: dict[str, dict[str, str]] = {}
    for row in rows:
        out = by_case.setdefault(row["case_id"], {"case_id": row["case_id"]})
        suffix = "_t0" if row["wave"] == "baseline" else "_t1"
        for item in items:
            column = named[row["wave"]] if item == "walking_min_week" else item + suffix
            out[column] = row[item]
        if row["wave"] == "baseline":
            out.update({v: row[v] for v in variables})
    with (folder / "survey.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(by_case.values())
    toml = (folder / "study.toml").read_text(encoding="utf-8")
    toml = replace_once(
        toml,
        'wave_column = "wave"\nbaseline = "baseline"\nfollowup = "followup"\n',
        'layout = "waves_in_columns"\nwave_suffixes = { baseline = "_t0", followup = "_t1" }\n'
        'columns = { walking_min_week = { baseline = "walk_before", followup = "walk_after" } }\n',
    )
    (folder / "study.toml").write_text(toml, encoding="utf-8")


def _without_provenance(page: str) -> str:
    """A page without its provenance footer (it names the study file's and
    the inputs' hashes, which differ by construction)."""
    import re

    return re.sub(r"<footer.*?</footer>", "", page, flags=re.S)


def test_demo_restructured_gives_the_same_dossiers_and_exports(demo_dir, demo_out, tmp_path):
    """The demo with its waves in columns against the demo as it is (the
    session's run, `demo_out`)."""
    import json

    from flows.stages import run_direct

    folder = tmp_path / "demo-waves-in-columns"
    _demo_waves_in_columns(demo_dir, folder)
    long_out, wide_out = demo_out, tmp_path / "wide"
    wide_summary = run_direct(folder, wide_out)
    manifest = json.loads((long_out / "manifest.json").read_text(encoding="utf-8"))
    assert wide_summary["rejected"] == manifest["rejected"]
    exports = sorted(p.relative_to(long_out) for p in (long_out / "exports").iterdir())
    assert exports and exports == sorted(
        p.relative_to(wide_out) for p in (wide_out / "exports").iterdir()
    )
    for name in exports:
        assert (long_out / name).read_bytes() == (wide_out / name).read_bytes(), name
    assert (long_out / "rejects.csv").read_bytes() == (wide_out / "rejects.csv").read_bytes()
    pages = sorted(p.relative_to(long_out) for p in (long_out / "cases").glob("*.html"))
    assert len(pages) == 9
    for name in [*pages, Path("index.html")]:
        long_page = (long_out / name).read_text(encoding="utf-8")
        wide_page = (wide_out / name).read_text(encoding="utf-8")
        if name == Path("index.html"):  # rows read and loaded: 9 cases, not 18 case-waves
            cells = "survey.csv</th><td>{0}</td><td>{0}</td>"
            wide_page = replace_once(wide_page, cells.format(9), cells.format(18))
        assert _without_provenance(wide_page) == _without_provenance(long_page), name


def test_an_items_columns_from_its_stem_suffix_prefix_or_own():
    from flows.study import SurveyLayout

    suffixes = {"baseline": "_t0", "followup": "_t1"}
    layout = SurveyLayout(
        layout="waves_in_columns",
        wave_suffixes=suffixes,
        columns={"sit": "sitting", "walk": {"baseline": "w0", "followup": "w1"}},
    )
    assert layout.wave_column_of("sit") == {"baseline": "sitting_t0", "followup": "sitting_t1"}
    assert layout.wave_column_of("walk") == {"baseline": "w0", "followup": "w1"}
    assert layout.wave_column_of("mood") == {"baseline": "mood_t0", "followup": "mood_t1"}
    prefixed = SurveyLayout(
        layout="waves_in_columns", wave_prefixes={"baseline": "pre_", "followup": "post_"}
    )
    assert prefixed.wave_column_of("mood") == {"baseline": "pre_mood", "followup": "post_mood"}
    assert SurveyLayout(layout="waves_in_columns").wave_column_of("mood") is None

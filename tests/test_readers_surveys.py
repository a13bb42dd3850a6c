"""Survey files: CSV/XLSX wide or long, SPSS, Stata, REDCap with its dictionary."""

from __future__ import annotations

import contextlib
import csv
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import TINY_STUDY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests_support import FORMATS, format_builders, fresh_dir, replace_once

from flows.errors import InputFileError, StudyFileError, TriangulateError
from flows.ingest import ingest_study
from flows.readers.common import Rejects
from flows.readers.surveys import read_survey_table, survey_values
from flows.study import load_study

ROOT = Path(__file__).resolve().parent.parent
UNKNOWN_WAVE = (
    "unknown wave; expected ['baseline', 'followup'] (a wave whose rows hold context "
    "variables, such as an enrolment event: [survey] context_wave)"
)
GOOD = ["E1", "I1", "A", "Intervention/Walking", "", "1", "AK", "We walk together."]

UNKNOWN_CASE = (
    "unknown case id (not in the roster); if the survey uses its own ids, map them "
    "to case ids in [survey] case_ids"
)


fb = format_builders()


@pytest.fixture
def survey_study(make_study, tmp_path):
    """The tiny study with its survey input and [survey] table replaced, in a
    fresh folder on each call (each hypothesis example gets its own)."""

    def build(survey_input: str, survey_table: str = "", extra: str = "") -> Path:
        toml = replace_once(TINY_STUDY, 'survey = "survey.csv"', f"survey = {survey_input}")
        toml += extra + (f"\n[survey]\n{survey_table}\n" if survey_table else "")
        return make_study([GOOD], study_toml=toml, base=fresh_dir(tmp_path))

    return build


def ingest(folder: Path):
    data = ingest_study(load_study(folder))
    return data, data.rejects.to_dict("records")


def values(data) -> dict[tuple[str, str, str], float]:
    return {(r.case_id, r.wave, r.item_id): r.value for r in data.survey.itertuples()}


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


CONDITIONS = '\n[[context_variables]]\nid = "conditions"\nlabel = "Other conditions"\n'


def test_long_layout_with_missing_codes(survey_study):
    folder = survey_study('"long.csv"', 'layout = "long"\nmissing_codes = ["-99"]')
    shutil.copy(FORMATS / "survey_long.csv", folder / "long.csv")
    data, rejects = ingest(folder)
    got = values(data)
    assert got[("A", "baseline", "walk_min")] == 30
    assert got[("A", "followup", "walk_min")] == 95
    assert math.isnan(got[("A", "baseline", "sit_hours")])  # not answered: missing, never zero
    assert math.isnan(got[("B", "baseline", "walk_min")])  # -99 is a missing code
    assert math.isnan(got[("B", "followup", "walk_min")])
    assert data.context.to_dict("records") == [
        {"case_id": "A", "variable_id": "sex", "value": "male"}
    ]
    reasons = {(r["row"], r["element"]): r["reason"] for r in rejects}
    assert reasons == {
        ("6", "value"): "expected a number; value treated as missing",
        ("7", "wave"): UNKNOWN_WAVE,
        ("8", "case_id"): UNKNOWN_CASE,
        ("9", "row"): "duplicate answer for this case, wave and item",
        ("10", "item_id"): "not a survey item or context variable of study.toml",
    }
    assert data.read_counts["long.csv"] == 9 and data.loaded_counts["long.csv"] == 5


def test_wide_xlsx(survey_study):
    folder = survey_study('"survey.xlsx"')
    fb.write_xlsx(
        folder / "survey.xlsx",
        [
            ["case_id", "wave", "walk_min", "sit_hours", "sex"],
            ["A", "baseline", 60, 8.5, "male"],
            ["A", "followup", 150, None, None],
            ["B", "baseline", "n/a", 7, "female"],
        ],
    )
    data, rejects = ingest(folder)
    got = values(data)
    assert got[("A", "followup", "walk_min")] == 150
    assert math.isnan(got[("A", "followup", "sit_hours")])
    assert got[("A", "baseline", "sit_hours")] == 8.5
    assert rejects == [
        {
            "file": "survey.xlsx",
            "row": "4",
            "element": "walk_min",
            "reason": "expected a number; value treated as missing",
        }
    ]


def test_spss_value_labels_and_user_missing(survey_study):
    import pyreadstat

    folder = survey_study('"survey.sav"')
    frame = pd.DataFrame(
        {
            "case_id": ["A", "A", "B"],
            "wave": [1.0, 2.0, 1.0],
            "walk_min": [60.0, 999.0, 30.0],
            "sit_hours": [8.0, 7.5, float("nan")],
            "sex": [1.0, 1.0, 2.0],
        }
    )
    pyreadstat.write_sav(
        frame,
        folder / "survey.sav",
        variable_value_labels={
            "wave": {1: "baseline", 2: "followup"},
            "sex": {1: "male", 2: "female"},
        },
        missing_ranges={"walk_min": [999]},
    )
    data, rejects = ingest(folder)
    assert rejects == []
    got = values(data)
    assert got[("A", "baseline", "walk_min")] == 60
    assert math.isnan(got[("A", "followup", "walk_min")])  # 999 is SPSS user-missing
    assert math.isnan(got[("B", "baseline", "sit_hours")])
    assert sorted(data.context.value) == ["female", "male"]  # value labels, not codes


def test_stata_value_labels_numeric_case_ids(survey_study):
    import pyreadstat

    folder = survey_study('"survey.dta"', 'case_column = "id"\ncase_ids = { "1" = "A", "2" = "B" }')
    frame = pd.DataFrame(
        {
            "id": [1.0, 1.0, 2.0, 3.0],
            "wave": [0.0, 1.0, 0.0, 0.0],
            "walk_min": [60.0, 120.0, float("nan"), 5.0],
            "sit_hours": [8.0, 6.0, 7.0, 1.0],
            "sex": [1.0, 1.0, 2.0, 1.0],
        }
    )
    pyreadstat.write_dta(
        frame,
        folder / "survey.dta",
        variable_value_labels={
            "wave": {0: "baseline", 1: "followup"},
            "sex": {1: "male", 2: "female"},
        },
    )
    data, rejects = ingest(folder)
    got = values(data)
    assert got[("A", "followup", "walk_min")] == 120
    assert math.isnan(got[("B", "baseline", "walk_min")])
    assert rejects == [
        {
            "file": "survey.dta",
            "row": "4",
            "element": "id",
            "reason": UNKNOWN_CASE,
        }
    ]


REDCAP_INPUT = '{ path = "export.csv", format = "redcap", dictionary = "dictionary.csv" }'
REDCAP_TABLE = 'case_ids = { "101" = "A", "102" = "B" }\ncolumns = { sit_hours = "sit_note" }'


def check_redcap(data, rejects):
    got = values(data)
    assert got[("A", "baseline", "walk_min")] == 30
    assert got[("A", "followup", "walk_min")] == 95
    assert math.isnan(got[("B", "baseline", "walk_min")])
    assert math.isnan(got[("B", "followup", "walk_min")])
    assert sorted(map(tuple, data.context.values.tolist())) == [
        ("A", "conditions", "Heart disease;Arthritis"),
        ("A", "sex", "male"),
        ("B", "conditions", "Diabetes"),
        ("B", "sex", "female"),
    ]
    reasons = {(r["row"], r["element"]): r["reason"] for r in rejects}
    assert reasons == {
        ("header", "sit_note"): "the data dictionary says this field is notes, not a number",
        ("5", "walk_min"): "expected a number; value treated as missing",
        ("6", "redcap_event_name"): UNKNOWN_WAVE,
        ("7", "redcap_repeat_instrument"): (
            "row of a repeating instrument: not read (one row per record and event is)"
        ),
        ("8", "record_id"): UNKNOWN_CASE,
    }


def test_redcap_export_with_dictionary(survey_study):
    folder = survey_study(REDCAP_INPUT, REDCAP_TABLE, extra=CONDITIONS)
    shutil.copy(FORMATS / "redcap_export.csv", folder / "export.csv")
    shutil.copy(FORMATS / "redcap_dictionary.csv", folder / "dictionary.csv")
    data, rejects = ingest(folder)
    check_redcap(data, rejects)


def test_redcap_labels_export(survey_study):
    """The same export with labels for headers and values ("csvlabels")."""
    folder = survey_study(REDCAP_INPUT, REDCAP_TABLE, extra=CONDITIONS)
    shutil.copy(FORMATS / "redcap_dictionary.csv", folder / "dictionary.csv")
    rows = fb.read_rows("redcap_export.csv")
    headers = {
        "record_id": "Record ID",
        "redcap_event_name": "Event Name",
        "redcap_repeat_instrument": "Repeat Instrument",
        "redcap_repeat_instance": "Repeat Instance",
        "sex": "Sex",
        "conditions___1": "Other conditions (choice=Heart disease)",
        "conditions___2": "Other conditions (choice=Diabetes)",
        "conditions___3": "Other conditions (choice=Arthritis)",
        "walk_min": "Minutes walking per week",
        "sit_note": "Sitting (free text)",
    }
    events = {
        "baseline_arm_1": "Baseline (Arm 1: Arm 1)",
        "follow_up_arm_1": "Follow-up (Arm 1: Arm 1)",
        "screening_arm_1": "Screening (Arm 1: Arm 1)",
    }
    header = rows[0]
    out = [[headers.get(h, h) for h in header]]
    for row in rows[1:]:
        cells = dict(zip(header, row, strict=True))
        cells["redcap_event_name"] = events[cells["redcap_event_name"]]
        cells["sex"] = {"1": "male", "2": "female", "": ""}[cells["sex"]]
        for n in (1, 2, 3):
            cells[f"conditions___{n}"] = (
                "Checked" if cells[f"conditions___{n}"] == "1" else "Unchecked"
            )
        out.append([cells[h] for h in header])
    fb.write_csv(folder / "export.csv", out)
    data, rejects = ingest(folder)
    check_redcap(data, rejects)


def test_redcap_needs_a_dictionary_that_exists(survey_study):
    toml_input = '{ path = "export.csv", format = "redcap" }'
    folder = survey_study(toml_input)
    shutil.copy(FORMATS / "redcap_export.csv", folder / "export.csv")
    with pytest.raises(StudyFileError, match=r"inputs.survey: Value error, format 'redcap' needs"):
        load_study(folder)
    folder = survey_study(REDCAP_INPUT)
    shutil.copy(FORMATS / "redcap_export.csv", folder / "export.csv")
    with pytest.raises(StudyFileError, match=r"inputs.survey.dictionary: file not found"):
        load_study(folder)


def test_redcap_dictionary_without_its_columns(survey_study):
    folder = survey_study(REDCAP_INPUT, REDCAP_TABLE)
    shutil.copy(FORMATS / "redcap_export.csv", folder / "export.csv")
    fb.write_csv(folder / "dictionary.csv", [["name", "label"], ["walk_min", "Walk"]])
    with pytest.raises(
        InputFileError, match=r"dictionary.csv: header: missing column\(s\) Variable"
    ):
        ingest(folder)


def test_wave_labels_set_in_the_study_file(survey_study):
    folder = survey_study('"survey.csv"', 'baseline = "T0"\nfollowup = "T1"\ncase_column = "pid"')
    fb.write_csv(
        folder / "survey.csv",
        [
            ["pid", "wave", "walk_min", "sit_hours", "sex"],
            ["A", "T0", "1", "2", "m"],
            ["A", "T2", "1", "", ""],
        ],
    )
    data, rejects = ingest(folder)
    assert set(data.survey.wave) == {"baseline"}
    assert rejects[0]["reason"].startswith("unknown wave; expected ['T0', 'T1'] (")


def test_example_study_end_to_end(tmp_path):
    """The .qdpx + REDCap example runs through the same stages as the demo."""
    from flows.stages import run_direct

    out = tmp_path / "out"
    summary = run_direct(ROOT / "data" / "example-qdpx", out)
    assert summary["cases"] == ["W1", "W2", "W3", "W4"] and summary["rejected"] == 0
    assert sorted(p.name for p in (out / "cases").glob("*.html")) == [
        "W1.html",
        "W2.html",
        "W3.html",
        "W4.html",
    ]
    with (out / "exports" / "survey_deltas.csv").open(encoding="utf-8") as handle:
        deltas = {(r["case_id"], r["item_id"]): r for r in csv.DictReader(handle)}
    assert deltas[("W4", "walk_minutes")]["direction"] == "not_computable"
    assert deltas[("W4", "walk_minutes")]["not_computable_reason"] == "follow-up answer missing"
    assert deltas[("W2", "steps")]["followup"] == ""  # missing stays missing, never zero
    assert deltas[("W1", "mmrc")]["direction"] == "improved"
    assert "follow-up answer missing" in (out / "cases" / "W4.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------- random and mutated files


def _load_or_clear_error(folder: Path) -> None:
    study = load_study(folder)
    spec = study.input_spec("survey")
    dictionary = study.input_path("survey.dictionary") if spec.dictionary else None
    with contextlib.suppress(TriangulateError):
        table = read_survey_table(study.input_path("survey"), spec, Rejects(), dictionary)
        survey_values(table, study.definition, spec.format, {"A", "B"}, set(), Rejects())


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    which=st.sampled_from(["export.csv", "dictionary.csv"]),
    cuts=st.lists(
        st.tuples(st.integers(0, 1000), st.integers(0, 20), st.text(max_size=6)), max_size=4
    ),
)
def test_mutated_redcap_files_load_or_fail_clearly(survey_study, which, cuts):
    folder = survey_study(REDCAP_INPUT, REDCAP_TABLE, extra=CONDITIONS)
    shutil.copy(FORMATS / "redcap_export.csv", folder / "export.csv")
    shutil.copy(FORMATS / "redcap_dictionary.csv", folder / "dictionary.csv")
    text = (folder / which).read_text(encoding="utf-8")
    for at, length, insert in cuts:
        at %= len(text) + 1
        text = text[:at] + insert + text[at + length :]
    (folder / which).write_text(text, encoding="utf-8", errors="surrogatepass")
    _load_or_clear_error(folder)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    suffix=st.sampled_from([".sav", ".dta", ".xlsx", ".csv"]),
    data=st.binary(max_size=2000),
)
def test_random_bytes_load_or_fail_clearly(survey_study, suffix, data):
    folder = survey_study(f'"survey{suffix}"')
    (folder / f"survey{suffix}").write_bytes(data)
    _load_or_clear_error(folder)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    suffix=st.sampled_from([".sav", ".dta"]),
    flips=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), min_size=1, max_size=8),
    cut=st.integers(0, 10_000),
)
def test_mutated_statistics_files_load_or_fail_clearly(survey_study, suffix, flips, cut):
    import pyreadstat

    folder = survey_study(f'"survey{suffix}"')
    frame = pd.DataFrame(
        {
            "case_id": ["A", "B"],
            "wave": [1.0, 1.0],
            "walk_min": [1.0, 2.0],
            "sit_hours": [3.0, 4.0],
            "sex": [1.0, 2.0],
        }
    )
    labels = {"wave": {1: "baseline"}, "sex": {1: "male", 2: "female"}}
    path = folder / f"survey{suffix}"
    writer = pyreadstat.write_sav if suffix == ".sav" else pyreadstat.write_dta
    writer(frame, path, variable_value_labels=labels)
    data = bytearray(path.read_bytes())
    for at, value in flips:
        data[at % len(data)] = value
    path.write_bytes(bytes(data[: (cut % len(data)) or len(data)]))
    _load_or_clear_error(folder)


def test_a_comma_before_three_digits_is_listed_not_guessed(survey_study):
    """The value "1,234" is 1.234 with a decimal comma or 1234 with a thousands separator:
    the value is missing and listed with the reason, never read as 1.234
    (found by exports8); "1,5" and "0,125" stay decimal commas."""
    folder = survey_study('"survey.csv"')
    (folder / "survey.csv").write_text(
        "case_id,wave,walk_min,sit_hours,sex\n"
        'A,baseline,"1,234","1,5",male\n'
        'A,followup,"12,500","0,125",\n',
        encoding="utf-8",
    )
    data, rejects = ingest(folder)
    got = values(data)
    assert math.isnan(got[("A", "baseline", "walk_min")])
    assert math.isnan(got[("A", "followup", "walk_min")])
    assert got[("A", "baseline", "sit_hours")] == 1.5
    assert got[("A", "followup", "sit_hours")] == 0.125
    assert {(r["row"], r["element"]) for r in rejects} == {("2", "walk_min"), ("3", "walk_min")}
    assert all("thousands separator" in r["reason"] for r in rejects)

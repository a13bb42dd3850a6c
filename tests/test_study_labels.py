"""Issue 17's smaller pieces on tiny studies: stance labels from the study
file and the reject naming the key, the code-path separator detected from a
MAXQDA export (and the hint when it cannot be), survey layout names with
their deprecation notes, the no-survey route switched off, and withdrawal
checked before anything else."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import TINY_STUDY
from tests_support import FORMATS, format_builders

from flows.codes import WITHDRAWN_EXCERPT, parse_code, unmapped_reason
from flows.errors import StudyFileError
from flows.ingest import ingest_study
from flows.init_qda import guess_stance
from flows.stages import annotate, build_warehouse, ingest, warehouse_frames
from flows.study import load_study

fb = format_builders()
MAXQDA_QDA = (
    'person = { from = "source_name", values = { "Interview Henrik" = "A", '
    '"Interview supporter" = "A-a", "Nurse A" = "N", "Nurse B" = "N" } }\n'
    'case = { from = "source_name", pattern = "^Nurse (.)$" }'
)
LABELS = """
[stance_labels]
intervention = { "Delivered" = "present", "Not delivered" = "absent" }
context = { "Hjalp" = "facilitator" }
"""


def study_with(tmp_path: Path, extra: str = "", *, replace: tuple[str, str] = ("", "")) -> Path:
    folder = tmp_path / "s"
    folder.mkdir(exist_ok=True)
    text = TINY_STUDY.replace(*replace) if replace[0] else TINY_STUDY
    (folder / "study.toml").write_text(text + extra, encoding="utf-8")
    for name in ("roster.csv", "interviews.csv", "excerpts.csv", "survey.csv"):
        (folder / name).write_text("x\n", encoding="utf-8")
    return folder


def test_sub_codes_in_the_researchers_words_carry_stances(tmp_path):
    study = load_study(study_with(tmp_path, LABELS)).definition
    assert parse_code("Intervention/Walking/Delivered", study) == ("walking_support", "present")
    assert parse_code("Intervention/Walking/not-delivered", study) == (
        "walking_support",
        "absent",
    )
    assert parse_code("Intervention/Walking/Present", study) == ("walking_support", "present")
    assert parse_code("Context/Energy/hjalp", study) == ("energy", "facilitator")
    assert parse_code("Intervention/Walking/Partly", study) is None
    reason = unmapped_reason("Intervention/Walking/Partly", study)
    assert reason.startswith(
        "sub-code 'Partly' of theme 'walking_support' matches no stance label: set "
        '[stance_labels] intervention = { "Partly" = "..." }'
    )


def test_a_themes_own_labels_come_first(tmp_path):
    own = 'codes = ["Intervention/Walking"]\nstance_labels = { "Delivered" = "absent" }'
    folder = study_with(tmp_path, LABELS, replace=('codes = ["Intervention/Walking"]', own))
    study = load_study(folder).definition
    assert parse_code("Intervention/Walking/Delivered", study) == ("walking_support", "absent")


@pytest.mark.parametrize(
    ("extra", "where"),
    [
        ('\n[stance_labels]\nintervention = { "Delivered" = "improved" }\n', "intervention"),
        ('\n[stance_labels]\noutcome = { "Yes" = "present" }\n', "outcome"),
        ('\n[stance_labels]\nbehaviour = { "Yes" = "present" }\n', "behaviour"),
    ],
)
def test_a_label_must_name_a_stance_of_its_component(tmp_path, extra, where):
    with pytest.raises(StudyFileError) as error:
        load_study(study_with(tmp_path, extra))
    assert where in str(error.value)


def test_no_survey_route_can_be_switched_off(tmp_path):
    folder = study_with(
        tmp_path, replace=("min_roles_without_survey = 2", "min_roles_without_survey = 0")
    )
    assert load_study(folder).definition.rules.min_roles_without_survey == 0


def test_no_survey_route_off_in_the_verdicts(make_study, tmp_path):
    toml = TINY_STUDY.replace("min_roles_without_survey = 2", "min_roles_without_survey = 0")
    excerpts = [
        ["E1", "I1", "A", "Outcome/Activity/Improved", "", "1", "AK", "I walk more."],
        ["E2", "I2", "A", "Outcome/Activity/Improved", "", "1", "AK", "He walks more."],
    ]
    ingested = ingest(make_study(excerpts, study_toml=toml))
    annotated, _ = annotate(ingested)
    db = tmp_path / "w.duckdb"
    build_warehouse(db, warehouse_frames(ingested, annotated))
    with duckdb.connect(str(db), read_only=True) as con:
        got = con.execute(
            "select outcome_achieved, outcome_reason from case_theme_verdicts "
            "where case_id = 'A' and theme_id = 'activity'"
        ).fetchall()
    assert got == [(False, "no survey evidence, and the study file accepts no outcome without it")]


def maxqda_study(tmp_path: Path, codes: dict[str, str], segments: str = "") -> Path:
    folder = tmp_path / "m"
    folder.mkdir(exist_ok=True)
    toml = fb.QDA_STUDY.format(excerpts='"segments.csv"', qda=MAXQDA_QDA).replace(
        'excerpts = "segments.csv"', 'excerpts = { path = "segments.csv", format = "maxqda" }'
    )
    (folder / "study.toml").write_text(toml + segments, encoding="utf-8")
    fb.write_csv(folder / "roster.csv", fb.QDA_ROSTER)
    fb.write_csv(folder / "survey.csv", [["case_id", "wave", "walk_min", "sex"]])
    text = (FORMATS / "maxqda_coded_segments.csv").read_text(encoding="utf-8")
    for old, new in codes.items():
        text = text.replace(old, new)
    (folder / "segments.csv").write_text(text, encoding="utf-8")
    return folder


def test_maxqda_backslash_paths_are_detected(tmp_path):
    folder = maxqda_study(tmp_path, {" > ": "\\"})
    data = ingest_study(load_study(folder))
    assert data.rejects.empty
    assert len(data.excerpts) == 6
    assert any("joined with '\\\\' (detected" in note for note in data.notes)


def test_mixed_separators_keep_the_default_and_hint(tmp_path):
    # one path with "\", the others with " > ": the default stays, the odd one is listed
    folder = maxqda_study(tmp_path, {"Intervention > Walking > Present": "Intervention\\Walking"})
    data = ingest_study(load_study(folder))
    reasons = data.rejects.reason.tolist()
    assert len(reasons) == 1
    assert "the file joins code paths with '\\\\', not ' > '" in reasons[0]
    assert "[segments] code_separator" in reasons[0]


def test_withdrawn_informants_rows_are_listed_once(tmp_path):
    # the supporter's one segment has a code mapped to no theme, and she withdrew
    folder = maxqda_study(
        tmp_path, {"Interview supporter;Intervention > Walking;": "Interview supporter;Nowhere;"}
    )
    roster = [list(row) for row in fb.QDA_ROSTER]
    for row in roster:
        if row[0] == "A-a":
            row[-1] = "withdrawn"
    fb.write_csv(folder / "roster.csv", roster)
    data = ingest_study(load_study(folder))
    assert data.rejects[["row", "reason"]].values.tolist() == [["5", WITHDRAWN_EXCERPT]]


def test_survey_layout_names(make_study):
    old_wide = TINY_STUDY.replace("[[roles]]", '[survey]\nlayout = "wide"\n\n[[roles]]', 1)
    data = ingest_study(load_study(make_study([], study_toml=old_wide)))
    assert data.notes == [
        '[survey] layout = "wide" is read as "long" (one row per case and wave, a column per '
        'item), the name SPSS and REDCap use: write layout = "long"'
    ]


@pytest.mark.parametrize("layout", ["long", "stacked"])
def test_old_long_meaning_stacked_still_reads(make_study, layout):
    toml = TINY_STUDY.replace('survey = "survey.csv"', 'survey = "long.csv"').replace(
        "[[roles]]", f'[survey]\nlayout = "{layout}"\nmissing_codes = ["-99"]\n\n[[roles]]', 1
    )
    folder = make_study([], study_toml=toml)
    shutil.copy(FORMATS / "survey_long.csv", folder / "long.csv")
    data = ingest_study(load_study(folder))
    answers = data.survey.dropna().sort_values(["case_id", "wave", "item_id"])
    assert answers.value.tolist() == [30.0, 95.0]
    if layout == "long":  # the old meaning: read as stacked, with a note
        assert len(data.notes) == 1 and 'write layout = "stacked"' in data.notes[0]
    else:
        assert data.notes == []


@pytest.mark.parametrize(
    ("name", "component", "stance"),
    [
        ("Delivered", "intervention", "present"),
        ("Not delivered", "intervention", "absent"),
        ("Forbedret", "outcome", "improved"),
        ("Same", "outcome", "no_change"),
        ("Held back", "context", "barrier"),
        ("Yes", "mechanism", "present"),
        ("Partly", "intervention", None),
    ],
)
def test_init_reads_plain_words_as_stances(name, component, stance):
    assert guess_stance(name, component) == stance

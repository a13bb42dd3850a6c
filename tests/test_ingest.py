"""Ingest: every row is loaded or listed in the rejects with file, row, element and reason."""

from __future__ import annotations

import pytest

from flows.errors import InputFileError
from flows.ingest import ingest_study, parse_code
from flows.study import load_study

GOOD = ["E1", "I1", "A", "Intervention/Walking", "", "1", "AK", "We walk together."]


def rejects_for(make_study, excerpts, survey=None, roster=None):
    loaded = load_study(make_study(excerpts, survey, roster))
    data = ingest_study(loaded)
    return data, data.rejects.to_dict("records")


@pytest.mark.parametrize(
    ("row", "element", "reason"),
    [
        (
            ["E2", "I99", "A", "Intervention/Walking", "", "1", "AK", "x"],
            "interview_id",
            "not in interviews.csv",
        ),
        (
            ["E2", "I1", "B", "Intervention/Walking", "", "1", "AK", "x"],
            "case_id",
            "not among the cases",
        ),
        (
            ["E2", "I1", "A", "Intervention/Running", "", "1", "AK", "x"],
            "code",
            "not mapped to any theme",
        ),
        (
            ["E2", "I1", "A", "Intervention/Walking/Improved", "", "1", "AK", "x"],
            "code",
            "sub-code 'Improved' of theme 'walking_support' matches no stance label: set "
            '[stance_labels] intervention = { "Improved" = "..." }',
        ),
        (
            ["E2", "I1", "A", "Intervention/Walking", "barrier", "1", "AK", "x"],
            "stance",
            "expected one of",
        ),
        (
            ["E2", "I1", "A", "Intervention/Walking", "", "two", "AK", "x"],
            "position",
            "whole number",
        ),
        (
            ["E2", "I1", "A", "Intervention/Walking", "", "1", "AK", ""],
            "text",
            "empty excerpt text",
        ),
        (
            ["E1", "I1", "A", "Intervention/Walking", "", "1", "AK", "again"],
            "excerpt_id",
            "duplicate",
        ),
        (
            ["E2", "I1", "A", "Intervention/Walking", "", "1", "AK", "x" * 20_001],
            "text",
            "longer than",
        ),
    ],
)
def test_bad_excerpt_rows_are_rejected_with_reason(make_study, row, element, reason):
    data, rejects = rejects_for(make_study, [GOOD, row])
    assert len(data.excerpts) == 1
    assert len(rejects) == 1
    assert rejects[0]["file"] == "excerpts.csv"
    assert rejects[0]["row"] == "3"  # header is line 1, GOOD is line 2
    assert rejects[0]["element"] == element
    assert reason in rejects[0]["reason"]


def test_coded_stance_from_child_code_or_column(make_study):
    rows = [
        ["E1", "I1", "A", "Intervention/Walking/Absent", "", "1", "AK", "We never walk."],
        ["E2", "I1", "A", "Intervention/Walking", "Present", "2", "AK", "We walk."],
        ["E3", "I1", "A", "Intervention / Walking", "", "3", "AK", "We walk."],
    ]
    data, rejects = rejects_for(make_study, rows)
    assert rejects == []
    coded = data.excerpts["coded_stance"]
    assert coded[:2].tolist() == ["absent", "present"]
    assert coded.isna().tolist() == [False, False, True]


def test_withdrawn_informant_excerpts_are_excluded(make_study, tiny_roster):
    tiny_roster[1][5] = "withdrawn"  # person A (peer)
    data, rejects = rejects_for(
        make_study,
        [GOOD, ["E2", "I2", "A", "Intervention/Walking", "", "1", "AK", "We walk."]],
        survey=[["A", "baseline", "1", "2", "male"], ["B", "baseline", "1", "2", "female"]],
        roster=tiny_roster,
    )
    assert data.excerpts["excerpt_id"].tolist() == ["E2"]
    assert "withdrew consent" in rejects[0]["reason"]
    assert set(data.survey["case_id"]) == {"B"}
    assert any(r["file"] == "survey.csv" and "withdrew" in r["reason"] for r in rejects)
    assert data.withdrawn == ["A"]


def test_survey_rejects_and_missing_values(make_study):
    survey = [
        ["A", "baseline", "60", "8", "male"],
        ["A", "followup", "lots", "", ""],
        ["A", "followup", "1", "1", ""],
        ["Z", "baseline", "1", "1", ""],
        ["B", "week 3", "1", "1", ""],
    ]
    data, rejects = rejects_for(make_study, [GOOD], survey)
    reasons = {(r["row"], r["element"]): r["reason"] for r in rejects}
    assert "expected a number" in reasons[("3", "walk_min")]
    assert "duplicate row" in reasons[("4", "row")]
    assert "unknown case id" in reasons[("5", "case_id")]
    assert "unknown wave" in reasons[("6", "wave")]
    followup = data.survey[(data.survey.case_id == "A") & (data.survey.wave == "followup")]
    assert followup["value"].isna().all()  # missing stays missing, never zero
    assert data.context.to_dict("records") == [
        {"case_id": "A", "variable_id": "sex", "value": "male"}
    ]


def test_undeclared_survey_column_is_reported(make_study):
    folder = make_study([GOOD])
    (folder / "survey.csv").write_text(
        "case_id,wave,walk_min,shoe_size\nA,baseline,1,44\n", encoding="utf-8"
    )
    data = ingest_study(load_study(folder))
    assert data.rejects.to_dict("records") == [
        {
            "file": "survey.csv",
            "row": "header",
            "element": "shoe_size",
            "reason": "column not declared in study.toml; ignored",
        }
    ]


def test_bom_and_crlf_are_read(make_study):
    folder = make_study([GOOD])
    text = (folder / "excerpts.csv").read_text(encoding="utf-8").replace("\n", "\r\n")
    (folder / "excerpts.csv").write_bytes("\ufeff".encode() + text.encode())
    data = ingest_study(load_study(folder))
    assert data.excerpts["excerpt_id"].tolist() == ["E1"]


def test_missing_column_is_a_clear_error(make_study):
    folder = make_study([GOOD])
    (folder / "interviews.csv").write_text("interview_id,person\nI1,A\n", encoding="utf-8")
    with pytest.raises(
        InputFileError,
        match=r"interviews.csv: header: missing column\(s\) person_id, mode, language",
    ):
        ingest_study(load_study(folder))


def test_undecodable_file_is_a_clear_error(make_study):
    folder = make_study([GOOD])
    (folder / "excerpts.csv").write_bytes(b"excerpt_id,text\n\xff\xfe\x00bad\n")
    with pytest.raises(InputFileError, match=r"excerpts.csv: not UTF-8 text"):
        ingest_study(load_study(folder))


def test_counts_add_up_on_the_demo(demo_dir):
    data = ingest_study(load_study(demo_dir))
    assert data.read_counts == {
        "roster.csv": 21,
        "interviews.csv": 25,
        "excerpts.csv": 295,
        "survey.csv": 18,
    }
    assert data.loaded_counts == data.read_counts
    assert len(data.rejects) == 0


def test_parse_code(demo_dir):
    study = load_study(demo_dir).definition
    assert parse_code("Outcome/Eating habits/No change", study) == ("eating", "no_change")
    assert parse_code("Outcome/Eating habits", study) == ("eating", None)
    assert parse_code("Outcome/Eating habits/Barrier", study) is None


def test_native_layout_read_from_xlsx(make_study):
    import openpyxl
    from conftest import INTERVIEWS, TINY_STUDY
    from tests_support import replace_once

    toml = replace_once(
        TINY_STUDY, 'interviews = "interviews.csv"', 'interviews = "interviews.xlsx"'
    )
    folder = make_study([GOOD], study_toml=toml)
    workbook = openpyxl.Workbook()
    for row in INTERVIEWS:
        workbook.active.append(row)
    workbook.save(folder / "interviews.xlsx")
    data = ingest_study(load_study(folder))
    assert data.excerpts["excerpt_id"].tolist() == ["E1"]
    assert data.read_counts["interviews.xlsx"] == 6


def test_withdrawn_case_follows_the_first_per_case_role(make_study, tiny_roster):
    from conftest import TINY_STUDY
    from tests_support import replace_once

    toml = replace_once(
        TINY_STUDY, 'id = "peer"\nlabel = "Peer"', 'id = "patient"\nlabel = "Patient"'
    )
    for row in tiny_roster[1:]:
        row[1] = "patient" if row[1] == "peer" else row[1]
    tiny_roster[1][5] = "withdrawn"  # A
    survey = [["A", "baseline", "1", "2", "male"], ["B", "baseline", "1", "2", "female"]]
    folder = make_study([GOOD], survey, tiny_roster, toml)
    data = ingest_study(load_study(folder))
    assert set(data.survey["case_id"]) == {"B"}
    assert data.withdrawn == ["A"]


def test_roster_with_one_row_per_person_per_case_is_merged(make_study, tiny_roster):
    """The nurse on one row per case (as staff lists are often kept): one person, both cases."""
    nurse = tiny_roster.pop()
    tiny_roster += [[*nurse[:2], "A", *nurse[3:]], [*nurse[:2], "B", *nurse[3:]]]
    rows = [GOOD, ["E2", "I6", "B", "Intervention/Walking", "", "1", "AK", "They walk."]]
    data, rejects = rejects_for(make_study, rows, roster=tiny_roster)
    assert rejects == []
    assert sorted(data.person_cases[data.person_cases.person_id == "N"].case_id) == ["A", "B"]
    assert data.persons.person_id.tolist().count("N") == 1
    assert data.excerpts.excerpt_id.tolist() == ["E1", "E2"]


def test_roster_rows_of_one_person_that_conflict_say_how_to_write_them(make_study, tiny_roster):
    """Rows of one person that differ (here the role) cannot be merged: the run
    stops (a roster with mistakes never runs) and says how to write them."""
    from flows.ingest import RosterError

    nurse = tiny_roster.pop()
    tiny_roster += [[*nurse[:2], "A", *nurse[3:]], [nurse[0], "supporter", "B", *nurse[3:]]]
    with pytest.raises(RosterError) as raised:
        rejects_for(make_study, [GOOD], roster=tiny_roster)
    message = str(raised.value)
    assert "row 8: person_id: duplicate person_id N: rows 7, 8 differ in role." in message
    assert "all their cases in case_ids (e.g. P1;P2)" in message
    assert nurse[3] not in message  # never a name


def test_a_case_no_per_case_informant_has_is_named_with_the_study_roles(make_study, tiny_roster):
    """The reason names the study's own per-case roles (never the demo's)."""
    tiny_roster[-1][2] = "A;B;Z"  # the nurse lists a case nobody else is in
    _, rejects = rejects_for(make_study, [GOOD], roster=tiny_roster)
    (reason,) = [r["reason"] for r in rejects if r["element"] == "case_ids"]
    assert reason == (
        "case id is not a case: no informant of a role interviewed per case (Peer, Peer supporter) "
        "lists it"
    )

"""`triangulate init` on the layouts researchers bring on day one: a survey
with the waves in columns, and a MAXQDA or QualCoder export whose document
groups (or document names) say each informant's role."""

from __future__ import annotations

import csv
import math
import shutil
import tomllib
from pathlib import Path

import pytest

from flows import stages
from flows.init import init_study
from flows.init_survey import wave_columns

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "example-qdpx"


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return path


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (["id", "walk_t0", "walk_t1", "mood_t0", "mood_t1", "sex"], ("suffix", ["_t0", "_t1"])),
        (["id", "pre_walk", "post_walk", "pre_mood", "post_mood"], ("prefix", ["pre_", "post_"])),
        (["id", "walk_fu", "walk_bl", "mood_fu", "mood_bl"], ("suffix", ["_bl", "_fu"])),
        (["id", "walk.2", "walk.1", "mood.2", "mood.1", "age"], ("suffix", [".1", ".2"])),
        (["id", "age_band", "income_band", "sex"], None),
        (["id", "walk_t0", "walk_t1", "sex"], None),  # one stem: too little to go on
        (["id", "pre_tug", "post_tug", "sex"], ("prefix", ["pre_", "post_"])),  # named waves
        (["id", "tug_baseline", "tug_followup"], ("suffix", ["_baseline", "_followup"])),
        (["id", "age_band", "income_band"], None),
    ],
)
def test_wave_tags_found_in_column_names(header, expected):
    found = wave_columns(header)
    assert (found[:2] if found else None) == expected


def test_survey_with_waves_in_columns_drafted_loads_as_it_is(tmp_path):
    shutil.copy(EXAMPLE / "walking-together.qdpx", tmp_path / "walking-together.qdpx")
    survey = write_csv(
        tmp_path / "survey.csv",
        [
            [
                "case_id",
                "sex",
                "walk_t0",
                "walk_t1",
                "mood_t0",
                "mood_t1",
                "mood_t2",
                "smoker_t0",
                "smoker_t1",
            ],
            ["W1", "female", "60", "120", "3", "4", "5", "yes", "no"],
            ["W2", "male", "30", "", "2", "2", "2", "no", "no"],
            ["W3", "female", "45", "50", "4", "3", "3", "no", "no"],
            ["W4", "", "20", "90", "1", "2", "", "yes", "yes"],
        ],
    )
    path = init_study(tmp_path / "mine", qdpx=tmp_path / "walking-together.qdpx", survey=survey)
    text = path.read_text(encoding="utf-8")
    drafted = tomllib.loads(text)
    assert drafted["survey"]["layout"] == "waves_in_columns"
    assert drafted["survey"]["wave_suffixes"] == {"baseline": "_t0", "followup": "_t1"}
    assert drafted["survey"]["ignore_columns"] == ["mood_t2", "smoker_t1"]
    assert "wave_column" not in drafted["survey"]
    assert [i["id"] for i in drafted["survey_items"]] == ["walk", "mood"]
    assert {v["id"] for v in drafted["context_variables"]} >= {"sex", "smoker"}
    assert drafted["survey"]["columns"] == {"smoker": "smoker_t0"}  # not a number: context
    assert "# check: the suffixes found: _t0, _t1, _t2" in text
    data = stages.ingest(path.parent).data
    assert not [r for r in data.rejects.to_dict("records") if r["file"] == "survey.csv"]
    assert data.read_counts["survey.csv"] == data.loaded_counts["survey.csv"] == 4
    got = {(r.case_id, r.wave, r.item_id): r.value for r in data.survey.itertuples()}
    assert got[("W1", "followup", "walk")] == 120
    assert math.isnan(got[("W2", "followup", "walk")])


# ---------------------------------------------------------------- roles from a segment export

MAXQDA = ROOT / "data" / "example-maxqda"


def roster_of(folder: Path) -> dict[str, tuple[str, str]]:
    with (folder / "roster.csv").open(encoding="utf-8", newline="") as handle:
        return {r["person_id"]: (r["role"], r["case_ids"]) for r in csv.DictReader(handle)}


def test_maxqda_document_groups_draft_the_roles(tmp_path):
    shutil.copy(MAXQDA / "coded-segments.xlsx", tmp_path / "coded-segments.xlsx")
    path = init_study(tmp_path / "mine", segments=tmp_path / "coded-segments.xlsx", fmt="maxqda")
    text = path.read_text(encoding="utf-8")
    drafted = tomllib.loads(text)
    assert [(r["id"], r["label"], r["per_case"]) for r in drafted["roles"]] == [
        ("coach", "Coach", True),
        ("participant", "Participant", True),
        ("physiotherapist", "Physiotherapist", False),  # one person beside many: several cases
    ]
    assert drafted["qda"]["role"] == {
        "from": "variable",
        "name": "Document group",
        "values": {
            "Coaches": "coach",
            "Participants": "participant",
            "Physiotherapist": "physiotherapist",
        },
    }
    role_line = next(line for line in text.splitlines() if line.startswith("role = "))
    assert "# check:" in role_line
    roster = roster_of(path.parent)
    assert len(roster) == 11  # one row per document's person
    assert sorted(role for role, _ in roster.values()) == ["coach"] * 5 + ["participant"] * 5 + [
        "physiotherapist"
    ]
    # the cases her segments' `Cases\H...` codes name (walk 9; before: left to fill in)
    assert roster["PT"] == ("physiotherapist", "H1;H2;H3;H5")  # ids from document names
    assert drafted["qda"]["case"] == {"from": "code_folder", "folder": "Cases"}
    data = stages.ingest(path.parent).data  # loads as it is: the roles agree
    reasons = set(data.rejects.reason)
    assert not any("role" in reason for reason in reasons), reasons


def segments_file(path: Path, header: list[str], documents: dict[str, list[str]]) -> Path:
    """A segment export: per document, its row's extra cells; two codings each."""
    rows = [header]
    for document, extra in documents.items():
        for n, code in enumerate(("Outcomes\\Balance\\Better", "Activities\\Exercises\\Delivered")):
            rows.append(
                [document, code, f"Segment {n} of this document.", str(n + 1), "AK", *extra]
            )
    return write_csv(path, rows)


def test_document_names_draft_the_roles_when_there_are_no_groups(tmp_path):
    names = [
        "P1 peer interview.docx",
        "P1 peer supporter interview.docx",
        "P2 Peer interview",
        "P2 peer-supporter interview",
        "Manager interview",
    ]
    header = ["Document name", "Code", "Segment", "Beginning", "Created by"]
    export = segments_file(tmp_path / "segments.csv", header, {n: [] for n in names})
    path = init_study(tmp_path / "mine", segments=export, fmt="maxqda")
    drafted = tomllib.loads(path.read_text(encoding="utf-8"))
    assert [r["id"] for r in drafted["roles"]] == ["informant", "peer", "peer_supporter"]
    locator = drafted["qda"]["role"]
    assert locator["from"] == "source_name"
    assert locator["values"] == {"peer-supporter": "peer_supporter"}
    roster = roster_of(path.parent)
    assert sorted(role for role, _ in roster.values()) == [
        "informant",
        "peer",
        "peer",
        "peer_supporter",
        "peer_supporter",
    ]
    data = stages.ingest(path.parent).data
    assert not any("role" in reason for reason in set(data.rejects.reason))


def test_qualcoder_file_attribute_groups_draft_the_roles(tmp_path):
    header = ["File", "Codename", "Coded", "Pos0", "Coder", "FileVar_Group"]
    rows = {"int01.txt": ["Nurses"], "int02.txt": ["Nurses"], "int03.txt": ["Patients"]}
    rows |= {"int04.txt": ["Patients"], "int05.txt": ["Patients"]}
    export = segments_file(tmp_path / "report.csv", header, rows)
    path = init_study(tmp_path / "mine", segments=export, fmt="qualcoder")
    drafted = tomllib.loads(path.read_text(encoding="utf-8"))
    assert drafted["qda"]["role"]["name"] == "Group"
    assert [(r["id"], r["label"]) for r in drafted["roles"]] == [
        ("nurse", "Nurse"),
        ("patient", "Patient"),
    ]
    assert (
        sorted(role for role, _ in roster_of(path.parent).values())
        == ["nurse"] * 2 + ["patient"] * 3
    )


def test_no_groups_and_no_recurring_words_keep_one_informant_role(tmp_path):
    header = ["Document name", "Code", "Segment", "Beginning", "Created by"]
    export = segments_file(tmp_path / "s.csv", header, {"A1": [], "B2": [], "C3": []})
    path = init_study(tmp_path / "mine", segments=export, fmt="maxqda")
    drafted = tomllib.loads(path.read_text(encoding="utf-8"))
    assert [r["id"] for r in drafted["roles"]] == ["informant"]
    assert "role" not in drafted["qda"]


def test_qualcoder_case_column_drafts_the_cases(tmp_path):
    """A QualCoder report's Case column names QDA cases even without CaseVar_
    columns: the draft reads cases from it, the roster holds those cases (not
    each person as their own case) and a survey keyed by them needs no map."""
    header = ["File", "Codename", "Coded", "Pos0", "Coder", "Case", "FileVar_Role"]
    documents = [("Physio interview", "Physiotherapist", ["F1", "F2", "F3"])]
    for case in ("F1", "F2", "F3"):
        documents.append((f"{case} participant interview", "Participants", [case]))
        documents.append((f"{case} volunteer interview", "Volunteers", [case]))
    rows = [header]
    for doc, role, cases in documents:
        for n, case in enumerate(cases):
            rows.append([doc, "Delivered", f"Segment {n} of it.", str(n), "AK", case, role])
    # the physio on the programme as a whole: about none of her three cases
    rows.append(["Physio interview", "Delivered", "Across the programme.", "9", "AK", "", ""])
    export = write_csv(tmp_path / "report.csv", rows)
    survey = [["id", "pre_tug", "post_tug", "pre_fes", "post_fes"]]
    survey += [[c, "16", "12", "30", "28"] for c in ("F1", "F2", "F3")]
    survey_file = write_csv(tmp_path / "survey.csv", survey)
    path = init_study(tmp_path / "mine", segments=export, fmt="qualcoder", survey=survey_file)
    text = path.read_text(encoding="utf-8")
    drafted = tomllib.loads(text)
    assert drafted["qda"]["case"] == {"from": "qda_case"}
    assert "0 cases" not in text and "case_ids" not in drafted["survey"]
    roster = roster_of(path.parent)
    per_case = ["F1", "F2", "F3"] * 2  # participants' and volunteers'; the physio's empty
    assert sorted(cases for _, cases in roster.values()) == ["", *sorted(per_case)]
    assert {r["id"]: r["per_case"] for r in drafted["roles"]}["physiotherapist"] is False
    data = stages.ingest(path.parent).data
    assert "Across the programme." not in set(data.excerpts.text)
    (reason,) = data.rejects[data.rejects.row == str(len(rows))].reason
    assert "no case" in reason, reason

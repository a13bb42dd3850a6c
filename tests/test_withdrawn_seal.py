"""What a run publishes of a withdrawn participant (decision 0384), at the
ingest: their rows, id and counts are gone from the rejects, the files' read
and loaded counts and the people's tables, as if they had never taken part.

`tests/test_privacy_redteam_withdrawn.py` proves the same end to end (every
published byte, three pipeline runs); these tests call `withdrawn.seal` and
`withdrawn.published_people` on what ingestion hands them, so that each count
and row is pinned in seconds (the mutation runs: `--only withdrawn-trace`)."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import INTERVIEWS, ROSTER, write_csv
from privacy.test_corpus import SURVEY, excerpt

from flows.codes import WITHDRAWN_EXCERPT, WITHDRAWN_SURVEY_ROW
from flows.ingest import StudyData
from flows.privacy import withdrawn
from flows.stage_ingest import ingest

# two people of case B with excerpts of their own; B-b's come last, so that no
# other row's number in the rejects depends on them
OTHERS = [
    excerpt("E1", "We walk twice a week."),
    excerpt("E2", "I walk with her on Mondays.", "I3", "B"),
    excerpt("E3", "She walks more now.", "I4", "B"),
]
HERS = [
    excerpt("E4", "We never walk.", "I5", "B"),
    excerpt("E5", "Tired, so tired today.", "I5", "B"),
]


def _study(make_study, tmp_path, name: str, *, status: str = "active", gone: bool = False):
    """The tiny study with Mette (B-b) `status`, or (`gone`) never in it at all."""
    base = tmp_path / name
    base.mkdir()
    roster = [list(r) for r in ROSTER]
    for row in roster:
        if row[0] == "B-b":
            row[5] = status
    if gone:
        roster = [r for r in roster if r[0] != "B-b"]
    folder = make_study([*OTHERS, *([] if gone else HERS)], SURVEY, roster=roster, base=base)
    if gone:
        write_csv(folder / "interviews.csv", [r for r in INTERVIEWS if r[1] != "B-b"])
    return folder


def _records(frame: pd.DataFrame) -> list[dict]:
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def test_a_withdrawn_participant_leaves_the_counts_and_rejects_of_one_never_in_it(
    make_study, tmp_path
):
    """The run's ingest of the study with Mette withdrawn equals, count for count
    and reject for reject, the ingest of the study without her roster row, her
    interview and her two excerpts; `validate`'s ingest (`for_run=False`) still
    lists her excluded rows and counts them as read."""
    never = ingest(_study(make_study, tmp_path, "never", gone=True)).data
    left = ingest(_study(make_study, tmp_path, "left", status="withdrawn")).data
    assert left.withdrawn == ["B-b"]
    assert left.read_counts == never.read_counts
    assert left.loaded_counts == never.loaded_counts
    assert never.read_counts["roster.csv"] == len(ROSTER) - 2  # the header, her row
    assert never.read_counts["interviews.csv"] == len(INTERVIEWS) - 2
    assert never.read_counts["excerpts.csv"] == len(OTHERS)
    assert _records(left.rejects) == _records(never.rejects)
    assert not left.rejects["reason"].isin([WITHDRAWN_EXCERPT, WITHDRAWN_SURVEY_ROW]).any()
    assert list(left.rejects.index) == list(range(len(left.rejects)))

    shown = ingest(_study(make_study, tmp_path, "shown", status="withdrawn"), for_run=False).data
    assert shown.read_counts["roster.csv"] == len(ROSTER) - 1
    assert shown.read_counts["interviews.csv"] == len(INTERVIEWS) - 1
    assert shown.read_counts["excerpts.csv"] == len(OTHERS) + len(HERS)
    assert shown.loaded_counts["roster.csv"] == len(ROSTER) - 1
    theirs = shown.rejects[shown.rejects["reason"] == WITHDRAWN_EXCERPT]
    assert theirs["row"].astype(str).tolist() == ["5", "6"]


def test_the_published_people_are_those_of_a_study_without_her(make_study, tmp_path):
    """`raw_persons`, `raw_person_cases`, `raw_interviews` as published: no row of
    hers, the index renumbered as a frame read without her is."""
    never = ingest(_study(make_study, tmp_path, "never", gone=True)).data
    left = ingest(_study(make_study, tmp_path, "left", status="withdrawn")).data
    assert "B-b" in left.persons["person_id"].tolist()  # the run still knows her
    assert "B-b" in left.interviews["person_id"].tolist()
    published = withdrawn.published_people(left)
    expected = withdrawn.published_people(never)
    assert list(published) == ["raw_persons", "raw_person_cases", "raw_interviews"]
    for name, frame in published.items():
        pd.testing.assert_frame_equal(frame, expected[name], check_dtype=False)
        assert "B-b" not in frame["person_id"].tolist(), name


def _data(**counts) -> StudyData:
    """A QDA project's study, as `from_qda` counts it: Ole (B-a) and Mette (B-b)
    each with one source; Mette withdrew, three of her codings excluded."""
    empty = pd.DataFrame()
    rejects = pd.DataFrame(
        {
            "file": ["p.qdpx", "p.qdpx", "p.qdpx", "p.qdpx", "survey.csv"],
            "row": ["3", "7", "8", "9", "4"],
            "element": ["coding"] * 4 + ["row"],
            "reason": [
                "code not mapped to any theme in study.toml",
                WITHDRAWN_EXCERPT,
                WITHDRAWN_EXCERPT,
                WITHDRAWN_EXCERPT,
                WITHDRAWN_SURVEY_ROW,
            ],
        },
        index=[10, 11, 12, 13, 14],
    )
    persons = pd.DataFrame(
        {
            "person_id": ["B", "B-a", "B-b"],
            "role": ["peer", "supporter", "supporter"],
            "status": ["active", "active", "withdrawn"],
        }
    )
    interviews = pd.DataFrame(
        {"interview_id": ["S1", "S2", "S3"], "person_id": ["B", "B-a", "B-b"]}
    )
    read = {"roster.csv": 4, "p.qdpx (sources)": 3, "p.qdpx (codings)": 9, "survey.csv": 5}
    read.update(counts)
    return StudyData(
        persons=persons,
        person_cases=pd.DataFrame({"person_id": ["B", "B-a", "B-b"], "case_id": ["B"] * 3}),
        cases=empty,
        interviews=interviews,
        excerpts=empty,
        survey=empty,
        context=empty,
        rejects=rejects,
        loaded_counts={"roster.csv": 3, "p.qdpx (sources)": 3, "p.qdpx (codings)": 5},
        read_counts=read,
        roster_names=[],
        withdrawn=["B-b"],
    )


def test_a_qda_projects_codings_and_sources_lose_hers():
    """A QDA project counts its codings under "<file> (codings)" and its sources
    under "<file> (sources)": her three codings, her source and her roster row
    leave the read counts, her source and roster row the loaded ones; the
    reject of an unmapped code stays, renumbered from 0."""
    data = _data()
    withdrawn.seal(data, "roster.csv", "p.qdpx (sources)")
    assert data.read_counts == {
        "roster.csv": 3,
        "p.qdpx (sources)": 2,
        "p.qdpx (codings)": 6,
        "survey.csv": 4,
    }
    assert data.loaded_counts == {"roster.csv": 2, "p.qdpx (sources)": 2, "p.qdpx (codings)": 5}
    assert data.rejects.to_dict("records") == [
        {
            "file": "p.qdpx",
            "row": "3",
            "element": "coding",
            "reason": "code not mapped to any theme in study.toml",
        }
    ]
    assert list(data.rejects.index) == [0]


def test_a_count_is_never_below_zero_nor_made_up():
    """All of a file's rows hers: its count is 0, not less; a file the counts do not
    hold (interviews without a file of their own) gains no count."""
    data = _data(**{"p.qdpx (codings)": 3, "survey.csv": 1})
    data.read_counts.pop("p.qdpx (sources)")
    withdrawn.seal(data, "roster.csv", "p.qdpx (sources)")
    assert data.read_counts == {"roster.csv": 3, "p.qdpx (codings)": 0, "survey.csv": 0}
    assert data.loaded_counts["p.qdpx (sources)"] == 2

    data = _data(**{"p.qdpx (codings)": 2})
    withdrawn.seal(data, "roster.csv", None)  # no interviews file: sources untouched
    assert data.read_counts["p.qdpx (codings)"] == 0
    assert data.read_counts["p.qdpx (sources)"] == 3
    assert data.loaded_counts["p.qdpx (sources)"] == 3


@pytest.mark.parametrize("nobody", [True, False])
def test_nothing_changes_when_nobody_withdrew_or_they_had_no_interview(nobody):
    """Nobody withdrawn: counts and rejects as read. Withdrawn with no interview
    listed (an empty interviews frame): only the rejects and the roster change."""
    data = _data()
    if nobody:
        data.withdrawn = []
        before = (dict(data.read_counts), dict(data.loaded_counts), data.rejects.copy())
        withdrawn.seal(data, "roster.csv", "p.qdpx (sources)")
        assert (data.read_counts, data.loaded_counts) == before[:2]
        pd.testing.assert_frame_equal(data.rejects, before[2])
        return
    data.interviews = data.interviews.iloc[0:0]
    withdrawn.seal(data, "roster.csv", "p.qdpx (sources)")
    assert data.read_counts["p.qdpx (sources)"] == 3
    assert data.read_counts["roster.csv"] == 3
    assert data.loaded_counts["p.qdpx (sources)"] == 3


def test_active_persons_keeps_the_active_in_order():
    persons = pd.DataFrame(
        {"person_id": ["A", "B", "C", "D"], "status": ["active", "withdrawn", "active", "x"]},
        index=[5, 6, 7, 8],
    )
    got = withdrawn.active_persons(persons)
    assert got["person_id"].tolist() == ["A", "C"]
    assert list(got.index) == [0, 1]
    assert list(got.columns) == ["person_id", "status"]

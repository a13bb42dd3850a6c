"""An excerpt or interview id holding a name nobody listed (decision 0424), called
directly: `preflight.unlisted_in_ids` on frames, without a run. The red-team file
(`test_privacy_redteam_ids14.py`) checks the same end to end; these pin which ids
are stopped, the row and file each problem names, and that the id never appears
(mutants15)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from flows.privacy.preflight import unlisted_in_ids

TAIL = "holds a name nobody listed on the roster"


def _data(excerpt_ids=(), interview_ids=()):
    return SimpleNamespace(
        excerpts=pd.DataFrame({"excerpt_id": list(excerpt_ids)}),
        interviews=pd.DataFrame({"interview_id": list(interview_ids)}),
    )


class _Loaded:
    """A loaded study's input paths, as `LoadedStudy.input_path` gives them."""

    def input_path(self, role: str) -> Path:
        if role == "interviews":
            raise KeyError(role)  # a study without that file (a QDA project)
        return Path("/study/data") / f"my-{role}.csv"


def test_each_id_holding_a_name_is_named_by_its_table_and_row_never_by_itself():
    data = _data(["E1", "E-Hodan-1", "E3", "Fatima_Ali"], ["I1", "I-Mehmet"])
    problems = unlisted_in_ids(data, [])
    assert problems == [
        f"excerpts: excerpt 2 (in the order read): excerpt_id {TAIL}",
        f"excerpts: excerpt 4 (in the order read): excerpt_id {TAIL}",
        f"interviews: interview 2 (in the order read): interview_id {TAIL}",
    ]
    assert not any(n in p for p in problems for n in ("Hodan", "Fatima", "Ali", "Mehmet"))


def test_the_file_is_named_when_the_study_has_one_else_the_table():
    data = _data(["E-Hodan-1"], ["I-Mehmet"])
    assert unlisted_in_ids(data, [], _Loaded()) == [
        f"my-excerpts.csv: excerpt 1 (in the order read): excerpt_id {TAIL}",
        f"interviews: interview 1 (in the order read): interview_id {TAIL}",
    ]


@pytest.mark.parametrize(
    "id_",
    [
        "E-Hodan-1",  # hyphens: found only once they are read as blanks
        "I.Mehmet.2",
        "E:Hodan",
        "E/Hodan",
        "Hodan_1",
        "E-Dr-Hansen",  # a title and a capitalised word
        "Mehmet-Hodan",
    ],
)
def test_a_name_behind_any_separator_is_found(id_):
    assert len(unlisted_in_ids(_data([id_]), [])) == 1


@pytest.mark.parametrize("id_", ["E1", "E0012", "I3", "E-walk-12", "E-mehmet", "dr-hansen", "EBo"])
def test_ids_naming_no_one_pass(id_):
    assert unlisted_in_ids(_data([id_], [id_]), []) == []


def test_the_words_of_person_and_case_ids_are_the_researchers_pseudonyms():
    """A case id "Ali" makes "Ali" a pseudonym: published in the labels already,
    so no name here; the same ids without it stop the run."""
    data = _data(["E-Ali-1"], ["I:Ali"])
    assert len(unlisted_in_ids(data, [])) == 2
    assert unlisted_in_ids(data, ["P1", "Ali"]) == []
    assert unlisted_in_ids(data, ["P1", "the Ali group"]) == []
    assert len(unlisted_in_ids(data, ["P1", "Ala"])) == 2


def test_a_study_without_interviews_or_their_ids_is_screened_for_what_it_has():
    excerpts = pd.DataFrame({"excerpt_id": ["E-Hodan-1"]})
    without_table = SimpleNamespace(excerpts=excerpts)
    without_column = SimpleNamespace(excerpts=excerpts, interviews=pd.DataFrame({"x": ["Hodan"]}))
    for data in (without_table, without_column):
        assert unlisted_in_ids(data, []) == [
            f"excerpts: excerpt 1 (in the order read): excerpt_id {TAIL}"
        ]

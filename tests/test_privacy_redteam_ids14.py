"""Red-team pass (privacy14): a name nobody put on the roster in an id the
researcher chose: an excerpt id, an interview id. The audit searches outputs for
roster names only, so such a name would be published wherever the id is shown.
Fail closed: the run stops at ingestion with the file and the row, never the id.
"""

from __future__ import annotations

import pytest
from conftest import INTERVIEWS, write_csv
from privacy.test_corpus import BASE, SURVEY, excerpt

from flows import stages
from flows.errors import LeakError

NAMES = ("Hodan", "Mehmet")


def _study(make_study, excerpts, interviews=INTERVIEWS):
    folder = make_study([*BASE, *excerpts], SURVEY)
    write_csv(folder / "interviews.csv", interviews)
    return folder


@pytest.mark.parametrize(
    ("sid", "excerpts", "interviews"),
    [
        ("excerpt-id", [excerpt("E-Hodan-1", "We walk on Sundays.")], INTERVIEWS),
        (
            "interview-id",
            [excerpt("E9", "We walk on Sundays.", "I-Mehmet")],
            [*INTERVIEWS, ["I-Mehmet", "A-a", "in person", "en"]],
        ),
    ],
    ids=["excerpt-id", "interview-id"],
)
def test_an_id_holding_a_name_nobody_listed_stops_the_run(
    make_study, tmp_path, sid, excerpts, interviews
):
    folder = _study(make_study, excerpts, interviews)
    out = tmp_path / "out" / "tiny"
    with pytest.raises(LeakError) as error:
        stages.run_direct(folder, out)
    assert not any(name in str(error.value) for name in NAMES)
    assert "a name nobody listed" in str(error.value) and ".csv" in str(error.value)
    assert not out.exists()


def test_ids_naming_no_one_pass(make_study, tmp_path):
    folder = _study(make_study, [excerpt("E-walk-12", "We walk on Sundays.")])
    stages.run_direct(folder, tmp_path / "out" / "tiny")

"""The ids' name screen at ingestion is skipped only when the private store holds
the digest of a screen that passed with the same names, ids and screening code
(decision 0268)."""

from __future__ import annotations

import re

import pytest

from flows import stages
from flows.errors import LeakError
from flows.privacy import preflight

GOOD = [
    ["E1", "I1", "A", "Intervention/Walking", "", "1", "AK", "We walk together."],
    ["E2", "I3", "B", "Context/Energy/Barrier", "", "1", "AK", "I am so tired."],
]


def roster(change=None):
    from conftest import ROSTER

    rows = [list(r) for r in ROSTER]
    if change:
        change(rows)
    return rows


@pytest.fixture
def screened(monkeypatch):
    """How many texts the screen looked at."""
    calls = []
    real = preflight.screening

    def counting(names):
        holds = real(names)

        def counted(text):
            calls.append(text)
            return holds(text)

        return counted

    monkeypatch.setattr(preflight, "screening", counting)
    return calls


def test_a_second_ingest_of_the_same_study_screens_nothing(make_study, tmp_path, screened):
    folder, store = make_study(GOOD), tmp_path / "store"
    stages.ingest(folder, store=store)
    assert len(screened) >= 7  # the study id, 6 people, their cases
    digest = (store / preflight.SCREENED).read_text(encoding="ascii")
    assert re.fullmatch(r"[0-9a-f]{64}", digest)  # a digest: no id, no name
    screened.clear()
    stages.ingest(folder, store=store)
    assert screened == []
    stages.ingest(folder)  # no store: screened as ever
    assert len(screened) >= 7


def test_a_roster_name_changed_screens_again(make_study, tmp_path, screened):
    folder, store = make_study(GOOD), tmp_path / "store"
    stages.ingest(folder, store=store)
    before = (store / preflight.SCREENED).read_bytes()
    make_study(GOOD, None, roster(lambda r: r[3].__setitem__(4, "Karen;Kaja")))
    screened.clear()
    stages.ingest(folder, store=store)
    assert screened and (store / preflight.SCREENED).read_bytes() != before


def test_a_passed_digest_never_lets_an_id_naming_a_person_through(make_study, tmp_path):
    folder, store = make_study(GOOD), tmp_path / "store"
    stages.ingest(folder, store=store)
    # B's own case id becomes her first name: the ids changed, so the digest is not this run's
    make_study(GOOD, None, roster(lambda r: r[3].__setitem__(2, "Karen")))
    with pytest.raises(LeakError, match=r"roster\.csv: row 4: case_ids: a case id holds"):
        stages.ingest(folder, store=store)


def test_a_new_name_matching_an_old_id_stops_the_run(make_study, tmp_path):
    """The names changed, the ids did not: a new alias that is an id is found."""
    folder, store = make_study(GOOD), tmp_path / "store"
    stages.ingest(folder, store=store)
    make_study(GOOD, None, roster(lambda r: r[6].__setitem__(4, "Lone;B-b")))
    with pytest.raises(LeakError, match="person_id holds a roster name"):
        stages.ingest(folder, store=store)


def test_a_withdrawal_keeps_the_digest_and_the_verdict(make_study, tmp_path, screened):
    """Status is not screened: the same names and ids, the same verdict."""
    folder, store = make_study(GOOD), tmp_path / "store"
    stages.ingest(folder, store=store)
    make_study(GOOD, None, roster(lambda r: r[2].__setitem__(5, "withdrawn")))
    screened.clear()
    found = stages.ingest(folder, store=store)
    assert screened == [] and found.data.withdrawn == ["A-a"]


@pytest.mark.parametrize("stored", [b"", b"not a digest", b"\xff\xfe", b"0" * 64])
def test_a_digest_that_is_not_this_runs_is_screened_again(make_study, tmp_path, screened, stored):
    folder, store = make_study(GOOD), tmp_path / "store"
    store.mkdir()
    (store / preflight.SCREENED).write_bytes(stored)
    stages.ingest(folder, store=store)
    assert len(screened) >= 7


def test_the_digest_covers_the_screening_code(make_study, tmp_path, screened, monkeypatch):
    folder, store = make_study(GOOD), tmp_path / "store"
    stages.ingest(folder, store=store)
    monkeypatch.setattr(preflight, "_screen_code", lambda: "another screen")
    screened.clear()
    stages.ingest(folder, store=store)
    assert len(screened) >= 7


def test_the_screen_is_looked_up_once_per_check(make_study, monkeypatch):
    """`screen_for` is memoised by the name set, whose hash is made of every name:
    looked up once for all ids, not once per id (decision 0268)."""
    from flows.privacy import audit

    lookups = []
    real = audit.screen_for

    def counting(names):
        lookups.append(names)
        return real(names)

    monkeypatch.setattr(audit, "screen_for", counting)
    stages.ingest(make_study(GOOD))
    assert len(lookups) == 1

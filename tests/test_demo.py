"""The demo study reproduces the published pattern, and each planted conflict shows."""

from __future__ import annotations

import duckdb
import pytest

from flows import stages


@pytest.fixture(scope="module")
def con(demo_out):
    """The published database of the session's demo run."""
    connection = duckdb.connect(str(demo_out / stages.DB_NAME), read_only=True)
    yield connection
    connection.close()


def test_four_of_nine_achieve_outcomes(con):
    rows = con.execute(
        "select case_id, achieved, n_activities_delivered from case_classification order by 1"
    ).fetchall()
    assert len(rows) == 9
    achievers = [case for case, achieved, _ in rows if achieved]
    assert achievers == ["P1", "P3", "P5", "P8"]
    assert all(n >= 2 for _, achieved, n in rows if achieved)
    assert all(n == 1 for _, achieved, n in rows if not achieved)  # mainly social support


def test_every_peer_gains_self_care_awareness_and_feels_supported(con):
    rows = con.execute(
        "select theme_id, count(*) from case_theme_verdicts where theme_id in ('self_care_awareness', 'social_experience') "
        "and qualitative_stance = 'present' group by 1 order by 1"
    ).fetchall()
    assert rows == [("self_care_awareness", 9), ("social_experience", 9)]


def test_context_separates_achievers(con):
    rows = con.execute(
        "select case_id, achieved, facilitators, barriers from case_classification order by 1"
    ).fetchall()
    for case_id, achieved, facilitators, barriers in rows:
        if achieved:
            assert "Energy" in facilitators and barriers == [], case_id
        else:
            assert "Energy" in barriers and "Health condition" in barriers, case_id


@pytest.mark.parametrize(
    ("case_id", "theme_id", "expected"),
    [
        # peer claims more vegetables (one machine reading); supporter, nurse and
        # survey: no change. The fourth pass left the claim `unclear` (0.79 under the
        # threshold 0.82, decision 0131); since the fifth pass (decision 0147) it is
        # read improved above the threshold, so the dissonance is back, held back
        # for review like P7's and P4's
        ("P2", "eating", "held_back"),
        ("P9", "eating", "dissonance"),  # peer (coded) claims fish and fruit; others contradict
        # the peer walks more (one machine reading); survey and others: less
        ("P7", "physical_activity", "held_back"),
        # the manager says GP visits (one machine reading); peer and supporter: never
        ("P4", "healthcare_linkage", "held_back"),
        (
            "P6",
            "daily_management",
            "partial_agreement",
        ),  # the two supporters disagree about shopping
    ],
)
def test_planted_conflicts(con, case_id, theme_id, expected):
    """Each planted conflict shows: as a dissonance where the stances behind it
    were coded, as a dissonance held back for review where one side rests on a
    single machine reading (rules.min_machine_readings, decision 0137): its pairs
    are marked, and its readings are the first to review."""
    code, n_held_back, rank = con.execute(
        "select convergence_code, n_held_back, review_rank from verdict_basis "
        "where case_id=? and theme_id=?",
        [case_id, theme_id],
    ).fetchone()
    if expected != "held_back":
        assert (code, n_held_back) == (expected, 0)
        return
    assert code != "dissonance"
    assert n_held_back > 0 and rank == 1
    reasons = con.execute(
        "select distinct held_back_reason from convergence_pairs "
        "where case_id=? and theme_id=? and held_back",
        [case_id, theme_id],
    ).fetchall()
    assert reasons == [("few_machine_readings",)]


def test_two_supporters_shown_individually(con):
    rows = con.execute(
        "select person_id, stance from int_informant_stances where case_id='P6' and theme_id='daily_management' "
        "and role='supporter' order by 1"
    ).fetchall()
    assert rows == [("P6-a", "present"), ("P6-b", "absent")]


def test_missing_survey_answer_is_not_computable(con):
    row = con.execute(
        "select direction, not_computable_reason from int_survey_item_deltas where case_id='P4' and item_id='other_contacts_12m'"
    ).fetchone()
    assert row == ("not_computable", "follow-up answer missing")


def test_silence_is_kept_apart_from_not_asked(con):
    nurse_on_mechanisms = con.execute(
        "select distinct stance from int_source_stances where source='nurse' and theme_id='needs_readiness'"
    ).fetchall()
    assert nurse_on_mechanisms == [("silent",)]
    survey_on_mechanisms = con.execute(
        "select distinct stance from int_source_stances where source='survey' and theme_id='needs_readiness'"
    ).fetchall()
    assert survey_on_mechanisms == [("not_asked",)]


def test_pairwise_judgements_name_the_sources_as_the_matrix_does(demo_out):
    """The pairwise table said `peer – supporter` (role ids) under a matrix headed
    "Peer", "Peer supporter" (walks 9, 10 and 14)."""
    page = (demo_out / "cases" / "P9.html").read_text(encoding="utf-8")
    table = page[page.index("How each code was reached") :]
    assert "<td>Peer – Peer supporter</td>" in table
    assert "<td>Peer – Survey</td>" in table
    assert "<td>peer – supporter</td>" not in table

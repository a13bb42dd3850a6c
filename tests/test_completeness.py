"""Completeness assessment (sql/marts/completeness.sql) on a tiny study checked by hand.

What each source says (claims are example:stance, from the excerpt's coded
stance and the theme examples it names; the survey's claims are its computable
items with their direction):

case A
  walking_support  peer: walks:present, swims:present   supporter: walks:present
                   nurse: silent                         survey: not asked
  energy           peer: tired:facilitator               supporter: tired:barrier
                   nurse: silent
  activity         peer: walking:improved                nurse: walking:improved
                   supporter: silent
                   survey: walking:improved (60 -> 150 min), sitting:no_change (8 -> 7 h)
case B
  walking_support  supporter B-a: present, names no example; everyone else silent
  energy           peer: tired:barrier; everyone else silent
  activity         survey: walking:no_change (100 -> 100; sitting not computable);
                   every informant silent

so, by hand:
  A walking_support peer      unique swims:present (a new example)
  A energy          peer      unique tired:facilitator (a counter-claim: same example)
  A energy          supporter unique tired:barrier (likewise)
  A activity        survey    unique sitting:no_change (a new example)
  B walking_support supporter nothing unique, but the only source speaking
  B energy          peer      unique tired:barrier (a new example), the only source speaking
  B activity        survey    unique walking:no_change (a new example), the only source speaking
and no other rows (A's supporter on walking and A's peer and nurse on activity
say nothing no other source says).
"""

from __future__ import annotations

import duckdb
import pytest

from flows import stages

EXCERPTS = [
    [
        "E1",
        "I1",
        "A",
        "Intervention/Walking/Present",
        "",
        "1",
        "AK",
        "We walk together and we swim on Fridays.",
    ],
    ["E2", "I2", "A", "Intervention/Walking/Present", "", "1", "AK", "We walk every week."],
    ["E3", "I1", "A", "Context/Energy/Facilitator", "", "2", "AK", "I am rarely tired now."],
    ["E4", "I2", "A", "Context/Energy/Barrier", "", "2", "MB", "He is tired all the time."],
    ["E5", "I1", "A", "Outcome/Activity/Improved", "", "3", "AK", "I walk much more now."],
    ["E6", "I6", "A", "Outcome/Activity/Improved", "", "1", "MB", "She walks more than before."],
    ["E7", "I4", "B", "Intervention/Walking/Present", "", "1", "AK", "We meet on Sundays."],
    ["E8", "I3", "B", "Context/Energy/Barrier", "", "2", "AK", "I am so tired."],
]
SURVEY = [
    ["A", "baseline", "60", "8", "male"],
    ["A", "followup", "150", "7", ""],
    ["B", "baseline", "100", "8", "female"],
    ["B", "followup", "100", "", ""],
]


@pytest.fixture
def con(make_study, tmp_path):
    ingested = stages.ingest(make_study(EXCERPTS, SURVEY))
    excerpts, _ = stages.annotate(ingested)
    db = tmp_path / "t.duckdb"
    stages.build_warehouse(db, stages.warehouse_frames(ingested, excerpts))
    connection = duckdb.connect(str(db), read_only=True)
    yield connection
    connection.close()


def test_inputs_are_as_worked_out_by_hand(con):
    claims = con.execute(
        "select case_id, theme_id, source, stance, examples from int_source_stances "
        "where stance not in ('silent', 'not_asked', 'not_interviewed') order by all"
    ).fetchall()
    assert claims == [
        ("A", "activity", "nurse", "improved", ["walking:improved"]),
        ("A", "activity", "peer", "improved", ["walking:improved"]),
        ("A", "activity", "survey", "improved", ["sitting:no_change", "walking:improved"]),
        ("A", "energy", "peer", "facilitator", ["tired:facilitator"]),
        ("A", "energy", "supporter", "barrier", ["tired:barrier"]),
        ("A", "walking_support", "peer", "present", ["swims:present", "walks:present"]),
        ("A", "walking_support", "supporter", "present", ["walks:present"]),
        ("B", "activity", "survey", "no_change", ["walking:no_change"]),
        ("B", "energy", "peer", "barrier", ["tired:barrier"]),
        ("B", "walking_support", "supporter", "present", []),
    ]


def test_unique_contributions_match_the_hand_count(con):
    rows = con.execute(
        "select case_id, theme_id, source, unique_claims, n_unique_claims, unique_examples, "
        "only_source_speaking from completeness"
    ).fetchall()
    assert rows == [
        ("A", "walking_support", "peer", ["swims:present"], 1, ["swims"], False),
        ("A", "energy", "peer", ["tired:facilitator"], 1, [], False),
        ("A", "energy", "supporter", ["tired:barrier"], 1, [], False),
        ("A", "activity", "survey", ["sitting:no_change"], 1, ["sitting"], False),
        ("B", "walking_support", "supporter", [], 0, [], True),
        ("B", "energy", "peer", ["tired:barrier"], 1, ["tired"], True),
        ("B", "activity", "survey", ["walking:no_change"], 1, ["walking"], True),
    ]


def test_context_columns(con):
    row = con.execute(
        "select theme_label, kind, source_kind, stance, n_claims, n_other_sources_speaking "
        "from completeness where case_id = 'A' and theme_id = 'activity'"
    ).fetchone()
    assert row == ("Physical activity", "outcome", "survey", "improved", 2, 2)


def test_withdrawn_source_is_not_another_voice(make_study, tmp_path, tiny_roster):
    """With A's supporter withdrawn, A's peer is the only source speaking on energy."""
    for row in tiny_roster:
        if row[0] == "A-a":
            row[5] = "withdrawn"
    ingested = stages.ingest(make_study(EXCERPTS, SURVEY, roster=tiny_roster))
    excerpts, _ = stages.annotate(ingested)
    db = tmp_path / "w.duckdb"
    stages.build_warehouse(db, stages.warehouse_frames(ingested, excerpts))
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "select source, unique_claims, only_source_speaking from completeness "
            "where case_id = 'A' and theme_id in ('energy', 'walking_support') order by all"
        ).fetchall()
    assert rows == [
        ("peer", ["swims:present", "walks:present"], True),
        ("peer", ["tired:facilitator"], True),
    ]

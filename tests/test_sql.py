"""The SQL layers on a tiny hand-made study whose answers are worked out by hand."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from flows import stages

EXCERPTS = [
    # case A: walking delivered, all agree; energy: peer and supporter clash; outcome confirmed
    [
        "E1",
        "I1",
        "A",
        "Intervention/Walking/Present",
        "",
        "1",
        "AK",
        "We walk together every week.",
    ],
    [
        "E2",
        "I2",
        "A",
        "Intervention/Walking/Present",
        "",
        "1",
        "AK",
        "We go for a walk on Mondays.",
    ],
    ["E3", "I1", "A", "Context/Energy/Facilitator", "", "2", "AK", "I am rarely tired these days."],
    ["E4", "I2", "A", "Context/Energy/Barrier", "", "2", "MB", "He is tired all the time."],
    ["E5", "I1", "A", "Outcome/Activity/Improved", "", "3", "AK", "I walk much more now."],
    ["E6", "I6", "A", "Outcome/Activity/Improved", "", "1", "MB", "She walks more than before."],
    # case B: two supporters disagree; energy only from the peer; outcome contradicted by survey
    ["E7", "I3", "B", "Intervention/Walking/Present", "", "1", "AK", "We walk to the shop."],
    ["E8", "I4", "B", "Intervention/Walking/Present", "", "1", "AK", "We walk on Sundays."],
    ["E9", "I5", "B", "Intervention/Walking/Absent", "", "1", "MB", "We never walk, we just talk."],
    ["E10", "I3", "B", "Context/Energy/Barrier", "", "2", "AK", "I am so tired."],
    ["E11", "I3", "B", "Outcome/Activity/Improved", "", "3", "AK", "I walk more."],
]
SURVEY = [
    ["A", "baseline", "60", "8", "male"],
    ["A", "followup", "150", "7", ""],
    ["B", "baseline", "100", "8", "female"],
    ["B", "followup", "100", "", ""],
]


def build(study_dir: Path, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    ingested = stages.ingest(study_dir)
    excerpts, _ = stages.annotate(ingested)
    db = tmp_path / "t.duckdb"
    stages.build_warehouse(db, stages.warehouse_frames(ingested, excerpts))
    return duckdb.connect(str(db), read_only=True)


@pytest.fixture
def con(make_study, tmp_path):
    connection = build(make_study(EXCERPTS, SURVEY), tmp_path)
    yield connection
    connection.close()


def one(con, sql: str, *params):
    return con.execute(sql, list(params)).fetchone()


def test_item_deltas_signed_by_better_direction(con):
    walk = one(
        con,
        "select delta, signed_delta, direction from int_survey_item_deltas where case_id='A' and item_id='walk_min'",
    )
    sit = one(
        con,
        "select delta, signed_delta, direction from int_survey_item_deltas where case_id='A' and item_id='sit_hours'",
    )
    assert walk == (90.0, 90.0, "improved")  # +90 >= mcid 60
    assert sit == (-1.0, 1.0, "no_change")  # 1 hour less sitting is better, but below mcid 2


def test_missing_wave_is_not_computable_never_zero(con):
    row = one(
        con,
        "select baseline, followup, delta, direction, not_computable_reason from int_survey_item_deltas where case_id='B' and item_id='sit_hours'",
    )
    assert row == (8.0, None, None, "not_computable", "follow-up answer missing")


def test_domain_rollup(con):
    assert one(con, "select stance from int_survey_domain_stances where case_id='A'") == (
        "improved",
    )
    # B: walking unchanged, sitting not computable -> no change on what can be computed
    assert one(
        con, "select stance, n_computable from int_survey_domain_stances where case_id='B'"
    ) == ("no_change", 1)


def code(con, case_id: str, theme_id: str) -> str:
    return one(
        con, "select code from convergence where case_id=? and theme_id=?", case_id, theme_id
    )[0]


def test_agreement_meaning_and_examples_agree(con):
    assert code(con, "A", "walking_support") == "agreement"
    assert code(con, "A", "activity") == "agreement"


def test_dissonance_meaning_and_examples_differ(con):
    assert code(con, "A", "energy") == "dissonance"
    assert (
        code(con, "B", "activity") == "dissonance"
    )  # peer improved vs survey no change on walking


def test_partial_agreement_two_supporters_disagree(con):
    stance = one(
        con,
        "select stance from int_source_stances where case_id='B' and theme_id='walking_support' and source='supporter'",
    )
    assert stance == ("mixed",)
    people = con.execute(
        "select person_id, stance from int_informant_stances where case_id='B' and theme_id='walking_support' and role='supporter' order by 1"
    ).fetchall()
    assert people == [("B-a", "present"), ("B-b", "absent")]
    assert code(con, "B", "walking_support") == "partial_agreement"


def test_silence_when_only_one_asked_source_speaks(con):
    assert code(con, "B", "energy") == "silence"
    silent = one(
        con, "select silent_sources from convergence where case_id='B' and theme_id='energy'"
    )[0]
    assert silent == ["supporter", "nurse"]


def test_survey_not_asked_is_not_silence(con):
    assert one(
        con,
        "select stance from int_source_stances where case_id='A' and theme_id='energy' and source='survey'",
    ) == ("not_asked",)
    pairs = con.execute(
        "select * from convergence_pairs where 'survey' in (source_a, source_b) and theme_id='energy'"
    ).fetchall()
    assert pairs == []


def test_theme_with_two_components(con):
    assert one(con, "select kind, components from cfg_themes where theme_id='energy'") == (
        "context",
        "context,mechanism",
    )


def test_fit_with_survey(con):
    assert one(con, "select fit from fit where case_id='A' and theme_id='activity'") == (
        "confirmation",
    )
    assert one(con, "select fit from fit where case_id='B' and theme_id='activity'") == (
        "discordance",
    )
    assert one(con, "select fit from fit where case_id='A' and theme_id='energy'") == ("not_asked",)


def test_classification(con):
    rows = con.execute(
        "select case_id, achieved, n_activities_delivered, n_dissonances from case_classification order by 1"
    ).fetchall()
    assert rows == [("A", True, 1, 1), ("B", False, 1, 1)]
    reason = one(
        con,
        "select outcome_reason from case_theme_verdicts where case_id='A' and theme_id='activity'",
    )[0]
    assert reason == "survey improved, corroborated by 2 informant role(s)"


def test_withdrawn_supporter_is_as_if_never_interviewed(make_study, tmp_path, tiny_roster):
    """Decision 0384: a withdrawn informant has no row in the database; a role
    whose only informant withdrew is "not interviewed", never silent, and no
    table keeps their id or says that anyone withdrew."""
    roster = tiny_roster
    for row in roster:
        if row[0] == "A-a":
            row[5] = "withdrawn"
    con = build(make_study(EXCERPTS, SURVEY, roster=roster), tmp_path)
    stance = one(
        con,
        "select stance from int_source_stances where case_id='A' and theme_id='energy' and source='supporter'",
    )
    assert stance == ("not_interviewed",)
    # energy in A is now only the peer, with the nurse silent -> silence, not dissonance
    assert code(con, "A", "energy") == "silence"
    texts = [t for (t,) in con.execute("select text from stg_excerpts").fetchall()]
    assert "He is tired all the time." not in texts
    assert (
        one(
            con, "select withdrawn_sources from convergence where case_id='A' and theme_id='energy'"
        )[0]
        == []
    )
    for table in ("raw_persons", "raw_person_cases", "raw_interviews", "stg_informant_cases"):
        assert one(con, f"select count(*) from {table} where person_id = 'A-a'") == (0,), table
    assert one(con, "select count(*) from int_informant_stances where stance = 'withdrawn'") == (0,)


def test_outcome_without_survey_needs_two_roles(make_study, tmp_path):
    excerpts = [
        ["E1", "I1", "A", "Outcome/Activity/Improved", "", "1", "AK", "I walk more."],
        ["E2", "I2", "A", "Outcome/Activity/Improved", "", "1", "AK", "He walks more."],
        ["E3", "I3", "B", "Outcome/Activity/Improved", "", "1", "AK", "I walk more."],
    ]
    con = build(make_study(excerpts, []), tmp_path)
    rows = con.execute(
        "select case_id, survey_stance, outcome_achieved from case_theme_verdicts where theme_id='activity' order by 1"
    ).fetchall()
    assert rows == [("A", "not_computable", True), ("B", "not_computable", False)]


def test_role_with_no_interview_is_not_interviewed_not_silent(make_study, tmp_path):
    folder = make_study(EXCERPTS, SURVEY)
    lines = (folder / "interviews.csv").read_text(encoding="utf-8").splitlines()
    (folder / "interviews.csv").write_text(
        "\n".join(line for line in lines if not line.startswith("I6,")) + "\n", encoding="utf-8"
    )
    rows = [r for r in EXCERPTS if r[1] != "I6"]
    (folder / "excerpts.csv").unlink()
    from conftest import EXCERPT_HEADER, write_csv

    write_csv(folder / "excerpts.csv", [EXCERPT_HEADER, *rows])
    con = build(folder, tmp_path)
    stances = {
        s
        for (s,) in con.execute(
            "select distinct stance from int_source_stances where source='nurse'"
        ).fetchall()
    }
    assert stances == {"not_interviewed"}
    # B's energy: only the peer speaks, supporters silent -> silence; the nurse takes no part
    silent = one(
        con, "select silent_sources from convergence where case_id='B' and theme_id='energy'"
    )[0]
    assert silent == ["supporter"]


def test_outcome_theme_left_out_of_the_count(make_study, tmp_path):
    """counts_as_outcome = false: the theme's verdict is kept, the case's count is not."""
    from conftest import TINY_STUDY
    from tests_support import replace_once

    toml = replace_once(
        TINY_STUDY,
        'codes = ["Outcome/Activity"]\n',
        'codes = ["Outcome/Activity"]\ncounts_as_outcome = false\n',
    )
    toml += """
[[themes]]
id = "gp_visits"
label = "Use of the GP"
components = ["outcome"]
codes = ["Outcome/GP"]
"""
    con = build(make_study(EXCERPTS, SURVEY, study_toml=toml), tmp_path)
    verdict = one(
        con,
        "select outcome_achieved from case_theme_verdicts where case_id='A' and theme_id='activity'",
    )
    assert verdict == (True,)
    row = one(
        con,
        "select achieved, n_outcomes_achieved, outcomes_achieved, outcomes_not_counted "
        "from case_classification where case_id='A'",
    )
    assert row == (False, 0, [], ["Physical activity"])

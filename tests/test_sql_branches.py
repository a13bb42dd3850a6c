"""Every convergence, fit, verdict and survey branch of the SQL on one hand-made
study, each expected value worked out by hand from the inputs below.

The study is the tiny one of conftest (themes walking_support: intervention,
examples walks=walk / swims=swim; energy: context; activity: outcome with the
survey domain "activity", examples walking=walk / sitting=sofa; survey items
walk_min higher-is-better mcid 60, sit_hours lower-is-better mcid 2; rules
min_roles_corroborating 1, min_roles_without_survey 2, min_outcome_themes 1),
with 25 cases C1..C25, rules.min_suggestion_confidence 0.6 and
rules.min_machine_readings at its default, 2. The stance
reader decides nothing here: an excerpt either carries a coded stance, or its
machine reading is set by hand (MACHINE: stance and confidence, as the reader
would have suggested it; "unclear" = the reader abstained; below 0.6 = low
confidence). The NLP only finds the theme examples its text names, and a claim
is "example:stance". Sources: peer, supporter (C15 has two), nurse (one nurse,
asked about C1-C5 and C12) and the survey (activity theme only). A role nobody
of the case holds is "not_interviewed"; an asked informant with no excerpt on a
theme is "silent".

Claims each excerpt makes (worked out from the example words):
  "We walk ..." -> walks:<stance> (walking_support) / walking:<stance> (activity)
  "We swim ..." -> swims:<stance>;  "... sofa ..." -> sitting:<stance>
  every other text names no example.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import EXCERPT_HEADER, SURVEY_HEADER, TINY_STUDY, write_csv
from tests_support import replace_once

from flows import stages

NURSE_CASES = ["C1", "C2", "C3", "C4", "C5", "C12"]
SUPPORTED = ["C1", "C2", "C3", "C4", "C5", "C11", "C12", *(f"C{i}" for i in range(13, 20))]
SUPPORTED += ["C21", "C22", "C23", "C25"]
CASES = [f"C{i}" for i in range(1, 26)]

WALK, ENERGY, ACT = "Intervention/Walking", "Context/Energy", "Outcome/Activity"

# (excerpt id, person, case, code, stance, text)
EXCERPTS = [
    # C1 meanings agree, examples differ: walks:present vs swims:present
    ("X01", "C1", "C1", WALK, "present", "We walk to the shops."),
    ("X02", "C1-a", "C1", WALK, "present", "We swim on Fridays."),
    # C2 one partial pair and two dissonant pairs
    ("X03", "C2", "C2", WALK, "present", "We walk to the shops."),
    ("X04", "C2-a", "C2", WALK, "present", "We swim on Fridays."),
    ("X05", "N", "C2", WALK, "absent", "They never swim together."),
    # C3 exactly one dissonant pair, no examples on either side
    ("X06", "C3", "C3", ENERGY, "facilitator", "I have lots of energy."),
    ("X07", "C3-a", "C3", ENERGY, "barrier", "She has no energy at all."),
    # C4 agreement without examples, beside two silent pairs
    ("X08", "C4", "C4", ENERGY, "barrier", "I have no energy."),
    ("X09", "C4-a", "C4", ENERGY, "barrier", "He has no energy."),
    # C5 a not_stated pair, no survey answers at all
    ("X10", "C5", "C5", ACT, "not_stated", "I cannot say how much I move."),
    ("X11", "C5-a", "C5", ACT, "improved", "He is out much more now."),
    # C6 only the peer is asked (no supporter, no nurse)
    ("X12", "C6", "C6", WALK, "present", "We walk every week."),
    # C7 same stance as the survey, other examples: sitting:improved
    ("X13", "C7", "C7", ACT, "improved", "I sit on the sofa less."),
    # C8 same stance as the survey, no example named
    ("X14", "C8", "C8", ACT, "improved", "I move more these days."),
    # C9 interviews not stated against a survey of no change
    ("X15", "C9", "C9", ACT, "not_stated", "Hard to say."),
    # C11 peer and supporter both mixed
    ("X16", "C11", "C11", WALK, "present", "We walk now and then."),
    ("X17", "C11", "C11", WALK, "absent", "We stopped going out."),
    ("X18", "C11-a", "C11", WALK, "present", "We walk together."),
    ("X19", "C11-a", "C11", WALK, "absent", "We never swim."),
    # C12 no survey; two roles improved, the nurse says no change
    ("X20", "C12", "C12", ACT, "improved", "I move more."),
    ("X21", "C12", "C12", ACT, "not_stated", "Who knows."),
    ("X22", "C12-a", "C12", ACT, "improved", "He moves more."),
    ("X23", "N", "C12", ACT, "no_change", "He moves as before."),
    # C13 the peer's only reading is unclear; the supporter's coded improved; survey improved
    ("X24", "C13", "C13", ACT, "", "I cannot tell."),
    ("X25", "C13-a", "C13", ACT, "improved", "He is out more."),
    # C14 both readings unclear; survey improved
    ("X26", "C14", "C14", ACT, "", "Hard to tell."),
    ("X27", "C14-a", "C14", ACT, "", "Who can say."),
    # C15 the peer: two unclear readings, one coded improved; two supporters:
    # one read unclear, one coded improved; no survey
    ("X28", "C15", "C15", ACT, "", "Not sure."),
    ("X29", "C15", "C15", ACT, "", "Maybe."),
    ("X30", "C15", "C15", ACT, "improved", "I move more now."),
    ("X31", "C15-a", "C15", ACT, "", "Hard to judge."),
    ("X32", "C15-b", "C15", ACT, "improved", "She moves more."),
    # C16 coded present against a low-confidence absent
    ("X33", "C16", "C16", WALK, "present", "We go out together."),
    ("X34", "C16-a", "C16", WALK, "", "They stay in."),
    # C17 coded present beside a low-confidence present
    ("X35", "C17", "C17", WALK, "present", "We go out together."),
    ("X36", "C17-a", "C17", WALK, "", "They go out."),
    # C18 the peer mixed only through a low-confidence absent; the supporter coded absent
    ("X37", "C18", "C18", WALK, "present", "We go out together."),
    ("X38", "C18", "C18", WALK, "", "We stay in."),
    ("X39", "C18-a", "C18", WALK, "absent", "They stay in."),
    # C19 coded present against a confident machine-read absent
    ("X40", "C19", "C19", WALK, "present", "We go out together."),
    ("X41", "C19-a", "C19", WALK, "", "They stay in."),
    # C21 the peer speaks without a direction (coded), the supporter was read unclear
    ("X42", "C21", "C21", ACT, "not_stated", "Hard to say, really."),
    ("X43", "C21-a", "C21", ACT, "", "Cannot judge."),
    # C22 coded present against two confident machine-read absent readings
    ("X44", "C22", "C22", WALK, "present", "We go out together."),
    ("X45", "C22-a", "C22", WALK, "", "They stay in."),
    ("X46", "C22-a", "C22", WALK, "", "They do not go out."),
    # C23 the peer mixed only through one confident machine-read absent; the supporter coded absent
    ("X47", "C23", "C23", WALK, "present", "We go out together."),
    ("X48", "C23", "C23", WALK, "", "We stay in."),
    ("X49", "C23-a", "C23", WALK, "absent", "They stay in."),
    # C24 the peer's one machine reading of no change against a survey of improvement
    ("X50", "C24", "C24", ACT, "", "I sit on the sofa as much as before."),
    # C25 the same with two machine readings of no change (peer and supporter, one each)
    ("X51", "C25", "C25", ACT, "", "I sit on the sofa as much as before."),
    ("X52", "C25-a", "C25", ACT, "", "He sits on the sofa as much as before."),
]

# the machine readings of the excerpts above without a coded stance: (stance, confidence)
MACHINE = {
    "X24": ("unclear", 0.5),
    "X26": ("unclear", 0.5),
    "X27": ("unclear", 0.5),
    "X28": ("unclear", 0.5),
    "X29": ("unclear", 0.5),
    "X31": ("unclear", 0.5),
    "X34": ("absent", 0.4),
    "X36": ("present", 0.4),
    "X38": ("absent", 0.4),
    "X41": ("absent", 0.9),
    "X43": ("unclear", 0.5),
    "X45": ("absent", 0.9),
    "X46": ("absent", 0.9),
    "X48": ("absent", 0.9),
    "X50": ("no_change", 0.9),
    "X51": ("no_change", 0.9),
    "X52": ("no_change", 0.9),
}

# case, wave, walk_min, sit_hours, sex
SURVEY = [
    ["C6", "baseline", "60", "8", ""],
    ["C6", "followup", "120", "8", ""],  # walk +60 = mcid: improved; sit 0: no change
    ["C7", "baseline", "60", "8", ""],
    ["C7", "followup", "150", "8", ""],  # walk +90 improved; sit no change
    ["C8", "baseline", "60", "", ""],
    ["C8", "followup", "150", "8", ""],  # walk improved; sit baseline missing
    ["C9", "baseline", "100", "8", ""],
    ["C9", "followup", "100", "8", ""],  # both no change
    ["C10", "baseline", "60", "6", ""],
    ["C10", "followup", "150", "8", ""],  # walk improved; sit +2 hours = -mcid: worsened
    ["C11", "baseline", "150", "6", ""],
    ["C11", "followup", "100", "8", ""],  # walk -50 no change; sit worsened
    ["C13", "baseline", "60", "8", ""],
    ["C13", "followup", "120", "8", ""],  # walk improved; sit no change
    ["C14", "baseline", "60", "8", ""],
    ["C14", "followup", "120", "8", ""],  # walk improved; sit no change
    ["C20", "baseline", "60", "2.3", ""],
    ["C20", "followup", "60", "0.3", ""],  # walk no change; sit -2.0 exactly = -mcid: improved
    ["C24", "baseline", "60", "8", ""],
    ["C24", "followup", "120", "8", ""],  # walk improved; sit no change: domain improved
    ["C25", "baseline", "60", "8", ""],
    ["C25", "followup", "120", "8", ""],  # as C24
]


# an outcome theme with a survey domain but no survey items: nothing to compute
EATING = """
[[themes]]
id = "eating"
label = "Eating habits"
components = ["outcome"]
codes = ["Outcome/Eating"]
survey_domain = "eating"
"""


RULES = "min_roles_corroborating = 1\n"
STUDY_TOML = replace_once(TINY_STUDY, RULES, RULES + "min_suggestion_confidence = 0.6\n") + EATING
# the same study with the no-survey route switched off
NO_SURVEY_ROUTE = replace_once(
    STUDY_TOML, "min_roles_without_survey = 2", "min_roles_without_survey = 0"
)
# the same study where one machine reading is enough for a dissonance (the hold-back off)
ONE_READING = replace_once(STUDY_TOML, RULES, RULES + "min_machine_readings = 1\n")


def write_study(folder: Path, study_toml: str = STUDY_TOML) -> Path:
    folder.mkdir()
    (folder / "study.toml").write_text(study_toml, encoding="utf-8")
    roster = [["person_id", "role", "case_ids", "name", "aliases", "status"]]
    interviews = [["interview_id", "person_id", "mode", "language"]]
    people = [(c, "peer", c) for c in CASES] + [(f"{c}-a", "supporter", c) for c in SUPPORTED]
    people += [("C15-b", "supporter", "C15"), ("N", "nurse", ";".join(NURSE_CASES))]
    for i, (person, role, cases) in enumerate(people, 1):
        roster.append([person, role, cases, f"Person{i} Testsen", "", "active"])
        interviews.append([f"I-{person}", person, "in person", "en"])
    write_csv(folder / "roster.csv", roster)
    write_csv(folder / "interviews.csv", interviews)
    rows = [
        [eid, f"I-{person}", case, code, stance, "1", "AK", text]
        for eid, person, case, code, stance, text in EXCERPTS
    ]
    write_csv(folder / "excerpts.csv", [EXCERPT_HEADER, *rows])
    write_csv(folder / "survey.csv", [SURVEY_HEADER, *SURVEY])
    return folder


def with_machine_readings(excerpts: pd.DataFrame) -> pd.DataFrame:
    """The annotated excerpts with MACHINE's readings in place of the reader's:
    no coded stance, the suggested stance and confidence set by hand."""
    excerpts = excerpts.copy()
    assert set(MACHINE) <= set(excerpts["excerpt_id"])
    for excerpt_id, (stance, confidence) in MACHINE.items():
        row = excerpts["excerpt_id"] == excerpt_id
        assert excerpts.loc[row, "coded_stance"].isna().all(), excerpt_id
        excerpts.loc[row, "suggested_stance"] = stance
        excerpts.loc[row, "suggestion_confidence"] = confidence
    return excerpts


@pytest.fixture(scope="module")
def annotated(tmp_path_factory):
    root = tmp_path_factory.mktemp("branches")
    ingested = stages.ingest(write_study(root / "study"))
    excerpts, _ = stages.annotate(ingested)
    return root, ingested, with_machine_readings(excerpts)


def connect(db: Path, ingested, excerpts):
    stages.build_warehouse(db, stages.warehouse_frames(ingested, excerpts))
    return duckdb.connect(str(db), read_only=True)


@pytest.fixture(scope="module")
def con(annotated):
    root, ingested, excerpts = annotated
    connection = connect(root / "t.duckdb", ingested, excerpts)
    yield connection
    connection.close()


def _variant(annotated, name: str, study_toml: str):
    """A connection to the same inputs and readings under another study file."""
    root, _, excerpts = annotated
    ingested = stages.ingest(write_study(root / f"study-{name}", study_toml))
    connection = connect(root / f"t-{name}.duckdb", ingested, excerpts)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def con_no_survey_route(annotated):
    """The same inputs and readings under NO_SURVEY_ROUTE (min_roles_without_survey = 0)."""
    yield from _variant(annotated, "0", NO_SURVEY_ROUTE)


@pytest.fixture(scope="module")
def con_one_reading(annotated):
    """The same inputs and readings under ONE_READING (min_machine_readings = 1)."""
    yield from _variant(annotated, "1", ONE_READING)


def rows(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def keyed(con, sql: str) -> dict[str, tuple]:
    """The rows of `sql` by their first two columns ("C19/supporter")."""
    return {f"{a}/{b}": tuple(rest) for a, b, *rest in rows(con, sql)}


def test_claims_are_the_example_words(con):
    """The NLP found exactly the example words listed in the module docstring."""
    claims = dict(rows(con, "select excerpt_id, examples from stg_excerpts"))
    assert {k: v for k, v in claims.items() if v} == {
        "X01": ["walks:present"],
        "X02": ["swims:present"],
        "X03": ["walks:present"],
        "X04": ["swims:present"],
        "X05": ["swims:absent"],
        "X12": ["walks:present"],
        "X13": ["sitting:improved"],
        "X16": ["walks:present"],
        "X18": ["walks:present"],
        "X19": ["swims:absent"],
        "X50": ["sitting:no_change"],
        "X51": ["sitting:no_change"],
        "X52": ["sitting:no_change"],
    }


def test_informant_and_source_stances(con):
    """Informants: C11's peer says present once and absent once, a tie: mixed.
    C12's peer says improved once and not_stated once: a stated stance wins over
    not_stated, so improved (not a tie). C1's nurse is asked but never speaks to
    walking: silent. Sources: C6 has no supporter and the nurse is not asked
    about C6: not_interviewed (not silent). C5 has no survey answers: the survey
    is not_computable there; so is it for eating everywhere (a survey domain
    without items)."""
    informant = dict(
        rows(
            con,
            "select case_id || '/' || person_id || '/' || theme_id, stance from int_informant_stances",
        )
    )
    assert informant["C11/C11/walking_support"] == "mixed"
    assert informant["C12/C12/activity"] == "improved"
    assert informant["C1/N/walking_support"] == "silent"
    source = dict(
        rows(
            con,
            "select case_id || '/' || source || '/' || theme_id, stance from int_source_stances",
        )
    )
    assert source["C6/supporter/walking_support"] == "not_interviewed"
    assert source["C6/nurse/walking_support"] == "not_interviewed"
    assert source["C1/nurse/walking_support"] == "silent"
    assert source["C11/supporter/walking_support"] == "mixed"
    assert source["C5/survey/activity"] == "not_computable"
    assert source["C5/survey/energy"] == "not_asked"
    assert source["C7/survey/eating"] == "not_computable"


def test_pair_codes(con):
    """Each pair, by hand (meaning: same stance, neither mixed nor not_stated;
    examples judged only when both name one):

    C1 peer-supporter: present = present, walks:present vs swims:present share
       nothing -> meaning agrees, examples differ -> partial_agreement.
       peer-nurse, supporter-nurse: nurse silent -> silence (meaning not judged).
    C2 peer-supporter: as C1 -> partial_agreement. peer-nurse: present vs
       absent, walks:present vs swims:absent -> dissonance. supporter-nurse:
       present vs absent, swims:present vs swims:absent -> dissonance.
    C3 peer-supporter: facilitator vs barrier, no examples -> dissonance
       (examples not judged).
    C4 peer-supporter: barrier = barrier, no examples -> agreement.
    C5 peer-supporter: the peer's not_stated -> silence.
    C7 peer-survey: improved = improved, sitting:improved vs the survey's
       walking:improved, sitting:no_change -> partial_agreement.
    C11 peer-supporter: mixed and mixed -> meaning does not agree; both name
       walks:present -> examples agree -> partial_agreement.
    """
    got = {
        (c, t, a, b): (code, m, e)
        for c, t, a, b, code, m, e in rows(
            con,
            "select case_id, theme_id, source_a, source_b, code, meaning_agrees, examples_agree "
            "from convergence_pairs",
        )
    }
    w, en, act = "walking_support", "energy", "activity"
    assert got["C1", w, "peer", "supporter"] == ("partial_agreement", True, False)
    assert got["C1", w, "peer", "nurse"] == ("silence", None, None)
    assert got["C2", w, "peer", "supporter"] == ("partial_agreement", True, False)
    assert got["C2", w, "peer", "nurse"] == ("dissonance", False, False)
    assert got["C2", w, "supporter", "nurse"] == ("dissonance", False, False)
    assert got["C3", en, "peer", "supporter"] == ("dissonance", False, None)
    assert got["C4", en, "peer", "supporter"] == ("agreement", True, None)
    assert got["C5", act, "peer", "supporter"][0] == "silence"
    assert got["C7", act, "peer", "survey"] == ("partial_agreement", True, False)
    assert got["C11", w, "peer", "supporter"] == ("partial_agreement", False, True)


def test_convergence_codes(con):
    """One code per case and theme: dissonance > partial > agreement > silence,
    then no_evidence (nobody asked speaks) or not_compared (one source asked).

    C1 walking: 1 partial + 2 silent pairs -> partial_agreement.
    C2 walking: 2 dissonant + 1 partial -> dissonance (dissonance wins).
    C3 energy: exactly one dissonant pair -> dissonance.
    C4 energy: 1 agreeing + 2 silent pairs -> agreement (agreement wins).
    C5 activity: only silent pairs (not_stated, silent nurse; survey not
       computable takes no part) -> silence.
    C6 walking: only the peer is asked (survey has no walking items) -> no pair,
       one source speaks -> not_compared. C6 energy: the peer, the only source
       asked, is silent -> no_evidence. C6 activity: peer silent, survey
       improved -> one silent pair -> silence.
    C11 walking: one partial pair -> partial_agreement.
    """
    got = dict(rows(con, "select case_id || '/' || theme_id, code from convergence"))
    assert got["C1/walking_support"] == "partial_agreement"
    assert got["C2/walking_support"] == "dissonance"
    assert got["C3/energy"] == "dissonance"
    assert got["C4/energy"] == "agreement"
    assert got["C5/activity"] == "silence"
    assert got["C6/walking_support"] == "not_compared"
    assert got["C6/energy"] == "no_evidence"
    assert got["C6/activity"] == "silence"
    assert got["C11/walking_support"] == "partial_agreement"


def test_qualitative_consensus(con):
    """C3 energy: facilitator 1 role, barrier 1 role -> a tie -> mixed.
    C5 activity: not_stated takes no vote, so the supporter's improved is the
    consensus. C12 activity: improved 2 roles (peer, supporter), no_change 1
    (nurse) -> improved, 2 improved, 1 not improved. C9 activity: the only role
    speaking is not_stated, no vote at all -> not_stated. C21 activity: peer
    not_stated, supporter unclear, no vote -> not_stated (speaking without a
    direction outranks the reader's abstention)."""
    got = {
        f"{c}/{t}": (s, i, n)
        for c, t, s, i, n in rows(
            con,
            "select case_id, theme_id, stance, n_roles_improved, n_roles_not_improved "
            "from int_qualitative_consensus",
        )
    }
    assert got["C3/energy"][0] == "mixed"
    assert got["C5/activity"] == ("improved", 1, 0)
    assert got["C12/activity"] == ("improved", 2, 1)
    assert got["C9/activity"][0] == "not_stated"
    assert got["C21/activity"][0] == "not_stated"


def test_survey_items_and_domains(con):
    """Items (delta = follow-up - baseline, signed by which direction is better):
    C6 walk 60 -> 120: +60 = mcid -> improved. C8 sit: baseline missing ->
    not_computable, 'baseline answer missing'. C5 no rows -> 'no answer at
    either wave'. C10 sit 6 -> 8: +2 hours, signed -2 = -mcid -> worsened.
    Domains: C6 improved (walk improved, sit no change); C9 no_change; C10
    mixed (walk improved, sit worsened); C11 worsened (walk -50 within mcid,
    sit worsened); C5 not_computable (nothing answered)."""
    items = {
        f"{c}/{i}": (d, r)
        for c, i, d, r in rows(
            con,
            "select case_id, item_id, direction, not_computable_reason from int_survey_item_deltas",
        )
    }
    assert items["C6/walk_min"] == ("improved", None)
    assert items["C8/sit_hours"] == ("not_computable", "baseline answer missing")
    assert items["C5/walk_min"] == ("not_computable", "no answer at either wave")
    assert items["C10/sit_hours"] == ("worsened", None)
    assert items["C11/walk_min"] == ("no_change", None)
    domains = dict(rows(con, "select case_id, stance from int_survey_domain_stances"))
    assert [domains[c] for c in ("C6", "C9", "C10", "C11", "C5")] == [
        "improved",
        "no_change",
        "mixed",
        "worsened",
        "not_computable",
    ]


def test_fit_branches(con):
    """Fit of the interviews' consensus with the survey (activity theme):
    C5 survey not computable -> not_computable. C6 survey improved, no interview
    speaks -> no_qualitative_evidence. C7 improved = improved, the interviews'
    sitting:improved is not among the survey's walking:improved,
    sitting:no_change -> expansion. C8 improved = improved, the interviews name
    no example -> confirmation. C9 interviews only not_stated (no vote: consensus not_stated)
    -> expansion. Energy has no survey items -> not_asked."""
    got = dict(rows(con, "select case_id || '/' || theme_id, fit from fit"))
    assert got["C5/activity"] == "not_computable"
    assert got["C6/activity"] == "no_qualitative_evidence"
    assert got["C7/activity"] == "expansion"
    assert got["C8/activity"] == "confirmation"
    assert got["C9/activity"] == "expansion"
    assert got["C1/energy"] == "not_asked"


def test_outcome_verdicts(con):
    """Outcome verdicts (activity):
    C5 no survey: 1 role improved < 2 needed -> not achieved.
    C6 survey improved, no role corroborates -> not achieved.
    C7 survey improved, 1 role corroborates >= 1 -> achieved.
    C9 survey no change -> not achieved, 'survey shows no change'.
    C12 no survey: 2 roles improved but the nurse says no change -> not achieved.
    Non-outcome themes get no verdict (null)."""
    got = {
        c: (a, r)
        for c, a, r in rows(
            con,
            "select case_id, outcome_achieved, outcome_reason from case_theme_verdicts "
            "where theme_id = 'activity'",
        )
    }
    assert got["C5"] == (False, "no survey evidence; 1 role(s) say improved, 0 say not")
    assert got["C6"] == (False, "survey improved, but no informant role corroborates it")
    assert got["C7"] == (True, "survey improved, corroborated by 1 informant role(s)")
    assert got["C9"] == (False, "survey shows no change")
    assert got["C12"] == (False, "no survey evidence; 2 role(s) say improved, 1 say not")
    assert rows(
        con,
        "select distinct outcome_achieved, outcome_reason from case_theme_verdicts where kind <> 'outcome'",
    ) == [(None, None)]


def test_classification_at_the_minimum(con):
    """min_outcome_themes = 1: C7 achieves exactly one outcome theme -> outcomes
    achieved; C6 none -> not achieved."""
    got = dict(rows(con, "select case_id, classification from case_classification"))
    assert got["C7"] == "outcomes achieved"
    assert got["C6"] == "outcomes not achieved"


# ---------------------------------------------------------------- machine readings (C13-C19)


def test_unclear_readings(con):
    """C13 activity: the peer's only reading is unclear (the reader abstained), the
    supporter's is coded improved, the survey improved (walk +60 = mcid, sit 0).
    - source stances: peer "unclear" (no stance spoken, an unclear reading; not
      "silent": the peer spoke), supporter improved.
    - pairs: peer-supporter silence (an unclear side states no direction; its
      meaning is not judged as a disagreement), provisional (the peer's side rests
      on an unreviewed machine reading: one side is enough); peer-survey silence;
      supporter-survey improved = improved, the supporter names no example ->
      agreement, not provisional, its survey side's basis "survey".
    - consensus: the unclear peer takes no vote -> improved (1 role), not a tie.
    - basis: peer "unclear", provisional; supporter "coded", not provisional.
    C14 activity: both readings unclear: the two speak, but two unclear stances do
    not agree in meaning (meaning_agrees false; code silence). Consensus:
    nobody votes, nobody is not_stated, somebody unclear -> "unclear"; the
    survey improved -> fit expansion (unclear interviews add, never contradict).
    C15 activity: the peer's two unclear readings do not outvote the one coded
    improved -> the informant is improved; of the two supporters one is unclear
    and one improved -> the supporter role is improved (unclear is no stance
    that makes it mixed)."""
    source = dict(
        rows(
            con,
            "select case_id || '/' || source, stance from int_source_stances "
            "where theme_id = 'activity' and case_id in ('C13', 'C15')",
        )
    )
    assert source["C13/peer"] == "unclear"
    assert source["C13/supporter"] == "improved"
    assert source["C15/supporter"] == "improved"
    informant = dict(
        rows(
            con,
            "select person_id, stance from int_informant_stances "
            "where case_id = 'C15' and theme_id = 'activity'",
        )
    )
    assert informant == {"C15": "improved", "C15-a": "unclear", "C15-b": "improved"}
    pairs = {
        (c, a, b): (code, m, prov, ba, bb)
        for c, a, b, code, m, prov, ba, bb in rows(
            con,
            "select case_id, source_a, source_b, code, meaning_agrees, provisional, basis_a, basis_b "
            "from convergence_pairs where theme_id = 'activity' and case_id in ('C13', 'C14')",
        )
    }
    assert pairs["C13", "peer", "supporter"] == ("silence", False, True, "unclear", "coded")
    assert pairs["C13", "peer", "survey"] == ("silence", False, True, "unclear", "survey")
    assert pairs["C13", "supporter", "survey"] == ("agreement", True, False, "coded", "survey")
    assert pairs["C14", "peer", "supporter"] == ("silence", False, True, "unclear", "unclear")
    consensus = dict(
        rows(
            con,
            "select case_id, stance from int_qualitative_consensus "
            "where theme_id = 'activity' and case_id in ('C13', 'C14')",
        )
    )
    assert consensus == {"C13": "improved", "C14": "unclear"}
    fit = dict(rows(con, "select case_id, fit from fit where theme_id = 'activity'"))
    assert (fit["C13"], fit["C14"]) == ("confirmation", "expansion")
    basis = {
        f"{c}/{s}": (b, p)
        for c, s, b, p in rows(
            con,
            "select case_id, source, basis, provisional from int_source_basis "
            "where theme_id = 'activity' and case_id = 'C13'",
        )
    }
    assert basis["C13/peer"] == ("unclear", True)
    assert basis["C13/supporter"] == ("coded", False)


def test_low_confidence_dissonance_is_held_back(con):
    """Walking, peer coded present against the supporter's machine reading
    (rules.min_suggestion_confidence 0.6); no example named on either side, so
    only meaning is judged:
    C16 supporter absent at 0.4: its stance holds only through a low-confidence
      suggestion (low_confidence_only) -> the would-be dissonance is coded
      silence and marked held_back.
    C17 supporter present at 0.4: low confidence too, but the pair agrees ->
      agreement, not held back (only a dissonance is held back).
    C18 the peer says present (coded) and absent (0.4): one each, a tie -> mixed;
      its only firm stance is present, so it is mixed only through the
      low-confidence reading (low_confidence_only); against the supporter's
      coded absent: mixed vs absent -> dissonance -> held back, silence.
    C19 supporter absent at 0.9 (not low), but a single machine reading: held
      back too, for the other reason (test_one_machine_reading_is_held_back).
    held_back_reason names the low confidence first (C16, C18)."""
    pairs = {
        c: (code, held, reason, prov)
        for c, code, held, reason, prov in rows(
            con,
            "select case_id, code, held_back, held_back_reason, provisional from convergence_pairs "
            "where theme_id = 'walking_support' and case_id in ('C16', 'C17', 'C18', 'C19')",
        )
    }
    assert pairs == {
        "C16": ("silence", True, "low_confidence", True),
        "C17": ("agreement", False, None, True),
        "C18": ("silence", True, "low_confidence", True),
        "C19": ("silence", True, "few_machine_readings", True),
    }
    low = {
        f"{c}/{s}": (st, b, only)
        for c, s, st, b, only in rows(
            con,
            "select case_id, source, stance, basis, low_confidence_only from int_source_basis "
            "where theme_id = 'walking_support' and case_id in ('C16', 'C18', 'C19')",
        )
    }
    assert low["C16/supporter"] == ("absent", "suggested", True)
    assert low["C16/peer"] == ("present", "coded", False)
    assert low["C18/peer"] == ("mixed", "coded+suggested", True)
    assert low["C19/supporter"] == ("absent", "suggested", False)
    code = dict(
        rows(con, "select case_id, code from convergence where theme_id = 'walking_support'")
    )
    assert [code[c] for c in ("C16", "C17", "C18", "C19")] == [
        "silence",
        "agreement",
        "silence",
        "silence",
    ]


def test_one_machine_reading_is_held_back(con, con_one_reading):
    """rules.min_machine_readings = 2 (the default): a stance resting only on
    unreviewed machine readings (not low-confidence) is established by two of
    them; a "mixed" stance needs two established stances. Walking, no example
    on either side, so meaning alone decides:
    C19 peer coded present, supporter one machine absent (0.9): the supporter's
      absent rests on 1 < 2 machine readings (few_machine_readings) -> the
      would-be dissonance is held back: silence, held_back_reason
      "few_machine_readings".
    C22 peer coded present, supporter two machine absent (0.9, 0.9): 2 >= 2,
      established -> a dissonance, published (provisional), not held back.
    C23 peer coded present + one machine absent (0.9): a tie -> mixed; its
      established stances: present (coded) only, 1 -> few_machine_readings; not
      low_confidence_only (0.9 >= 0.6). Against the supporter's coded absent:
      mixed vs absent -> would be dissonance -> held back, "few_machine_readings".
    C16 supporter absent at 0.4: low-confidence suggestions never count towards
      the two, so few_machine_readings too (its reason stays low_confidence).
    Coded sources are never few (C19 peer, C23 supporter).
    With min_machine_readings = 1 (the hold-back off) one reading is enough: C19
    and C23 are dissonances again; C16 stays held back (low confidence)."""
    basis = keyed(
        con,
        "select case_id, source, stance, few_machine_readings from int_source_basis "
        "where theme_id = 'walking_support' and case_id in ('C16', 'C19', 'C22', 'C23')",
    )
    assert basis["C19/supporter"] == ("absent", True)
    assert basis["C19/peer"] == ("present", False)
    assert basis["C22/supporter"] == ("absent", False)
    assert basis["C23/peer"] == ("mixed", True)
    assert basis["C23/supporter"] == ("absent", False)
    assert basis["C16/supporter"] == ("absent", True)
    low = dict(
        rows(
            con,
            "select case_id, low_confidence_only from int_source_basis "
            "where theme_id = 'walking_support' and source = 'peer' and case_id = 'C23'",
        )
    )
    assert low == {"C23": False}
    sql = (
        "select case_id, code, held_back, held_back_reason, provisional from convergence_pairs "
        "where theme_id = 'walking_support' and case_id in ('C16', 'C19', 'C22', 'C23')"
    )
    pairs = {c: rest for c, *rest in rows(con, sql)}
    assert pairs == {
        "C16": ["silence", True, "low_confidence", True],
        "C19": ["silence", True, "few_machine_readings", True],
        "C22": ["dissonance", False, None, True],
        "C23": ["silence", True, "few_machine_readings", True],
    }
    assert {c: rest for c, *rest in rows(con_one_reading, sql)} == {
        "C16": ["silence", True, "low_confidence", True],
        "C19": ["dissonance", False, None, True],
        "C22": ["dissonance", False, None, True],
        "C23": ["dissonance", False, None, True],
    }


def test_discordant_fit_on_one_machine_reading_is_held_back(con, con_one_reading):
    """Activity; the survey improved in C24 and C25 (walk 60 -> 120 = mcid,
    sit 8 -> 8: claims walking:improved, sitting:no_change).
    C24 the peer's one machine reading no_change (0.9), "sofa" -> sitting:no_change;
      no supporter, no nurse. Consensus no_change (1 role), carried by 1 < 2
      machine readings -> few_machine_readings. Fit: no_change vs improved would be
      discordance -> held back: "expansion" (the interviews taken as not stating
      a direction), fit_held_back. The peer-survey pair: meaning differs, the
      shared sitting:no_change agrees -> partial_agreement (no dissonance).
    C25 peer and supporter each one machine no_change: 2 readings behind the
      consensus -> established -> discordance, not held back.
    With min_machine_readings = 1: C24 is a discordance too."""
    consensus = dict(
        rows(
            con,
            "select case_id, stance || '/' || few_machine_readings from int_qualitative_consensus "
            "where theme_id = 'activity' and case_id in ('C24', 'C25')",
        )
    )
    assert consensus == {"C24": "no_change/true", "C25": "no_change/false"}
    sql = (
        "select case_id, fit, fit_held_back from fit "
        "where theme_id = 'activity' and case_id in ('C24', 'C25')"
    )
    assert {c: (f, h) for c, f, h in rows(con, sql)} == {
        "C24": ("expansion", True),
        "C25": ("discordance", False),
    }
    assert {c: (f, h) for c, f, h in rows(con_one_reading, sql)} == {
        "C24": ("discordance", False),
        "C25": ("discordance", False),
    }
    pair = rows(
        con,
        "select code, held_back from convergence_pairs where case_id = 'C24' "
        "and theme_id = 'activity' and source_a = 'peer' and source_b = 'survey'",
    )
    assert pair == [("partial_agreement", False)]


def test_stance_support_per_role_and_over_the_roles(con):
    """int_stance_support, where decision 0137's rule is written (once): per
    speaking role, and over the speaking roles together (source null, "*" here).
    C19 walking: peer 1 coded present -> established; supporter 1 machine absent
      (0.9) -> 1 < 2, not.
    C22 walking: supporter 2 machine absent -> 2 >= 2, established.
    C16 walking: supporter absent at 0.4, low confidence: counts as neither
      (n_machine 0), not established.
    C25 activity: peer and supporter 1 machine no_change each: neither role
      establishes it alone; together 2 -> established (the consensus's support).
    C24 activity: the peer alone, 1 machine no_change: not, alone or together."""
    got = {
        f"{c}/{s or '*'}/{st}": (conf, machine, est)
        for c, s, st, conf, machine, est in rows(
            con,
            "select case_id, source, stance, n_confirmed, n_machine, established "
            "from int_stance_support where case_id in ('C16', 'C19', 'C22', 'C24', 'C25')",
        )
    }
    assert got == {
        "C16/peer/present": (1, 0, True),
        "C16/supporter/absent": (0, 0, False),
        "C16/*/present": (1, 0, True),
        "C16/*/absent": (0, 0, False),
        "C19/peer/present": (1, 0, True),
        "C19/supporter/absent": (0, 1, False),
        "C19/*/present": (1, 0, True),
        "C19/*/absent": (0, 1, False),
        "C22/peer/present": (1, 0, True),
        "C22/supporter/absent": (0, 2, True),
        "C22/*/present": (1, 0, True),
        "C22/*/absent": (0, 2, True),
        "C24/peer/no_change": (0, 1, False),
        "C24/*/no_change": (0, 1, False),
        "C25/peer/no_change": (0, 1, False),
        "C25/supporter/no_change": (0, 1, False),
        "C25/*/no_change": (0, 2, True),
    }


def test_review_rank_and_verdict_basis(con):
    """verdict_basis, what each verdict rests on and which reading to review first:
    C19 walking: a dissonance held back for review (one machine reading; no
      dissonance published, n_held_back 1) -> review_rank 1.
    C16 walking: held back for low confidence, likewise -> rank 1.
    C22 walking: a provisional dissonance -> review_rank 1, nothing held back.
    C24 activity: a partial agreement, no pair held back; the discordant fit
      held back (fit_held_back) -> rank 2.
    C25 activity: a provisional discordant fit -> rank 2.
    C13 activity: pairs provisional (the peer's unclear reading), convergence
      agreement, fit confirmation (not discordance), an outcome theme -> rank 3;
      readings: 1 coded (supporter) + 1 unclear (peer), the survey took part in a
      pair -> basis "coded+unclear+survey".
    C17 walking (an intervention, not an outcome): provisional agreement, the
      survey has no walking items (fit not_asked) -> rank 4.
    C4 energy: coded readings only -> not provisional, no rank."""
    got = {
        f"{c}/{t}": (rank, basis, prov)
        for c, t, rank, basis, prov in rows(
            con,
            "select case_id, theme_id, review_rank, basis, provisional from verdict_basis",
        )
    }
    assert got["C19/walking_support"] == (1, "coded+suggested", True)
    assert got["C16/walking_support"] == (1, "coded+suggested", True)
    assert got["C22/walking_support"] == (1, "coded+suggested", True)
    assert got["C24/activity"] == (2, "suggested+survey", True)
    assert got["C25/activity"] == (2, "suggested+survey", True)
    held = keyed(
        con,
        "select case_id, theme_id, n_held_back, fit_held_back from verdict_basis "
        "where case_id in ('C16', 'C19', 'C22', 'C24', 'C25')",
    )
    assert held["C19/walking_support"] == (1, False)
    assert held["C16/walking_support"] == (1, False)
    assert held["C22/walking_support"] == (0, False)
    assert held["C24/activity"] == (0, True)
    assert held["C25/activity"] == (0, False)
    assert got["C13/activity"] == (3, "coded+unclear+survey", True)
    assert got["C17/walking_support"] == (4, "coded+suggested", True)
    assert got["C4/energy"] == (None, "coded", False)


def test_survey_delta_is_exact_decimal(con):
    """C20 sit_hours (lower is better, mcid 2): 2.3 -> 0.3 is a change of exactly
    -2.0 hours, signed +2.0 = mcid -> improved. In binary floating point
    0.3 - 2.3 is -1.9999999999999998, short of the mcid (no change): the
    arithmetic must be exact. Walk 60 -> 60: no change; domain improved."""
    item = rows(
        con,
        "select direction, delta, signed_delta from int_survey_item_deltas "
        "where case_id = 'C20' and item_id = 'sit_hours'",
    )
    assert item == [("improved", -2.0, 2.0)]
    domain = rows(con, "select stance from int_survey_domain_stances where case_id = 'C20'")
    assert domain == [("improved",)]


def test_no_survey_route_switched_off(con, con_no_survey_route):
    """C5 activity: no survey answers (not computable); the supporter says
    improved, the peer's not_stated takes no vote: 1 role improved, 0 not.
    With min_roles_without_survey = 2: 1 < 2 -> not achieved, the counts given.
    With 0 (the route switched off): not achieved whatever the roles say, and
    the reason says the study file accepts no outcome without a survey."""
    sql = (
        "select outcome_achieved, outcome_reason from case_theme_verdicts "
        "where case_id = 'C5' and theme_id = 'activity'"
    )
    assert rows(con, sql) == [(False, "no survey evidence; 1 role(s) say improved, 0 say not")]
    assert rows(con_no_survey_route, sql) == [
        (False, "no survey evidence, and the study file accepts no outcome without it")
    ]

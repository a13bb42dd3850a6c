"""Crisp-set QCA: parameters of fit, Quine–McCluskey, a published example, the SQL models.

Expected values are worked out by hand (in the comments) or taken from the
literature (cited in each test's docstring).
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from conftest import TINY_STUDY

from flows import qca, stages

# ---------------------------------------------------------------- parameters of fit


def test_sufficiency_and_necessity_by_hand():
    """Eight cases. X = cases 1-4, Y = cases 1, 2 and 5.

    |X| = 4, |Y| = 3, |X∩Y| = 2, N = 8:
    sufficiency consistency 2/4, coverage 2/3; necessity consistency 2/3,
    coverage 2/4; relevance of necessity (8-4)/(8-2) = 4/6.
    """
    x = [1, 1, 1, 1, 0, 0, 0, 0]
    y = [1, 1, 0, 0, 1, 0, 0, 0]
    assert qca.sufficiency(x, y) == pytest.approx((0.5, 2 / 3))
    assert qca.necessity(x, y) == pytest.approx((2 / 3, 0.5))
    assert qca.relevance_of_necessity(x, y) == pytest.approx(4 / 6)


def test_condition_parameters_present_and_absent():
    """The same eight cases as configurations of two conditions A (as X) and B.

    B is present in cases 1, 2, 5, 6. For B: |X| = 4, |X∩Y| = 3 -> sufficiency
    3/4 and coverage 3/3; necessity 3/3, coverage 3/4. For ~A: cases 5-8,
    |X∩Y| = 1 -> sufficiency 1/4, coverage 1/3; relevance (8-4)/(8-1) = 4/7.
    """
    configurations = ["11", "11", "10", "10", "01", "01", "00", "00"]
    y = [1, 1, 0, 0, 1, 0, 0, 0]
    fits = {(f.condition, f.present): f for f in qca.condition_parameters(configurations, y, "AB")}
    b = fits[("B", True)]
    assert (b.expression, b.n_in_set, b.n_outcome, b.n_both) == ("B", 4, 3, 3)
    assert (b.sufficiency_consistency, b.sufficiency_coverage) == (0.75, 1.0)
    assert (b.necessity_consistency, b.necessity_coverage) == (1.0, 0.75)
    not_a = fits[("A", False)]
    assert not_a.expression == "a"
    assert not_a.sufficiency_consistency == pytest.approx(0.25)
    assert not_a.sufficiency_coverage == pytest.approx(1 / 3)
    assert not_a.necessity_relevance == pytest.approx(4 / 7)
    assert len(fits) == 4


def test_empty_sets_give_no_ratio():
    assert qca.sufficiency([0, 0], [1, 0]) == (None, 0.0)
    assert qca.necessity([1, 0], [0, 0]) == (None, 0.0)


# ---------------------------------------------------------------- Quine–McCluskey


def bits(numbers: list[int], k: int) -> list[str]:
    return [format(n, f"0{k}b") for n in numbers]


def test_quine_mccluskey_with_dont_cares():
    """The worked example of the Quine–McCluskey algorithm (e.g. the Wikipedia
    article): f(A,B,C,D) = Σm(4,8,10,11,12,15) + d(9,14).

    Prime implicants: BC'D' (-100), AB' (10--), AD' (1--0), AC (1-1-).
    BC'D' (only one covering 4) and AC (only one covering 15) are essential;
    minterm 8 then needs AB' or AD': two minimal solutions of three terms.
    """
    on, dc = bits([4, 8, 10, 11, 12, 15], 4), bits([9, 14], 4)
    primes = qca.prime_implicants(on, dc)
    assert set(primes) == {"-100", "10--", "1--0", "1-1-"}
    assert set(qca.essential_prime_implicants(primes, on)) == {"-100", "1-1-"}
    covers = qca.minimise(on, dc)
    assert {frozenset(c) for c in covers} == {
        frozenset({"-100", "10--", "1-1-"}),
        frozenset({"-100", "1--0", "1-1-"}),
    }
    expressions = [" + ".join(qca.term_expression(t, "ABCD") for t in c) for c in covers]
    assert expressions == ["A*b + A*C + B*c*d", "A*C + A*d + B*c*d"]


def test_quine_mccluskey_cyclic_chart_needs_petrick():
    """The textbook example of Petrick's method: f(A,B,C) = Σm(0,1,2,5,6,7).

    Six prime implicants (A'B', A'C', B'C, BC', AC, AB), none essential; the two
    minimal covers are A'B' + BC' + AC and A'C' + B'C + AB.
    """
    on = bits([0, 1, 2, 5, 6, 7], 3)
    primes = qca.prime_implicants(on)
    assert set(primes) == {"00-", "0-0", "-01", "-10", "1-1", "11-"}
    assert qca.essential_prime_implicants(primes, on) == ()
    assert {frozenset(c) for c in qca.minimise(on)} == {
        frozenset({"00-", "-10", "1-1"}),
        frozenset({"0-0", "-01", "11-"}),
    }


@pytest.mark.parametrize(
    ("minterms", "dont_cares", "expected"),
    [
        ([1, 3, 5, 7], [], [("--1",)]),  # C
        ([0, 1, 2, 3, 4, 5, 6, 7], [], [("---",)]),  # always: the constant 1
        ([0], [6, 7], [("000",)]),  # 11- covers only don't-cares: not kept
        ([0, 2, 5, 7], [], [("1-1", "0-0")]),  # AC + ac
        ([3], [7], [("-11",)]),  # one don't-care widens the term
    ],
)
def test_quine_mccluskey_small_cases(minterms, dont_cares, expected):
    assert qca.minimise(bits(minterms, 3), bits(dont_cares, 3)) == expected


def test_prime_implicants_only_cover_something_positive():
    assert qca.prime_implicants(["000"], ["110", "111"]) == ("000",)
    assert qca.prime_implicants([]) == ()


def test_term_notation():
    assert qca.term_expression("10-", ["finances", "energy", "x"]) == "FINANCES*energy"
    assert qca.term_expression("10-", ["finances", "energy", "x"], "tilde") == "FINANCES*~ENERGY"
    assert qca.term_expression("---", "abc") == "1"


def test_bad_configurations_are_refused():
    with pytest.raises(ValueError, match="only 0 and 1"):
        qca.prime_implicants(["012"])
    with pytest.raises(ValueError, match="expected 3 values"):
        qca.prime_implicants(["010"], ["01"])


# ---------------------------------------------------------------- a published example

#: Lipset's indicators for the survival of democracy in inter-war Europe, binary
#: crisp version (`LC`), exactly as the R package QCA documents its truth table
#: with the cases of each row (`truthTable(LC, "SURV")`, `minimize(..., show.cases
#: = TRUE)`): DEV URB LIT IND STB -> SURV, 18 countries.
LIPSET_CRISP = [
    ("11111", 1, ["BE", "CZ", "NL", "UK"]),
    ("10101", 1, ["FI", "IE"]),
    ("10111", 1, ["FR", "SE"]),
    ("00000", 0, ["GR", "PT", "ES"]),
    ("00001", 0, ["IT", "RO"]),
    ("00100", 0, ["HU", "PL"]),
    ("00101", 0, ["EE"]),
    ("10110", 0, ["AU"]),
    ("11110", 0, ["DE"]),
]
LIPSET_CONDITIONS = ["DEV", "URB", "LIT", "IND", "STB"]


def lipset_frame() -> pd.DataFrame:
    rows = [
        {"case_id": case, **{c: int(v) for c, v in zip(LIPSET_CONDITIONS, cfg, strict=True)}}
        | {"outcome": outcome}
        for cfg, outcome, cases in LIPSET_CRISP
        for case in cases
    ]
    return pd.DataFrame(rows)


def test_lipset_crisp_truth_table():
    """Truth table of Rihoux & De Meur (2009) as printed by the R package QCA
    (rows 32, 22, 24 positive; 1, 2, 5, 6, 23, 31 negative)."""
    result = qca.analyse(lipset_frame())
    rows = {r.row_number: (r.outcome_code, r.n, r.consistency) for r in result.truth_table}
    assert rows == {
        32: ("1", 4, 1.0),
        22: ("1", 2, 1.0),
        24: ("1", 2, 1.0),
        1: ("0", 3, 0.0),
        2: ("0", 2, 0.0),
        5: ("0", 2, 0.0),
        6: ("0", 1, 0.0),
        23: ("0", 1, 0.0),
        31: ("0", 1, 0.0),
    }
    assert len(result.remainders) == 32 - 9


def test_lipset_crisp_conservative_and_parsimonious_solutions():
    """Rihoux, B. & De Meur, G. (2009) "Crisp-set qualitative comparative analysis
    (csQCA)", in Rihoux & Ragin (eds.), Configurational Comparative Methods, SAGE,
    p. 57; reproduced in the examples of `minimize()` of the R package QCA
    (Dusa, QCA 3.x documentation, data `LC`):

        conservative  DEV*~URB*LIT*STB + DEV*LIT*IND*STB  (covS 0.500 / 0.750,
                      covU 0.250 / 0.500, solution inclS 1, covS 1)
        parsimonious  DEV*STB, with simplifying assumptions rows 18, 20, 26, 28, 30
    """
    result = qca.analyse(lipset_frame())
    (conservative,) = result.solutions_of("conservative")
    assert conservative.expression_tilde == "DEV*~URB*LIT*STB + DEV*LIT*IND*STB"
    assert conservative.expression == "DEV*urb*LIT*STB + DEV*LIT*IND*STB"
    assert [t.raw_coverage for t in conservative.terms] == [0.5, 0.75]
    assert [t.unique_coverage for t in conservative.terms] == [0.25, 0.5]
    assert [t.consistency for t in conservative.terms] == [1.0, 1.0]
    assert (conservative.consistency, conservative.coverage) == (1.0, 1.0)
    assert conservative.terms[0].case_ids == ("FI", "FR", "IE", "SE")
    assert conservative.remainders_used == ()

    (parsimonious,) = result.solutions_of("parsimonious")
    assert parsimonious.expression == "DEV*STB"
    assert (parsimonious.consistency, parsimonious.coverage) == (1.0, 1.0)
    assert [int(r, 2) + 1 for r in parsimonious.remainders_used] == [18, 20, 26, 28, 30]


def test_lipset_crisp_negated_outcome():
    """Same source: for ~SURV the conservative solution is ~DEV*~URB*~IND +
    DEV*LIT*IND*~STB and the parsimonious ~DEV + ~STB (covS 0.8 / 0.7, covU 0.3 / 0.2)."""
    frame = lipset_frame()
    result = qca.analyse(frame.assign(outcome=1 - frame["outcome"]))
    (conservative,) = result.solutions_of("conservative")
    assert conservative.expression_tilde == "~DEV*~URB*~IND + DEV*LIT*IND*~STB"
    (parsimonious,) = result.solutions_of("parsimonious")
    assert parsimonious.expression_tilde == "~DEV + ~STB"
    assert [t.raw_coverage for t in parsimonious.terms] == pytest.approx([0.8, 0.7])
    assert [t.unique_coverage for t in parsimonious.terms] == pytest.approx([0.3, 0.2])


# ---------------------------------------------------------------- truth-table coding


def frame(rows: list[tuple[str, str, int]], names: str = "AB") -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"case_id": case, **{n: int(v) for n, v in zip(names, cfg, strict=True)}}
            | {"outcome": y}
            for case, cfg, y in rows
        ]
    )


CONTRADICTORY = [("c1", "11", 1), ("c2", "11", 1), ("c3", "11", 1), ("c4", "11", 0)]
CONTRADICTORY += [("c5", "10", 1), ("c6", "00", 0), ("c7", "01", 0)]


def test_contradictions_are_left_out_at_the_default_threshold():
    """Row 11 has 3 of 4 cases with the outcome: consistency 0.75 < 1 -> C. Only
    row 10 is positive; 00 and 01 are negative; no remainders (all four observed)."""
    result = qca.analyse(frame(CONTRADICTORY))
    codes = {r.configuration: r.outcome_code for r in result.truth_table}
    assert codes == {"11": "C", "10": "1", "00": "0", "01": "0"}
    assert result.remainders == ()
    (conservative,) = result.solutions_of("conservative")
    (parsimonious,) = result.solutions_of("parsimonious")
    # 10 alone: A*b; the C row is excluded, so A alone would cover it and is not allowed
    assert conservative.expression == parsimonious.expression == "A*b"
    assert conservative.coverage == pytest.approx(1 / 4)
    assert any("Contradictory" in note for note in result.notes)


def test_lower_threshold_turns_the_row_positive():
    """With consistency threshold 0.75, row 11 is coded 1: solution A (rows 10, 11),
    consistency 4/5 (c4 is in A without the outcome), coverage 4/4."""
    result = qca.analyse(frame(CONTRADICTORY), settings=qca.Settings(consistency_threshold=0.75))
    (solution,) = result.solutions_of("conservative")
    assert solution.expression == "A"
    assert solution.consistency == pytest.approx(0.8)
    assert solution.coverage == 1.0


def test_settings_code_and_min_cases():
    settings = qca.Settings(consistency_threshold=0.8, consistency_threshold_0=0.2, min_cases=2)
    assert settings.code(1, 1) == "R"
    assert settings.code(5, 4) == "1"
    assert settings.code(5, 1) == "0"
    assert settings.code(5, 2) == "C"
    with pytest.raises(ValueError):
        qca.Settings(consistency_threshold=0.5, consistency_threshold_0=0.5)


def test_no_positive_configuration_gives_no_solution():
    result = qca.analyse(frame([("a", "00", 0), ("b", "11", 0)]))
    assert result.solutions == ()
    assert result.tables()["qca_solutions"].empty
    assert any("no solution" in note for note in result.notes)


def test_truth_table_frame_must_describe_the_same_cases():
    cases = frame([("a", "00", 0), ("b", "11", 1)])
    wrong = pd.DataFrame([{"A": 1, "B": 1, "outcome_code": "1", "n": 2}])
    with pytest.raises(ValueError, match="does not match"):
        qca.analyse(cases, wrong)


def test_crisp_values_only():
    with pytest.raises(ValueError, match="only 0 and 1"):
        qca.analyse(frame([("a", "00", 0)]).assign(A=[0.5]))


def test_tables_shapes():
    tables = qca.analyse(lipset_frame()).tables()
    assert set(tables) == {"qca_parameters", "qca_solutions", "qca_solution_terms", "qca_notes"}
    assert len(tables["qca_parameters"]) == 10  # 5 conditions, present and absent
    assert list(tables["qca_solutions"]["kind"]) == ["conservative", "parsimonious"]
    assert len(tables["qca_solution_terms"]) == 3
    assert tables["qca_solutions"].loc[1, "remainders_used"] == "10001; 10011; 11001; 11011; 11101"


# ---------------------------------------------------------------- the SQL models, tiny study

# Case A: energy a facilitator (peer and supporter agree), walking delivered,
# more walking confirmed by the survey -> outcome achieved.
# Case B: energy a barrier (peer), walking delivered (supporter B-a), the peer
# says he walks more but the survey shows no change -> not achieved.
EXCERPTS = [
    ["E1", "I1", "A", "Intervention/Walking/Present", "", "1", "AK", "We walk every week."],
    ["E2", "I2", "A", "Intervention/Walking/Present", "", "1", "AK", "We walk on Mondays."],
    ["E3", "I1", "A", "Context/Energy/Facilitator", "", "2", "AK", "I am rarely tired now."],
    ["E4", "I2", "A", "Context/Energy/Facilitator", "", "2", "MB", "He is full of energy."],
    ["E5", "I1", "A", "Outcome/Activity/Improved", "", "3", "AK", "I walk much more now."],
    ["E6", "I4", "B", "Intervention/Walking/Present", "", "1", "AK", "We walk on Sundays."],
    ["E7", "I3", "B", "Context/Energy/Barrier", "", "2", "AK", "I am so tired."],
    ["E8", "I3", "B", "Outcome/Activity/Improved", "", "3", "AK", "I walk more."],
]
SURVEY = [
    ["A", "baseline", "60", "8", "male"],
    ["A", "followup", "150", "7", ""],
    ["B", "baseline", "100", "8", "female"],
    ["B", "followup", "100", "8", ""],
]


def build(study_dir, db, **rules) -> duckdb.DuckDBPyConnection:
    """Build the warehouse; `rules` are extra cfg_rules columns (qca_* keys)."""
    ingested = stages.ingest(study_dir)
    excerpts, _ = stages.annotate(ingested)
    frames = stages.warehouse_frames(ingested, excerpts)
    frames["cfg_rules"] = frames["cfg_rules"].assign(
        **{key: [value] for key, value in rules.items()}
    )
    stages.build_warehouse(db, frames)
    return duckdb.connect(str(db), read_only=True)


@pytest.fixture
def tiny(make_study, tmp_path):
    con = build(make_study(EXCERPTS, SURVEY), tmp_path / "t.duckdb")
    yield con
    con.close()


def test_tiny_conditions(tiny):
    """One context theme (energy) and the activity condition; the tiny study has
    one activity, so activities_2plus is 0 for both cases."""
    assert tiny.execute(
        "select condition_order, condition, kind from qca_condition_set order by 1"
    ).fetchall() == [(0, "energy", "context"), (1, "activities_2plus", "activity_count")]
    assert tiny.execute("select * from qca_conditions").fetchall() == [
        ("A", 1, 0, 1, "10"),
        ("B", 0, 0, 0, "00"),
    ]
    assert tiny.execute(
        "select case_id, condition, basis from qca_memberships order by all"
    ).fetchall() == [
        ("A", "activities_2plus", "1 of 1 activities delivered"),
        ("A", "energy", "facilitator"),
        ("B", "activities_2plus", "1 of 1 activities delivered"),
        ("B", "energy", "barrier"),
    ]


def test_tiny_truth_table_and_remainders(tiny):
    """Rows 10 (A, outcome) -> 1 and 00 (B) -> 0; remainders 01 and 11."""
    rows = tiny.execute(
        "select row_number, configuration, energy, activities_2plus, outcome_code, n, "
        "n_outcome, consistency, case_ids, outcome_case_ids from qca_truth_table"
    ).fetchall()
    assert rows == [
        (3, "10", 1, 0, "1", 1, 1, 1.0, ["A"], ["A"]),
        (1, "00", 0, 0, "0", 1, 0, 0.0, ["B"], []),
    ]
    assert tiny.execute("select * from qca_remainders").fetchall() == [
        (2, "01", 0, 1, "R", 0),
        (4, "11", 1, 1, "R", 0),
    ]


def test_tiny_solutions_from_the_sql_frames(tiny):
    """Conservative ENERGY*activities_2plus (the one positive row, 10); parsimonious
    ENERGY, which assumes remainder 11 would show the outcome (01 is not needed)."""
    result = qca.analyse(
        tiny.execute("select * from qca_conditions").df(),
        tiny.execute("select * from qca_truth_table").df(),
        settings=qca.Settings.from_frame(tiny.execute("select * from qca_settings").df()),
    )
    assert result.conditions == ("energy", "activities_2plus")
    solutions = {(s.kind, s.model): s for s in result.solutions}
    assert solutions[("conservative", 1)].expression == "ENERGY*activities_2plus"
    assert solutions[("parsimonious", 1)].expression == "ENERGY"
    assert solutions[("parsimonious", 1)].remainders_used == ("11",)
    assert len(solutions) == 2


def test_contradiction_in_sql(make_study, tmp_path):
    """A's supporter now calls energy a barrier: the consensus is mixed, so A's
    energy is 0 and both cases share row 00, one with the outcome: consistency
    0.5, contradictory at the default threshold 1, positive at threshold 0.5."""
    excerpts = [list(row) for row in EXCERPTS]
    excerpts[3] = ["E4", "I2", "A", "Context/Energy/Barrier", "", "2", "MB", "He is tired."]
    study = make_study(excerpts, SURVEY)
    with build(study, tmp_path / "a.duckdb") as con:
        row = con.execute(
            "select configuration, outcome_code, n, consistency, case_ids, outcome_case_ids "
            "from qca_truth_table"
        ).fetchall()
        assert row == [("00", "C", 2, 0.5, ["A", "B"], ["A"])]
        result = qca.analyse(
            con.execute("select * from qca_conditions").df(),
            con.execute("select * from qca_truth_table").df(),
        )
        assert result.solutions == ()
    with build(study, tmp_path / "b.duckdb", qca_consistency_threshold=0.5) as con:
        assert con.execute("select outcome_code from qca_truth_table").fetchall() == [("1",)]
        assert con.execute("select consistency_threshold from qca_settings").fetchone() == (0.5,)


def test_conditions_chosen_in_the_rules(make_study, tmp_path):
    """rules.qca_condition_ids picks conditions and their order; an intervention
    theme is 1 when present; rules.qca_min_activities renames the activity condition."""
    study = make_study(EXCERPTS, SURVEY)
    con = build(
        study,
        tmp_path / "t.duckdb",
        qca_condition_ids=["activities_1plus", "walking_support", "energy"],
        qca_min_activities=1,
    )
    with con:
        assert con.execute(
            "select condition from qca_condition_set order by condition_order"
        ).fetchall() == [("activities_1plus",), ("walking_support",), ("energy",)]
        assert con.execute("select * from qca_conditions").fetchall() == [
            ("A", 1, 1, 1, 1, "111"),
            ("B", 1, 1, 0, 0, "110"),
        ]
        assert con.execute("select count(*) from qca_remainders").fetchone() == (6,)
        # a context theme is a member by facilitation, any other theme by presence
        assert con.execute(
            "select condition, member_stance, membership_rule from qca_condition_set "
            "where kind <> 'activity_count' order by condition_order"
        ).fetchall() == [
            (
                "walking_support",
                "present",
                "1 = present by interview consensus; 0 = absent, mixed or no evidence",
            ),
            (
                "energy",
                "facilitator",
                "1 = facilitator by interview consensus; 0 = barrier, mixed or no evidence",
            ),
        ]


@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        (["energy", "sleep"], "nor the activity condition: sleep"),
        (["activity"], "outcome themes cannot.*: activity"),  # an outcome theme
        ([], "no QCA conditions chosen"),
    ],
)
def test_bad_condition_choice_is_an_error(make_study, tmp_path, chosen, message):
    with pytest.raises(RuntimeError, match=message):
        build(make_study(EXCERPTS, SURVEY), tmp_path / "t.duckdb", qca_condition_ids=chosen)


def test_condition_name_clashing_with_a_column_is_an_error(make_study, tmp_path):
    study = make_study(EXCERPTS, SURVEY, study_toml=TINY_STUDY.replace('"energy"', '"outcome"'))
    with pytest.raises(RuntimeError, match="clashes with a truth-table column: outcome"):
        build(study, tmp_path / "t.duckdb")


def test_bad_threshold_is_an_error(make_study, tmp_path):
    with pytest.raises(RuntimeError, match="qca_consistency_threshold"):
        build(make_study(EXCERPTS, SURVEY), tmp_path / "t.duckdb", qca_consistency_threshold=1.5)


# ---------------------------------------------------------------- the demo study


@pytest.fixture(scope="module")
def demo(tmp_path_factory, demo_dir):
    db = tmp_path_factory.mktemp("qca-demo") / "demo.duckdb"
    ingested = stages.ingest(demo_dir)
    excerpts, _ = stages.annotate(ingested)
    stages.build_warehouse(db, stages.warehouse_frames(ingested, excerpts))
    con = duckdb.connect(str(db), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def demo_result(demo):
    return qca.analyse(
        demo.execute("select * from qca_conditions").df(),
        demo.execute("select * from qca_truth_table").df(),
        settings=qca.Settings.from_frame(demo.execute("select * from qca_settings").df()),
    )


def test_demo_truth_table(demo):
    """The four achievers share one configuration: every context a facilitator and
    at least two activities. Four non-achievers have none; P9 has only finances."""
    rows = demo.execute(
        "select configuration, outcome_code, n, consistency, case_ids from qca_truth_table"
    ).fetchall()
    assert rows == [
        ("11111", "1", 4, 1.0, ["P1", "P3", "P5", "P8"]),
        ("00000", "0", 4, 0.0, ["P2", "P4", "P6", "P7"]),
        ("10000", "0", 1, 0.0, ["P9"]),
    ]
    conditions = demo.execute(
        "select condition from qca_condition_set order by condition_order"
    ).fetchall()
    assert [c for (c,) in conditions] == [
        "finances",
        "health_condition",
        "energy",
        "life_events",
        "activities_2plus",
    ]
    assert demo.execute("select count(*) from qca_remainders").fetchone() == (29,)


def test_demo_python_truth_table_agrees_with_sql(demo, demo_result):
    sql = {
        (cfg, code, n, tuple(cases))
        for cfg, code, n, cases in demo.execute(
            "select configuration, outcome_code, n, case_ids from qca_truth_table"
        ).fetchall()
    }
    python = {(r.configuration, r.outcome_code, r.n, r.case_ids) for r in demo_result.truth_table}
    assert python == sql


def test_demo_solutions(demo_result):
    """Conservative: all five conditions together. Parsimonious: any one of HEALTH_CONDITION,
    ENERGY, LIFE_EVENTS, ACTIVITIES_2PLUS alone (four equally minimal models); not
    FINANCES alone, which P9 has without the outcome."""
    (conservative,) = demo_result.solutions_of("conservative")
    assert (
        conservative.expression == "FINANCES*HEALTH_CONDITION*ENERGY*LIFE_EVENTS*ACTIVITIES_2PLUS"
    )
    assert (conservative.consistency, conservative.coverage) == (1.0, 1.0)
    parsimonious = demo_result.solutions_of("parsimonious")
    assert [s.expression for s in parsimonious] == [
        "HEALTH_CONDITION",
        "ENERGY",
        "LIFE_EVENTS",
        "ACTIVITIES_2PLUS",
    ]
    assert all(s.n_models == 4 and s.consistency == s.coverage == 1.0 for s in parsimonious)
    fits = {(f.condition, f.present): f for f in demo_result.parameters}
    finances = fits[("finances", True)]
    assert (finances.sufficiency_consistency, finances.necessity_consistency) == (0.8, 1.0)
    assert fits[("energy", True)].sufficiency_consistency == 1.0


# ---------------------------------------------------------------- limited diversity


def test_demo_limited_diversity(demo):
    """9 cases on 5 conditions: 3 of 32 configurations, below the benchmark of 12 cases."""
    row = demo.execute(
        "select n_cases, n_conditions, n_possible, n_observed, n_remainders, "
        "benchmark_min_cases, below_benchmark, solutions_shown from qca_diversity"
    ).fetchone()
    assert row == (9, 5, 32, 3, 29, 12, True, False)


@pytest.mark.parametrize("anyway", [False, True])
def test_solutions_withheld_below_the_benchmark(make_study, tmp_path, anyway):
    """2 cases on 2 conditions is below the benchmark (4): no solutions, a note saying
    why; rules.qca_solutions_below_benchmark = true keeps them."""
    con = build(
        make_study(EXCERPTS, SURVEY), tmp_path / "t.duckdb", qca_solutions_below_benchmark=anyway
    )
    result = qca.analyse(
        con.execute("select * from qca_conditions").df(),
        con.execute("select * from qca_truth_table").df(),
        settings=qca.Settings.from_frame(con.execute("select * from qca_settings").df()),
    )
    diversity = qca.Diversity.from_frame(con.execute("select * from qca_diversity").df())
    assert (diversity.n_cases, diversity.benchmark_min_cases) == (2, 4)
    shown = qca.withhold_solutions(result, diversity)
    if anyway:
        assert shown == result
    else:
        assert shown.solutions == () and shown.truth_table == result.truth_table
        assert shown.notes[0].startswith(
            "Limited diversity: 2 cases, below the usual benchmark of 4 cases for 2 conditions"
        )
    con.close()


def test_beyond_the_benchmark_table_is_below_it():
    frame = pd.DataFrame(
        [
            {
                "n_cases": 400, "n_conditions": 9, "n_possible": 512, "n_observed": 40,
                "benchmark_min_cases": None, "solutions_shown": False,
            }
        ]
    )  # fmt: skip
    diversity = qca.Diversity.from_frame(frame)
    assert diversity.benchmark_min_cases is None
    assert "beyond the usual benchmarks for 9 conditions" in diversity.note()


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("qca_min_cases", "qca_min_cases must be at least 1"),
        ("qca_min_activities", "qca_min_activities must be at least 1"),
    ],
)
def test_counts_below_one_are_an_error(make_study, tmp_path, rule, message):
    with pytest.raises(RuntimeError, match=message):
        build(make_study(EXCERPTS, SURVEY), tmp_path / "t.duckdb", **{rule: 0})

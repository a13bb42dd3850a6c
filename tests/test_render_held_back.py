"""What a dossier, the index and the exports say of a dissonance or discordant fit
held back for review (rules.min_machine_readings, decision 0137).

In the demo, P2's peer says improved on eating habits through one machine reading
(excerpt E0027, not coded), against the coded no change of the supporter and the nurse
and the survey's no change: the three pairs with the peer would be dissonant, and
are held back (test_demo.test_planted_conflicts); eating habits is P2's only such
theme, and P2 publishes no dissonance.
"""

from __future__ import annotations

import csv

import duckdb
import pytest

from flows import stages
from flows.orchestration.artifacts import case_table
from flows.render import pages


@pytest.fixture(scope="module")
def macros():
    return pages.environment().get_template("macros.html").module


def test_held_back_notes_name_the_reason_and_the_threshold(macros):
    few = str(macros.held_back_note("few_machine_readings", 2))
    assert (
        "dissonance held back for review: one side rests on a single unreviewed machine reading"
        in few
    )
    three = str(macros.held_back_note("few_machine_readings", 3))
    assert "one side rests on fewer than 3 unreviewed machine readings" in three
    low = str(macros.held_back_note("low_confidence", 2))
    assert "one side rests only on suggestions below the study's confidence threshold" in low
    fit = str(macros.fit_held_back_note(2))
    assert "discordance held back for review: rests on a single unreviewed machine reading" in fit
    assert "1 dissonant pair held back" in str(macros.held_back_count(1))
    assert "3 dissonant pairs held back" in str(macros.held_back_count(3))


def test_what_held_back_readings_decide():
    """Rank 1 with pairs held back and no dissonance published: a held-back
    dissonance; with a dissonance published the readings decide that one. Rank 2
    with the fit held back: a held-back discordant fit."""
    held = dict(review_rank=1, n_held_back=2, convergence_code="agreement", fit_held_back=False)
    assert pages._decides(held) == "a dissonance held back for review"
    published = {**held, "convergence_code": "dissonance"}
    assert pages._decides(published) == "a dissonance"
    fit = {**held, "review_rank": 2, "n_held_back": 0, "fit_held_back": True}
    assert pages._decides(fit) == "a discordant fit held back for review"
    assert pages._decides({**fit, "fit_held_back": False}) == "a discordant fit"
    assert pages._decides({**fit, "review_rank": 3}) == "an outcome verdict"


def test_dossier_says_the_dissonance_is_held_back(demo_out):
    # P7 physical activity: the peer walks more (one machine reading); the supporter,
    # the nurse and the survey say less: the peer's three pairs are held back
    html = (demo_out / "cases" / "P7.html").read_text(encoding="utf-8")
    note = "dissonance held back for review: one side rests on a single unreviewed machine reading"
    assert html.count(note) == 3  # the peer's three pairs
    assert "3 dissonant pairs held back for review" in html
    assert "(+1 held back for review)" in html  # the summary's dissonance count
    assert "Dissonance held back for review on Physical activity" in html
    assert "a dissonance held back for review" in html  # what the readings to review decide


def test_index_and_exports_count_what_is_held_back(demo_out):
    index = (demo_out / "index.html").read_text(encoding="utf-8")
    # P2 eating, P4 linkage and P7 physical activity. (P3 and P8 monitoring held
    # back too until the fourth pass, whose outcome threshold (decision 0131) reads
    # the lone machine side `unclear`: no dissonance to hold back; P2 eating is back
    # since the fifth pass, decision 0147.)
    assert index.count("(1 held back for review)") == 3
    rows = _export(demo_out, "convergence", ("case_id", "theme"))
    pa = rows["P7", "physical_activity"]
    assert (pa["code"], pa["held_back"]) == ("agreement", "3")
    assert rows["P9", "eating"]["held_back"] == "0"
    cases = _export(demo_out, "case_classification", ("case_id",))
    assert (cases["P7",]["n_dissonances"], cases["P7",]["dissonances_held_back"]) == ("0", "1")
    assert (cases["P9",]["n_dissonances"], cases["P9",]["dissonances_held_back"]) == ("1", "0")


def _export(out, name: str, key: tuple[str, ...]) -> dict[tuple, dict]:
    """An export's CSV rows by the values of its `key` columns."""
    with (out / "exports" / f"{name}.csv").open(encoding="utf-8") as handle:
        return {tuple(r[k] for k in key): r for r in csv.DictReader(handle)}


def test_prefect_case_table_counts_what_is_held_back(demo_out):
    """The run's case-classification artifact: P7 publishes no dissonance and holds
    one back; P9 publishes one (coded on both sides) and holds none back."""
    with duckdb.connect(str(demo_out / stages.DB_NAME), read_only=True) as con:
        overview = con.execute(
            "select * from case_classification left join case_basis using (case_id)"
        ).df()
    rows = {row["case"]: row for row in case_table(overview)}
    assert (rows["P7"]["dissonance"], rows["P7"]["dissonance held back for review"]) == (0, 1)
    assert (rows["P9"]["dissonance"], rows["P9"]["dissonance held back for review"]) == (1, 0)

"""The second example study, data/example-maxqda ("Steady at Home", falls
prevention): a MAXQDA coded-segments XLSX whose stance sub-codes are in plain
words, an SPSS long survey with value labels and a user-missing code, people
named in speech, a withdrawn coach, lower-is-better outcomes and the
no-survey route switched off. It goes init -> validate (exit 0) -> run, and
every planted fact below was worked out by hand from make_example.py."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from flows import stages
from flows.cli import app
from flows.codes import WITHDRAWN_EXCERPT
from flows.init import init_study
from flows.study import load_study

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "example-maxqda"
INPUTS = ("coded-segments.xlsx", "survey.sav", "roster.csv", "identifiers.csv", "study.toml")


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    """The example run once, without Prefect."""
    out = tmp_path_factory.mktemp("steady") / "out"
    stages.run_direct(EXAMPLE, out)
    return out


def rows(con, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def test_make_example_writes_the_committed_files(tmp_path):
    subprocess.run(
        [sys.executable, str(EXAMPLE / "make_example.py"), str(tmp_path)],
        check=True,
        capture_output=True,
    )
    assert (tmp_path / "survey.sav").read_bytes() == (EXAMPLE / "survey.sav").read_bytes()
    # the XLSX's XML bytes depend on whether openpyxl finds lxml: compare the cells
    sheets = [
        list(load_workbook(folder / "coded-segments.xlsx").active.values)
        for folder in (tmp_path, EXAMPLE)
    ]
    assert sheets[0] == sheets[1] and len(sheets[0]) == 53


def test_init_drafts_the_stance_labels_from_the_codebook(tmp_path):
    for name in ("coded-segments.xlsx", "survey.sav"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    path = init_study(
        tmp_path / "mine",
        segments=tmp_path / "coded-segments.xlsx",
        fmt="maxqda",
        survey=tmp_path / "survey.sav",
    )
    text = path.read_text(encoding="utf-8")
    draft = tomllib.loads(text)
    assert draft["stance_labels"] == {
        "intervention": {"Delivered": "present", "Not delivered": "absent"},
        "context": {"Held back": "barrier", "Helped": "facilitator"},
        "mechanism": {"No": "absent", "Yes": "present"},
        "outcome": {"Better": "improved", "Same": "no_change", "Worse": "worsened"},
    }
    codes = {t["id"]: t["codes"] for t in draft["themes"]}
    assert codes["home_exercises"] == ["Activities/Home exercises"]  # sub-codes not themes
    # the withdrawn coach's "Sometimes" reads as no stance: flagged, kept in codes
    assert "sub-codes read as no stance: Sometimes" in text
    assert load_study(path).definition.stance_labels.intervention["Delivered"] == "present"


def test_validate_exits_0_and_lists_the_withdrawn_coach_once(tmp_path):
    study = tmp_path / "steady"
    study.mkdir()
    for name in INPUTS:
        shutil.copy(EXAMPLE / name, study / name)
    result = CliRunner().invoke(app, ["validate", str(study)], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "joined with '\\\\' (detected" in result.output
    with (study / "validate-rejects.csv").open(encoding="utf-8") as handle:
        rejects = list(csv.DictReader(handle))
    # H4-c's four segments (one with a code mapped to no theme, one with a
    # sub-code that is no stance label), each under the one reason
    assert [(r["row"], r["reason"]) for r in rejects] == [
        (str(n), WITHDRAWN_EXCERPT) for n in (36, 37, 38, 39)
    ]


def test_every_stance_is_read_from_the_coding(run):
    with duckdb.connect(str(run / "triangulate.duckdb"), read_only=True) as con:
        assert rows(con, "select count(*), count(coded_stance) from stg_excerpts") == [(44, 44)]
        assert rows(con, "select distinct stance_source from stg_excerpts") == [("coded",)]
        assert rows(
            con,
            "select stance, count(*) from stg_excerpts where theme_id = 'home_exercises' "
            "group by 1 order by 1",
        ) == [("absent", 4), ("present", 7)]  # H4-c withdrawn: not counted
        # the theme's own labels: the physiotherapist's "No" on H3's confidence
        assert rows(
            con,
            "select case_id, stance from stg_excerpts where theme_id = 'confidence' "
            "and role = 'physio'",
        ) == [("H3", "absent")]


def test_deltas_are_exact(run):
    # what floating point gives (the reason for DECIMAL): 16.4 -> 15.4 misses a 1.0 MIC
    assert 15.4 - 16.4 > -1.0 and 14.5 - 17.3 == -2.8000000000000007
    with duckdb.connect(str(run / "triangulate.duckdb"), read_only=True) as con:
        got = {
            (case, item): (delta, direction)
            for case, item, delta, direction in rows(
                con, "select case_id, item_id, delta, direction from int_survey_item_deltas"
            )
        }
    assert got[("H1", "tug")] == (-1.0, "improved")  # exactly the MIC, lower is better
    assert got[("H2", "tug")] == (-2.8, "improved")
    assert got[("H3", "tug")] == (None, "not_computable")  # follow-up user-missing (99)
    assert got[("H4", "tug")] == (-0.5, "no_change")
    assert got[("H5", "tug")] == (0.6, "no_change")
    assert got[("H5", "fes")] == (2.0, "worsened")  # exactly the MIC, the wrong way
    assert got[("H4", "falls")] == (-1.0, "improved")
    with (run / "exports" / "survey_deltas.csv").open(encoding="utf-8") as handle:
        exported = {(r["case_id"], r["item_id"]): r for r in csv.DictReader(handle)}
    assert [exported[("H2", "tug")][k] for k in ("baseline", "followup", "delta")] == [
        "17.3",
        "14.5",
        "-2.8",
    ]
    assert exported[("H3", "tug")]["not_computable_reason"] == "follow-up answer missing"


def test_classification_and_planted_facts(run):
    with duckdb.connect(str(run / "triangulate.duckdb"), read_only=True) as con:
        classes = dict(rows(con, "select case_id, classification from case_classification"))
        activities = dict(
            rows(con, "select case_id, n_activities_delivered from case_classification")
        )
        reasons = {
            (case, theme): (achieved, reason)
            for case, theme, achieved, reason in rows(
                con,
                "select case_id, theme_id, outcome_achieved, outcome_reason "
                "from case_theme_verdicts where kind = 'outcome'",
            )
        }
        dissonant = rows(
            con,
            "select distinct case_id, theme_id from convergence_pairs where code = 'dissonance' "
            "and 'physio' in (source_a, source_b) order by 1, 2",
        )
        context = rows(
            con, "select value from raw_context where case_id = 'H1' order by variable_id"
        )
    assert classes == {
        "H1": "outcomes achieved",
        "H2": "outcomes achieved",
        "H3": "outcomes not achieved",
        "H4": "outcomes not achieved",
        "H5": "outcomes not achieved",
    }
    assert activities == {"H1": 3, "H2": 2, "H3": 1, "H4": 1, "H5": 1}
    assert reasons[("H1", "balance")][0] is True  # needs the exact 1.0 change
    # two roles say better, no survey: the route is switched off
    assert reasons[("H3", "balance")] == (
        False,
        "no survey evidence, and the study file accepts no outcome without it",
    )
    # falls improved, but only the withdrawn coach said so
    assert reasons[("H4", "falls")] == (
        False,
        "survey improved, but no informant role corroborates it",
    )
    # H2: the participant feels no steadier, the physiotherapist says better;
    # H5: the physiotherapist saw no exercises, participant and coach say delivered
    assert dissonant == [("H2", "balance"), ("H5", "home_exercises")]
    assert context == [("75-84",), ("Yes",), ("Female",)]  # SPSS value labels


def test_no_name_is_published(run):
    roster = (EXAMPLE / "roster.csv").read_text(encoding="utf-8").splitlines()[1:]
    names = {
        part
        for line in roster
        for field in line.split(",")[3:5]
        for part in re.split(r"[ ;]", field)
        if part
    } | {"Ruth", "Okafor", "Lindqvist", "Bakshi"}
    pattern = re.compile(r"\b(" + "|".join(sorted(names)) + r")\b")
    texts = [p for p in run.rglob("*") if p.suffix in (".html", ".csv", ".json")]
    assert texts
    for path in texts:
        found = pattern.findall(path.read_text(encoding="utf-8"))
        assert not found, f"{path.name}: {sorted(set(found))}"
    page = (run / "cases" / "H1.html").read_text(encoding="utf-8")
    assert "Mrs [participant H1]" in page and "Dr [identifier]" in page
    assert "H4-c" not in (run / "cases" / "H4.html").read_text(encoding="utf-8")


def test_no_demo_word_reaches_another_field(run):
    """A study of another field sees its own roles and themes: no page or
    export says the demo's roles or its field (a caption once said "peer")."""
    demo = re.compile(r"\b(peers?|supporters?|nurses?|diabet\w*|project manager)\b", re.I)
    texts = [p for p in run.rglob("*") if p.suffix in (".html", ".csv")]
    assert len(texts) > 5
    for path in texts:
        found = demo.findall(path.read_text(encoding="utf-8"))
        assert not found, f"{path.name}: {sorted(set(found))}"

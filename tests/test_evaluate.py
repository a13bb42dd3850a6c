"""`python -m flows.evaluate`: loading sets in the scheme's and the old layout,
scores with abstention, predictions file, the keyword baseline."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from flows.nlp.corpus import CorpusError, Row, load_rows, load_set
from flows.nlp.evaluate import main, predict_baseline, scores

ROOT = Path(__file__).resolve().parents[1]
HEADER = "id,language,speaker_role,theme,component,text,gold_stance,note\n"


def row(gold: str, component: str = "outcome", note: str = "") -> Row:
    theme = {"outcome": "eating", "context": "energy"}.get(component, "needs_readiness")
    return Row("x", "en", "peer", theme, component, "text", gold, note, "t")


def test_unclear_is_never_right_but_scored_apart():
    rows = [row("improved"), row("worsened"), row("no_change"), row("not_stated")]
    result = scores(rows, ["improved", "unclear", "no_change", "worsened"])
    assert result["accuracy"] == 0.5
    assert result["coverage"] == 0.75
    assert result["answered_accuracy"] == pytest.approx(2 / 3)


def test_old_sets_stay_loadable_with_scheme_theme_ids():
    old = load_set("heldout")
    assert len(old) == 240
    assert {r.theme for r in old} >= {"medication_adherence", "occupation_finances"}
    assert len(load_set("development")) == 295


def test_dev_corpora_follow_the_scheme():
    rows = load_set("dev")
    assert len(rows) == 8520
    assert sum(r.language == "da" for r in rows) == 4328  # 50.8% Danish
    # thirty-four writers: the spent held-out sets too (0146 ... 0372, 0404, 0431)
    assert len({r.source for r in rows}) == 34


def test_shipped_model_on_the_heldout_set_scores_exactly():
    """The shipped model (flows/nlp/stance-model.json) on the fixed heldout set
    (240 rows): 230 answered, 215 right. Exact counts, not a floor: any change
    to the model or the reader that moves a single reading shows here (retraining
    updates these figures on purpose)."""
    from flows.nlp.evaluate import predict_reader

    rows = load_set("heldout")
    result = scores(rows, [p[0] for p in predict_reader(rows)])
    assert len(rows) == 240
    assert result["accuracy"] == 215 / 240
    assert result["coverage"] == 230 / 240
    assert result["answered_accuracy"] == 215 / 230


def test_a_bad_row_names_file_line_and_what_was_expected(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "r1,en,peer,eating,outcome,Some text.,barrier,\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"bad.csv:2 \(r1\): gold_stance 'barrier'"):
        load_rows(path)
    path.write_text(HEADER + "r1,en,peer,walking,outcome,Some text.,improved,\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="not a outcome theme of the scheme"):
        load_rows(path)


def test_keyword_baseline_takes_the_first_cue():
    rows = [
        Row("a", "en", "peer", "eating", "outcome", "I eat more vegetables.", "improved", "", "t"),
        Row("b", "en", "peer", "eating", "outcome", "Nothing about it.", "not_stated", "", "t"),
    ]
    assert [p[0] for p in predict_baseline(rows)] == ["improved", "not_stated"]


def test_command_prints_and_writes_predictions(tmp_path, capsys):
    path = tmp_path / "set.csv"
    path.write_text(
        HEADER
        + "r1,en,peer,eating,outcome,I used to drink cola every day. Now it's water.,improved,easy\n"
        + "r2,da,peer,physical_activity,outcome,Nu går han ikke mere.,worsened,\n",
        encoding="utf-8",
    )
    out = tmp_path / "pred.csv"
    assert main(["--set", str(path), "--predictions", str(out)]) == 0
    printed = capsys.readouterr().out
    for part in ("macro-F1", "language=da", "difficulty=easy", "keyword", "rules only"):
        assert part in printed
    with out.open(encoding="utf-8") as f:
        got = list(csv.DictReader(f))
    assert [r["id"] for r in got] == ["r1", "r2"]
    assert set(got[0]) == {"id", "label", "confidence", "cues"}


def test_the_maintainers_command_still_works(tmp_path):
    path = tmp_path / "set.csv"
    path.write_text(
        HEADER + "r1,en,peer,eating,outcome,I eat more vegetables now.,improved,easy\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "flows.evaluate", "--set", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Stance evaluation" in done.stdout

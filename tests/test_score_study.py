"""bench/score_study.py: the gold copy of a study and the answer key's checks
(the pipeline runs themselves are the flow's and are tested there)."""

import csv
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SPEC = importlib.util.spec_from_file_location("score_study", ROOT / "bench" / "score_study.py")
score_study = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(score_study)


def _excerpts(folder: Path) -> list[dict]:
    with (folder / "excerpts.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_gold_copy_carries_each_excerpts_gold_label_and_nothing_else(tmp_path):
    demo = ROOT / "data" / "demo"
    original = _excerpts(demo)
    truth = {
        row["excerpt_id"]: ("absent" if i % 2 else "improved") for i, row in enumerate(original)
    }
    score_study.with_gold_stances(demo, truth, tmp_path / "gold")
    copied = _excerpts(tmp_path / "gold")
    assert [r["excerpt_id"] for r in copied] == [r["excerpt_id"] for r in original]
    assert [r["stance"] for r in copied] == [truth[r["excerpt_id"]] for r in original]
    for before, after in zip(original, copied, strict=True):
        assert {k: v for k, v in after.items() if k != "stance"} == {
            k: v for k, v in before.items() if k != "stance"
        }
    assert _excerpts(demo) == original  # the study itself is never written to


def test_an_excerpt_without_a_gold_label_stops_with_its_id(tmp_path):
    demo = ROOT / "data" / "demo"
    ids = [row["excerpt_id"] for row in _excerpts(demo)]
    truth = {i: "improved" for i in ids[1:]}
    with pytest.raises(SystemExit, match=ids[0]):
        score_study.with_gold_stances(demo, truth, tmp_path / "gold")


def test_an_incomplete_truth_row_is_named(tmp_path):
    path = tmp_path / "truth.csv"
    path.write_text("excerpt_id,gold_stance\nE1,improved\nE2,\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"truth.csv:3"):
        score_study.read_truth(path)


def test_gold_reviews_fill_only_the_readings_ranked_first(tmp_path):
    """A researcher reviewing the sheet's first rows: those behind a dissonance
    (held back or not) and a discordant fit get their gold label, spelled as the
    sheet spells stances; other rows and rows already reviewed stay as they are."""
    sheet = tmp_path / "stances.csv"
    rows = [
        ["decides", "your stance", "excerpt id"],
        ["a dissonance", "", "E1"],
        ["a discordant fit with the survey", "", "E2"],
        ["an outcome verdict (the case classification)", "", "E3"],
        ["a dissonance", "improved", "E4"],
    ]
    sheet.write_text("".join(",".join(r) + "\n" for r in rows), encoding="utf-8")
    truth = {"E1": "no_change", "E2": "not_stated", "E3": "improved", "E4": "worsened"}
    text, n = score_study.gold_reviews(sheet, truth)
    filled = [r["your stance"] for r in csv.DictReader(text.splitlines())]
    assert (filled, n) == (["no change", "not stated", "", "improved"], 2)


def test_reviewed_copy_names_its_sheet(tmp_path):
    score_study.with_reviews(ROOT / "data" / "demo", "decides\n", tmp_path / "reviewed")
    study = score_study.load_study(tmp_path / "reviewed").definition
    assert study.inputs.stance_reviews == score_study.REVIEWS_FILE
    assert (tmp_path / "reviewed" / score_study.REVIEWS_FILE).read_text() == "decides\n"


def test_a_candidate_rule_is_scored_on_a_copy(tmp_path):
    demo = ROOT / "data" / "demo"
    copy = score_study.with_rules(demo, ["min_machine_readings=1"], tmp_path / "one")
    assert score_study.load_study(copy).definition.rules.min_machine_readings == 1
    assert score_study.load_study(demo).definition.rules.min_machine_readings == 2
    with pytest.raises(SystemExit, match="already sets min_roles_corroborating"):
        score_study.with_rules(demo, ["min_roles_corroborating=2"], tmp_path / "two")
    with pytest.raises(SystemExit, match="expected name=value"):
        score_study.with_rules(demo, ["min_machine_readings"], tmp_path / "three")

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

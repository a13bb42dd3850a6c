"""The threshold curve of decision 0374 (scripts/stance_threshold_curve.py): an
isotonic calibration never decreases, and a writer's rows are thresholded by a
choice made on the other writers' readings only."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "stance_threshold_curve.py"
spec = importlib.util.spec_from_file_location("stance_threshold_curve", SCRIPT)
curve = importlib.util.module_from_spec(spec)
spec.loader.exec_module(curve)


def test_isotonic_pools_violators_into_a_non_decreasing_curve():
    points = [(0.5, 1), (0.6, 0), (0.7, 0), (0.8, 1), (0.9, 1)]
    fitted = curve.isotonic(points)
    rates = [rate for _, rate in fitted]
    assert rates == sorted(rates)
    assert fitted[0] == (0.7, 1 / 3)  # 0.5-0.7 pooled: one right of three
    assert curve.calibrated(fitted, 0.65) == 1 / 3
    assert curve.calibrated(fitted, 0.85) == 1.0


def _rows(writer: str, gold_right: bool) -> list:
    return [
        curve.Reading(
            f"{writer}-{i}",
            writer,
            "outcome",
            False,
            "improved" if gold_right or i % 2 else "worsened",
            "improved",
            0.5 + i / 40,
        )
        for i in range(20)
    ]


def test_a_writer_never_chooses_its_own_threshold():
    others = _rows("writer-b", True) + _rows("writer-c", False)
    for way in (("target", "family", 0.95), ("coverage", "component", 0.8)):
        right = curve.answers(_rows("writer-a", True) + others, way)[:20]
        wrong = curve.answers(_rows("writer-a", False) + others, way)[:20]
        assert right == wrong  # writer A's own golds do not move its threshold
    iso = curve.answers(_rows("writer-a", True) + others, ("isotonic", "family", 0.9))
    assert "unclear" in iso[:20] and "improved" in iso[:20]

"""The stance review sheet assembled from per-case fragments
(flows/render/review_sheet.py): a warm re-run writes the bytes a cold run
writes, after reviews are filled in, go stale and are taken back."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from flows import review, stages


def sheet_bytes(out: Path) -> dict[str, bytes]:
    path = stages.review_sheet_path(out)
    return {p.suffix: p.read_bytes() for p in (path, path.with_suffix(".csv"))}


def write_reviews(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=review.COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def assert_warm_equals_cold(study: Path, warm: Path, cold: Path, inputs_changed=True) -> None:
    """A warm re-run into `warm` writes the sheet a cold run writes; the cold run
    is made afresh only when the inputs changed since the last one (a cold run
    of the same inputs gives the same bytes: tests/test_render.py)."""
    stages.run_direct(study, warm)
    if inputs_changed:
        shutil.rmtree(cold, ignore_errors=True)
        shutil.rmtree(cold.parent / ".triangulate-private" / cold.name, ignore_errors=True)
        assert stages.run_direct(study, cold)["recomputed"] is None
    assert sheet_bytes(warm) == sheet_bytes(cold)


@pytest.fixture
def study(tmp_path, demo_dir) -> Path:
    folder = tmp_path / "study"
    shutil.copytree(demo_dir, folder)
    toml = folder / "study.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace("[inputs]\n", '[inputs]\nstance_reviews = "reviews.csv"\n', 1))
    write_reviews(folder / "reviews.csv", [])
    return folder


def test_warm_review_sheet_equals_a_cold_one_through_reviews_and_stale_ones(study, tmp_path):
    warm, cold = tmp_path / "warm", tmp_path / "cold"
    stages.run_direct(study, warm)
    with stages.review_sheet_path(warm).with_suffix(".csv").open(encoding="utf-8") as handle:
        sheet = list(csv.DictReader(handle))
    readable = [r for r in sheet if r["suggested stance"] not in ("", "unclear")]
    first = readable[0]
    other = next(r for r in readable if r["case"] != first["case"])
    reviewed = {**first, review.YOUR_STANCE: first["suggested stance"]}
    stale = {**other, review.YOUR_STANCE: other["suggested stance"], "fingerprint": "0" * 16}
    # one review applied (its case changes), one stale (shown on its case's row)
    write_reviews(study / "reviews.csv", [reviewed, stale])
    assert_warm_equals_cold(study, warm, cold)
    statuses = {
        r["status"][:6]
        for r in csv.DictReader(stages.review_sheet_path(warm).with_suffix(".csv").open())
    }
    assert {"stale:", "review"} <= statuses
    # the stale review taken back: its case's rows lose the status
    write_reviews(study / "reviews.csv", [reviewed])
    assert_warm_equals_cold(study, warm, cold)
    # nothing changed: the sheet is assembled from the cache alone
    assert_warm_equals_cold(study, warm, cold, inputs_changed=False)

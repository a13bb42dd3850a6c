"""The answer threshold's trade-off on leave-one-writer-out readings (decision 0374).

    .venv/bin/python scripts/stance_threshold_curve.py OUT_DIR/readings.csv [--out FILE.md]

Reads the out-of-writer readings `scripts/stance_lowo.py` writes (each writer's rows
read by a model trained on the other writers: the label before the threshold and its
probability) and, for each way of choosing the threshold, thresholds each writer's
rows by a choice made on the OTHER writers' readings only, as `train.thresholds`
does: no row chooses its own threshold. Per way: coverage, accuracy on answered rows,
macro-F1 with abstention, easy rows' macro-F1, the least writer's answered accuracy
and how many writers reach 0.95 answered / 0.90 macro-F1.

Ways: the shipped rule (per component family, the highest coverage of at least 0.75
at which the other writers' answered rows reach TARGET) for several targets; the same
per component instead of per family; a plain least coverage (no target); and a
pointwise cut on an isotonic calibration (per family, the other writers' rightness
against the probability, pooled adjacent violators): answer where the calibrated
chance of being right is at least C.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import namedtuple
from pathlib import Path

from flows.nlp.evaluate import scores
from flows.nlp.model import family_of
from flows.nlp.reader import UNCLEAR
from flows.nlp.train import MIN_COVERAGE, choose_threshold

Reading = namedtuple("Reading", "id writer component easy gold_stance top p")


def load(path: Path) -> list[Reading]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Reading(
                r["id"],
                r["writer"],
                r["component"],
                r["easy"] == "1",
                r["gold"],
                r["top"],
                float(r["p"]),
            )
            for r in csv.DictReader(handle)
        ]


def isotonic(points: list[tuple[float, int]]) -> list[tuple[float, float]]:
    """Pooled adjacent violators: (upper probability of a block, its rate of right),
    non-decreasing in the probability."""
    blocks: list[list[float]] = []  # [sum right, count, max p]
    for p, right in sorted(points):
        blocks.append([right, 1, p])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] >= blocks[-1][0] / blocks[-1][1]:
            s, n, top = blocks.pop()
            blocks[-1][0] += s
            blocks[-1][1] += n
            blocks[-1][2] = top
    return [(top, s / n) for s, n, top in blocks]


def calibrated(curve: list[tuple[float, float]], p: float) -> float:
    for top, rate in curve:
        if p <= top:
            return rate
    return curve[-1][1] if curve else 0.0


def group_key(r: Reading, by: str) -> str:
    return family_of(r.component) if by == "family" else r.component


def answers(rows: list[Reading], way: tuple) -> list[str]:
    kind, by, value = way
    out = {}
    for writer in sorted({r.writer for r in rows}):
        others = [r for r in rows if r.writer != writer]
        groups: dict[str, list[Reading]] = {}
        for r in others:
            groups.setdefault(group_key(r, by), []).append(r)
        if kind == "isotonic":
            curves = {
                g: isotonic([(r.p, int(r.top == r.gold_stance)) for r in rs])
                for g, rs in groups.items()
            }
            for r in rows:
                if r.writer == writer:
                    ok = calibrated(curves[group_key(r, by)], r.p) >= value
                    out[r.id] = r.top if ok else UNCLEAR
            continue
        limits = {
            g: choose_threshold(
                [(r.top, r.p, r.gold_stance) for r in rs],
                MIN_COVERAGE if kind == "target" else value,
                value if kind == "target" else None,
            )
            for g, rs in groups.items()
        }
        for r in rows:
            if r.writer == writer:
                out[r.id] = r.top if r.p >= limits[group_key(r, by)] else UNCLEAR
    return [out[r.id] for r in rows]


def figures(rows: list[Reading], got: list[str]) -> dict:
    whole = scores(rows, got)
    easy = [i for i, r in enumerate(rows) if r.easy]
    per = {}
    for w in sorted({r.writer for r in rows}):
        idx = [i for i, r in enumerate(rows) if r.writer == w]
        per[w] = scores([rows[i] for i in idx], [got[i] for i in idx])
    return {
        **whole,
        "easy_f1": scores([rows[i] for i in easy], [got[i] for i in easy])["macro_f1"],
        "least_answered": min(s["answered_accuracy"] for s in per.values()),
        "writers_095": sum(s["answered_accuracy"] >= 0.95 for s in per.values()),
        "writers_090": sum(s["macro_f1"] >= 0.90 for s in per.values()),
        "writers_cov075": sum(s["coverage"] >= 0.75 for s in per.values()),
        "writers": len(per),
    }


WAYS = (
    [("target", "family", t) for t in (0.95, 0.96, 0.97, 0.975, 0.98, 0.985)]
    + [("target", "component", t) for t in (0.95, 0.97, 0.98)]
    + [("coverage", "family", c) for c in (1.0, 0.95, 0.90, 0.85, 0.80, 0.75)]
    + [("isotonic", "family", c) for c in (0.80, 0.85, 0.90, 0.95)]
)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("readings", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    rows = [r for r in load(args.readings) if r.writer.startswith("writer-")]
    head = (
        "| way | coverage | answered | macro-F1 | easy F1 | least writer answered"
        " | writers >= 0.95 answered | writers >= 0.90 F1 | writers coverage >= 0.75 |"
    )
    lines = [head, "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for way in WAYS:
        f = figures(rows, answers(rows, way))
        kind, by, value = way
        name = {
            "target": f"{value:.3f} answered, per {by}",
            "coverage": f"least coverage {value:.2f}, per {by}",
            "isotonic": f"isotonic >= {value:.2f}, per {by}",
        }[kind]
        lines.append(
            f"| {name} | {f['coverage']:.3f} | {f['answered_accuracy']:.4f} | "
            f"{f['macro_f1']:.4f} | {f['easy_f1']:.4f} | {f['least_answered']:.3f} | "
            f"{f['writers_095']}/{f['writers']} | {f['writers_090']}/{f['writers']} | "
            f"{f['writers_cov075']}/{f['writers']} |"
        )
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

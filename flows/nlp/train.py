"""Train the stance model on the development corpora; measure it writer by writer.

    python -m flows.nlp.train                 # train on data/eval/dev/*.csv, write the model
    python -m flows.nlp.train --curve         # leave-one-writer-out coverage curve only

Leave-one-writer-out: for each writer, train on the other writers' rows and read
the held-back writer's rows; the figures are over those readings, so no row is
scored by a model that saw it or its writer. The abstention threshold of each
family is chosen the same way (on the other writers' out-of-writer readings): the
highest coverage of at least MIN_COVERAGE at which those readings are right on
TARGET_ACCURACY of the answered rows (decision 0131). The shipped model's thresholds
are chosen on all out-of-writer readings.
Deterministic: same rows, same model file, byte for byte.
"""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Sequence
from pathlib import Path

from flows.nlp.corpus import Row, load_set
from flows.nlp.model import MODEL_FILE, FamilyModel, StanceModel, family_of, train
from flows.nlp.reader import StanceReader, profile_for

#: the least share of rows a threshold may leave answered
MIN_COVERAGE = 0.75
#: the accuracy on answered rows a threshold aims at: the highest coverage (at least
#: MIN_COVERAGE) at which the out-of-writer readings reach it is chosen
TARGET_ACCURACY = 0.95
TRAIN_ONLY_WEIGHT = 0.3
MODEL_PATH = Path(__file__).with_name(MODEL_FILE)
#: the least coverages `--curve` reports
CURVE = (1.0, 0.95, 0.9, 0.85, 0.8, 0.78, 0.75, 0.72, 0.7, 0.65, 0.6)


def row_features(rows: Sequence[Row]) -> list[list[str]]:
    """The rules' features of each row (no model involved)."""
    out: dict[str, list[str]] = {}
    for language in sorted({r.language for r in rows}):
        group = [r for r in rows if r.language == language]
        profiles = {t: profile_for(t, language) for t in sorted({r.theme for r in group})}
        reader = StanceReader(language, profiles, model=False)
        docs = reader.nlp.pipe(r.text for r in group)
        for row, doc in zip(group, docs, strict=True):
            out[row.id] = list(reader.read_doc(doc, row.theme, row.component).features)
    return [out[r.id] for r in rows]


def row_weight(row: Row) -> float:
    """Writers' rows weigh 1; the training-only rows of the project's own studies
    (written on the old scheme, in one voice) weigh TRAIN_ONLY_WEIGHT."""
    return 1.0 if row.source.startswith("writer-") else TRAIN_ONLY_WEIGHT


def fit(rows: Sequence[Row], feats: Sequence[list[str]], meta: dict | None = None) -> StanceModel:
    return train(
        [
            (family_of(r.component), f, r.gold_stance, row_weight(r))
            for r, f in zip(rows, feats, strict=True)
        ],
        meta,
        [r.source for r in rows],
    )


def predict(model: StanceModel, rows: Sequence[Row], feats) -> list[tuple[str, float]]:
    """Top label and its probability per row (no abstention)."""
    out = []
    for row, f in zip(rows, feats, strict=True):
        family = model.families[family_of(row.component)]
        probs = family.probabilities(f)
        p, label = max(zip(probs, family.labels, strict=True))
        out.append((label, p))
    return out


def choose_threshold(
    scored: Sequence[tuple[str, float, str]],
    min_coverage: float = MIN_COVERAGE,
    target: float | None = TARGET_ACCURACY,
) -> float:
    """The threshold of the highest coverage, at least `min_coverage`, at which the
    answered rows' accuracy reaches `target`; where no coverage of at least
    `min_coverage` reaches it, the threshold that answers `min_coverage` of the rows.
    `scored`: (predicted, probability, gold) triples, read out of writer. Rows at the
    threshold's probability are all answered; no row is ever given a default label."""
    if not scored:
        return 0.0
    ranked = sorted(scored, key=lambda s: -s[1])
    least = max(1, math.ceil(len(ranked) * min_coverage - 1e-9))
    keep = least
    if target is not None:
        right = 0
        for k, (label, _, gold) in enumerate(ranked, 1):
            right += label == gold
            if k >= least and right >= target * k:
                keep = k
    return round(ranked[keep - 1][1], 4)


def coverage_curve(
    rows: Sequence[Row], readings: dict, coverages: Sequence[float]
) -> list[dict[str, float]]:
    """Leave-one-writer-out coverage against accuracy on answered rows: for each least
    coverage, every writer's rows thresholded by the other writers' readings (no
    accuracy target), pooled."""
    scored = [r for r in rows if r.id in readings and r.source.startswith("writer-")]
    out = []
    for least in coverages:
        answered = right = 0
        for writer in sorted({r.source for r in scored}):
            others = [r for r in scored if r.source != writer]
            limits = thresholds(others, readings, least, None)
            for r in scored:
                label, p = readings[r.id]
                if r.source == writer and p >= limits[family_of(r.component)]:
                    answered += 1
                    right += label == r.gold_stance
        out.append(
            {
                "least_coverage": least,
                "coverage": round(answered / len(scored), 4),
                "answered_accuracy": round(right / max(answered, 1), 4),
            }
        )
    return out


def cross_writer(rows: Sequence[Row], feats) -> dict[str, tuple[str, float]]:
    """Out-of-writer (label, probability) for every writer's row, by row id; rows of
    the training-only files (not `writer-*`) are always trained on, never scored."""
    writers = sorted({r.source for r in rows if r.source.startswith("writer-")})
    out: dict[str, tuple[str, float]] = {}
    for writer in writers:
        train_idx = [i for i, r in enumerate(rows) if r.source != writer]
        test_idx = [i for i, r in enumerate(rows) if r.source == writer]
        model = fit([rows[i] for i in train_idx], [feats[i] for i in train_idx])
        for i, pred in zip(
            test_idx,
            predict(model, [rows[i] for i in test_idx], [feats[i] for i in test_idx]),
            strict=True,
        ):
            out[rows[i].id] = pred
    return out


def thresholds(
    rows: Sequence[Row],
    readings: dict,
    min_coverage: float = MIN_COVERAGE,
    target: float | None = TARGET_ACCURACY,
) -> dict[str, float]:
    """Each component family's threshold (`choose_threshold`) on these rows' readings."""
    by_family: dict[str, list] = {}
    for r in rows:
        if r.id not in readings:
            continue
        label, p = readings[r.id]
        by_family.setdefault(family_of(r.component), []).append((label, p, r.gold_stance))
    return {
        family: choose_threshold(scored, min_coverage, target)
        for family, scored in sorted(by_family.items())
    }


def build(rows: Sequence[Row]) -> StanceModel:
    """The shipped model: trained on all rows, thresholds from out-of-writer readings."""
    feats = row_features(rows)
    readings = cross_writer(rows, feats)
    model = fit(
        rows,
        feats,
        {
            "trained_on": sorted({r.source for r in rows}),
            "rows": len(rows),
            "min_coverage": MIN_COVERAGE,
            "target_accuracy": TARGET_ACCURACY,
        },
    )
    for family, value in thresholds(rows, readings).items():
        current: FamilyModel = model.families[family]
        current.threshold = value
    return model


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    parser = argparse.ArgumentParser(prog="python -m flows.nlp.train", description=__doc__)
    parser.add_argument("--set", default="train")
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument(
        "--curve", action="store_true", help="print the leave-one-writer-out coverage curve"
    )
    args = parser.parse_args(argv)
    rows = load_set(args.set)
    if args.curve:
        readings = cross_writer(rows, row_features(rows))
        print("least coverage  coverage  accuracy answered  (leave-one-writer-out)")
        for point in coverage_curve(rows, readings, CURVE):
            print(
                f"{point['least_coverage']:>14.2f}  {point['coverage']:>8.3f}"
                f"  {point['answered_accuracy']:>17.3f}"
            )
        return 0
    model = build(rows)
    args.out.write_text(model.to_json() + "\n", encoding="utf-8")
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({size:,} bytes) from {len(rows)} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Train the stance model on the development corpora; measure it writer by writer.

    python -m flows.nlp.train                 # train on data/eval/dev/*.csv, write the model
    python -m flows.nlp.train --cross-writer  # leave-one-writer-out figures only

Leave-one-writer-out: for each writer, train on the other writers' rows and read
the held-back writer's rows; the figures are over those readings, so no row is
scored by a model that saw it or its writer. The abstention threshold of each
family is chosen the same way (on the other writers' out-of-writer readings), and
the shipped model's thresholds are chosen on all out-of-writer readings.
Deterministic: same rows, same model file, byte for byte.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path

from flows.nlp.corpus import Row, load_set
from flows.nlp.model import MODEL_FILE, FamilyModel, StanceModel, family_of, train
from flows.nlp.reader import StanceReader, profile_for

#: the least share of rows a threshold may leave answered
MIN_COVERAGE = 0.8
TRAIN_ONLY_WEIGHT = 0.3
MODEL_PATH = Path(__file__).with_name(MODEL_FILE)


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


def choose_threshold(scored: Sequence[tuple[str, float, str]]) -> float:
    """The threshold that keeps accuracy on answered rows highest while answering at
    least MIN_COVERAGE of the rows: (predicted, probability, gold) triples."""
    if not scored:
        return 0.0
    ranked = sorted(scored, key=lambda s: -s[1])
    keep = max(1, int(len(ranked) * MIN_COVERAGE + 0.999))
    return round(ranked[keep - 1][1], 4) if keep <= len(ranked) else 0.0


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


def thresholds(rows: Sequence[Row], readings: dict) -> dict[str, float]:
    by_family: dict[str, list] = {}
    for r in rows:
        if r.id not in readings:
            continue
        label, p = readings[r.id]
        by_family.setdefault(family_of(r.component), []).append((label, p, r.gold_stance))
    return {family: choose_threshold(scored) for family, scored in sorted(by_family.items())}


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
    args = parser.parse_args(argv)
    rows = load_set(args.set)
    model = build(rows)
    args.out.write_text(model.to_json() + "\n", encoding="utf-8")
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({size:,} bytes) from {len(rows)} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Leave-one-writer-out figures of the stance reader, in one run, and (optionally) the
shipped model from the same computation.

    OMP_NUM_THREADS=1 .venv/bin/python scripts/stance_lowo.py OUT_DIR [--model PATH] [--jobs 2]

Computes what `python -m flows.evaluate --set dev --cross-writer` and `make
train-stance` compute, with the same functions (`train.row_features`, `train.fit`,
`train.predict`, `train.thresholds`, `train.coverage_curve`, `evaluate.scores`):
every row's features once, each writer's rows read by a model trained on the other
writers and the training-only rows (`--jobs` writers at a time, in forked
processes: each writer's fit is the one `train.cross_writer` makes, so the readings
are the same), thresholds from the other writers' readings, then the figures:
macro-F1 with abstention and answering every row, accuracy on answered rows at the
operating point, the curve's 0.75 / 0.80 points, easy rows, per language,
component and writer, and the confident wrong share (answered wrong with a
probability of 0.90 or more, among the wrong). With `--model` the final fit
(every row, thresholds from all out-of-writer readings) is written as `make
train-stance` writes it (`train.build`).

OUT_DIR gets `figures.json`, `figures.txt` and `readings.csv` (one line per writer's
row: gold, the answer, its probability, the label before the threshold and the
rules' verdict with its rule, the text and the writer's note), for error analysis.
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import os
import sys
from pathlib import Path

from flows.nlp import train
from flows.nlp.corpus import load_set
from flows.nlp.evaluate import scores
from flows.nlp.model import family_of
from flows.nlp.reader import UNCLEAR

CONFIDENT = 0.90
_STATE: dict = {}


def _one_writer(writer: str) -> dict[str, tuple[str, float]]:
    rows, feats = _STATE["rows"], _STATE["feats"]
    train_idx = [i for i, r in enumerate(rows) if r.source != writer]
    test_idx = [i for i, r in enumerate(rows) if r.source == writer]
    model = train.fit([rows[i] for i in train_idx], [feats[i] for i in train_idx])
    preds = train.predict(model, [rows[i] for i in test_idx], [feats[i] for i in test_idx])
    return {rows[i].id: pred for i, pred in zip(test_idx, preds, strict=True)}


def cross_writer(rows, feats, jobs: int) -> dict[str, tuple[str, float]]:
    writers = sorted({r.source for r in rows if r.source.startswith("writer-")})
    _STATE.update(rows=rows, feats=feats)
    if jobs < 2:
        parts = [_one_writer(w) for w in writers]
    else:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            parts = pool.map(_one_writer, writers, chunksize=1)
    out: dict[str, tuple[str, float]] = {}
    for part in parts:
        out.update(part)
    return out


def answers(rows, readings) -> dict[str, str]:
    """Each writer's rows answered at thresholds from the other writers' readings."""
    scored = [r for r in rows if r.source.startswith("writer-")]
    out = {}
    for writer in sorted({r.source for r in scored}):
        limits = train.thresholds([r for r in scored if r.source != writer], readings)
        for r in scored:
            if r.source == writer:
                label, p = readings[r.id]
                out[r.id] = label if p >= limits[family_of(r.component)] else UNCLEAR
    return out


def _rule(feats: list[str]) -> str:
    return next((f[5:] for f in feats if f.startswith("rule=")), "")


def figures(rows, readings, answered: dict[str, str]) -> dict:
    scored = [r for r in rows if r.source.startswith("writer-")]
    got = [answered[r.id] for r in scored]
    every = [readings[r.id][0] for r in scored]

    def part(keep) -> dict:
        idx = [i for i, r in enumerate(scored) if keep(r)]
        return scores([scored[i] for i in idx], [got[i] for i in idx])

    wrong = [r for r, g in zip(scored, got, strict=True) if g != UNCLEAR and g != r.gold_stance]
    confident = [r for r in wrong if readings[r.id][1] >= CONFIDENT]
    writers = sorted({r.source for r in scored})
    per_writer = {w: part(lambda r, w=w: r.source == w) for w in writers}
    curve = train.coverage_curve(scored, readings, (0.75, 0.80))
    return {
        "rows": len(scored),
        "all": scores(scored, got),
        "every_row": scores(scored, every),
        "curve": curve,
        "easy": part(lambda r: r.easy),
        "hard": part(lambda r: not r.easy),
        "language": {x: part(lambda r, x=x: r.language == x) for x in ("en", "da")},
        "component": {
            c: part(lambda r, c=c: r.component == c) for c in sorted({r.component for r in scored})
        },
        "wrong": len(wrong),
        "confident_wrong": len(confident),
        "writer": per_writer,
        "under_090": [w for w, s in per_writer.items() if s["macro_f1"] < 0.90],
    }


def _text(fig: dict) -> str:
    a, e = fig["all"], fig["easy"]
    lines = [
        f"rows {fig['rows']}",
        f"macro-F1 {a['macro_f1']:.4f}  answered {a['answered_accuracy']:.4f}"
        f" (coverage {a['coverage']:.3f})  every row {fig['every_row']['macro_f1']:.4f}",
        "curve " + " / ".join(f"{p['answered_accuracy']:.4f}" for p in fig["curve"]),
        f"easy F1 {e['macro_f1']:.4f}  answered {e['answered_accuracy']:.4f}"
        f" (coverage {e['coverage']:.3f})",
        "language " + "  ".join(f"{k} {v['macro_f1']:.3f}" for k, v in fig["language"].items()),
        "component "
        + "  ".join(
            f"{k} {v['macro_f1']:.3f} ({v['coverage']:.2f}, {v['answered_accuracy']:.3f})"
            for k, v in fig["component"].items()
        ),
        f"confident wrong {fig['confident_wrong']} of {fig['wrong']}"
        f" ({fig['confident_wrong'] / max(fig['wrong'], 1):.0%})",
        "under 0.90: " + ", ".join(w.removeprefix("writer-").upper() for w in fig["under_090"]),
        "per writer: "
        + ", ".join(
            f"{w.removeprefix('writer-').upper()} {s['macro_f1']:.3f} / "
            f"{s['answered_accuracy']:.3f} / {s['coverage']:.2f}"
            for w, s in fig["writer"].items()
        ),
    ]
    return "\n".join(lines) + "\n"


def write_readings(path: Path, rows, feats, readings, answered) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(
            ["id", "writer", "language", "component", "theme", "easy", "gold", "answer"]
            + ["p", "top", "rule", "text", "note"]
        )
        for r, f in zip(rows, feats, strict=True):
            if r.id not in answered:
                continue
            label, p = readings[r.id]
            out.writerow(
                [r.id, r.source, r.language, r.component, r.theme, int(r.easy), r.gold_stance]
                + [answered[r.id], f"{p:.4f}", label, _rule(f), r.text, r.note]
            )


def main(argv=None) -> int:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--model", type=Path, help="also write the shipped model here")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    rows = load_set("train")
    feats = train.row_features(rows)
    readings = cross_writer(rows, feats, args.jobs)
    answered = answers(rows, readings)
    fig = figures(rows, readings, answered)
    (args.out / "figures.json").write_text(json.dumps(fig, indent=1) + "\n", encoding="utf-8")
    (args.out / "figures.txt").write_text(_text(fig), encoding="utf-8")
    write_readings(args.out / "readings.csv", rows, feats, readings, answered)
    print(_text(fig), end="")
    if args.model:
        model = train.fit(
            rows,
            feats,
            {
                "trained_on": sorted({r.source for r in rows}),
                "rows": len(rows),
                "min_coverage": train.MIN_COVERAGE,
                "target_accuracy": train.TARGET_ACCURACY,
            },
        )
        for family, value in train.thresholds(rows, readings).items():
            model.families[family].threshold = value
        args.model.write_text(model.to_json() + "\n", encoding="utf-8")
        print(f"wrote {args.model} ({args.model.stat().st_size:,} bytes) from {len(rows)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())

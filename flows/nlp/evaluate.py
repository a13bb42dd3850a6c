"""Score the stance reader on a hand-labelled set, next to the rules alone and a
keyword baseline.

    python -m flows.evaluate --set FILE.csv [--predictions OUT.csv] [--speed]
    python -m flows.evaluate --set dev --cross-writer   # leave-one-writer-out
    python -m flows.evaluate --set heldout               # the old, spent sets

`--set` takes a CSV in the scheme's layout (docs/stance-scheme.md) or the old one,
or a name: `dev` (data/eval/dev/*.csv), `heldout`, `development` (the old sets).
Printed per method: accuracy and macro-F1 overall and per language, component,
speaker role and easy/hard; coverage (share answered, not `unclear`) and accuracy
on the answered rows. An `unclear` answer is never right: it counts against
accuracy and recall, but not against precision. Macro-F1 is the mean F1 over the
labels of the components present. `--predictions` writes id, label, confidence,
cues. `--speed` measures words per second beside spaCy's blank tokenizer.

`--cross-writer` (dev sets only) scores each writer's rows with a model trained on
the other writers' rows (and the training-only rows), with abstention thresholds
taken from the other writers' readings: the honest figure for text by a writer the
model never saw. Without it the shipped model is scored, which was trained on the
dev sets: on them its figures are training figures.

The keyword baseline: the first word of the excerpt that belongs to a class of the
component's labels decides ("more" improved, "stopped" worsened, "the same"
no_change, a barrier word barrier, "never" absent ...), with no negation, no
objects, no anchors; no such word: not_stated.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import spacy

from flows.nlp.corpus import LABELS, Row, load_set
from flows.nlp.lexicons import WordMatcher, load_words, shared_pipeline
from flows.nlp.model import family_of
from flows.nlp.reader import UNCLEAR, StanceReader, profile_for

#: word class -> label, for the baseline, by component family
BASELINE = {
    "outcome": (
        ("same", "no_change"),
        ("worse", "worsened"),
        ("stop", "worsened"),
        ("down", "worsened"),
        ("up", "improved"),
        ("start", "improved"),
        ("better", "improved"),
    ),
    "context": (("barrier", "barrier"), ("facilitator", "facilitator")),
    "presence": (("absent", "absent"), ("present", "present")),
}
GROUPS = ("language", "component", "speaker_role", "difficulty")

Prediction = tuple[str, float, tuple[str, ...]]


# -- methods --------------------------------------------------------------------
def _by_language(rows: Sequence[Row], read: Callable) -> list[Prediction]:
    out: dict[str, Prediction] = {}
    for language in sorted({r.language for r in rows}):
        group = [r for r in rows if r.language == language]
        out.update(zip((r.id for r in group), read(language, group), strict=True))
    return [out[r.id] for r in rows]


def _reader(language: str, rows: Sequence[Row], model) -> StanceReader:
    profiles = {t: profile_for(t, language) for t in sorted({r.theme for r in rows})}
    return StanceReader(language, profiles, model=model)


def predict_reader(rows: Sequence[Row], model=True) -> list[Prediction]:
    """The reader's answers (model=False: the rules' verdicts)."""

    def read(language, group):
        reader = _reader(language, group, model)
        docs = reader.nlp.pipe(r.text for r in group)
        for row, doc in zip(group, docs, strict=True):
            reading = reader.read_doc(doc, row.theme, row.component)
            yield reading.label, reading.confidence, reading.cues

    return _by_language(rows, lambda lang, group: list(read(lang, group)))


def predict_baseline(rows: Sequence[Row]) -> list[Prediction]:
    def read(language, group):
        nlp = shared_pipeline(language)
        matcher = WordMatcher(nlp, load_words(language))
        out = []
        for row, doc in zip(group, nlp.pipe(r.text for r in group), strict=True):
            found = matcher(doc)
            first = sorted(
                (span[0], order, label)
                for order, (cls, label) in enumerate(BASELINE[family_of(row.component)])
                for span in found.get(cls, ())
            )
            out.append((first[0][2] if first else "not_stated", 1.0, ()))
        return out

    return _by_language(rows, read)


def predict_cross_writer(rows: Sequence[Row]) -> list[Prediction]:
    """Each writer's rows read by a model that never saw that writer (module docstring)."""
    from flows.nlp import train

    scored = [r for r in rows if r.source.startswith("writer-")]
    if len({r.source for r in scored}) < 2:
        raise SystemExit("--cross-writer needs rows of at least two writer-* files")
    extra = [r for r in load_set("train") if not r.source.startswith("writer-")]
    everything = list(scored) + extra
    feats = train.row_features(everything)
    readings = train.cross_writer(everything, feats)
    out = {}
    for writer in sorted({r.source for r in scored}):
        others = [r for r in scored if r.source != writer]
        limits = train.thresholds(others, readings)
        for r in scored:
            if r.source == writer:
                label, p = readings[r.id]
                if p < limits[family_of(r.component)]:
                    label = UNCLEAR
                out[r.id] = (label, round(p, 3), ())
    return [out.get(r.id, (UNCLEAR, 0.0, ())) for r in rows]


# -- metrics --------------------------------------------------------------------
def group_of(row: Row, group: str) -> str:
    if group == "difficulty":
        return "easy" if row.easy else "hard"
    return getattr(row, group) or "-"


def scores(rows: Sequence[Row], predicted: Sequence[str]) -> dict:
    """Accuracy, macro-F1, coverage and accuracy on answered rows."""
    labels = sorted({lab for r in rows for lab in LABELS[r.component]})
    f1s = []
    for label in labels:
        tp = sum(r.gold_stance == p == label for r, p in zip(rows, predicted, strict=True))
        fp = sum(p == label != r.gold_stance for r, p in zip(rows, predicted, strict=True))
        fn = sum(r.gold_stance == label != p for r, p in zip(rows, predicted, strict=True))
        if tp + fp + fn:
            f1s.append(2 * tp / (2 * tp + fp + fn))
    answered = [(r, p) for r, p in zip(rows, predicted, strict=True) if p != UNCLEAR]
    n = len(rows)
    return {
        "n": n,
        "accuracy": sum(r.gold_stance == p for r, p in zip(rows, predicted, strict=True)) / n,
        "macro_f1": sum(f1s) / len(f1s) if f1s else None,
        "coverage": len(answered) / n,
        "answered_accuracy": (
            sum(r.gold_stance == p for r, p in answered) / len(answered) if answered else None
        ),
    }


def report(rows: Sequence[Row], predicted: Sequence[str]) -> dict:
    out = {"all": scores(rows, predicted)}
    for group in (*GROUPS, "source"):
        values = sorted({group_of(r, group) for r in rows})
        if group == "source" and len(values) < 2:
            continue
        for value in values:
            index = [i for i, r in enumerate(rows) if group_of(r, group) == value]
            out[f"{group}={value}"] = scores(
                [rows[i] for i in index], [predicted[i] for i in index]
            )
    return out


# -- speed ----------------------------------------------------------------------
def speed(rows: Sequence[Row], target_words: int = 60_000) -> dict:
    """Words per second (CPU time, best of 3) of the blank tokenizer and the reader."""
    out = {}
    for language in sorted({r.language for r in rows}):
        group = [r for r in rows if r.language == language]
        per = sum(len(r.text.split()) for r in group)
        # copies of the rows, each read in a call of its own: no reading is shared
        # between copies (the reader reads an item once per call, `annotate`)
        batch = min(256, len(group))
        copies = target_words // per + 1
        words = per * copies
        blank = spacy.blank(language)
        reader = _reader(language, group, True)
        items = [(r.text, r.component, r.theme) for r in group]
        texts = [r.text for r in group] * copies
        runs = {
            "blank tokenizer": lambda b=blank, t=texts: list(b.pipe(t)),
            "stance reader": lambda s=reader, i=items, n=batch, k=copies: [
                list(s.annotate(i, n)) for _ in range(k)
            ],
        }
        best = dict.fromkeys(runs, 0.0)
        for name, run in runs.items():
            run()
            for _ in range(3):
                started = time.process_time()
                run()
                best[name] = max(best[name], words / (time.process_time() - started))
        out[language] = {
            "words": words,
            "words_per_second": {k: round(v) for k, v in best.items()},
            "share_of_blank": round(best["stance reader"] / best["blank tokenizer"], 3),
        }
    return out


# -- printing -------------------------------------------------------------------
def _fmt(value: float | None) -> str:
    return "   – " if value is None else f"{value:5.2f}"


def format_reports(reports: dict[str, dict]) -> str:
    methods = list(reports)
    head = f"{'rows':<34}{'n':>5}  " + "  ".join(
        f"{m[:14]:>14} acc   F1  cov  ans" for m in methods
    )
    lines = [head]
    for key in reports[methods[0]]:
        cells = []
        for m in methods:
            s = reports[m][key]
            cells.append(
                f"{'':>14}{_fmt(s['accuracy'])}{_fmt(s['macro_f1'])}"
                f"{_fmt(s['coverage'])}{_fmt(s['answered_accuracy'])}"
            )
        lines.append(f"{key:<34}{reports[methods[0]][key]['n']:>5}  " + "  ".join(cells))
    return "\n".join(lines)


def write_predictions(path: Path, rows: Sequence[Row], predicted: Sequence[Prediction]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["id", "label", "confidence", "cues"])
        for row, (label, confidence, cues) in zip(rows, predicted, strict=True):
            writer.writerow([row.id, label, f"{confidence:.3f}", "; ".join(cues)])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m flows.evaluate", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--set", default="dev", help="dev, heldout, development or a CSV path")
    parser.add_argument("--predictions", type=Path, help="write id,label,confidence,cues")
    parser.add_argument("--cross-writer", action="store_true", help="leave-one-writer-out")
    parser.add_argument("--speed", action="store_true", help="also measure words/second")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    rows = load_set(args.set)
    methods: dict[str, list[Prediction]] = {}
    if args.cross_writer:
        methods["cross-writer"] = predict_cross_writer(rows)
    else:
        methods["reader"] = predict_reader(rows)
    methods["rules only"] = predict_reader(rows, model=False)
    methods["keyword"] = predict_baseline(rows)
    reports = {m: report(rows, [p[0] for p in preds]) for m, preds in methods.items()}
    print(f"Stance evaluation: {args.set}, {len(rows)} rows")
    print("acc: accuracy; F1: macro-F1; cov: share answered; ans: accuracy on answered rows")
    print(format_reports(reports))
    result: dict = {"set": str(args.set), "n": len(rows), "methods": reports}
    if args.predictions:
        write_predictions(args.predictions, rows, next(iter(methods.values())))
        print(f"\nwrote {args.predictions}")
    if args.speed:
        result["speed"] = speed(rows)
        for language, s in result["speed"].items():
            wps = s["words_per_second"]
            print(
                f"\nspeed {language}: {s['words']:,} words; blank tokenizer "
                f"{wps['blank tokenizer']:,} words/s, reader {wps['stance reader']:,} words/s "
                f"({s['share_of_blank']:.2f} of blank)"
            )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

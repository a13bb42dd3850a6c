"""Evaluate the stance rules on a hand-labelled set, next to a keyword-only baseline.

    python -m flows.nlp.evaluate [--set heldout|development] [--split ...] [--data PATH]
                             [--json PATH] [--errors] [--speed]

Two hand-labelled sets of fictional interview excerpts in English and Danish
(columns id, language, kind, theme, text, gold_stance, split):
`data/eval/heldout.csv`, written blind to the rules and scored by default (the
reported figures), and `data/eval/stances.csv`, the development set the rules
were written on (its dev/test split is historical: see docs/nlp-evaluation.md).

Prints, per language and overall, precision, recall and F1 per stance class and
macro-F1 for the rules and for the baseline. Precision is undefined for a class
never predicted and recall for a class never in the gold labels; F1 is
2·TP / (2·TP + FP + FN), 0 when the class occurs on either side without a hit,
and undefined (left out of macro-F1) only for a class that occurs on neither side.
Macro-F1 is the mean F1 over the stances allowed for the kinds in the rows scored.

The **keyword-only baseline** reads the same lexicon on lower-case words: the first
cue in the text that names a stance for the excerpt's kind decides ("more" →
improved, "stopped" → worsened, "the same" → no change, a barrier word → barrier,
"never" → absent, ...), with no negation, no reversal by the object, no lemmas, no
hedges; no cue gives the same default as the rules. `--speed` also measures
words/second of the pipelines on about 100,000 words.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import spacy
from spacy.matcher import PhraseMatcher

from flows.nlp.stance import StanceTagger, lemma_table, load_lexicon
from flows.study import STANCES_BY_KIND

ROOT = Path(__file__).resolve().parents[2]
EVAL_SET = ROOT / "data" / "eval" / "stances.csv"
HELDOUT_SET = ROOT / "data" / "eval" / "heldout.csv"
DEMO_STUDY = ROOT / "data" / "demo" / "study.toml"
COLUMNS = ("id", "language", "kind", "theme", "text", "gold_stance", "split")
SPLITS = ("dev", "test", "heldout")
LANGUAGES = ("en", "da")
#: families of kinds that share their stances, for per-family macro-F1
FAMILIES = {
    "outcome": ("outcome",),
    "context": ("context",),
    "presence": ("intervention", "mechanism", "output", "actor"),
}
DEFAULTS = {"outcome": "not_stated", "context": "barrier"}  # presence kinds: present
#: cue class → stance, for the baseline, in the order a cue with two classes is read
BASELINE_STANCES = {
    "outcome": (
        ("same", "no_change"),
        ("worse", "worsened"),
        ("down", "worsened"),
        ("up", "improved"),
        ("weak_up", "improved"),
        ("no_longer", "worsened"),
    ),
    "context": (("barrier", "barrier"), ("facilitator", "facilitator")),
    "presence": (("absent", "absent"), ("present", "present")),
}


@dataclass(frozen=True)
class Row:
    """One labelled excerpt of the evaluation set."""

    id: str
    language: str
    kind: str
    theme: str
    text: str
    gold_stance: str
    split: str


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1 of one class (None where undefined), with counts."""

    precision: float | None
    recall: float | None
    f1: float | None
    support: int  # gold rows of the class
    predicted: int  # rows predicted as the class


# -- the evaluation set -----------------------------------------------------------
def split_for(row_id: str) -> str:
    """The fixed split rule: held-out ids start with "h-"; of the others, ids whose
    number is even are test, the others dev."""
    if row_id.startswith("h-"):
        return "heldout"
    digits = re.sub(r"\D", "", row_id)
    if not digits:
        raise ValueError(f"evaluation id {row_id!r} has no number")
    return "test" if int(digits) % 2 == 0 else "dev"


def family_of(kind: str) -> str:
    return next(f for f, kinds in FAMILIES.items() if kind in kinds)


def load_eval_set(path: Path = EVAL_SET) -> list[Row]:
    """Read and check the evaluation set; raise ValueError on the first bad row."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ValueError(f"{path}: columns must be {', '.join(COLUMNS)}")
        rows = [Row(**{c: (r[c] or "").strip() for c in COLUMNS}) for r in reader]
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        where = f"{path}:{line} ({row.id})"
        if row.id in seen:
            raise ValueError(f"{where}: duplicate id")
        seen.add(row.id)
        if row.kind not in STANCES_BY_KIND:
            raise ValueError(f"{where}: unknown kind {row.kind!r}")
        if row.gold_stance not in STANCES_BY_KIND[row.kind]:
            raise ValueError(f"{where}: {row.gold_stance!r} is not a stance for {row.kind}")
        if row.split != split_for(row.id):
            raise ValueError(f"{where}: split must be {split_for(row.id)!r}")
        if not row.text or not row.theme or not row.language:
            raise ValueError(f"{where}: empty field")
    return rows


def select(rows: Iterable[Row], split: str) -> list[Row]:
    return [r for r in rows if split == "all" or r.split == split]


# -- metrics --------------------------------------------------------------------
def confusion(gold: Sequence[str], predicted: Sequence[str]) -> Counter:
    """Counts of (gold, predicted) pairs."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    return Counter(zip(gold, predicted, strict=True))


def class_scores(matrix: Counter, labels: Iterable[str]) -> dict[str, Scores]:
    """Precision, recall and F1 per class from a confusion matrix."""
    out = {}
    for label in labels:
        tp = matrix[(label, label)]
        support = sum(n for (g, _), n in matrix.items() if g == label)
        predicted = sum(n for (_, p), n in matrix.items() if p == label)
        fp, fn = predicted - tp, support - tp
        precision = tp / predicted if predicted else None
        recall = tp / support if support else None
        f1 = 2 * tp / (2 * tp + fp + fn) if (2 * tp + fp + fn) else None
        out[label] = Scores(precision, recall, f1, support, predicted)
    return out


def macro_f1(scores: dict[str, Scores]) -> float | None:
    """Mean F1 over the classes whose F1 is defined (None if there are none)."""
    values = [s.f1 for s in scores.values() if s.f1 is not None]
    return sum(values) / len(values) if values else None


def labels_for(rows: Iterable[Row]) -> list[str]:
    """The stances allowed for the kinds in these rows, in a stable order."""
    kinds = {r.kind for r in rows}
    ordered: dict[str, None] = {}
    for kind, stances in STANCES_BY_KIND.items():
        if kind in kinds:
            ordered.update(dict.fromkeys(stances))
    return list(ordered)


def report(rows: Sequence[Row], predicted: Sequence[str]) -> dict:
    """Scores for one method on some rows: per class, macro-F1 overall and per family."""
    gold = [r.gold_stance for r in rows]
    labels = labels_for(rows)
    scores = class_scores(confusion(gold, predicted), labels)
    families = {}
    for family, kinds in FAMILIES.items():
        picked = [i for i, r in enumerate(rows) if r.kind in kinds]
        if picked:
            sub = class_scores(
                confusion([gold[i] for i in picked], [predicted[i] for i in picked]),
                labels_for(rows[i] for i in picked),
            )
            families[family] = macro_f1(sub)
    correct = sum(g == p for g, p in zip(gold, predicted, strict=True))
    return {
        "n": len(rows),
        "accuracy": correct / len(rows) if rows else None,
        "macro_f1": macro_f1(scores),
        "macro_f1_by_family": families,
        "classes": {label: vars(s) for label, s in scores.items()},
    }


# -- methods --------------------------------------------------------------------
def theme_examples(study_file: Path = DEMO_STUDY) -> dict[str, dict[str, list[str]]]:
    """The demo study's theme examples (the taggers need them; they do not vote)."""
    import tomllib

    study = tomllib.loads(study_file.read_text(encoding="utf-8"))
    return {t["id"]: t.get("examples", {}) for t in study["themes"]}


class KeywordBaseline:
    """The first cue word of the excerpt's kind decides; nothing else."""

    def __init__(self, language: str):
        self.nlp = spacy.blank(language)
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        for label, terms in load_lexicon(language).items():
            if label != "negation":
                self.matcher.add(label, [self.nlp.make_doc(t) for t in terms])

    def predict(self, items: Iterable[tuple[str, str]]) -> list[str]:
        items = list(items)
        docs = self.nlp.pipe(text for text, _ in items)
        out = []
        for doc, (_, kind) in zip(docs, items, strict=True):
            out.append(self._first(doc, family_of(kind)))
        return out

    def _first(self, doc, family: str) -> str:
        strings = doc.vocab.strings
        spans: dict[tuple[int, int], set[str]] = {}
        for key, start, end in self.matcher(doc):
            spans.setdefault((start, end), set()).add(strings[key])
        # of cues starting at the same word, the longest
        for (_start, _end), labels in sorted(spans.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
            for label, stance in BASELINE_STANCES[family]:
                if label in labels:
                    return stance
        return DEFAULTS.get(family, "present")


def predict_rules(rows: Sequence[Row], lemmas: bool = True) -> list[str]:
    """The rules' stance for each row (one tagger per language)."""
    examples = theme_examples()
    out: dict[str, str] = {}
    for language in sorted({r.language for r in rows}):
        group = [r for r in rows if r.language == language]
        tagger = StanceTagger(language, examples, lemmas=lemmas)
        items = ((r.text, r.kind, r.theme) for r in group)
        for row, (suggestion, _) in zip(group, tagger.annotate(items), strict=True):
            out[row.id] = suggestion.stance
    return [out[r.id] for r in rows]


def predict_baseline(rows: Sequence[Row]) -> list[str]:
    out: dict[str, str] = {}
    for language in sorted({r.language for r in rows}):
        group = [r for r in rows if r.language == language]
        predicted = KeywordBaseline(language).predict((r.text, r.kind) for r in group)
        out.update(zip((r.id for r in group), predicted, strict=True))
    return [out[r.id] for r in rows]


def evaluate(rows: Sequence[Row], split: str = "test") -> dict:
    """Rules and baseline on the rows of a split, per language and overall."""
    picked = select(rows, split)
    methods = {"rules": predict_rules(picked), "baseline": predict_baseline(picked)}
    result: dict = {"split": split, "n": len(picked), "lemmas": {}, "methods": {}}
    for language in sorted({r.language for r in picked}):
        result["lemmas"][language] = lemma_table(language) is not None
    for method, predicted in methods.items():
        per: dict = {}
        for language in [*sorted({r.language for r in picked}), "all"]:
            index = [i for i, r in enumerate(picked) if language in ("all", r.language)]
            per[language] = report([picked[i] for i in index], [predicted[i] for i in index])
        result["methods"][method] = per
    result["errors"] = [
        {"id": r.id, "gold": r.gold_stance, "rules": p, "text": r.text}
        for r, p in zip(picked, methods["rules"], strict=True)
        if r.gold_stance != p
    ]
    return result


# -- speed ----------------------------------------------------------------------
def benchmark(rows: Sequence[Row], language: str, target_words: int = 100_000, repeats: int = 5):
    """Words/second on ~target_words of the set's text in one language.

    Compares a blank tokenizer, the former pipeline (blank + sentencizer), the tagger's
    pipeline with and without lookup lemmas, spaCy's own lookup `lemmatizer` component
    (for reference) and the whole tagger (matching and rules) with and without lemmas.
    Time is the process's CPU time (other work on a shared machine does not count), the
    runs are interleaved and each keeps its best round. Words are whitespace-separated
    words of the input.
    """
    picked = [r for r in rows if r.language == language]
    per_round = sum(len(r.text.split()) for r in picked)
    picked = picked * (target_words // per_round + 1)
    texts = [r.text for r in picked]
    items = [(r.text, r.kind, r.theme) for r in picked]
    words = sum(len(t.split()) for t in texts)
    examples = theme_examples()

    def piping(nlp):
        def run():
            for _ in nlp.pipe(texts, batch_size=512):
                pass

        return run

    def tagging(tagger):
        def run():
            for _ in tagger.annotate(items):
                pass

        return run

    has_tables = lemma_table(language) is not None
    sentencizer = spacy.blank(language)
    sentencizer.add_pipe("sentencizer", config={"punct_chars": [".", "!", "?", "...", "…", ";"]})
    runs = {
        "blank tokenizer": piping(spacy.blank(language)),
        "blank + sentencizer (former pipeline)": piping(sentencizer),
    }
    if has_tables:
        spacy_lemmatizer = spacy.blank(language)
        spacy_lemmatizer.add_pipe("lemmatizer", config={"mode": "lookup"})
        spacy_lemmatizer.initialize()
        runs["blank + spaCy lemmatizer (lookup mode)"] = piping(spacy_lemmatizer)
    with_lemmas = StanceTagger(language, examples, lemmas=True)
    without = StanceTagger(language, examples, lemmas=False)
    runs["tagger pipeline, no lemmas"] = piping(without.nlp)
    runs["tagger pipeline, lookup lemmas"] = piping(with_lemmas.nlp)
    runs["tagger annotate(), no lemmas"] = tagging(without)
    runs["tagger annotate(), lookup lemmas"] = tagging(with_lemmas)
    for run in runs.values():
        run()  # warm up: vocabulary entries, caches
    best = dict.fromkeys(runs, 0.0)
    for _ in range(repeats):
        for name, run in runs.items():
            started = time.process_time()
            run()
            best[name] = max(best[name], words / (time.process_time() - started))
    blank = best["blank tokenizer"]
    return {
        "language": language,
        "words": words,
        "repeats": repeats,
        "lookup_tables": has_tables,
        "words_per_second": {k: round(v) for k, v in best.items()},
        "share_of_blank": {k: round(v / blank, 3) for k, v in best.items()},
    }


# -- printing -------------------------------------------------------------------
def _fmt(value: float | None) -> str:
    return "  –  " if value is None else f"{value:5.2f}"


def format_result(result: dict) -> str:
    lines = [f"Stance evaluation: split={result['split']}, {result['n']} excerpts"]
    lemmas = ", ".join(f"{k}: {'yes' if v else 'no'}" for k, v in result["lemmas"].items())
    lines.append(f"lookup lemmas: {lemmas}")
    rules, base = result["methods"]["rules"], result["methods"]["baseline"]
    for language in rules:
        r, b = rules[language], base[language]
        lines.append("")
        lines.append(f"== {language} (n={r['n']}) ==")
        lines.append(f"{'class':<12} {'n':>3}   rules P     R    F1 | baseline P    R    F1")
        for label, s in r["classes"].items():
            t = b["classes"][label]
            lines.append(
                f"{label:<12} {s['support']:>3}   {_fmt(s['precision'])} {_fmt(s['recall'])} "
                f"{_fmt(s['f1'])} |     {_fmt(t['precision'])} {_fmt(t['recall'])} {_fmt(t['f1'])}"
            )
        lines.append(
            f"{'macro-F1':<12} {'':>3}   {'':>11} {_fmt(r['macro_f1'])} |"
            f"     {'':>11} {_fmt(b['macro_f1'])}"
        )
        for family, value in r["macro_f1_by_family"].items():
            lines.append(
                f"  {family:<10} {'':>3}   {'':>11} {_fmt(value)} |"
                f"     {'':>11} {_fmt(b['macro_f1_by_family'][family])}"
            )
        lines.append(
            f"{'accuracy':<12} {'':>3}   {'':>11} {_fmt(r['accuracy'])} |"
            f"     {'':>11} {_fmt(b['accuracy'])}"
        )
    return "\n".join(lines)


def format_speed(figures: list[dict]) -> str:
    lines = []
    for f in figures:
        lines.append("")
        lines.append(f"== speed, {f['language']}: {f['words']} words, best of {f['repeats']} ==")
        for name, wps in f["words_per_second"].items():
            lines.append(f"{name:<50} {wps:>10,} words/s  {f['share_of_blank'][name]:6.0%}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m flows.nlp.evaluate", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--set",
        choices=("heldout", "development"),
        default="heldout",
        help="heldout: data/eval/heldout.csv (the reported figures); "
        "development: data/eval/stances.csv, the rows the rules were written on",
    )
    parser.add_argument("--split", choices=("test", "dev", "heldout", "all"), default="all")
    parser.add_argument("--data", type=Path, help="another evaluation set (CSV)")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument("--errors", action="store_true", help="list the rules' errors")
    parser.add_argument("--speed", action="store_true", help="also measure words/second")
    args = parser.parse_args(argv)
    rows = load_eval_set(args.data or (HELDOUT_SET if args.set == "heldout" else EVAL_SET))
    result = evaluate(rows, args.split)
    print(format_result(result))
    if args.errors:
        print("\nerrors of the rules:")
        for e in result["errors"]:
            print(f"  {e['id']}: gold {e['gold']}, rules {e['rules']}: {e['text']}")
    if args.speed:
        result["speed"] = [benchmark(rows, language) for language in LANGUAGES]
        print(format_speed(result["speed"]))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", "utf-8")
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

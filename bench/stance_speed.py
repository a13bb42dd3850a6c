"""Words per second of the stance reading in the annotation stage on a synthetic
study, beside spaCy's blank tokenizer, in one process (CPU time, best of 3).

    .venv/bin/triangulate synth --cases 1000 --seed 0 --out /tmp/n1000
    OMP_NUM_THREADS=1 .venv/bin/python bench/stance_speed.py /tmp/n1000

Every excerpt is read for its theme by the study's reader (`study_reader`, the
examples matched too) through `StanceReader.annotate`, as `annotate_excerpts` does
after pseudonymisation (the names are left in: the reading is what is timed).
Prints one JSON line.
"""

from __future__ import annotations

import csv
import json
import sys
import time

import spacy

from flows.nlp.annotate import study_reader
from flows.study.loading import load_study


def best(run, repeats: int = 3) -> float:
    run()
    times = []
    for _ in range(repeats):
        started = time.process_time()
        run()
        times.append(time.process_time() - started)
    return min(times)


def study_items(folder: str):
    """The study's definition, and every excerpt as (text, kind, theme id)."""
    study = load_study(folder).definition
    by_code = {code: theme for theme in study.themes for code in theme.codes}
    with open(f"{folder}/excerpts.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    items = []
    for row in rows:
        theme = by_code.get(row["code"]) or by_code.get(row["code"].rsplit("/", 1)[0])
        if theme is None:
            raise SystemExit(f"{folder}/excerpts.csv: no theme for code {row['code']!r}")
        items.append((row["text"], theme.kind, theme.id))
    return study, items


def main(folder: str) -> dict:
    study, items = study_items(folder)
    texts = [text for text, _, _ in items]
    words = sum(len(text.split()) for text in texts)
    reader = study_reader(study, study.study.language)
    blank = spacy.blank(study.study.language)
    blank_s = best(lambda: list(blank.pipe(texts)))
    reader_s = best(lambda: list(reader.annotate(items)))
    return {
        "excerpts": len(items),
        "distinct_texts": len(set(texts)),
        "words": words,
        "reader_cpu_s": round(reader_s, 2),
        "reader_words_per_s": round(words / reader_s),
        "blank_words_per_s": round(words / blank_s),
        "share_of_blank": round(blank_s / reader_s, 3),
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))

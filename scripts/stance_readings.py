"""Write down what the stance reader reads, to check that a speed change reads the same.

    .venv/bin/python scripts/stance_readings.py predictions OUT_DIR
    .venv/bin/python scripts/stance_readings.py readings OUT.tsv [--study FOLDER ...]

`predictions`: for every eval set (data/eval/dev/*.csv, data/eval/heldout-{2,3,4}/*.csv,
data/eval/heldout.csv) the file `python -m flows.evaluate --set FILE --predictions`
writes, one per set, named after it (`dev-writer-a.csv`, `heldout-2-writer-e.csv`).

`readings`: every reading in full (label, confidence, cues, the rules' label and a
hash of the features), one line each: every training, dev and old held-out text
read for every scheme theme with the shipped model and with the rules alone, and
read through `annotate` (examples matched) by the reader of each `--study` folder
(default: data/demo) for each of its themes, and for a `--study` holding an
`excerpts.csv` (data/demo, `triangulate synth` output), its own excerpts as the
bench reads them.

Compare two runs with `cmp`: a change made for speed must leave both byte-identical.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from flows.nlp.corpus import SCHEME_THEMES, load_rows, load_set
from flows.nlp.evaluate import predict_reader, write_predictions
from flows.nlp.reader import StanceReader, profile_for

EVAL = Path("data/eval")
#: the held-out sets that were scored and still hold rows (heldout-5's are in dev/ now,
#: decision 0167; never the ones being written)
SCORED = ("heldout-2", "heldout-3", "heldout-4")


def eval_files() -> list[tuple[str, Path]]:
    files = [(f"dev-{p.stem}", p) for p in sorted((EVAL / "dev").glob("*.csv"))]
    for name in SCORED:
        files += [(f"{name}-{p.stem}", p) for p in sorted((EVAL / name).glob("*.csv"))]
    return [*files, ("heldout", EVAL / "heldout.csv")]


def write_all_predictions(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, path in eval_files():
        rows = load_rows(path)
        write_predictions(out / f"{name}.csv", rows, predict_reader(rows))


def _texts() -> dict[str, list[str]]:
    rows = list(load_set("train"))
    for _, path in eval_files()[len(list((EVAL / "dev").glob("*.csv"))) :]:
        rows += load_rows(path)
    out: dict[str, list[str]] = {}
    for row in rows:
        out.setdefault(row.language, []).append(row.text)
    return {language: list(dict.fromkeys(texts)) for language, texts in out.items()}


def _line(*cells) -> str:
    return "\t".join(str(c) for c in cells) + "\n"


def _digest(features) -> str:
    return hashlib.sha256("\n".join(features).encode()).hexdigest()[:16]


def write_readings(out: Path, studies: list[str]) -> None:
    from flows.nlp.annotate import study_reader
    from flows.study.loading import load_study

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from stance_speed import study_items

    themes = {t: kind for kind, ts in SCHEME_THEMES.items() for t in ts}
    texts = _texts()
    with out.open("w", encoding="utf-8") as handle:
        for language, group in sorted(texts.items()):
            profiles = {t: profile_for(t, language, kind) for t, kind in themes.items()}
            for model in (True, False):
                reader = StanceReader(language, profiles, model=model)
                docs = list(reader.nlp.pipe(group))
                for theme, kind in themes.items():
                    readings = reader.read_docs([(doc, theme, kind) for doc in docs])
                    for n, r in enumerate(readings):
                        said = (r.label, r.confidence, "; ".join(r.cues))
                        handle.write(
                            _line(
                                language, model, theme, n, *said, r.rule_label, _digest(r.features)
                            )
                        )
        for folder in studies:
            study = load_study(folder).definition
            reader = study_reader(study, study.study.language)
            group = texts.get(study.study.language, [])
            items = [(text, t.kind, t.id) for text in group for t in study.themes]
            if (Path(folder) / "excerpts.csv").is_file():  # the study's own excerpts
                items += study_items(folder)[1]
            for n, (s, found) in enumerate(reader.annotate(items)):
                handle.write(
                    _line(folder, n, s.stance, s.confidence, "; ".join(s.cues), "; ".join(found))
                )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=("predictions", "readings"))
    parser.add_argument("out", type=Path)
    parser.add_argument("--study", action="append", help="a study folder (readings)")
    args = parser.parse_args(argv)
    if args.what == "predictions":
        write_all_predictions(args.out)
    else:
        write_readings(args.out, args.study or ["data/demo"])
    return 0


if __name__ == "__main__":
    sys.exit(main())

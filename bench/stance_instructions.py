"""Instructions the stance reader spends, counted by callgrind: a figure that does not
depend on the machine's load (decision 0135).

    .venv/bin/python bench/stance_instructions.py            # dev rows, en and da
    .venv/bin/python bench/stance_instructions.py --rows 300 --synth /tmp/n1000
    .venv/bin/python bench/stance_instructions.py --keep /tmp/cg   # callgrind files kept

For each language: the first `--rows` dev rows of that language, and with `--synth`
the first 2,000 excerpts of a `triangulate synth` study (its own reader, examples
matched), read once to warm every cache, then once more under callgrind with
instrumentation on only around the run (`--instr-atstart=no`): the reader (`StanceReader.annotate`, as `--speed`
times it) and spaCy's blank tokenizer on the same texts, each in its own valgrind
process. With `--parse`, also the first half of a reading alone: the distinct texts
tokenised and parsed (`StanceReader.parse`, text to `Parsed`). Prints one JSON line per language: instructions (millions) and the
reader's share of the blank tokenizer's speed (blank / reader instructions).

PYTHONHASHSEED is fixed so that two runs count the same.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CHILD_ENV = {"PYTHONHASHSEED": "0", "OMP_NUM_THREADS": "1"}


def _items(spec: str, rows: int):
    """(language, items) of a spec: `dev:en`, `dev:da` or `synth:FOLDER`."""
    kind, _, arg = spec.partition(":")
    if kind == "dev":
        from flows.nlp.corpus import load_set

        picked = [r for r in load_set("dev") if r.language == arg][:rows]
        return arg, [(r.text, r.component, r.theme) for r in picked]
    sys.path.insert(0, str(HERE))
    from stance_speed import study_items

    study, items = study_items(arg)
    return study.study.language, items[:2000]


def _reader(spec: str, items):
    kind, _, arg = spec.partition(":")
    from flows.nlp.reader import StanceReader, profile_for

    if kind == "dev":
        themes = {t: c for _, c, t in items}
        return StanceReader(arg, {t: profile_for(t, arg) for t in sorted(themes)})
    from flows.nlp.annotate import study_reader
    from flows.study.loading import load_study

    study = load_study(arg).definition
    return study_reader(study, study.study.language)


def child(spec: str, what: str, rows: int) -> None:
    """Inside valgrind: warm up, then run once more between the harness's "go" and
    "done" (the harness turns counting on and off from outside, so that nothing but
    the run is counted)."""
    import spacy

    language, items = _items(spec, rows)
    if what == "reader":
        reader = _reader(spec, items)

        def run():
            return list(reader.annotate(items, min(256, len(items))))
    elif what == "parse":  # the first half of a reading: text to `Parsed`
        from flows.collector import collector_paused

        reader = _reader(spec, items)
        texts = list(dict.fromkeys(t for t, _, _ in items))

        def run():
            with collector_paused():
                return [reader.parse(doc) for doc in reader.nlp.pipe(texts, batch_size=256)]
    else:
        blank = spacy.blank(language)
        texts = [t for t, _, _ in items]

        def run():
            return list(blank.pipe(texts))

    run()
    _say("ready")
    run()
    _say("done")


def _say(word: str) -> None:
    """Tell the harness, and wait until it answers."""
    sys.stdout.write(word + "\n")
    sys.stdout.flush()
    sys.stdin.readline()


def _toggle(pid: int, state: str) -> None:
    subprocess.run(["callgrind_control", "-i", state, str(pid)], check=True, capture_output=True)


def count(spec: str, what: str, rows: int, keep: str | None = None) -> int:
    """Instructions of one run; with `keep` (a folder) its callgrind file stays there,
    for `callgrind_annotate --inclusive=yes` (the parts of a reading)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={out}",
            sys.executable,
            __file__,
            "--child",
            spec,
            what,
            "--rows",
            str(rows),
        ]
        env = {**os.environ, **CHILD_ENV, "PYTHONPATH": str(ROOT)}
        with subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=ROOT,
            env=env,
        ) as process:
            for line, state in (("ready", "on"), ("done", "off")):
                while (said := process.stdout.readline()) and said.strip() != line:
                    pass
                if not said:
                    raise SystemExit(f"the child ended before {line!r} ({spec}, {what})")
                _toggle(process.pid, state)
                process.stdin.write("go\n")
                process.stdin.flush()
            process.wait()
        totals = [
            int(line.split()[1])
            for line in out.read_text().splitlines()
            if line.startswith("totals:")
        ]
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            name = f"callgrind.{spec.replace(':', '-').replace('/', '_')}.{what}"
            shutil.copyfile(out, Path(keep) / name)
    if not totals or not totals[0]:
        raise SystemExit(f"callgrind counted nothing for {spec} ({what})")
    return totals[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=300, help="dev rows per language")
    parser.add_argument("--synth", help="a `triangulate synth` folder: also its excerpts")
    parser.add_argument("--languages", default="en,da")
    parser.add_argument("--no-blank", action="store_true", help="count the reader only")
    parser.add_argument(
        "--parse", action="store_true", help="also the parse alone (text to `Parsed`)"
    )
    parser.add_argument("--keep", help="a folder to keep the callgrind files in")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child, args.rows)
        return 0
    specs = [f"dev:{language}" for language in args.languages.split(",") if language]
    if args.synth:
        specs.append(f"synth:{args.synth}")
    for spec in specs:
        reader = count(spec, "reader", args.rows, args.keep)
        figures = {"texts": spec, "reader_M": round(reader / 1e6, 1)}
        if args.parse:
            parse = count(spec, "parse", args.rows, args.keep)
            figures |= {"parse_M": round(parse / 1e6, 1), "parse_share": round(parse / reader, 3)}
        if not args.no_blank:
            blank = count(spec, "blank", args.rows, args.keep)
            figures |= {
                "blank_M": round(blank / 1e6, 1),
                "share_of_blank": round(blank / reader, 3),
            }
        print(json.dumps(figures), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

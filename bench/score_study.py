"""Score triangulate end to end on a study with a stance answer key.

    python bench/score_study.py --study DIR --truth truth.csv [--out report.md]

For a study in the native layout whose excerpts carry theme codes only, and an
answer key `truth.csv` (`excerpt_id,gold_stance[,note]`) written by someone
who never saw the reader, this runs the whole pipeline twice in scratch
folders:

- **machine**: the study as it is, so every stance is machine-suggested;
- **gold**: the same study with each excerpt's `stance` cell set to its gold
  label, so every stance is the answer key's.

Everything downstream (convergence codes, fit, case classification) of the
gold run is what the study's own readings imply; the machine run's departures
from it are errors that rest on misread excerpts. The report gives:

- stance accuracy, coverage (answers that are not `unclear`) and accuracy on
  answered excerpts, with the confusion of gold against suggested labels;
- per case and theme, the convergence codes of both runs: how many machine
  dissonances the gold run does not have (each listed with its excerpts);
- fit and case classification agreement.

The study folder is never written to; nothing here reads outside it.
"""

from __future__ import annotations

import argparse
import csv
import io
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flows.stages import run_direct  # noqa: E402
from flows.study import load_study  # noqa: E402

CODES = ("agreement", "partial_agreement", "silence", "dissonance")


def read_truth(path: Path) -> dict[str, str]:
    """excerpt id -> gold stance; a row without both is an error naming the row."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    truth = {}
    for number, row in enumerate(rows, start=2):
        if not row.get("excerpt_id") or not row.get("gold_stance"):
            raise SystemExit(f"{path}:{number}: expected excerpt_id and gold_stance")
        truth[row["excerpt_id"].strip()] = row["gold_stance"].strip()
    return truth


def with_gold_stances(study_dir: Path, truth: dict[str, str], target: Path) -> None:
    """Copy the study to `target`, writing each excerpt's gold label into its
    `stance` cell (native layout only)."""
    shutil.copytree(study_dir, target)
    spec = load_study(study_dir).definition.inputs.excerpts
    path = target / spec.path
    with path.open(encoding=spec.encoding, newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    if "stance" not in fields:
        fields.insert(fields.index("code") + 1, "stance")
    missing = [r["excerpt_id"] for r in rows if r["excerpt_id"] not in truth]
    if missing:
        raise SystemExit(f"{path}: excerpts without a gold stance: {', '.join(missing[:10])}")
    for row in rows:
        row["stance"] = truth[row["excerpt_id"]]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding=spec.encoding)


def run(study_dir: Path, out_dir: Path) -> Path:
    """Run the pipeline without Prefect; returns the published database."""
    run_direct(study_dir, out_dir)
    return out_dir / "triangulate.duckdb"


def fetch(db: Path, query: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(query).fetchall()


def score(study_dir: Path, truth: dict[str, str], work: Path) -> dict:
    machine_db = run(study_dir, work / "machine-out")
    with_gold_stances(study_dir, truth, work / "gold-study")
    gold_db = run(work / "gold-study", work / "gold-out")
    runs = {"machine": machine_db, "gold": gold_db}

    readings = fetch(
        machine_db,
        "select excerpt_id, case_id, theme_id, role, suggested_stance, stance_source "
        "from stg_excerpts order by excerpt_id",
    )
    confusion: Counter = Counter()
    by_excerpt = {}
    for excerpt_id, case_id, theme_id, role, suggested, _source in readings:
        gold = truth.get(excerpt_id)
        if gold is None:
            continue
        confusion[(gold, suggested or "none")] += 1
        by_excerpt[excerpt_id] = (case_id, theme_id, role, gold, suggested)
    total = sum(confusion.values())
    right = sum(n for (g, s), n in confusion.items() if g == s)
    answered = sum(n for (_, s), n in confusion.items() if s not in ("unclear", "none"))

    codes = {
        which: {
            (c, t): code
            for c, t, code in fetch(db, "select case_id, theme_id, code from convergence")
        }
        for which, db in runs.items()
    }
    code_pairs = Counter(
        (codes["gold"].get(key, "-"), codes["machine"].get(key, "-"))
        for key in sorted(set(codes["gold"]) | set(codes["machine"]))
    )
    false_dissonance = sorted(
        key
        for key, code in codes["machine"].items()
        if code == "dissonance" and codes["gold"].get(key) != "dissonance"
    )
    missed_dissonance = sorted(
        key
        for key, code in codes["gold"].items()
        if code == "dissonance" and codes["machine"].get(key) != "dissonance"
    )
    fits = {
        which: {(c, t): f for c, t, f in fetch(db, "select case_id, theme_id, fit from fit")}
        for which, db in runs.items()
    }
    classes = {
        which: dict(fetch(db, "select case_id, classification from case_classification"))
        for which, db in runs.items()
    }
    return {
        "excerpts": total,
        "right": right,
        "answered": answered,
        "right_answered": sum(
            n for (g, s), n in confusion.items() if g == s and s not in ("unclear", "none")
        ),
        "confusion": confusion,
        "code_pairs": code_pairs,
        "false_dissonance": [
            (key, [(e, v) for e, v in sorted(by_excerpt.items()) if v[:2] == key])
            for key in false_dissonance
        ],
        "missed_dissonance": missed_dissonance,
        "n_dissonance": {w: sum(c == "dissonance" for c in codes[w].values()) for w in codes},
        "fit_agree": sum(fits["machine"].get(k) == v for k, v in fits["gold"].items()),
        "fit_total": len(fits["gold"]),
        "class_agree": sum(classes["machine"].get(k) == v for k, v in classes["gold"].items()),
        "class_total": len(classes["gold"]),
    }


def report(name: str, s: dict) -> str:
    """The scores as Markdown."""

    def pct(a: int, b: int) -> str:
        return f"{a}/{b} ({a / b:.0%})" if b else "0/0"

    lines = [
        f"## {name}",
        "",
        f"- stances right: {pct(s['right'], s['excerpts'])}; answered (not unclear): "
        f"{pct(s['answered'], s['excerpts'])}; right when answered: "
        f"{pct(s['right_answered'], s['answered'])}",
        f"- dissonance codes: gold run {s['n_dissonance']['gold']}, machine run "
        f"{s['n_dissonance']['machine']}; machine dissonances the gold readings do not "
        f"give (resting on misread excerpts): **{len(s['false_dissonance'])}**; gold "
        f"dissonances missed: {len(s['missed_dissonance'])}",
        f"- fit the same as under gold readings: {pct(s['fit_agree'], s['fit_total'])}; "
        f"case classification the same: {pct(s['class_agree'], s['class_total'])}",
        "",
        "Convergence code, gold readings (rows) by machine readings (columns):",
        "",
        "| gold \\ machine | " + " | ".join(CODES) + " | none |",
        "|---|" + "---:|" * (len(CODES) + 1),
    ]
    for gold in (*CODES, "-"):
        cells = [str(s["code_pairs"].get((gold, m), 0)) for m in (*CODES, "-")]
        lines.append(f"| {gold if gold != '-' else 'none'} | " + " | ".join(cells) + " |")
    lines += ["", "Stances, gold (rows) by suggested (columns):", ""]
    labels = sorted({g for g, _ in s["confusion"]} | {m for _, m in s["confusion"]})
    lines += ["| gold \\ suggested | " + " | ".join(labels) + " |"]
    lines += ["|---|" + "---:|" * len(labels)]
    for gold in sorted({g for g, _ in s["confusion"]}):
        lines.append(
            f"| {gold} | "
            + " | ".join(str(s["confusion"].get((gold, m), 0)) for m in labels)
            + " |"
        )
    if s["false_dissonance"]:
        lines += ["", "Machine dissonances not in the gold run, with the excerpts behind them:", ""]
        for (case_id, theme_id), excerpts in s["false_dissonance"]:
            misread = [
                f"{e} ({v[2]}: gold {v[3]}, read {v[4]})" for e, v in excerpts if v[3] != v[4]
            ]
            lines.append(f"- {case_id} / {theme_id}: misread {', '.join(misread) or 'none'}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--study", type=Path, required=True, help="the study folder")
    parser.add_argument("--truth", type=Path, required=True, help="excerpt_id,gold_stance CSV")
    parser.add_argument("--out", type=Path, help="write the Markdown report here too")
    args = parser.parse_args(argv)
    truth = read_truth(args.truth)
    with tempfile.TemporaryDirectory(prefix="score-study-") as work:
        scores = score(args.study.resolve(), truth, Path(work))
    text = report(args.study.name, scores)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()

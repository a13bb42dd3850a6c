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
- what the machine run held back for review (dissonances and discordant fits
  resting on too few machine readings, docs/methods.md section 7);
- fit and case classification agreement;
- **after review**: a third run on a copy whose review sheet carries the gold
  label of every reading the machine run ranked first (behind a dissonance or a
  discordant fit, held back or not), as a researcher would fill it in; its
  dissonances against the gold run again.

The study folder is never written to; nothing here reads outside it.
"""

from __future__ import annotations

import argparse
import csv
import io
import shutil
import sys
import tempfile
import tomllib
from collections import Counter
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flows import review  # noqa: E402
from flows.nlp.lexicons import load_behaviours  # noqa: E402
from flows.stage_nlp import review_sheet_path  # noqa: E402
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


#: the review sheet's "decides" cells a researcher reviews first (review_rank 1 and 2)
REVIEWED_FIRST = (review.DECIDES[1], review.DECIDES[2])
REVIEWS_FILE = "stance-reviews-gold.csv"


def gold_reviews(sheet: Path, truth: dict[str, str]) -> tuple[str, int]:
    """The machine run's review sheet (CSV) with `your stance` set to the gold label
    on the rows ranked first, as a researcher would fill it in; and how many."""
    with sheet.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    n = 0
    for row in rows:
        if row["decides"] in REVIEWED_FIRST and not row[review.YOUR_STANCE]:
            row[review.YOUR_STANCE] = review.stance_label(truth[row["excerpt id"]])
            n += 1
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue(), n


def _copy_with_keys(study_dir: Path, target: Path, table: str, lines: list[str]) -> None:
    """Copy the study to `target`, adding `lines` (TOML keys) to its study.toml
    `[table]` (appended when the file has none)."""
    shutil.copytree(study_dir, target)
    toml = target / "study.toml"
    text = toml.read_text(encoding="utf-8")
    header = f"\n[{table}]\n"
    keys = "".join(f"{line}\n" for line in lines)
    if header in text:
        text = text.replace(header, header + keys, 1)
    else:
        text = text.rstrip("\n") + "\n" + header + keys
    toml.write_text(text, encoding="utf-8")


def with_reviews(study_dir: Path, sheet_text: str, target: Path) -> None:
    """Copy the study to `target` with `sheet_text` as its stance review sheet
    (`[inputs] stance_reviews`, which it must not already name)."""
    if load_study(study_dir).definition.inputs.stance_reviews:
        raise SystemExit(f"{study_dir}: already names a stance review sheet")
    _copy_with_keys(study_dir, target, "inputs", [f'stance_reviews = "{REVIEWS_FILE}"'])
    (target / REVIEWS_FILE).write_text(sheet_text, encoding="utf-8")


def with_rules(study_dir: Path, rules: list[str], target: Path) -> Path:
    """Copy the study to `target` with `rules` ("name=value", TOML values) added
    to its `[rules]`, to score a candidate rule; a rule the study file already
    sets is refused. Returns `target`."""
    pairs = []
    for rule in rules:
        name, sep, value = rule.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise SystemExit(f"--rule {rule!r}: expected name=value")
        pairs.append((name.strip(), value.strip()))
    with (study_dir / "study.toml").open("rb") as handle:
        already = set(tomllib.load(handle).get("rules", {}))
    clash = sorted(already & {name for name, _ in pairs})
    if clash:
        raise SystemExit(f"{study_dir / 'study.toml'}: [rules] already sets {', '.join(clash)}")
    _copy_with_keys(study_dir, target, "rules", [f"{n} = {v}" for n, v in pairs])
    load_study(target)  # a bad rule stops here, naming the key
    return target


def run(study_dir: Path, out_dir: Path) -> Path:
    """Run the pipeline without Prefect; returns the published database."""
    run_direct(study_dir, out_dir)
    return out_dir / "triangulate.duckdb"


def fetch(db: Path, query: str) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(query).fetchall()


def _dissonances(codes: dict[str, dict], which: str) -> dict[str, list]:
    """Run `which` against the gold run: its dissonances the gold readings do not
    give, and the gold dissonances it does not have."""
    gold, other = codes["gold"], codes[which]
    return {
        "false": sorted(k for k, c in other.items() if c == "dissonance" and gold.get(k) != c),
        "missed": sorted(k for k, c in gold.items() if c == "dissonance" and other.get(k) != c),
    }


def theme_groups(study_dir: Path) -> dict[str, tuple[str, str]]:
    """theme id -> (its component, how it is read): `scheme` where its `behaviour`
    (default: its id) names a scheme theme, else `own, better lower` / `own, better
    higher` (an own theme without `better` is read as higher)."""
    scheme = load_behaviours()
    out = {}
    for theme in load_study(study_dir).definition.themes:
        read = (
            "scheme"
            if (theme.behaviour or theme.id) in scheme
            else f"own, better {theme.better or 'higher'}"
        )
        out[theme.id] = (theme.kind, read)
    return out


def by_group(by_excerpt: dict, false_keys: list, groups: dict) -> list[tuple]:
    """Per component, per way of reading, and per both: (group, excerpts, right,
    answered, misread dissonances)."""
    rows: dict[str, list[int]] = {}
    for _, theme_id, _, gold, read in by_excerpt.values():
        kind, how = groups[theme_id]
        for key in (kind, how, f"{kind}, {how}"):
            n = rows.setdefault(key, [0, 0, 0, 0])
            n[0] += 1
            n[1] += gold == read
            n[2] += read not in ("unclear", "none", None)
    for _, theme_id in false_keys:
        kind, how = groups[theme_id]
        for key in (kind, how, f"{kind}, {how}"):
            rows[key][3] += 1
    return [(key, *rows[key]) for key in sorted(rows)]


def score(study_dir: Path, truth: dict[str, str], work: Path) -> dict:
    machine_db = run(study_dir, work / "machine-out")
    with_gold_stances(study_dir, truth, work / "gold-study")
    gold_db = run(work / "gold-study", work / "gold-out")
    sheet, n_reviewed = gold_reviews(
        review_sheet_path(work / "machine-out").with_suffix(".csv"), truth
    )
    with_reviews(study_dir, sheet, work / "reviewed-study")
    reviewed_db = run(work / "reviewed-study", work / "reviewed-out")
    runs = {"machine": machine_db, "gold": gold_db, "reviewed": reviewed_db}

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
    machine, after = _dissonances(codes, "machine"), _dissonances(codes, "reviewed")
    held = {
        (c, t): n
        for c, t, n in fetch(
            machine_db,
            "select case_id, theme_id, count(*) from convergence_pairs where held_back group by all",
        )
    }
    held_themes = sorted(k for k in held if codes["machine"].get(k) != "dissonance")
    fits = {
        which: {(c, t): f for c, t, f in fetch(db, "select case_id, theme_id, fit from fit")}
        for which, db in runs.items()
    }
    fits_held = {
        (c, t)
        for c, t in fetch(machine_db, "select case_id, theme_id from fit where fit_held_back")
    }
    classes = {
        which: dict(fetch(db, "select case_id, classification from case_classification"))
        for which, db in runs.items()
    }

    def agree(table: dict, which: str) -> int:
        return sum(table[which].get(k) == v for k, v in table["gold"].items())

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
            for key in machine["false"]
        ],
        "missed_dissonance": machine["missed"],
        "n_dissonance": {w: sum(c == "dissonance" for c in codes[w].values()) for w in codes},
        "held_pairs": sum(held.values()),
        "held_themes": [(k, codes["gold"].get(k, "none")) for k in held_themes],
        "held_gold": [k for k in held_themes if codes["gold"].get(k) == "dissonance"],
        "fits_held": sorted(fits_held),
        "fits_held_gold": sorted(k for k in fits_held if fits["gold"].get(k) == "discordance"),
        "n_reviewed": n_reviewed,
        "reviewed_false": after["false"],
        "reviewed_missed": after["missed"],
        "fit_agree": agree(fits, "machine"),
        "fit_agree_reviewed": agree(fits, "reviewed"),
        "fit_total": len(fits["gold"]),
        "class_agree": agree(classes, "machine"),
        "class_agree_reviewed": agree(classes, "reviewed"),
        "class_total": len(classes["gold"]),
        "groups": by_group(by_excerpt, machine["false"], theme_groups(study_dir)),
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
        f"- held back for review (decision 0137): {s['held_pairs']} dissonant pairs on "
        f"{len(s['held_themes'])} case-themes with no published dissonance, "
        f"{len(s['held_gold'])} of them gold dissonances; discordant fits held back: "
        f"{len(s['fits_held'])} ({len(s['fits_held_gold'])} gold discordances)",
        f"- fit the same as under gold readings: {pct(s['fit_agree'], s['fit_total'])}; "
        f"case classification the same: {pct(s['class_agree'], s['class_total'])}",
        f"- after review of the {s['n_reviewed']} readings ranked first (set to their gold "
        f"labels): dissonance codes {s['n_dissonance']['reviewed']}; not in the gold run: "
        f"**{len(s['reviewed_false'])}**; gold dissonances missed: {len(s['reviewed_missed'])}; "
        f"fit the same: {pct(s['fit_agree_reviewed'], s['fit_total'])}; classification the "
        f"same: {pct(s['class_agree_reviewed'], s['class_total'])}",
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
    lines += [
        "",
        "By component and by how the theme is read (its `behaviour` a scheme theme, or "
        "its own with its `better`):",
        "",
        "| themes | excerpts | right | answered | right when answered | misread dissonances |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for key, n, right, answered, false in s["groups"]:
        lines.append(
            f"| {key} | {n} | {pct(right, n)} | {answered} | {pct(right, answered)} | {false} |"
        )
    if s["false_dissonance"]:
        lines += ["", "Machine dissonances not in the gold run, with the excerpts behind them:", ""]
        for (case_id, theme_id), excerpts in s["false_dissonance"]:
            misread = [
                f"{e} ({v[2]}: gold {v[3]}, read {v[4]})" for e, v in excerpts if v[3] != v[4]
            ]
            lines.append(f"- {case_id} / {theme_id}: misread {', '.join(misread) or 'none'}")
    if s["held_themes"]:
        lines += ["", "Held back for review, with the gold run's code:", ""]
        lines += [f"- {c} / {t}: {code}" for (c, t), code in s["held_themes"]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--study", type=Path, required=True, help="the study folder")
    parser.add_argument("--truth", type=Path, required=True, help="excerpt_id,gold_stance CSV")
    parser.add_argument("--out", type=Path, help="write the Markdown report here too")
    parser.add_argument(
        "--rule",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="score the study under this [rules] value too (a candidate rule), e.g. "
        "min_machine_readings=1; repeatable",
    )
    args = parser.parse_args(argv)
    truth = read_truth(args.truth)
    with tempfile.TemporaryDirectory(prefix="score-study-") as work:
        study = args.study.resolve()
        if args.rule:
            study = with_rules(study, args.rule, Path(work) / "study")
        scores = score(study, truth, Path(work))
    name = args.study.name + "".join(f", {rule}" for rule in args.rule)
    text = report(name, scores)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()

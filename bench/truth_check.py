"""Compare a run's results with the answer keys a synthetic study ships.

`compare(db_path, study_dir)` reads the warehouse a run built
(`triangulate.duckdb`) and the study's `truth.json` and `gold_stances.csv`
(written by `flows.synth.generate_study`) and reports:

- classification: how many cases triangulate classifies as the generator
  planned (achieves outcomes or not), with the confusion counts;
- dissonance: of the themes where a conflict was planted, how many are coded
  dissonance (recall), how many more are held back for review (a dissonant pair
  resting on a single machine reading, decision 0137), and how many other
  case-themes are coded dissonance;
- stances: accuracy of the machine-suggested stances against the stance each
  excerpt was written to carry (coded excerpts are excluded: the coded stance wins).
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import duckdb


def compare(db_path: Path, study_dir: Path) -> dict:
    truth = json.loads((Path(study_dir) / "truth.json").read_text(encoding="utf-8"))
    planned = {c["case_id"]: c for c in truth["cases"]}
    with duckdb.connect(str(db_path), read_only=True) as con:
        achieved = dict(con.execute("select case_id, achieved from case_classification").fetchall())
        dissonant = set(
            con.execute(
                "select case_id, theme_id from convergence where code = 'dissonance'"
            ).fetchall()
        )
        held_back = set(
            con.execute(
                "select distinct case_id, theme_id from convergence_pairs where held_back"
            ).fetchall()
        )
        suggested = con.execute(
            "select e.excerpt_id, e.suggested_stance, t.kind from stg_excerpts e "
            "join cfg_themes t using (theme_id) where e.stance_source = 'suggested'"
        ).fetchall()
    confusion: Counter = Counter()
    for case_id, case in planned.items():
        got = achieved.get(case_id)
        confusion[
            f"planned_{'yes' if case['achieves'] else 'no'}_got_{'yes' if got else 'no'}"
        ] += 1
    agree = confusion["planned_yes_got_yes"] + confusion["planned_no_got_no"]
    planted = {(c, t) for c, case in planned.items() for t in case["dissonant_themes"]}
    found = planted & dissonant
    other = dissonant - planted
    other_themes = Counter(theme for _, theme in other)

    gold = {}
    with (Path(study_dir) / "gold_stances.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            gold[row["excerpt_id"]] = row["gold_stance"]
    by_kind: dict[str, Counter] = {}
    for excerpt_id, stance, kind in suggested:
        counts = by_kind.setdefault(kind, Counter())
        counts["n"] += 1
        counts["correct"] += stance == gold.get(excerpt_id)
    n = sum(c["n"] for c in by_kind.values())
    correct = sum(c["correct"] for c in by_kind.values())
    return {
        "classification": {
            "cases": len(planned),
            "agree": agree,
            "agreement": round(agree / len(planned), 4) if planned else None,
            "confusion": dict(sorted(confusion.items())),
        },
        "dissonance": {
            "planted": len(planted),
            "planted_found": len(found),
            "recall": round(len(found) / len(planted), 4) if planted else None,
            "planted_held_back": len((planted - dissonant) & held_back),
            "other_dissonant_case_themes": len(other),
            "other_per_case": round(len(other) / len(planned), 3) if planned else None,
            "other_by_theme": dict(other_themes.most_common()),
        },
        "suggested_stances": {
            "excerpts": n,
            "accuracy": round(correct / n, 4) if n else None,
            "by_kind": {
                k: round(c["correct"] / c["n"], 4) for k, c in sorted(by_kind.items()) if c["n"]
            },
        },
    }

"""Compare two runs' outputs, for a change meant to alter nothing (a developer's
tool, never run by the pipeline).

    # the code before the change, e.g. `git worktree add /tmp/base main`:
    /tmp/base/.venv/bin/python scripts/compare_runs.py run STUDY /tmp/out-before
    .venv/bin/python scripts/compare_runs.py run STUDY /tmp/out-after
    .venv/bin/python scripts/compare_runs.py diff /tmp/out-before /tmp/out-after

`run` runs the pipeline directly (`stages.run_direct`) with the code's own
hashes pinned to a constant (`warehouse.sql_fingerprint`, the provenance
footer's "SQL models SHA-256", and `fingerprints.code_fingerprint`, part of
each dossier's fingerprint): they change with any edit of the code, by design,
and nothing else may. A copy of this file run from another checkout uses that
checkout's code (it imports flows from its own parent folder).

`diff`: every published file (pages, CSV, XLSX, rejects) and the private review
sheet (`review/`) must be byte-identical; `manifest.json` only outside its
`run_id`. The databases are compared table by table (columns, types, rows as a
multiset; the file itself is not byte-stable, decision 0005); tables only in
the second run are listed, only in the first are a difference. Exits 1 on any
difference.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flows import fingerprints, stage_warehouse, stages, warehouse  # noqa: E402
from flows.runs import private_dir  # noqa: E402

PINNED = "0" * 64


def run_pinned(study: Path, out: Path) -> None:
    """The pipeline on `study` into `out`, the code's hashes pinned."""
    warehouse.sql_fingerprint = lambda *_args, **_kwargs: PINNED
    for module in (fingerprints, stage_warehouse, stages):
        module.code_fingerprint = lambda: PINNED
    summary = stages.run_direct(study, out)
    print(f"{len(summary['cases'])} cases in {out}")


def output_files(out: Path) -> dict[str, Path]:
    """The run's files by relative name: the output folder's (not the database)
    and the private review folder's (as `review/...`)."""
    files = {
        p.relative_to(out).as_posix(): p
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != warehouse.DB_NAME
    }
    review = private_dir(out) / "review"
    files |= {f"review/{p.relative_to(review).as_posix()}": p for p in sorted(review.rglob("*"))}
    return {name: path for name, path in files.items() if path.is_file()}


def compare_files(before: Path, after: Path) -> list[str]:
    """Files missing on one side or differing."""
    old, new = output_files(before), output_files(after)
    problems = [f"only in {before}: {n}" for n in sorted(old.keys() - new.keys())]
    problems += [f"only in {after}: {n}" for n in sorted(new.keys() - old.keys())]
    for name in sorted(old.keys() & new.keys()):
        a, b = old[name].read_bytes(), new[name].read_bytes()
        if a == b:
            continue
        if name == "manifest.json":
            a_json, b_json = json.loads(a), json.loads(b)
            a_json.pop("run_id", None)
            b_json.pop("run_id", None)
            if a_json == b_json:
                continue
        problems.append(f"differs: {name}")
    return problems


def compare_tables(before: Path, after: Path) -> tuple[list[str], list[str], int]:
    """(differences, tables only in the second database, tables compared)."""
    problems: list[str] = []
    with duckdb.connect() as con:
        con.execute(f"attach '{before / warehouse.DB_NAME}' as a (read_only)")
        con.execute(f"attach '{after / warehouse.DB_NAME}' as b (read_only)")
        listing = "select table_name from information_schema.tables where table_catalog = ?"
        old = {r[0] for r in con.execute(listing, ["a"]).fetchall()}
        new = {r[0] for r in con.execute(listing, ["b"]).fetchall()}
        problems += [f"table only in {before}: {t}" for t in sorted(old - new)]
        for table in sorted(old & new):
            shape_a = con.execute(f'describe a."{table}"').fetchall()
            shape_b = con.execute(f'describe b."{table}"').fetchall()
            if shape_a != shape_b:
                problems.append(f"columns differ: {table}")
                continue
            (n_a,) = con.execute(f'select count(*) from a."{table}"').fetchone()
            (n_b,) = con.execute(f'select count(*) from b."{table}"').fetchone()
            (extra,) = con.execute(
                f'select count(*) from (select * from a."{table}" except all '
                f'select * from b."{table}")'
            ).fetchone()
            if n_a != n_b or extra:
                problems.append(f"rows differ: {table} ({n_a} vs {n_b} rows)")
        return problems, sorted(new - old), len(old & new)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the pipeline, the code's hashes pinned")
    run.add_argument("study", type=Path)
    run.add_argument("out", type=Path)
    diff = commands.add_parser("diff", help="compare two runs' outputs")
    diff.add_argument("before", type=Path)
    diff.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "run":
        run_pinned(args.study, args.out)
        return 0
    problems = compare_files(args.before, args.after)
    table_problems, added, n_tables = compare_tables(args.before, args.after)
    problems += table_problems
    print(f"{len(output_files(args.before))} files, {n_tables} tables compared")
    if added:
        print(f"tables only in {args.after}: {', '.join(added)}")
    for line in problems:
        print(line)
    print("identical" if not problems else f"{len(problems)} differences")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())

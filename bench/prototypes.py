"""Prototypes of the fixes proposed in docs/performance.md, applied by monkeypatching.

`run_bench.py --prototypes` calls `apply()` in its child processes before the
stages run, so the "after" figures in docs/performance.md come from the same
harness as the "before" ones. Each patch keeps the outputs byte-identical
(`compare_outputs` checks that), and each maps to one change in a file owned
elsewhere; the real change belongs in that file, not here. This module is an
experiment: it follows the code of the commit it was written against
(7ba6f3a) and may stop applying as that code moves on (`apply` then raises,
naming the patch). Commit 6fc889a took over R1, R2, R4 and A1; R3's
`render_cases` here is 7ba6f3a's, so against later code it may render what
that commit rendered rather than the current dossier.

Patches (names as in docs/performance.md):

- R1 `render.environment`: one Jinja environment per process instead of one
  per dossier (templates were compiled again for every case);
- R2 `render.case_context`: the excerpt rows converted to dicts once per case,
  not once per theme (16x);
- R3 `stages.render_cases`: each per-case query run once for all the cases
  (`case_id in (select unnest($case_ids))`) and split by case in Python, and
  `case_overview` read once, instead of 8 queries per case that each scan the
  whole table (quadratic in the number of cases);
- R5 `render._records`: rows as dicts from each column's Python values,
  instead of two object-dtype copies of the frame (`astype(object).where`);
- R4 `stages.case_fingerprints`: the inputs grouped by case once instead of
  filtering every frame for every case (quadratic);
- O1 (flow only) `pipeline._render_all`: the big task arguments wrapped in
  `quote()` so Prefect does not traverse them for each of the N render tasks,
  and the progress artifact updated every 2% instead of per case;
- A1 `stages.audit`: a cheap whole-word token pre-filter (set intersection
  with the first word of every roster name) before the exact regular
  expression, for files, lines and database columns (the database columns are
  tokenised inside DuckDB). Same hits, same order.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from pathlib import Path

import duckdb
import pandas as pd

from flows import render, stages, warehouse

APPLIED: list[str] = []
_WORD = re.compile(r"\w+")


# ---------------------------------------------------------------- R1
def _patch_environment() -> None:
    original = render.environment
    render.environment = functools.lru_cache(maxsize=4)(original)


# ---------------------------------------------------------------- R2
def _patch_case_context() -> None:
    original = render.case_context

    def case_context(*args, **kwargs):
        records = render._records
        memo: dict[int, tuple[pd.DataFrame, list[dict]]] = {}

        def once(frame: pd.DataFrame) -> list[dict]:
            hit = memo.get(id(frame))
            if hit is None:
                hit = memo[id(frame)] = (frame, records(frame))
            return hit[1]

        render._records = once
        try:
            return original(*args, **kwargs)
        finally:
            render._records = records

    render.case_context = case_context


# ---------------------------------------------------------------- R5
def _patch_records() -> None:
    """Rows as dicts straight from the columns' Python values: what
    `astype(object).where(notna(), None).to_dict("records")` gives, without
    building two object copies of the frame."""

    def records(frame: pd.DataFrame) -> list[dict]:
        columns = list(frame.columns)
        values = [frame[c].tolist() for c in columns]
        rows = []
        for row_values in zip(*values, strict=True):
            row = {}
            for key, value in zip(columns, row_values, strict=True):
                if value is None or value is pd.NA or value is pd.NaT:
                    value = None
                elif isinstance(value, float):
                    value = None if value != value else value
                elif hasattr(value, "tolist") and not isinstance(value, str):
                    value = value.tolist()
                row[key] = value
            rows.append(row)
        return rows

    render._records = records


# ---------------------------------------------------------------- R3
def _batched_sql(name: str) -> str:
    sql = (warehouse.SQL_DIR / "queries" / f"{name}.sql").read_text(encoding="utf-8")
    batched, n = re.subn(r"(\w+\.)?case_id\s*=\s*\$case_id", _in_list, sql)
    if n != 1:
        raise RuntimeError(f"R3: expected one `case_id = $case_id` in {name}.sql, found {n}")
    return batched


def _in_list(match: re.Match) -> str:
    # a semi-join on the batch's ids (a hash join), not list_contains per row,
    # which costs rows x batch size
    return f"{match.group(1) or ''}case_id in (select unnest($case_ids))"


def _patch_render_cases() -> None:
    def render_cases(db_path, ingested, cases, out_dir, prov):
        (out_dir / "cases").mkdir(parents=True, exist_ok=True)
        keys = stages.case_fingerprints(ingested)
        study = ingested.study.definition
        env = render.environment()
        written = []
        with duckdb.connect(str(db_path), read_only=True) as con:
            overview = warehouse.query(con, "case_overview")
            for start in range(0, len(cases), 500):  # bounded memory per batch
                chunk = list(cases[start : start + 500])
                split = {}
                for name in stages.CASE_QUERIES:
                    if name == "context":  # a left join on the case id: kept per case
                        split[name] = {
                            c: warehouse.query(con, "case_context", case_id=c) for c in chunk
                        }
                        continue
                    frame = con.execute(_batched_sql(f"case_{name}"), {"case_ids": chunk}).df()
                    groups = {k: g for k, g in frame.groupby("case_id", sort=False)}
                    empty = frame.iloc[0:0]
                    split[name] = {c: groups.get(c, empty) for c in chunk}
                for case_id in chunk:
                    frames = {name: split[name][case_id] for name in stages.CASE_QUERIES}
                    frames = {k: v.reset_index(drop=True) for k, v in frames.items()}
                    context = render.case_context(
                        study,
                        case_id,
                        overview,
                        provenance={**prov, "case_fingerprint": keys[case_id]},
                        **frames,
                    )
                    path = out_dir / "cases" / f"{case_id}.html"
                    path.write_text(render.render_dossier(env, context), encoding="utf-8")
                    written.append(path)
        return written

    stages.render_cases = render_cases


# ---------------------------------------------------------------- R4
def _patch_case_fingerprints() -> None:
    def _digest(digest, frame: pd.DataFrame) -> None:
        digest.update(frame.to_csv(index=False, lineterminator="\n").encode())

    def positions(frame: pd.DataFrame, column: str) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for i, value in enumerate(frame[column].tolist()):
            out.setdefault(value, []).append(i)
        return out

    def case_fingerprints(ingested):
        data = ingested.data
        base = hashlib.sha256(
            (ingested.study.sha256 + stages.code_fingerprint()).encode()
        ).hexdigest()
        names = {pid: names for pid, _, names in data.roster_names}
        people_of: dict[str, set[str]] = {}
        for pid, case in zip(
            data.person_cases["person_id"], data.person_cases["case_id"], strict=True
        ):
            people_of.setdefault(case, set()).add(pid)
        by_case = {
            key: positions(frame, "case_id")
            for key, frame in (
                ("excerpts", data.excerpts),
                ("survey", data.survey),
                ("context", data.context),
            )
        }
        persons = positions(data.persons, "person_id")
        interviews = positions(data.interviews, "person_id")
        keys = {}
        for case_id in data.cases["case_id"]:
            people = sorted(people_of.get(case_id, ()))
            digest = hashlib.sha256(base.encode())
            for key, frame in (
                ("excerpts", data.excerpts),
                ("survey", data.survey),
                ("context", data.context),
            ):
                _digest(digest, frame.iloc[by_case[key].get(case_id, [])])
            for index, frame in ((persons, data.persons), (interviews, data.interviews)):
                rows = sorted(i for p in set(people) for i in index.get(p, []))
                _digest(digest, frame.iloc[rows])
            digest.update(repr([(p, names.get(p, [])) for p in people]).encode())
            keys[case_id] = digest.hexdigest()
        return keys

    stages.case_fingerprints = case_fingerprints


# ---------------------------------------------------------------- A1
def _first_words(roster_names) -> frozenset[str]:
    """The first word of every name and alias, lower-cased: a name can only
    match where its first word stands as a whole word."""
    words = set()
    for _, _, names in roster_names:
        for name in names:
            found = _WORD.findall(unicodedata.normalize("NFKC", name).lower())
            if found:
                words.add(found[0])
    return frozenset(words)


def _patch_audit() -> None:
    original_pattern = stages.name_pattern

    def audit(out_dir: Path, roster_names, extra_texts=None) -> list[dict]:
        pattern = original_pattern(roster_names)
        if pattern is None:
            return []
        first = _first_words(roster_names)

        def suspicious(text: str) -> bool:
            return not first.isdisjoint(_WORD.findall(text.lower()))

        hits = [
            {"where": f"artifact:{key}", "line": 0}
            for key, text in sorted((extra_texts or {}).items())
            if suspicious(text) and pattern.search(text)
        ]
        suffixes = (*stages.TEXT_SUFFIXES, *getattr(stages, "OFFICE_SUFFIXES", ()), ".pdf")
        for path in sorted(out_dir.rglob("*")):
            if not path.is_file() or path.suffix not in suffixes:
                continue
            if path.suffix in getattr(stages, "OFFICE_SUFFIXES", ()):
                text = stages._zip_text(path)
            elif path.suffix == ".pdf":
                from flows.browser import pdf_text

                text = pdf_text(path)
            else:
                text = path.read_text(encoding="utf-8")
            text = unicodedata.normalize("NFKC", text)
            if not suspicious(text):
                continue
            for number, line in enumerate(text.splitlines(), 1):
                if suspicious(line) and pattern.search(line):
                    hits.append({"where": str(path.relative_to(out_dir)), "line": number})
        db_path = out_dir / stages.DB_NAME
        if db_path.exists():
            with duckdb.connect(str(db_path), read_only=True) as con:
                tables = con.execute("select table_name from information_schema.tables").fetchall()
                for (table,) in tables:
                    columns = con.execute(
                        "select column_name from information_schema.columns "
                        "where table_name = ? order by ordinal_position",
                        [table],
                    ).fetchall()
                    for (column,) in columns:
                        # distinct lower-cased words of the column, inside DuckDB
                        # ([\p{L}\p{N}_]+ is RE2's spelling of Python's \w+)
                        words = con.execute(
                            f'select distinct unnest(regexp_extract_all(lower(cast("{column}" as varchar)), '
                            f"'[\\p{{L}}\\p{{N}}_]+')) from \"{table}\""
                        ).fetchall()
                        if first.isdisjoint(w for (w,) in words):
                            continue
                        text = con.execute(f'select "{column}" from "{table}"').df()[column]
                        if text.astype(str).str.contains(pattern, regex=True).any():
                            hits.append({"where": f"{stages.DB_NAME}:{table}.{column}", "line": 0})
        return hits

    stages.audit = audit


# ---------------------------------------------------------------- O1
def _patch_render_all() -> None:
    """The per-case render tasks get the big `ingested` and `prov` wrapped in
    `prefect.utilities.annotations.quote`, so Prefect does not walk them (with
    `visit_collection`, twice per task: resolving parameters and collecting task
    inputs) for every one of the N tasks: that walk is O(N) per task, O(N^2) per run.
    The task function still receives the plain objects. Progress is reported every
    2% instead of after every case (one API call each)."""
    from prefect.artifacts import create_progress_artifact, update_progress_artifact
    from prefect.utilities.annotations import quote

    from flows import pipeline

    def _render_all(jobs, ingested, prov, rebuilt):
        progress_id = create_progress_artifact(
            progress=0.0, key="render-progress", description="Dossiers rendered"
        )
        big, info = quote(ingested), quote(prov)
        futures = [
            pipeline.render_case_task.with_options(refresh_cache=job.case_id in rebuilt).submit(
                job, big, info
            )
            for job in jobs
        ]
        results = []
        step = max(1, len(futures) // 50)
        for done, future in enumerate(futures, 1):
            result = future.result()
            if not Path(result["path"]).exists():
                job = jobs[done - 1]
                result = pipeline.render_case_task.with_options(refresh_cache=True)(job, big, info)
            results.append(result)
            if done % step == 0 or done == len(futures):
                update_progress_artifact(progress_id, progress=100.0 * done / len(futures))
            if pipeline.progress_hook is not None:
                pipeline.progress_hook(done, len(futures))
        return results

    pipeline._render_all = _render_all


PATCHES = {
    "R5": _patch_records,
    "R1": _patch_environment,
    "R2": _patch_case_context,
    "R3": _patch_render_cases,
    "R4": _patch_case_fingerprints,
    "A1": _patch_audit,
}


FLOW_PATCHES = {"O1": _patch_render_all}


def apply(names: list[str] | None = None, flow: bool = False) -> list[str]:
    """Apply the named patches (default: all; with `flow`, the Prefect ones too)."""
    table = {**PATCHES, **(FLOW_PATCHES if flow else {})}
    for name in names or list(table):
        try:
            table[name]()
        except Exception as exc:  # the code moved on: say which patch no longer fits
            raise RuntimeError(f"prototype {name} no longer applies: {exc}") from exc
        APPLIED.append(name)
    return APPLIED


def compare_outputs(a: Path, b: Path) -> list[str]:
    """Relative paths of the .html/.csv files that differ between two output folders."""
    differ = []
    for path in sorted(a.rglob("*")):
        if path.is_file() and path.suffix in (".html", ".csv"):
            other = b / path.relative_to(a)
            if not other.exists() or other.read_bytes() != path.read_bytes():
                differ.append(str(path.relative_to(a)))
    return differ

"""The dossier's case queries (decision 0240): a render chunk reads the overview
rows of its own cases only, and each case query fetches only columns that the
dossier's context code or templates name (each value fetched costs)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import duckdb

from flows import warehouse
from flows.render import dossiers

ROOT = Path(__file__).resolve().parents[1]
READERS = [
    *sorted((ROOT / "templates").glob("*.html")),
    *(ROOT / "flows" / "render" / f"{name}.py" for name in ("pages", "diagram", "badges")),
]


def test_a_chunk_reads_the_overview_rows_of_its_cases_alone(demo_out):
    with duckdb.connect(str(demo_out / warehouse.DB_NAME), read_only=True) as con:
        every = warehouse.query_rows(con, "case_overview")
        chosen = [every[-1]["case_id"], every[0]["case_id"]]
        rows = warehouse.query_rows(con, "case_overviews", case_ids=chosen)
    assert rows == [r for r in every if r["case_id"] in chosen]
    assert len(rows) == 2


def test_each_case_query_fetches_only_columns_the_dossier_names(demo_out):
    source = "\n".join(path.read_text(encoding="utf-8") for path in READERS)
    with duckdb.connect(str(demo_out / warehouse.DB_NAME), read_only=True) as con:
        (case_id,) = con.execute("select min(case_id) from case_classification").fetchone()
        for name in dossiers.CASE_QUERIES:
            cursor = con.execute(warehouse.query_sql(f"case_{name}"), {"case_ids": [case_id]})
            unread = [
                column
                for (column, *_rest) in cursor.description
                if not re.search(rf"\b{re.escape(column)}\b", source)
            ]
            assert unread == [], f"case_{name}.sql fetches {unread}, which no reader names"


#: every informant row and every source column, as the case queries read them before
#: decision 0439: the reference a dossier made from fewer rows must equal
EVERY_INFORMANT = """
select informants.*
from int_informant_stances as informants
inner join cfg_roles as roles on roles.role_id = informants.role
where informants.case_id in (select unnest($case_ids))
order by informants.case_id, informants.theme_id, roles.role_order, informants.person_id
"""
SOURCE_CLAIMS = """
select case_id, theme_id, source, examples from int_source_stances
where case_id in (select unnest($case_ids))
"""
EXCERPT_CODES = """
select excerpt_id, code, role from stg_excerpts where case_id in (select unnest($case_ids))
"""


def _rows(con, sql: str, case_ids: list[str]) -> list[dict]:
    cursor = con.execute(sql, {"case_ids": case_ids})
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def test_the_informants_query_keeps_the_rows_a_dossier_shows(demo_out):
    """Decision 0439: every informant of a theme and role with several, and any
    withdrawn one; no single informant's row (its stance is the cell's)."""
    with duckdb.connect(str(demo_out / warehouse.DB_NAME), read_only=True) as con:
        case_ids = [r for (r,) in con.execute("select case_id from case_classification").fetchall()]
        every = _rows(con, EVERY_INFORMANT, case_ids)
        kept = warehouse.query_rows(con, "case_informants", case_ids=case_ids)
    group = Counter((r["case_id"], r["theme_id"], r["role"]) for r in every)
    shown = [
        r
        for r in every
        if group[r["case_id"], r["theme_id"], r["role"]] > 1 or r["stance"] == "withdrawn"
    ]
    assert kept == shown
    assert 0 < len(kept) < len(every)


def test_every_dossier_is_the_same_from_every_row(demo_out, demo_dir):
    """Decision 0439: the pages made from the case queries equal those made from
    every informant row, the sources' claims and the excerpts' codes and role ids
    (what the queries left out)."""
    from flows import stages
    from flows.render import pages

    ingested = stages.ingest(demo_dir)
    study = ingested.study.definition
    env = pages.shared_environment()
    prov = {"study_file": "s", "study_sha256": "h", "inputs": [], "versions": {}, "sql_sha256": "q"}
    prov |= {"nlp": "n", "deidentification": "d", "case_fingerprint": "f"}
    with duckdb.connect(str(demo_out / warehouse.DB_NAME), read_only=True) as con:
        case_ids = [r for (r,) in con.execute("select case_id from case_classification").fetchall()]
        rows = dossiers.case_rows(con, case_ids)
        overview = warehouse.query_rows(con, "case_overviews", case_ids=case_ids)
        every = _rows(con, EVERY_INFORMANT, case_ids)
        claims = {
            (r["case_id"], r["theme_id"], r["source"]): r["examples"]
            for r in _rows(con, SOURCE_CLAIMS, case_ids)
        }
        codes = {r["excerpt_id"]: r for r in _rows(con, EXCERPT_CODES, case_ids)}
    listed = 0
    for case_id in case_ids:
        fewer = pages.case_context(study, case_id, overview, provenance=prov, **rows[case_id])
        full = {
            **rows[case_id],
            "informants": [r for r in every if r["case_id"] == case_id],
            "sources": [
                {**r, "examples": claims[case_id, r["theme_id"], r["source"]]}
                for r in rows[case_id]["sources"]
            ],
            "excerpts": [{**r, **codes[r["excerpt_id"]]} for r in rows[case_id]["excerpts"]],
        }
        reference = pages.case_context(study, case_id, overview, provenance=prov, **full)
        assert pages.render_dossier(env, fewer) == pages.render_dossier(env, reference), case_id
        listed += sum(bool(c["informants"]) for row in fewer["matrix"] for c in row["cells"])
    assert listed  # some cell lists its informants

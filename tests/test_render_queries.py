"""The dossier's case queries (decision 0240): a render chunk reads the overview
rows of its own cases only, and each case query fetches only columns that the
dossier's context code or templates name (each value fetched costs)."""

from __future__ import annotations

import re
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

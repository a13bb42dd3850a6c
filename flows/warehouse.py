"""The DuckDB warehouse: load the ingested tables, run the SQL models in order.

Every `.sql` file under `sql/staging`, `sql/intermediate` and `sql/marts` is a
single SELECT; it becomes a table named after the file, layer by layer, files
in name order within a layer (dbt-style). `sql/queries/` holds parameterised
read queries used by rendering and export.
"""

from __future__ import annotations

import functools
import graphlib
import hashlib
import re
from pathlib import Path

import duckdb
import pandas as pd

from flows.study import Study

PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: the database file in an output folder
DB_NAME = "triangulate.duckdb"
SQL_DIR = PROJECT_ROOT / "sql"
LAYERS = ("staging", "intermediate", "marts")


def model_files(sql_dir: Path = SQL_DIR) -> list[Path]:
    """The model files in run order: layer by layer; within a layer, a model
    runs after the models it reads from (found by name in its SQL). The order
    is worked out once per process for the same files and texts (a re-run asks
    for it several times; the regular expressions were most of its cost)."""
    files = tuple(
        (layer, path, path.read_text("utf-8"))
        for layer in LAYERS
        for path in sorted((sql_dir / layer).glob("*.sql"))
    )
    return list(_ordered(files))


@functools.lru_cache(maxsize=8)
def _ordered(files: tuple[tuple[str, Path, str], ...]) -> tuple[Path, ...]:
    ordered: list[Path] = []
    for layer in LAYERS:
        paths = {path.stem: path for lay, path, _ in files if lay == layer}
        texts = {path.stem: _strip_comments(text) for lay, path, text in files if lay == layer}
        graph = {
            name: {o for o in paths if o != name and re.search(rf"\b{re.escape(o)}\b", texts[name])}
            for name in paths
        }
        sorter = graphlib.TopologicalSorter(graph)
        sorter.prepare()
        while sorter.is_active():
            ready = sorted(sorter.get_ready())
            ordered += [paths[name] for name in ready]
            sorter.done(*ready)
    return tuple(ordered)


def _strip_comments(sql: str) -> str:
    return re.sub(r"--[^\n]*", "", sql)


def sql_fingerprint(sql_dir: Path = SQL_DIR) -> str:
    """A hash of every SQL file, for provenance and cache keys."""
    digest = hashlib.sha256()
    for path in sorted(sql_dir.rglob("*.sql")):
        digest.update(path.relative_to(sql_dir).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def config_frames(study: Study) -> dict[str, pd.DataFrame]:
    """The study definition as tables the SQL models join against."""
    return {
        "cfg_roles": pd.DataFrame(
            [
                {"role_id": r.id, "label": r.label, "per_case": r.per_case, "role_order": i}
                for i, r in enumerate(study.roles)
            ]
        ),
        "cfg_themes": pd.DataFrame(
            [
                {
                    "theme_id": t.id,
                    "label": t.label,
                    "kind": t.kind,
                    "components": ",".join(t.components),
                    "is_activity": t.activity,
                    "counts_as_outcome": t.kind == "outcome" and t.counts_as_outcome,
                    "survey_domain": t.survey_domain,
                    "theme_order": i,
                }
                for i, t in enumerate(study.themes)
            ]
        ),
        "cfg_survey_items": pd.DataFrame(
            [
                {
                    "item_id": s.id,
                    "label": s.label,
                    "unit": s.unit,
                    "domain": s.domain,
                    "better": s.better,
                    "mcid": float(s.mcid),
                    "example": s.example,
                    "item_order": i,
                }
                for i, s in enumerate(study.survey_items)
            ],
            columns=[
                "item_id",
                "label",
                "unit",
                "domain",
                "better",
                "mcid",
                "example",
                "item_order",
            ],
        ),
        "cfg_context_variables": pd.DataFrame(
            [
                {"variable_id": v.id, "label": v.label, "variable_order": i}
                for i, v in enumerate(study.context_variables)
            ],
            columns=["variable_id", "label", "variable_order"],
        ),
        "cfg_rules": pd.DataFrame([study.rules.model_dump()]),
    }


def load_tables(con: duckdb.DuckDBPyConnection, frames: dict[str, pd.DataFrame]) -> None:
    """Create (or replace) one table per frame."""
    for name, frame in frames.items():
        con.register("_frame", frame)
        con.execute(f'create or replace table "{name}" as select * from _frame')
        con.unregister("_frame")


def run_models(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> list[str]:
    """Run every model file in order; returns the table names built."""
    built = []
    for path in model_files(sql_dir):
        run_model(con, path, sql_dir)
        built.append(path.stem)
    return built


def run_model(con: duckdb.DuckDBPyConnection, path: Path, sql_dir: Path = SQL_DIR) -> None:
    """Build (or rebuild) the table of one model file."""
    sql = path.read_text(encoding="utf-8")
    try:
        con.execute(f'create or replace table "{path.stem}" as\n{sql}')
    except duckdb.Error as exc:
        raise RuntimeError(f"{path.relative_to(sql_dir.parent)}: {exc}") from exc


def query(
    con: duckdb.DuckDBPyConnection, name: str, sql_dir: Path = SQL_DIR, **params
) -> pd.DataFrame:
    """Run `sql/queries/<name>.sql` with named parameters ($name in the file)."""
    return con.execute(query_sql(name, sql_dir), params or None).df()


def query_rows(
    con: duckdb.DuckDBPyConnection, name: str, sql_dir: Path = SQL_DIR, **params
) -> list[dict]:
    """Like `query`, as a list of dicts straight from DuckDB (NULL is None, lists
    are lists; no pandas frame is built)."""
    cursor = con.execute(query_sql(name, sql_dir), params or None)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def query_sql(name: str, sql_dir: Path = SQL_DIR) -> str:
    """The text of `sql/queries/<name>.sql`."""
    return (sql_dir / "queries" / f"{name}.sql").read_text(encoding="utf-8")


def build_warehouse(
    db_path: Path, frames: dict[str, pd.DataFrame], sql_dir: Path = SQL_DIR
) -> list[str]:
    """Create the database file from scratch, load the frames and run the models."""
    db_path.unlink(missing_ok=True)
    with duckdb.connect(str(db_path)) as con:
        load_tables(con, frames)
        return run_models(con, sql_dir)

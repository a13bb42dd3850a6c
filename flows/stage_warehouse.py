"""The SQL stage: the frames the SQL models start from, the DuckDB warehouse
(updated incrementally in the private cache, `flows.incremental`), and the
cross-case QCA stored beside the marts.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pandas as pd

from flows import warehouse
from flows.fingerprints import code_fingerprint
from flows.privacy import withdrawn
from flows.privacy.audit import names_fingerprint
from flows.stage_ingest import Ingested
from flows.stage_publish import store_dir


def warehouse_frames(ingested: Ingested, excerpts: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The tables the SQL models start from (no names: the roster's names stay out)."""
    data = ingested.data
    if "reviewed_stance" not in excerpts.columns:
        excerpts = excerpts.assign(
            reviewed_stance=pd.Series(None, index=excerpts.index, dtype=object)
        )
    return {
        "raw_cases": data.cases,
        # a withdrawn participant has no row (decision 0384)
        **withdrawn.published_people(data),
        "raw_excerpts": excerpts[excerpts["case_id"].notna()].reset_index(drop=True),
        # pseudonymised like every excerpt; about no case: shown in the index only
        "raw_programme_excerpts": excerpts[excerpts["case_id"].isna()].reset_index(drop=True),
        "raw_survey": data.survey,
        "raw_context": screened_context(ingested),
        "raw_rejects": data.rejects,
        **warehouse.config_frames(ingested.study.definition),
    }


def screened_context(ingested: Ingested) -> pd.DataFrame:
    """The context values (a survey's or a QDA project's case variables) with the
    names nobody put on the roster replaced by `[person]`, as in excerpt text
    (`stage_nlp.name_guard`: titles, parts of roster names, the gazetteer;
    decision 0286). A free-text variable ("lives with daughter Sofie", a walking
    group named after its leader) was published as typed, and the audit searches
    for roster names only. A roster name there still fails the audit. E-mail
    addresses, phone and CPR numbers, addresses and dates go first, as in excerpt
    text (decision 0445: "mail me at ...", a phone number "if I am not in")."""
    from flows.privacy.pseudonymise import replace_identifiers
    from flows.stage_nlp import name_guard

    context = ingested.data.context
    if context.empty:
        return context
    guard = name_guard(ingested)
    # once per distinct text (decision 0381): "urban", "yes", an age band repeat
    # across the cases, and `replace` is a pure function of the text
    replaced: dict[str, str] = {}
    values = []
    for value in context["value"].tolist():
        if isinstance(value, str):
            found = replaced.get(value)
            if found is None:
                found = replaced[value] = guard.replace(replace_identifiers(value))[0]
            value = found
        values.append(value)
    return context.assign(value=pd.Series(values, index=context.index, dtype=object))


def build_warehouse(db_path: Path, frames: dict[str, pd.DataFrame]) -> list[str]:
    """Create the DuckDB file and run the SQL models; returns the models built."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    return warehouse.build_warehouse(db_path, frames)


def update_warehouse(
    db_path: Path,
    ingested: Ingested,
    excerpts: pd.DataFrame,
    out_dir: Path,
    nlp_model: str | None,
    keys: dict[str, str],
):
    """Update the warehouse kept in the private cache (only the changed cases'
    rows, `flows.incremental`), analyse it (QCA, `analyse_cross_case`, kept
    when its inputs did not change), then copy it to `db_path` to be published.
    `keys`: this run's `case_fingerprints(ingested, nlp_model)` (required, like
    every cache key that decides what is reused). Returns the `incremental.Update`,
    with the QCA's counts as its `qca`."""
    from flows import incremental

    cache_db = incremental.cache_database(store_dir(out_dir))
    shared = shared_key(ingested, nlp_model)
    update = incremental.update_warehouse(
        cache_db,
        warehouse_frames(ingested, excerpts),
        keys,
        shared,
        ingested.name_set(),
        analyse=lambda con: analyse_in(con, cache_db, kept=shared),
    )
    incremental.publish_copy(cache_db, db_path)
    return update


def shared_key(ingested: Ingested, nlp_model: str | None = None) -> str:
    """A key of what every case's results depend on: the study file, the code
    (SQL included), the identifiers and the NLP model; and the roster's names
    and statuses, so that a withdrawal or a new name rebuilds the warehouse in a
    fresh file (no deleted row's bytes left behind)."""
    persons = ingested.data.persons
    statuses = sorted(zip(persons["person_id"], persons["status"], strict=True))
    parts = (
        ingested.study.sha256,
        code_fingerprint(),
        repr(ingested.identifiers),
        repr(nlp_model),
        names_fingerprint(ingested.name_set()),
        repr(statuses),
    )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


#: the QCA's input queries (sql/queries/qca_inputs_<name>.sql)
QCA_INPUTS = ("conditions", "truth_table", "settings", "diversity")
#: the tables `analyse_cross_case` stores (`QCAResult.tables`)
QCA_TABLES = ("qca_parameters", "qca_solutions", "qca_solution_terms", "qca_notes")


def analyse_cross_case(db_path: Path, kept: str | None = None) -> dict:
    """Crisp-set QCA over the marts' truth table; stores its solutions as tables
    (`analyse_in` on a connection of its own)."""
    with duckdb.connect(str(db_path)) as con:
        return analyse_in(con, Path(db_path), kept)


def analyse_in(con: duckdb.DuckDBPyConnection, db_path: Path, kept: str | None = None) -> dict:
    """`analyse_cross_case` on an open connection to the database at `db_path`;
    returns the counts of conditions, solutions and notes.

    `kept`: the warehouse's shared key (`shared_key`), for the database kept in
    the private cache: when its QCA tables were made from inputs with the same
    rows under the same key (`qca.json` beside it), they are kept as they are
    and nothing is analysed again (decision 0272). `flows.qca` is imported only
    to analyse (about 0.03 s of CPU a kept run)."""
    record = db_path.with_name("qca.json") if kept is not None else None
    digest = _qca_inputs_digest(con, kept) if kept is not None else None
    if record is not None and _qca_kept(con, record) == digest:
        return json.loads(record.read_text("utf-8"))["counts"]
    if record is not None:
        record.unlink(missing_ok=True)  # the tables change: no record until they are in
    from flows import qca

    result = qca.analyse(
        warehouse.query(con, "qca_inputs_conditions"),
        warehouse.query(con, "qca_inputs_truth_table"),
        settings=qca.Settings.from_frame(warehouse.query(con, "qca_inputs_settings")),
    )
    diversity = qca.Diversity.from_frame(warehouse.query(con, "qca_inputs_diversity"))
    result = qca.withhold_solutions(result, diversity)
    warehouse.load_tables(con, result.tables())
    counts = {
        "conditions": len(result.conditions),
        "solutions": len(result.solutions),
        "notes": len(result.notes),
    }
    if record is not None:  # the tables are committed (the write-ahead log holds them)
        record.write_text(json.dumps({"inputs": digest, "counts": counts}), "utf-8")
    return counts


def _qca_inputs_digest(con: duckdb.DuckDBPyConnection, shared: str) -> str:
    """A digest of the shared key and the QCA's input rows (columns, types, values)."""
    digest = hashlib.sha256(shared.encode())
    for name in QCA_INPUTS:
        relation = con.sql(warehouse.query_sql(f"qca_inputs_{name}"))
        digest.update(repr((name, relation.columns, relation.types, relation.fetchall())).encode())
    return digest.hexdigest()


def _qca_kept(con: duckdb.DuckDBPyConnection, record: Path) -> str | None:
    """The input digest the stored QCA tables were made from (None: not all there)."""
    try:
        digest = json.loads(record.read_text("utf-8"))["inputs"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    tables = {t for (t,) in con.execute("select table_name from duckdb_tables()").fetchall()}
    return digest if tables.issuperset(QCA_TABLES) else None


def case_overview(db_path: Path) -> pd.DataFrame:
    """Every case's classification row."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        return warehouse.query(con, "case_overview")


def case_ids(db_path: Path) -> list[str]:
    return case_overview(db_path)["case_id"].tolist()

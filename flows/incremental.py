"""The incremental warehouse: a re-run recomputes only the cases that changed.

The database persists between runs in the private cache area
(`cache_database`), with a small JSON state beside it: the key of everything
shared by all cases (study file, code, SQL, identifiers, NLP model), each
case's fingerprint (`stages.case_fingerprints`) and the names its contents
were audited against.

Every model under sql/staging, sql/intermediate and sql/marts is **per case**
(its rows for a case depend only on that case's input rows; it has a
`case_id` column) unless its file says otherwise in a header line

    -- grain: cross-case

(the QCA marts). A run with the same shared key updates the database in place:

1. the case-keyed input tables (a `case_id` column) get the changed cases'
   rows (`DELETE ... WHERE case_id IN changed` + `INSERT`); the other inputs
   (configuration, persons, interviews, rejects) are replaced whole;
2. each per-case model's SQL file runs, unchanged, over the changed cases'
   rows: temporary tables of the same names shadow the inputs (DuckDB resolves
   an unqualified name to a temporary table first), so the model reads only
   the changed cases; its result replaces those cases' rows in the model's table;
3. every cross-case model is rebuilt from the (now current) per-case tables.

Otherwise (first run, changed study file, SQL or code) every model is built
from scratch, as `warehouse.build_warehouse` does. Either way the tables hold
the same rows (tests/test_incremental.py).

The rows a run adds are searched for roster names as they are computed, so the
final leak audit skips them (`Update.audited_tables`).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from flows import warehouse

#: a model file holding this line is rebuilt whole from the per-case tables
CROSS_CASE = re.compile(r"^--\s*grain:\s*cross-case\b", re.MULTILINE)
STATE_VERSION = 1
#: more changed cases than this share of all: rebuild from scratch (cheaper)
FULL_REBUILD_SHARE = 0.5
# `whole_digests` key suffix of a case-keyed table's rows that have no case
NO_CASE = "#no-case"


def cache_database(store: Path) -> Path:
    """Where the persistent warehouse lives: the run's private cache folder
    (`stages.store_dir`). The one place to repoint it."""
    return store / "warehouse.duckdb"


def is_cross_case(path: Path) -> bool:
    """Whether a model file declares itself cross-case (`-- grain: cross-case`)."""
    return bool(CROSS_CASE.search(path.read_text(encoding="utf-8")))


@dataclass
class Update:
    """What `update_warehouse` did."""

    models: list[str]
    #: None: built from scratch; else the cases recomputed (changed, added or removed)
    changed: list[str] | None
    #: tables whose every row is audited against the current names (the final
    #: audit skips them)
    audited_tables: list[str] = field(default_factory=list)
    #: roster names found in the rows this run added ({"where", "line"} like `audit.audit`)
    hits: list[dict] = field(default_factory=list)
    #: what `update_warehouse`'s `analyse` returned (the QCA's counts)
    qca: dict = field(default_factory=dict)

    @property
    def full(self) -> bool:
        return self.changed is None


def _state_path(db_path: Path) -> Path:
    return db_path.with_suffix(".json")


def read_state(db_path: Path) -> dict | None:
    path = _state_path(db_path)
    if not (db_path.exists() and path.exists()):
        return None
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return state if state.get("version") == STATE_VERSION else None


def _write_state(db_path: Path, state: dict) -> None:
    path = _state_path(db_path)
    path.write_text(json.dumps({"version": STATE_VERSION, **state}, sort_keys=True), "utf-8")


def changed_cases(previous: dict[str, str], current: dict[str, str]) -> list[str]:
    """Cases whose key differs, and cases added or removed, sorted."""
    return sorted(c for c in previous.keys() | current.keys() if previous.get(c) != current.get(c))


def update_warehouse(
    db_path: Path,
    frames: dict[str, pd.DataFrame],
    case_keys: dict[str, str],
    shared_key: str,
    names: tuple[str, ...] = (),
    sql_dir: Path = warehouse.SQL_DIR,
    full_rebuild_share: float = FULL_REBUILD_SHARE,
    analyse: Callable[[duckdb.DuckDBPyConnection], dict] | None = None,
) -> Update:
    """Bring the persistent database at `db_path` up to date with `frames`.

    `case_keys`: each case's fingerprint; `shared_key`: a key of everything
    the cases share (a change rebuilds all). `names`: the roster names
    (`audit.distinct_names`) the rows added are searched for. `analyse`: called
    with the open connection once the tables are current, before the database
    is checkpointed (the QCA, `stage_warehouse.analyse_in`); what it returns is
    the update's `qca`."""
    from flows.privacy.audit import names_fingerprint

    db_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    state = read_state(db_path)
    changed = None
    schema = frames_schema(frames)
    if state is not None and (state.get("shared"), state.get("schema")) == (shared_key, schema):
        changed = changed_cases(state.get("cases", {}), case_keys)
        if len(changed) > full_rebuild_share * max(len(case_keys), 1):
            changed = None
    _state_path(db_path).unlink(missing_ok=True)  # an interrupted update leaves no state
    audited = state is not None and state.get("names") == names_fingerprint(names)
    whole = whole_digests(frames)
    kept = dict(state.get("whole") or {}) if changed is not None else {}
    if changed is not None and no_case_rows_changed(kept, whole):
        changed = None  # decision 0456
    if changed == [] and audited and kept == whole:
        update = _unchanged(db_path, frames, sql_dir, analyse)  # decision 0436
    elif changed is None:
        Path(f"{db_path}.wal").unlink(missing_ok=True)  # nothing of an interrupted run replays
        models = warehouse.build_warehouse(db_path, frames, sql_dir)
        update = Update(models, None)
        with duckdb.connect(str(db_path)) as con:
            update.audited_tables = _case_tables(frames, sql_dir)
            update.hits = _audit(con, update.audited_tables, names)
            update.qca = analyse(con) if analyse else {}
            con.execute("checkpoint")
    else:
        same = {name for name, digest in whole.items() if kept.get(name) == digest}
        update = _update_cases(db_path, frames, changed, names, sql_dir, audited, analyse, same)
    _write_state(
        db_path,
        {
            "shared": shared_key,
            "schema": schema,
            "cases": dict(sorted(case_keys.items())),
            # the tables without a case as they were loaded (`whole_digests`)
            "whole": whole,
            # every row of the per-case tables audited clean against these names
            "names": names_fingerprint(names) if not update.hits else None,
        },
    )
    return update


def whole_digests(frames: dict[str, pd.DataFrame]) -> dict[str, str]:
    """A SHA-256 per input table without a `case_id` column (persons, interviews,
    rejects, the study's configuration), of its columns and every row's values
    (`fingerprints`' row texts: a missing value as None). The case-keyed tables
    are covered by the cases' keys; these are replaced whole by an update, and
    kept as they are when their digest is the one the state recorded for the
    tables in the database (decision 0436). A case-keyed table's rows of no case,
    which no case key covers, get an entry of their own, `<table>#no-case`
    (`no_case_rows_changed`, decision 0456)."""
    from flows.fingerprints import _row_texts

    digests = {}
    for name, frame in sorted(frames.items()):
        if "case_id" in frame.columns:  # e.g. a QDA project's programme-level passages
            loose = frame[frame["case_id"].isna()]
            if loose.empty:
                continue
            name, frame = f"{name}{NO_CASE}", loose
        digest = hashlib.sha256(repr(list(map(str, frame.dtypes))).encode())
        for row in _row_texts(frame):
            digest.update(row)
        digests[name] = digest.hexdigest()
    return digests


def no_case_rows_changed(kept: dict[str, str], whole: dict[str, str]) -> bool:
    """Whether the rows of no case in a case-keyed table differ from the ones the
    database holds (`whole_digests`' entries ending in `NO_CASE`). An update
    replaces a changed case's rows only, so these would stay as they were: the
    warehouse is built again instead (decision 0456)."""
    loose = {k for k in kept.keys() | whole.keys() if k.endswith(NO_CASE)}
    return any(kept.get(k) != whole.get(k) for k in loose)


def _unchanged(
    db_path: Path,
    frames: dict[str, pd.DataFrame],
    sql_dir: Path,
    analyse: Callable[[duckdb.DuckDBPyConnection], dict] | None,
) -> Update:
    """No case changed, no table without a case changed, and every row was audited
    clean against these names: the update would write the rows the database holds
    (the models are pure functions of their input tables), so nothing is written
    (decision 0436). The QCA is asked as an update would ask it (its kept tables
    are found by their inputs' digest), and the case tables count as audited."""
    update = Update([], [], _case_tables(frames, sql_dir))
    with duckdb.connect(str(db_path)) as con:
        update.qca = analyse(con) if analyse else {}
        con.execute("checkpoint")
    return update


def loses_text(con: duckdb.DuckDBPyConnection, frames: dict[str, pd.DataFrame], changed) -> bool:
    """Whether updating the database `con` to `frames` (the `changed` cases' rows,
    and the tables without a case, replaced) drops a text that no new row holds,
    whole or inside a longer text: an excerpt taken out, a passage cut from one,
    an interview's mode edited. Then the freed blocks would keep what the live
    rows no longer tell, and `compact` must follow. A text only added to (a
    sentence appended) or kept loses nothing; derived tables hold what their
    inputs' texts hold.

    One query for the text columns of every table and one per table for their
    distinct values (decision 0382: a query per column was about a hundred)."""
    texts: dict[str, list[str]] = {}
    for table, column in con.execute(
        "select table_name, column_name from duckdb_columns() where schema_name = 'main' "
        "and data_type = 'VARCHAR' order by table_name, column_index"
    ).fetchall():
        texts.setdefault(table, []).append(column)
    for name, frame in frames.items():
        keyed = "case_id" in frame.columns
        columns = texts.get(name, [])
        if (keyed and not changed) or not columns:
            continue
        if any(column not in frame.columns for column in columns):
            return True  # a column gone: its values too
        rows = frame[frame["case_id"].isin(changed)] if keyed else frame
        where = "where list_contains(?::varchar[], case_id)" if keyed else ""
        lists = ", ".join(f'list_distinct(list("{column}"))' for column in columns)
        (found,) = con.execute(
            f'select {lists} from main."{name}" {where}', [changed] if keyed else []
        ).fetchall()
        for column, old in zip(columns, found, strict=True):
            new = set(rows[column].dropna().astype(str))
            gone = [v for v in old or () if v and v not in new]
            if any(not any(v in n for n in new) for v in gone):
                return True
    return False


def compact(db_path: Path) -> None:
    """Rewrite the database into a fresh file holding its live rows only (decision
    0285). An update deletes the changed cases' rows and replaces the cross-case
    tables; DuckDB frees their blocks but does not clear them, so a deleted
    excerpt's text (a passage removed at a participant's request, a name edited
    out) stayed in the file's bytes, and in the published copy. `COPY FROM
    DATABASE` into a new file, which then replaces the old one (owner-only)."""
    fresh = db_path.with_name(f"{db_path.name}.compact")
    fresh.unlink(missing_ok=True)
    Path(f"{fresh}.wal").unlink(missing_ok=True)
    with duckdb.connect(str(db_path)) as con:
        (catalog,) = con.execute("select current_database()").fetchone()
        target = str(fresh).replace("'", "''")
        con.execute(f"attach '{target}' as _compact")
        con.execute(f'copy from database "{catalog}" to _compact')
        con.execute("detach _compact")
    fresh.chmod(0o600)
    fresh.replace(db_path)
    Path(f"{db_path}.wal").unlink(missing_ok=True)


def frames_schema(frames: dict[str, pd.DataFrame]) -> str:
    """A digest of the input frames' column types, and of which columns hold no
    value at all: DuckDB types a table's columns from the frame it is made of
    (a column of only missing values becomes type NULL, an integer column with
    a missing value DOUBLE), so rows of another type cannot be inserted into
    the stored tables; any difference rebuilds the warehouse."""
    parts = []
    for name in sorted(frames):
        frame = frames[name]
        empty = frame.isna().all().tolist() if len(frame) else [True] * len(frame.columns)
        parts.append(
            [name, *zip(map(str, frame.columns), map(str, frame.dtypes), empty, strict=True)]
        )
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _case_tables(frames: dict[str, pd.DataFrame], sql_dir: Path) -> list[str]:
    """The case-keyed input tables and the per-case models' tables."""
    keyed = [name for name, frame in frames.items() if "case_id" in frame.columns]
    return keyed + [p.stem for p in warehouse.model_files(sql_dir) if not is_cross_case(p)]


def _audit(con: duckdb.DuckDBPyConnection, tables: list[str], names: tuple[str, ...]) -> list:
    from flows.privacy.audit import audit_tables, screen_for

    return audit_tables(con, tables, screen_for(names))


def _update_cases(
    db_path: Path,
    frames: dict[str, pd.DataFrame],
    changed: list[str],
    names: tuple[str, ...],
    sql_dir: Path,
    audited: bool,
    analyse: Callable[[duckdb.DuckDBPyConnection], dict] | None = None,
    same: set[str] = frozenset(),
) -> Update:
    """Recompute the per-case models for `changed` and rebuild the cross-case ones.
    The rows added are audited for `names` (every row, unless the others were
    `audited` against the same names before). When the update drops a text no
    new row holds, the file is rewritten afterwards (`loses_text`, `compact`).
    `same`: the tables without a case whose rows the database holds already
    (`whole_digests`): not loaded again."""
    keyed = {name: frame for name, frame in frames.items() if "case_id" in frame.columns}
    whole = {n: f for n, f in frames.items() if n not in keyed and n not in same}
    files = warehouse.model_files(sql_dir)
    cross = cross_case_models(sql_dir)
    per_case = [p for p in files if p.stem not in cross]
    with duckdb.connect(str(db_path)) as con:
        (catalog,) = con.execute("select current_database()").fetchone()
        main = f'"{catalog}".main'
        loses = loses_text(con, {n: f for n, f in frames.items() if n not in same}, changed)
        con.execute("begin transaction")
        con.register("_changed_frame", pd.DataFrame({"case_id": changed}, dtype=object))
        con.execute(
            "create temp table _changed as select case_id::varchar as case_id from _changed_frame"
        )
        con.unregister("_changed_frame")
        warehouse.load_tables(con, whole)
        for name, frame in keyed.items():
            rows = frame[frame["case_id"].isin(changed)]
            con.register("_frame", rows)
            con.execute(f'create temp table "{name}" as select * from {main}."{name}" limit 0')
            con.execute(f'insert into temp."{name}" by name select * from _frame')
            con.unregister("_frame")
            _replace_rows(con, main, name)
        for path in per_case:
            _check_reads_no_cross_case(path, cross, sql_dir)
            sql = path.read_text(encoding="utf-8")
            try:
                con.execute(f'create temp table "{path.stem}" as\n{sql}')
            except duckdb.Error as exc:
                raise RuntimeError(f"{path.relative_to(sql_dir.parent)}: {exc}") from exc
            if "case_id" not in con.table(f"temp.{path.stem}").columns:
                raise RuntimeError(
                    f"{path.relative_to(sql_dir.parent)}: a per-case model needs a case_id "
                    "column; mark a model over all cases with '-- grain: cross-case'"
                )
            _replace_rows(con, main, path.stem)
        # the rows this run adds (or all rows), searched for names
        new_tables = [*keyed, *(p.stem for p in per_case)]
        hits = _audit(con, [f"{'temp' if audited else main}.{t}" for t in new_tables], names)
        for name in [*keyed, *(p.stem for p in per_case), "_changed"]:
            con.execute(f'drop table temp."{name}"')
        built = [p.stem for p in per_case]
        for path in files:
            if path.stem in cross:
                warehouse.run_model(con, path, sql_dir)
                built.append(path.stem)
        con.execute("commit")
        qca = analyse(con) if analyse else {}
        con.execute("checkpoint")  # all in the file before it is copied to be published
    if loses:  # the freed blocks would hold text no live row holds (0285)
        compact(db_path)
    models = [p.stem for p in files if p.stem in built]
    return Update(models, changed, new_tables, hits=hits, qca=qca)


def _replace_rows(con: duckdb.DuckDBPyConnection, main: str, table: str) -> None:
    """The changed cases' rows of the database's `table` replaced by those of
    the temporary table of that name (`main`: the database's main schema,
    named with its catalog: a bare "main" would find the temporary one)."""
    con.execute(
        f'delete from {main}."{table}" where case_id in (select case_id from temp._changed)'
    )
    con.execute(f'insert into {main}."{table}" by name select * from temp."{table}"')


def cross_case_models(sql_dir: Path = warehouse.SQL_DIR) -> set[str]:
    return {p.stem for p in warehouse.model_files(sql_dir) if is_cross_case(p)}


def reads_cross_case(sql: str, cross: set[str] | None = None) -> list[str]:
    """The cross-case models (`cross_case_models()` unless given) a query reads
    (by name, comments aside)."""
    return _reads(sql, cross_case_models() if cross is None else cross)


def _reads(sql: str, models: set[str]) -> list[str]:
    text = re.sub(r"--[^\n]*", "", sql)
    return sorted(name for name in models if re.search(rf"\b{re.escape(name)}\b", text))


def _check_reads_no_cross_case(path: Path, cross: set[str], sql_dir: Path) -> None:
    read = _reads(path.read_text(encoding="utf-8"), cross)
    if read:
        raise RuntimeError(
            f"{path.relative_to(sql_dir.parent)}: a per-case model reads the cross-case "
            f"model(s) {', '.join(read)}; mark it '-- grain: cross-case' too"
        )


def publish_copy(cache_db: Path, target: Path) -> None:
    """The database as published: a copy of the cache's (the cache stays put)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cache_db, target)

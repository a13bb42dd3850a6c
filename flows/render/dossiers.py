"""Render case dossiers in chunks, optionally over a pool of worker processes.

A chunk of cases costs one query per case-level relation (not one per case:
each query scans a whole table); templates are compiled once per process; rows
come straight from DuckDB as dicts, so no pandas frame is built per case. Each
page is audited for roster names before it is written.

The module imports only what rendering needs (no spaCy, no Prefect), so that
worker processes start quickly.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb

from flows import warehouse
from flows.collector import collector_paused
from flows.privacy import audit
from flows.render import pages
from flows.study import Study

#: the case-level queries in sql/queries/ (`case_<name>.sql`, parameter $case_ids)
CASE_QUERIES = ("verdicts", "sources", "informants", "pairs", "excerpts", "survey", "context")
#: at most this many cases per chunk (bounds the rows held in memory at once)
MAX_CHUNK = 50
#: fewer dossiers than this are rendered in the calling process (a pool costs ~1 s)
POOL_MIN_CASES = 100
#: what the fork server imports before forking a worker: this module, and the
#: word lists every worker's name screen reads (`flows.render.preload`, decision 0345)
PRELOAD = ["flows.render.dossiers", "flows.render.preload"]


@dataclass(frozen=True)
class CaseJob:
    """One dossier to render: the case, its cache key and the file to write."""

    case_id: str
    key: str
    path: str


def case_rows(con: duckdb.DuckDBPyConnection, case_ids: Sequence[str]) -> dict[str, dict]:
    """Each case-level query run once for all `case_ids`, split by case:
    `{case_id: {query name: [row dicts in query order]}}`."""
    rows: dict[str, dict] = {c: {name: [] for name in CASE_QUERIES} for c in case_ids}
    for name in CASE_QUERIES:
        for row in warehouse.query_rows(con, f"case_{name}", case_ids=list(case_ids)):
            rows[row["case_id"]][name].append(row)
    return rows


def render_chunk(
    db_path: str,
    study: Study,
    jobs: Sequence[CaseJob],
    prov: dict,
    names: tuple[str, ...] = (),
    compiled: str | None = None,
) -> list[dict]:
    """Render, audit and write the dossiers of `jobs`.

    Each page is searched for `names` (the roster's, `audit.distinct_names`)
    before it is written. `compiled`: a private folder where compiled templates
    are kept between runs (`flows.render.compiled`). Returns per case: case_id,
    path, sha256 of the bytes written, and `clean` (no name found)."""
    with collector_paused():
        return _render_chunk(db_path, study, jobs, prov, names, compiled)


def _render_chunk(
    db_path: str,
    study: Study,
    jobs: Sequence[CaseJob],
    prov: dict,
    names: tuple[str, ...],
    compiled: str | None,
) -> list[dict]:
    case_ids = [job.case_id for job in jobs]
    with _connection(str(db_path)) as con:
        rows = case_rows(con, case_ids)
        overview = {
            row["case_id"]: row
            for row in warehouse.query_rows(con, "case_overviews", case_ids=case_ids)
        }
    env = pages.shared_environment(Path(compiled) if compiled else None)
    screen = audit.screen_for(names)
    written = []
    for job in jobs:
        context = pages.case_context(
            study,
            job.case_id,
            [overview[job.case_id]],
            provenance={**prov, "case_fingerprint": job.key},
            **rows[job.case_id],
        )
        html = pages.render_dossier(env, context)
        data = html.encode("utf-8")
        partial = Path(job.path + ".partial")  # never leave half a page under its name
        partial.write_bytes(data)
        os.replace(partial, job.path)
        written.append(
            {
                "case_id": job.case_id,
                "path": job.path,
                "sha256": hashlib.sha256(data).hexdigest(),
                "clean": not screen.html_hits(html),
            }
        )
    return written


#: in a render worker process (`process_pool`): its read-only connection, kept
#: from chunk to chunk while the database file is the same (`_connection`)
_worker: dict = {"on": False, "key": None, "con": None}


def _in_worker() -> None:
    """The pool's initializer: this process renders chunks until the pool closes."""
    _worker["on"] = True


@contextlib.contextmanager
def _connection(db_path: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the warehouse at `db_path`.

    In a render worker (decision 0344) one connection serves every chunk the
    worker renders while the file at `db_path` is the same one, unchanged
    (device, inode, size and modification time): opening the database and
    reading its catalog cost about 25 ms of CPU a chunk, 20 chunks at 1,000
    cases. The worker's connection runs each query on one thread: the pool has
    a worker per core already, and DuckDB's second thread only waited for a
    core (about 15% more CPU for the same rows). A worker lives as long as its
    pool, one render; a connection to another or a changed file is closed and a
    new one opened. In any other process each chunk opens and closes its own,
    as before."""
    if not _worker["on"]:
        with duckdb.connect(db_path, read_only=True) as con:
            yield con
        return
    stat = os.stat(db_path)
    key = (db_path, stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)
    if _worker["key"] != key:
        if _worker["con"] is not None:
            _worker["con"].close()
        _worker["key"], _worker["con"] = None, None
        _worker["con"] = duckdb.connect(db_path, read_only=True, config={"threads": 1})
        _worker["key"] = key
    yield _worker["con"]


def chunk_size(n_jobs: int, workers: int) -> int:
    """About four chunks per worker (for even load and visible progress), at most
    `MAX_CHUNK` cases each."""
    return max(1, min(MAX_CHUNK, math.ceil(n_jobs / (4 * max(1, workers)))))


def chunked(jobs: Sequence[CaseJob], size: int) -> list[list[CaseJob]]:
    return [list(jobs[i : i + size]) for i in range(0, len(jobs), size)]


@contextlib.contextmanager
def process_pool(workers: int, n_jobs: int) -> Iterator[Executor | None]:
    """A pool of `workers` processes when there is enough to render, else None.

    Workers are forked from a fresh single-threaded fork server that has
    imported this module and loaded the name screen's word lists once (never
    from the caller, whose threads may hold locks), so each starts in
    milliseconds."""
    if workers < 2 or n_jobs < POOL_MIN_CASES:
        yield None
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)  # ignored if the fork server runs already
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_in_worker
    ) as pool:
        yield pool


def render_all(
    db_path: Path,
    study: Study,
    jobs: Sequence[CaseJob],
    prov: dict,
    names: tuple[str, ...] = (),
    workers: int = 1,
    compiled: Path | None = None,
) -> list[dict]:
    """Render every job, in chunks, over `workers` processes when it pays
    (`render_chunk`'s records, in job order); `compiled` as for `render_chunk`."""
    kept = str(compiled) if compiled else None
    parts = chunked(jobs, chunk_size(len(jobs), workers))
    with process_pool(workers, len(jobs)) as pool:
        if pool is None:
            return [
                r
                for part in parts
                for r in render_chunk(str(db_path), study, part, prov, names, kept)
            ]
        futures = [
            pool.submit(render_chunk, str(db_path), study, part, prov, names, kept)
            for part in parts
        ]
        return [r for future in futures for r in future.result()]

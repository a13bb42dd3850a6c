"""Render workers keep one read-only warehouse connection from chunk to chunk
(decision 0344): the same file gives the same connection, a replaced or changed
file a new one, and outside a worker every chunk opens its own. Pages rendered
through a real pool of two workers (several chunks each) are the bytes of the
in-process render and of the demo's published dossiers. The workers' fork server
has loaded the name screen's word lists before forking them (decision 0345)."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import duckdb
import pytest

from flows import stages, warehouse
from flows.render import dossiers


@pytest.fixture
def worker(monkeypatch):
    """This process as a render worker, its kept connection forgotten afterwards."""
    state = {"on": True, "key": None, "con": None}
    monkeypatch.setattr(dossiers, "_worker", state)
    yield state
    if state["con"] is not None:
        state["con"].close()


def _database(path: Path, value: int) -> str:
    with duckdb.connect(str(path)) as con:
        con.execute(f"create or replace table t as select {value} as v")
    return str(path)


def test_a_worker_keeps_its_connection_while_the_file_is_the_same(tmp_path, worker):
    path = _database(tmp_path / "w.duckdb", 1)
    with dossiers._connection(path) as first:
        assert first.execute("select v from t").fetchone() == (1,)
    with dossiers._connection(path) as second:
        assert second is first
    assert second.execute("select current_setting('threads')").fetchone() == (1,)


def test_a_worker_opens_a_new_connection_when_the_file_is_replaced(tmp_path, worker):
    path = _database(tmp_path / "w.duckdb", 1)
    with dossiers._connection(path) as first:
        first.execute("select 1").fetchone()
    replacement = _database(tmp_path / "new.duckdb", 2)
    os.replace(replacement, path)
    with dossiers._connection(path) as second:
        assert second is not first
        assert second.execute("select v from t").fetchone() == (2,)
    with pytest.raises(duckdb.ConnectionException):
        first.execute("select 1")  # the old one was closed


def test_outside_a_worker_each_chunk_opens_and_closes_its_own(tmp_path):
    assert dossiers._worker["on"] is False
    path = _database(tmp_path / "w.duckdb", 1)
    with dossiers._connection(path) as first:
        first.execute("select 1").fetchone()
    with dossiers._connection(path) as second:
        assert second is not first
    with pytest.raises(duckdb.ConnectionException):
        first.execute("select 1")


def test_pages_from_a_pool_of_workers_equal_the_in_process_pages(
    demo_dir, demo_out, tmp_path, monkeypatch
):
    loaded = stages.load_study(demo_dir)
    ingested = stages.ingest(demo_dir, loaded, tmp_path / "store")
    keys = stages.case_fingerprints(ingested)
    prov = stages.provenance(ingested)
    db = demo_out / warehouse.DB_NAME
    cases = sorted(keys)
    assert dossiers.chunk_size(len(cases), 2) < len(cases) / 2  # several chunks a worker

    def render(folder: str, workers: int) -> dict[str, bytes]:
        (tmp_path / folder).mkdir()
        jobs = [dossiers.CaseJob(c, keys[c], str(tmp_path / folder / f"{c}.html")) for c in cases]
        records = dossiers.render_all(
            db, loaded.definition, jobs, prov, ingested.name_set(), workers=workers
        )
        assert [r["case_id"] for r in records] == cases
        assert all(r["clean"] for r in records)
        return {c: Path(j.path).read_bytes() for c, j in zip(cases, jobs, strict=True)}

    in_process = render("one", workers=1)
    monkeypatch.setattr(dossiers, "POOL_MIN_CASES", 1)
    pooled = render("pool", workers=2)
    assert pooled == in_process
    published = {p.stem: p.read_bytes() for p in (demo_out / "cases").glob("*.html")}
    assert published == in_process


def _loaded_in_worker(module: str) -> bool:
    return module in sys.modules


def test_render_workers_are_forked_with_the_screens_word_lists_loaded():
    with dossiers.process_pool(2, dossiers.POOL_MIN_CASES) as pool:
        assert pool is not None
        loaded = list(pool.map(_loaded_in_worker, ["flows.render.preload"] * 2))
    assert loaded == [True, True]
    from flows.nlp import parallel

    assert "flows.render.preload" in parallel.PRELOAD  # one fork server serves both


def test_a_preload_that_fails_is_logged_not_raised(monkeypatch, caplog):
    from flows.privacy import audit
    from flows.render import preload

    def broken(names):
        raise OSError("no word list")

    monkeypatch.setattr(audit, "screen_for", broken)
    with caplog.at_level(logging.WARNING, logger=preload.__name__):
        preload.warm()
    assert "not preloaded (OSError)" in caplog.text

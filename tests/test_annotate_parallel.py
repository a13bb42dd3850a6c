"""The NLP stage over worker processes gives the rows of one serial pass."""

from __future__ import annotations

import threading

import pandas as pd
import pytest

from flows import stages, synth
from flows.nlp import annotate, parallel


@pytest.fixture(scope="module")
def ingested(tmp_path_factory) -> stages.Ingested:
    folder = tmp_path_factory.mktemp("synth") / "s20"
    synth.generate_study(20, folder, seed=5)
    ingested = stages.ingest(folder)
    excerpts = ingested.data.excerpts  # identifiers, so their counts must match too
    excerpts.loc[3, "text"] += " Call me on 12 34 56 78 or write to kim@example.dk."
    return ingested


def test_chunked_over_workers_gives_the_serial_rows(ingested, monkeypatch):
    serial, serial_stats = stages.annotate(ingested, workers=1)
    calls: list[int] = []
    real = parallel.annotate_chunked

    def counting(frame, setup, workers, chunk_rows=parallel.CHUNK_ROWS, readers=None):
        calls.append(workers)
        # many chunks, a short last one
        return real(frame, setup, workers, chunk_rows=37, readers=readers)

    monkeypatch.setattr(parallel, "MIN_PARALLEL_ROWS", 1)
    monkeypatch.setattr(parallel, "annotate_chunked", counting)
    chunked, chunked_stats = stages.annotate(ingested, workers=3)
    assert calls == [3]
    pd.testing.assert_frame_equal(chunked, serial)
    assert chunked_stats == serial_stats
    assert serial_stats["names_replaced"] > 0 and serial_stats["replaced [e-mail]"] == 1


def test_a_failed_worker_leaves_its_chunks_to_the_caller(ingested, monkeypatch, caplog):
    frame = ingested.data.excerpts.head(120)
    setup = annotate.AnnotatorSetup(
        ingested.study.definition,
        annotate.roster_carriers(
            ingested.study.definition,
            ingested.data.roster_names,
            ingested.data.cases_by_person(),
        ),
        list(ingested.identifiers),
        None,
        {t.id: t.kind for t in ingested.study.definition.themes},
        stages.name_guard(ingested),
    )
    serial = annotate.Annotator(setup)(frame)
    monkeypatch.setattr(parallel, "_start_worker", _broken_start)  # every worker dies
    assert parallel.annotate_chunked(frame, setup, 2, chunk_rows=25) == serial
    assert "NLP worker failed" in caplog.text


def _broken_start(setup) -> None:
    raise RuntimeError("no annotator here")


def test_few_misses_start_no_worker():
    assert not parallel.worth_it(parallel.MIN_PARALLEL_ROWS - 1, 8)
    assert not parallel.worth_it(10**6, 1)
    assert parallel.worth_it(parallel.MIN_PARALLEL_ROWS, 2)


def test_fork_server_starts_early_only_for_a_cold_large_run(tmp_path, monkeypatch):
    started: list[bool] = []
    monkeypatch.setattr(parallel, "_ensure_fork_server", lambda: started.append(True))
    big, small = tmp_path / "big.csv", tmp_path / "small.csv"
    big.write_bytes(b"x" * parallel.EARLY_START_BYTES)
    small.write_bytes(b"x" * (parallel.EARLY_START_BYTES - 1))
    cache = tmp_path / "annotations.marshal"
    assert not parallel.start_early(small, cache, 2)
    assert not parallel.start_early(big, cache, 1)
    assert not parallel.start_early(tmp_path / "missing.csv", cache, 2)
    cache.write_bytes(b"")  # a warm re-run: the cache is there
    assert not parallel.start_early(big, cache, 2)
    assert started == []
    cache.unlink()
    assert parallel.start_early(big, cache, 2)
    for thread in threading.enumerate():
        if thread.name == "fork server":
            thread.join()
    assert started == [True]

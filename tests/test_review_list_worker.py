"""The review list's words found in a worker process beside the warehouse
(decision 0392) give the bytes of the list found in the run's own process."""

from __future__ import annotations

import marshal
from concurrent.futures import Future

import pytest

from flows import stage_nlp, stages, synth
from flows.nlp import parallel
from flows.privacy import pseudonymise


@pytest.fixture(scope="module")
def annotated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synth") / "s12"
    synth.generate_study(12, folder, seed=3)
    ingested = stages.ingest(folder)
    excerpts, _ = stages.annotate(ingested, workers=1)
    return ingested, excerpts


def _written(ingested, excerpts, out, pending=None) -> tuple[bytes, bytes]:
    path = stages.write_review_list(ingested, excerpts, out, pending)
    cache = stages.store_dir(out) / stage_nlp.REVIEW_WORDS
    return path.read_bytes(), cache.read_bytes()


def test_the_worker_finds_the_same_list(annotated, tmp_path, monkeypatch):
    ingested, excerpts = annotated
    here = _written(ingested, excerpts, tmp_path / "here")
    assert here[0].count(b"\n") > 1  # a list with words in it

    monkeypatch.setattr(parallel, "MIN_PARALLEL_ROWS", 1)
    pending = stages.start_review_list(ingested, excerpts, tmp_path / "worker", 2)
    assert isinstance(pending, Future)

    def not_here(*args, **kwargs):
        raise AssertionError("the words were to be found in the worker")

    # the worker was forked from the fork server: this process's function is not its
    monkeypatch.setattr(pseudonymise, "review_candidates", not_here)
    assert _written(ingested, excerpts, tmp_path / "worker", pending) == here


def test_a_failed_worker_leaves_the_list_to_the_caller(annotated, tmp_path, caplog):
    ingested, excerpts = annotated
    here = _written(ingested, excerpts, tmp_path / "here")
    failed: Future = Future()
    failed.set_exception(RuntimeError("worker killed"))
    assert _written(ingested, excerpts, tmp_path / "failed", failed) == here
    assert "review list's worker failed" in caplog.text


def test_no_worker_with_one_core_or_few_new_texts(annotated, tmp_path, monkeypatch):
    ingested, excerpts = annotated
    monkeypatch.setattr(parallel, "MIN_PARALLEL_ROWS", len(excerpts))
    assert stages.start_review_list(ingested, excerpts, tmp_path, 1) is None
    assert stages.start_review_list(ingested, excerpts, tmp_path, 2) is not None
    before = _written(ingested, excerpts, tmp_path)  # the next run finds every text's words kept

    def no_worker(*args, **kwargs):
        raise AssertionError("a re-run finds its new texts' words in its own process")

    monkeypatch.setattr(parallel, "in_worker", no_worker)
    reads = []
    read = stage_nlp._review_inputs
    monkeypatch.setattr(stage_nlp, "_review_inputs", lambda *a: reads.append(1) or read(*a))
    pending = stages.start_review_list(ingested, excerpts, tmp_path, 2)
    assert pending is not None and pending.done()  # found here, at once
    after = _written(ingested, excerpts, tmp_path, pending)
    # the same list and words kept (marshal's bytes may differ by its shared references)
    assert after[0] == before[0] and marshal.loads(after[1]) == marshal.loads(before[1])
    assert len(reads) == 1  # the kept words and the vocabulary read once a run


def test_no_process_no_worker(annotated, tmp_path, monkeypatch, caplog):
    ingested, excerpts = annotated

    def no_pool(*args, **kwargs):
        raise OSError("no process")

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", no_pool)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_ROWS", 1)
    assert stages.start_review_list(ingested, excerpts, tmp_path, 2) is None
    assert "no worker process" in caplog.text

"""The NLP stage over several cores: a cold run's excerpts annotated in chunks,
here and in worker processes at once, gathered in row order.

Nothing after the NLP stage can start before every excerpt has its stance (the
warehouse needs them all), and annotating is Python that holds the GIL, so a
second core is used only by another process. The calling thread takes chunks
from the front of the rows; one feeder thread per worker process takes chunks
from the back and waits for its worker's answer. Each worker builds the run's
`Annotator` once (its initializer), from the same `AnnotatorSetup` as the
caller's. A row's annotation depends on the row alone, so the rows are those
of one serial pass, whichever process read them (`tests/test_annotate_parallel.py`).

Workers are forked from Python's fork server, never from the caller (whose
Prefect threads may hold locks). The fork server, when this module starts it,
imports this module and the dossier renderer once, so the render workers that
follow are forked from it in milliseconds too. The caller starts reading at
once: the fork server's start (importing spaCy, about 1.2 s of CPU) and the
workers' set-up overlap the caller's first chunks. A chunk a worker could not
read (a worker killed, the pool broken) is read here after the others: the
same rows, only later. A run with few misses (a warm re-run reads the changed
excerpts) starts no process (`worth_it`). The flow starts the fork server
while it ingests, when a cold run of a large study is coming (`start_early`).
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import TypeVar

import pandas as pd

from flows.nlp.annotate import Annotation, Annotator, AnnotatorSetup
from flows.nlp.reader import StanceReader

#: fewer misses than this are annotated in the calling process only (a worker
#: costs about 2 s of CPU to start and set up: about 10,000 rows' reading)
MIN_PARALLEL_ROWS = 8_000
#: rows per chunk (about 0.15 s of reading: even shares, a short wait at the end)
CHUNK_ROWS = 1_000
#: the columns a chunk's rows need (`Annotator.__call__`, `annotate._mentions`)
COLUMNS = ("text", "theme_id", "language", "case_id", "person_id")
#: modules the fork server imports once, when this module starts it
PRELOAD = ["flows.render.dossiers", "flows.render.preload", "flows.nlp.parallel"]

#: an excerpts file this large announces enough rows for workers (about 140
#: bytes an excerpt in the synthetic studies: some 7,000 rows)
EARLY_START_BYTES = 1_000_000

log = logging.getLogger(__name__)

T = TypeVar("T")

_worker_annotator: Annotator | None = None


def worth_it(rows: int, workers: int) -> bool:
    """Whether `rows` misses are worth worker processes."""
    return workers >= 2 and rows >= MIN_PARALLEL_ROWS


def start_early(excerpts_file: Path, cache: Path, workers: int) -> bool:
    """Start the fork server (its imports take about 1.2 s of CPU) in the
    background, beside ingest, when a cold run of a large study is coming: no
    annotation cache yet and an excerpts file of `EARLY_START_BYTES` or more.
    A warm re-run (the cache is there) starts nothing. Returns whether started."""
    if workers < 2 or cache.exists():
        return False
    try:
        if excerpts_file.stat().st_size < EARLY_START_BYTES:
            return False
    except OSError:
        return False
    multiprocessing.get_context("forkserver").set_forkserver_preload(PRELOAD)
    threading.Thread(target=_ensure_fork_server, name="fork server", daemon=True).start()
    return True


def _ensure_fork_server() -> None:
    from multiprocessing import forkserver

    try:
        forkserver.ensure_running()
    except Exception as error:  # the pool's own start tries again, and reports
        log.warning("fork server not started early (%s)", type(error))


def in_worker(function: Callable[..., T], *args: object) -> Future[T] | None:
    """`function(*args)` in a process of its own, forked from the fork server,
    while the caller goes on (decision 0392): work that needs no later stage's
    result, started where the second core would idle (a cold run's warehouse
    build runs on one). The process ends when the call returns. None when no
    process could be started (the caller then does the work itself)."""
    try:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)  # ignored if the fork server runs already
        pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
        future = pool.submit(function, *args)
        pool.shutdown(wait=False)  # the call still runs; then the process ends
    except Exception as error:  # no process: the caller does the work
        log.warning("no worker process (%s); the work is done in-process", type(error))
        return None
    return future


def _start_worker(setup: AnnotatorSetup) -> None:
    """A worker's initializer: the run's annotator, built once per worker."""
    global _worker_annotator
    _worker_annotator = Annotator(setup)


def _annotate_in_worker(chunk: pd.DataFrame) -> list[Annotation]:
    assert _worker_annotator is not None, "worker started without its annotator"
    return _worker_annotator(chunk)


class _Chunks:
    """Chunk numbers handed out from both ends under a lock."""

    def __init__(self, count: int) -> None:
        self.front, self.back = 0, count
        self.lock = threading.Lock()

    def take_front(self) -> int | None:
        with self.lock:
            if self.front >= self.back:
                return None
            self.front += 1
            return self.front - 1

    def take_back(self) -> int | None:
        with self.lock:
            if self.front >= self.back:
                return None
            self.back -= 1
            return self.back

    def close(self) -> None:
        """Hand out no more chunks (the caller failed: the feeders stop)."""
        with self.lock:
            self.front = self.back


def annotate_chunked(
    frame: pd.DataFrame,
    setup: AnnotatorSetup,
    workers: int,
    chunk_rows: int = CHUNK_ROWS,
    readers: Callable[[str], StanceReader] | None = None,
) -> list[Annotation]:
    """The annotations of `frame`'s rows in order, read here and in `workers - 1`
    worker processes, `chunk_rows` rows at a time (`readers`: this process's
    readers, as `Annotator` takes them)."""
    columns = [c for c in COLUMNS if c in frame.columns]
    parts = [frame.iloc[at : at + chunk_rows][columns] for at in range(0, len(frame), chunk_rows)]
    results: list[list[Annotation] | None] = [None] * len(parts)
    chunks = _Chunks(len(parts))
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)  # ignored if the fork server runs already
    pool = ProcessPoolExecutor(
        max_workers=workers - 1,
        mp_context=context,
        initializer=_start_worker,
        initargs=(setup,),
    )

    def feed() -> None:
        while (index := chunks.take_back()) is not None:
            try:
                results[index] = pool.submit(_annotate_in_worker, parts[index]).result()
            except Exception as error:  # read here instead (below): same rows
                log.warning("NLP worker failed (%s); its chunks are read in-process", type(error))
                return

    feeders = [threading.Thread(target=feed, daemon=True) for _ in range(workers - 1)]
    try:
        for feeder in feeders:
            feeder.start()
        local = Annotator(setup, readers)
        while (index := chunks.take_front()) is not None:
            results[index] = local(parts[index])
        for feeder in feeders:
            feeder.join()
        for index, done in enumerate(results):
            if done is None:  # a worker's chunk that failed
                results[index] = local(parts[index])
    finally:
        chunks.close()
        pool.shutdown(wait=True, cancel_futures=True)
    return [annotation for done in results for annotation in done]

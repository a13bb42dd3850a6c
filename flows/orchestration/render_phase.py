"""The render phase of the flow: the dossiers missing from the content store
rendered in worker processes, a few chunks to a Prefect task (decision 0323),
while the flow's thread writes what reads no dossier (the exports, the index,
the review files). A re-run submits tasks for the changed cases only: a case
whose stored page is there (named by its key) is not rendered again.
"""

from collections.abc import Callable
from concurrent.futures import Executor
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from flows.orchestration import settings

settings.configure()  # before Prefect is imported (the tasks' module does it too)

from prefect.artifacts import create_progress_artifact, update_progress_artifact  # noqa: E402

from flows import stages  # noqa: E402
from flows.orchestration import artifacts  # noqa: E402
from flows.orchestration.stage_tasks import (  # noqa: E402
    FILE_TASK,
    _local_workers,
    default_workers,
    stage_task,
)
from flows.privacy.matching import NameSet  # noqa: E402
from flows.render import dossiers  # noqa: E402

T = TypeVar("T")


#: chunks of dossiers one render task hands the worker processes (decision 0323)
CHUNKS_PER_TASK = 4


@dataclass(frozen=True)
class RenderChunk:
    """The dossiers of one render task, in `parts` of at most `dossiers.MAX_CHUNK`
    cases (one worker's job each); `label` names it in the UI ("P01 to P40")."""

    label: str
    parts: tuple[tuple[dossiers.CaseJob, ...], ...]

    @property
    def jobs(self) -> tuple[dossiers.CaseJob, ...]:
        return tuple(job for part in self.parts for job in part)


#: the worker processes of the current run's render tasks (None: render in the task)
_render_pool: ContextVar[Executor | None] = ContextVar("render_pool", default=None)


def _current_pool() -> Executor | None:
    """The run's worker processes (a function, so that Dask can pickle the task
    that calls it by reference)."""
    return _render_pool.get()


@stage_task(name="render dossiers", task_run_name="render dossiers {chunk.label}", **FILE_TASK)
def render_chunk_task(
    chunk: RenderChunk,
    db_path: str,
    study,
    prov: dict,
    names: NameSet,
    compiled: str | None = None,
) -> list[dict]:
    """Triangulate, render and audit a task's cases into the content store, its
    parts handed to the worker processes at once (or rendered here one after the
    other); `compiled`: where compiled templates are kept (`dossiers.render_chunk`)."""
    pool = _current_pool()
    if pool is None:
        return [
            record
            for part in chunk.parts
            for record in dossiers.render_chunk(db_path, study, part, prov, names, compiled)
        ]
    futures = [
        pool.submit(dossiers.render_chunk, db_path, study, part, prov, names, compiled)
        for part in chunk.parts
    ]
    return [record for future in futures for record in future.result()]


def render_tasks(todo: list[dossiers.CaseJob], workers: int) -> list[RenderChunk]:
    """The render tasks for `todo`: its worker-sized chunks (`dossiers.chunk_size`,
    about four per worker) grouped `CHUNKS_PER_TASK` to a task. Each task run
    costs the server about 40-60 ms of CPU (its state events), on the cores the
    render needs (decision 0323); the worker processes still take the chunks one
    by one, so they stay evenly loaded."""
    parts = dossiers.chunked(todo, dossiers.chunk_size(len(todo), workers))
    return [
        RenderChunk(
            label=group[0][0].case_id
            + (f" to {group[-1][-1].case_id}" if len(group) > 1 or len(group[0]) > 1 else ""),
            parts=tuple(tuple(part) for part in group),
        )
        for group in (parts[i : i + CHUNKS_PER_TASK] for i in range(0, len(parts), CHUNKS_PER_TASK))
    ]


def _render_all(
    jobs: list[dossiers.CaseJob],
    db_path: Path,
    ingested: stages.Ingested,
    prov: dict,
    names: NameSet,
    rebuilt: set[str],
    meanwhile: Callable[[], T],
    compiled: str | None = None,
    hook: Callable[[int, int], None] | None = None,
) -> tuple[list[dict], T]:
    """Render the dossiers missing from the store (and those in `rebuilt`), one
    task per chunk, over worker processes, and run `meanwhile` in this thread
    while they render (`compiled`: where compiled templates are kept; `hook`:
    called with the cases done and in all, `pipeline.progress_hook`). Returns
    the records of the pages rendered, and what `meanwhile` returned."""
    if jobs:
        stages.drop_altered(Path(jobs[0].path).parent, jobs)
    todo = [j for j in jobs if j.case_id in rebuilt or not Path(j.path).exists()]
    total, ready = len(jobs), len(jobs) - len(todo)
    if todo:
        Path(todo[0].path).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    chunks = render_tasks(todo, default_workers())
    progress = artifacts.RenderProgress(
        ready,
        total,
        shown_early=len(chunks) > 1,
        create=create_progress_artifact,
        update=update_progress_artifact,
        hook=hook,
    )
    study = ingested.study.definition
    records: list[dict] = []
    with dossiers.process_pool(_local_workers(), len(todo)) as pool:
        token = _render_pool.set(pool)
        try:
            futures = [
                render_chunk_task.submit(chunk, str(db_path), study, prov, names, compiled)
                for chunk in chunks
            ]
            result = meanwhile()
            for future in futures:
                chunk_records = future.result()
                for record in chunk_records:  # the cache stays owner-only
                    Path(record["path"]).chmod(0o600)
                records += chunk_records
                progress.advance(len(chunk_records))
        finally:
            _render_pool.reset(token)
    progress.finish()
    return records, result

"""Prefect flows and tasks: thin wiring around `flows.stages`.

One task per stage, and one per chunk of cases for rendering (never per
excerpt). Tasks log counts and case ids only, never text or names; artifacts
hold counts and labels only.

Dossiers are cached in a content store beside the output folder, one file per
case named by its key (`stages.case_fingerprints`): a re-run after a change to
one case renders that case only, and submits no task at all for a case whose
stored page is there. Chunks render in worker processes
(`dossiers.process_pool`) while the exports, the index page and the review
files are written.
"""

import contextlib
import logging
import time
from collections.abc import Callable
from concurrent.futures import Executor
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from flows.orchestration import settings

settings.configure()

from prefect import flow, get_run_logger, tags, task  # noqa: E402
from prefect.artifacts import (  # noqa: E402
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.context import FlowRunContext, TagsContext  # noqa: E402
from prefect.task_runners import ThreadPoolTaskRunner  # noqa: E402
from prefect.utilities.annotations import quote  # noqa: E402

from flows import stages  # noqa: E402
from flows.codes import expected_rejects  # noqa: E402
from flows.errors import TriangulateError  # noqa: E402
from flows.orchestration import artifacts  # noqa: E402
from flows.privacy.matching import NameSet  # noqa: E402
from flows.privacy.sealed_errors import known_names, names_known, sealed, sealing  # noqa: E402
from flows.render import dossiers  # noqa: E402
from flows.runs import RunLock  # noqa: E402

T = TypeVar("T")

#: Called with (cases done, cases in all) while dossiers render; the CLI sets it.
progress_hook: Callable[[int, int], None] | None = None


def retry_unless_invalid(task, task_run, state) -> bool:
    """Retry a failed file-touching task, but never a validation error."""
    try:
        state.result()
    except TriangulateError:
        return False
    except Exception:
        return True
    return False


FILE_TASK = {
    "cache_policy": NO_CACHE,
    "persist_result": False,
    "retries": 2,
    "retry_delay_seconds": [1, 4],
    "retry_condition_fn": retry_unless_invalid,
}
PURE_TASK = {"cache_policy": NO_CACHE, "persist_result": False}


def stage_task(**options) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """A Prefect task whose exceptions reach Prefect's logs only sealed: never
    a message that may quote an input (`flows.privacy.sealed_errors`)."""
    return lambda function: task(**options)(sealed(function))


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


def input_role(ingested: stages.Ingested, file_name: str) -> str:
    """Which input of the study file a loaded-counts entry is (roster, excerpts...)."""
    files = ingested.study.definition.inputs.files()
    roles = [key for key, path in files.items() if file_name.startswith(Path(path).name)]
    part = " (sources)" if file_name.endswith("(sources)") else ""
    part = " (codings)" if file_name.endswith("(codings)") else part
    return (roles[-1] if roles else "input") + part


@stage_task(name="ingest coded excerpts and surveys", **FILE_TASK)
def ingest_task(study_dir: Path, loaded=None, store: Path | None = None) -> stages.Ingested:
    ingested = stages.ingest(study_dir, loaded, store)
    settings.protect_database()
    logger = get_run_logger()
    # inputs by their role in the study file, never by file name (names can hold a person's)
    for number, (name, loaded) in enumerate(ingested.data.loaded_counts.items(), 1):
        logger.info(
            "input %d (%s): %d rows read, %d loaded",
            number,
            input_role(ingested, name),
            ingested.data.read_counts[name],
            loaded,
        )
    logger.info("%d rows or cells rejected (see rejects.csv)", len(ingested.data.rejects))
    return ingested


@stage_task(name="pseudonymise and suggest stances", **PURE_TASK)
def annotate_task(ingested: stages.Ingested, nlp_model: str | None, out_dir: Path):
    stages.check_unknown_names(ingested, out_dir)
    excerpts, stats = stages.annotate(
        ingested, nlp_model, stages.annotation_cache(out_dir), _local_workers()
    )
    get_run_logger().info(
        "%d excerpts annotated, %d words, %d name mentions replaced",
        len(excerpts),
        stats["words"],
        stats["names_replaced"],
    )
    return excerpts, stats


@stage_task(name="survey deltas, stances and convergence (DuckDB SQL)", **FILE_TASK)
def warehouse_task(
    ingested: stages.Ingested,
    excerpts,
    db_path: Path,
    out_dir: Path,
    nlp_model: str | None,
    keys: dict[str, str],
):
    update = stages.update_warehouse(db_path, ingested, excerpts, out_dir, nlp_model, keys)
    qca = update.qca
    get_run_logger().info(
        "%s %d SQL models; QCA over %d conditions: %d solution(s)",
        "built" if update.full else f"updated for {len(update.changed)} changed case(s)",
        len(update.models),
        qca["conditions"],
        qca["solutions"],
    )
    return update


@stage_task(name="stance review sheet and words to check", **FILE_TASK)
def review_task(
    db_path: Path,
    ingested: stages.Ingested,
    excerpts,
    out_dir: Path,
    nlp_model: str | None,
    keys: dict[str, str],
    review_words=None,
) -> None:
    """What a person reviews, in the private review folder: nothing later reads
    it, so it is written while the dossiers render. `review_words`: the review
    list's words as a worker process finds them (`stages.start_review_list`)."""
    if nlp_model is None:
        stages.write_review_list(ingested, excerpts, out_dir, review_words)
    stages.write_review_sheet(db_path, ingested, out_dir, keys)


def _local_workers() -> int:
    """Worker processes this run may start: the machine's cores under the thread
    runner; none under a Dask cluster (which has its own processes)."""
    runner = getattr(FlowRunContext.get(), "task_runner", None)
    return default_workers() if isinstance(runner, ThreadPoolTaskRunner) else 1


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


@stage_task(name="export tables", **FILE_TASK)
def export_task(
    db_path: Path, ingested: stages.Ingested, out_dir: Path, cache_dir: Path, keys: dict
) -> list[str]:
    return stages.export_tables(db_path, ingested, out_dir, cache_dir, keys)


@stage_task(name="render cross-case index", **FILE_TASK)
def index_task(
    db_path: Path,
    ingested: stages.Ingested,
    out_dir: Path,
    prov: dict,
    exports: list[str],
    cache_dir: Path | None = None,
):
    return stages.render_index_page(db_path, ingested, out_dir, prov, exports, cache_dir)


@stage_task(name="print PDFs (headless Chromium)", **FILE_TASK)
def pdf_task(staging: Path) -> int:
    written = stages.make_pdfs(staging)
    get_run_logger().info("%d PDFs printed", len(written))
    return len(written)


@stage_task(name="audit outputs for personal data", **PURE_TASK)
def audit_task(
    staging: Path,
    ingested: stages.Ingested,
    extra_texts: dict[str, str],
    known_clean: set[str],
    update=None,
    known_files: dict[str, str] | None = None,
) -> None:
    skip = update.audited_tables if update else ()
    hits = stages.audit(staging, ingested.name_set(), extra_texts, known_clean, skip, known_files)
    hits += update.hits if update else []
    get_run_logger().info("leak audit: %d hit(s)", len(hits))
    stages.check_audit(hits)


default_workers = stages.default_workers


@flow(name="triangulate study", task_runner=ThreadPoolTaskRunner(max_workers=default_workers()))
def triangulate_study(
    study_dir: Path,
    out_dir: Path,
    force: bool = False,
    rebuild_cases: list[str] | None = None,
    pdf: bool = False,
    nlp_model: str | None = None,
) -> dict:
    """Ingest, annotate, load, triangulate (SQL), render, export, audit, publish.

    `force` re-renders every dossier; `rebuild_cases` re-renders those cases only;
    `pdf` also prints every page to PDF; `nlp_model` names an installed trained
    spaCy pipeline whose entities are redacted too. Files are owner-only.
    """
    from flows.privacy import preflight
    from flows.study import load_study

    with sealing():
        loaded = load_study(study_dir)
        names = known_names()
        names = preflight.names_of(loaded) if names is None else names
    out_dir = Path(out_dir).resolve()
    with (
        names_known(names),
        sealing(),  # a failure's message reaches Prefect only without a name
        stages.private_files(loaded.definition.privacy.output_permissions),
        RunLock(out_dir) as run_id,
        _collect_logs() as log_lines,
    ):
        get_run_logger().info("run %s holds the output folder", run_id)
        return _triangulate(
            study_dir, out_dir, force, rebuild_cases, pdf, nlp_model, log_lines, run_id, loaded
        )


@contextlib.contextmanager
def _collect_logs():
    """Every Prefect log line of this run, so the leak audit can read them."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    handler = Collect(level=logging.DEBUG)
    logger = logging.getLogger("prefect")
    logger.addHandler(handler)
    try:
        yield lines
    finally:
        logger.removeHandler(handler)


@contextlib.contextmanager
def untagged_tasks():
    """Task runs started meanwhile carry no tags (the flow run keeps its own: the
    study's, from `run_study`). Prefect asks its server for a concurrency slot
    for the tags of every task run before it starts: a round trip per task
    (0.05 s on a quiet machine, over 1 s with the server short of CPU) that the
    project, which sets no tag concurrency limit, does not need."""
    with TagsContext(current_tags=set()):
        yield


def _triangulate(
    study_dir, out_dir, force, rebuild_cases, pdf, nlp_model, log_lines, run_id, loaded
) -> dict:
    started = datetime.now(UTC)
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = round(now - clock, 3)
        clock = now

    study_dir, out_dir = Path(study_dir).resolve(), Path(out_dir).resolve()
    staging = stages.staging_dir(out_dir, run_id)
    staging.mkdir(parents=True)
    db_path = staging / stages.DB_NAME
    store = stages.store_dir(out_dir) / "dossiers"

    stages.start_workers_early(loaded, out_dir, _local_workers())
    with untagged_tasks():  # the study file as loaded by the flow: read once a run
        ingested = ingest_task(study_dir, quote(loaded), stages.store_dir(out_dir))
    if stages.retract_withdrawn(out_dir, ingested.data.persons):
        # says nothing of why: who left, or that anyone did, is no output (0384)
        get_run_logger().info("the published outputs were taken down before this run")
    study_id = ingested.study.definition.study.id
    lap("ingest")
    with untagged_tasks():
        excerpts, stats = annotate_task(quote(ingested), nlp_model, out_dir)
        lap("nlp")
        words = None  # found in a worker while the warehouse builds (decision 0392)
        if nlp_model is None:
            words = stages.start_review_list(ingested, excerpts, out_dir, _local_workers())
        keys = stages.case_fingerprints(ingested, nlp_model)
        update = warehouse_task(
            quote(ingested), quote(excerpts), db_path, out_dir, nlp_model, quote(keys)
        )
        lap("sql")
        prov = stages.provenance(ingested, nlp_model)
        cases = stages.case_ids(db_path)
        rebuilt = set(cases if force else (rebuild_cases or []))
        jobs = [dossiers.CaseJob(c, keys[c], str(store / f"{keys[c]}.html")) for c in cases]
        names = ingested.name_set()

        def meanwhile():
            """The exports, the index page that links them and the review files
            (none reads a dossier): in this thread while the workers render."""
            exported = export_task(
                db_path, quote(ingested), staging, stages.store_dir(out_dir), quote(keys)
            )
            clean = index_task(
                db_path, quote(ingested), staging, prov, exported, stages.store_dir(out_dir)
            )
            review_task(
                db_path,
                quote(ingested),
                quote(excerpts),
                out_dir,
                nlp_model,
                quote(keys),
                quote(words),
            )
            return exported, clean

        records, (exports, index_clean) = _render_all(
            jobs,
            db_path,
            ingested,
            prov,
            names,
            rebuilt,
            meanwhile=meanwhile,
            compiled=str(stages.compiled_templates(stages.store_dir(out_dir))),
        )
        stages.place_pages(jobs, staging / "cases", store)
        if pdf:
            pdf_task(staging)
        lap("render")
        rendered = sorted(r["case_id"] for r in records)
        summary = {
            "study_id": study_id,
            "cases": len(cases),
            "rendered": rendered,
            "reused": sorted(set(cases) - set(rendered)),
            "models": update.models,
            "recomputed": update.changed,
            "loaded": ingested.data.loaded_counts,
            "read": ingested.data.read_counts,
            "rejected": len(ingested.data.rejects),
            "expected_rejected": expected_rejects(ingested.data.rejects["reason"]),
            "dialect": ingested.data.qda_dialect,
            "words": stats["words"],
            "names_replaced": stats["names_replaced"],
            "out_dir": str(out_dir),
            **stages.review_counts(db_path, ingested),
        }
        texts = artifacts.texts(summary, stages.case_overview(db_path))
        summary.update(run_id=run_id, started_utc=started.isoformat(), provenance=prov)
        audited = stages.AuditLedger(stages.store_dir(out_dir), names)
        known_clean = (
            audited.clean_digests(jobs, records) | getattr(exports, "clean", set()) | index_clean
        )
        extra_texts = {
            **texts,
            "log": "\n".join(log_lines),
            "manifest": stages.manifest_text(summary),
        }
        linked = audited.linked_clean(jobs, records, staging / "cases")
        audit_task(
            staging, quote(ingested), extra_texts, quote(known_clean), quote(update), quote(linked)
        )
        lap("audit")
        summary.update(finished_utc=datetime.now(UTC).isoformat(), timings_seconds=timings)
        stages.publish(staging, out_dir, summary, stages.active_people(ingested.data.persons))
        audited.record(jobs, records)
        stages.prune_store(store, jobs)
        artifacts.publish(texts, create_markdown_artifact, create_table_artifact)
    get_run_logger().info(
        "%d dossiers published (%d rendered, %d reused)",
        len(cases),
        len(rendered),
        len(summary["reused"]),
    )
    return summary


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
) -> tuple[list[dict], T]:
    """Render the dossiers missing from the store (and those in `rebuilt`), one
    task per chunk, over worker processes, and run `meanwhile` in this thread
    while they render (`compiled`: where compiled templates are kept). Returns
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
        hook=progress_hook,
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


def task_runner(kind: str = "threads", dask_address: str | None = None, workers: int | None = None):
    """The runner for per-case work: bounded threads, or Dask (a scheduler address,
    or a local cluster when no address is given)."""
    if kind == "threads":
        return ThreadPoolTaskRunner(max_workers=workers or default_workers())
    if kind == "dask":
        from prefect_dask import DaskTaskRunner

        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(
            cluster_kwargs={"n_workers": workers or 2, "threads_per_worker": 1, "processes": True}
        )
    raise TriangulateError(f"unknown runner {kind!r}; expected threads or dask")


def run_study(
    study_dir: Path,
    out_dir: Path,
    force: bool = False,
    rebuild_cases: list[str] | None = None,
    runner: str = "threads",
    dask_address: str | None = None,
    pdf: bool = False,
    nlp_model: str | None = None,
) -> dict:
    """Run the flow with the chosen task runner, tagged with the study."""
    from flows.privacy import preflight
    from flows.study import load_study

    loaded = load_study(study_dir)
    study_id = loaded.definition.study.id
    names = preflight.check_before_flow(study_dir, out_dir, rebuild_cases, nlp_model, loaded)
    flow_with_runner = triangulate_study.with_options(
        task_runner=task_runner(runner, dask_address), flow_run_name=f"triangulate {study_id}"
    )
    with tags("triangulate", f"study:{study_id}"), names_known(names), settings.run_settings():
        return flow_with_runner(
            study_dir=study_dir,
            out_dir=out_dir,
            force=force,
            rebuild_cases=rebuild_cases,
            pdf=pdf,
            nlp_model=nlp_model,
        )

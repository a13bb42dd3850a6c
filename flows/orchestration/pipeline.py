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

The stages' tasks are in `stage_tasks`, the render phase (the chunks, their
tasks and the worker processes) in `render_phase`; this module is the flow.
"""

import contextlib
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from flows.orchestration import settings

settings.configure()  # before Prefect is imported (the tasks' module does it too)

from prefect import flow, get_run_logger, tags  # noqa: E402
from prefect.artifacts import create_markdown_artifact, create_table_artifact  # noqa: E402
from prefect.context import TagsContext  # noqa: E402
from prefect.task_runners import ThreadPoolTaskRunner  # noqa: E402
from prefect.utilities.annotations import quote  # noqa: E402

from flows import stages  # noqa: E402
from flows.codes import expected_rejects  # noqa: E402
from flows.errors import TriangulateError  # noqa: E402
from flows.orchestration import artifacts  # noqa: E402
from flows.orchestration.render_phase import (  # noqa: E402
    CHUNKS_PER_TASK,
    RenderChunk,
    _render_all,
    render_chunk_task,
    render_tasks,
)
from flows.orchestration.stage_tasks import (  # noqa: E402
    FILE_TASK,
    PURE_TASK,
    _local_workers,
    annotate_task,
    audit_task,
    default_workers,
    export_task,
    index_task,
    ingest_task,
    input_role,
    pdf_task,
    retry_unless_invalid,
    review_task,
    stage_task,
    warehouse_task,
)
from flows.privacy.sealed_errors import known_names, names_known, sealing  # noqa: E402
from flows.render import dossiers  # noqa: E402
from flows.runs import RunLock  # noqa: E402

__all__ = [  # what other modules and the tests import from here
    "CHUNKS_PER_TASK",
    "FILE_TASK",
    "PURE_TASK",
    "RenderChunk",
    "annotate_task",
    "audit_task",
    "default_workers",
    "export_task",
    "index_task",
    "ingest_task",
    "input_role",
    "pdf_task",
    "render_chunk_task",
    "render_tasks",
    "retry_unless_invalid",
    "review_task",
    "run_study",
    "stage_task",
    "task_runner",
    "triangulate_study",
    "untagged_tasks",
    "warehouse_task",
]

#: Called with (cases done, cases in all) while dossiers render; the CLI sets it.
progress_hook: Callable[[int, int], None] | None = None


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
            hook=progress_hook,
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

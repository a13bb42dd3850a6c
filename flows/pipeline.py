"""Prefect flows and tasks: thin wiring around `flows.stages`.

One task per stage, and one per case for rendering (never per excerpt).
Tasks log counts and case ids only, never text or names.
"""

from __future__ import annotations

import os
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

from flows import settings

settings.configure()

from prefect import flow, get_run_logger, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.task_runners import ThreadPoolTaskRunner  # noqa: E402

from flows import stages  # noqa: E402

TASK_OPTIONS = {"cache_policy": NO_CACHE, "persist_result": False}


@task(name="ingest and validate", **TASK_OPTIONS)
def ingest_task(study_dir: Path) -> stages.Ingested:
    ingested = stages.ingest(study_dir)
    logger = get_run_logger()
    for name, loaded in ingested.data.loaded_counts.items():
        read = ingested.data.read_counts[name]
        logger.info("%s: %d rows read, %d loaded", name, read, loaded)
    logger.info("%d rows or cells rejected (see rejects.csv)", len(ingested.data.rejects))
    return ingested


@task(name="pseudonymise and suggest stances", **TASK_OPTIONS)
def annotate_task(ingested: stages.Ingested):
    excerpts, stats = stages.annotate(ingested)
    get_run_logger().info(
        "%d excerpts annotated, %d words, %d name mentions replaced",
        len(excerpts),
        stats["words"],
        stats["names_replaced"],
    )
    return excerpts, stats


@task(name="load DuckDB and run SQL models", **TASK_OPTIONS)
def warehouse_task(ingested: stages.Ingested, excerpts, db_path: Path) -> list[str]:
    models = stages.build_warehouse(db_path, stages.warehouse_frames(ingested, excerpts))
    get_run_logger().info("built %d models: %s", len(models), ", ".join(models))
    return models


@task(name="render dossier", task_run_name="render dossier {case_id}", **TASK_OPTIONS)
def render_case_task(
    db_path: Path, ingested: stages.Ingested, case_id: str, out_dir: Path, prov: dict
):
    return stages.render_cases(db_path, ingested, [case_id], out_dir, prov)


@task(name="export tables", **TASK_OPTIONS)
def export_task(db_path: Path, ingested: stages.Ingested, out_dir: Path) -> list[str]:
    return stages.export_tables(db_path, ingested, out_dir)


@task(name="render cross-case index", **TASK_OPTIONS)
def index_task(
    db_path: Path, ingested: stages.Ingested, out_dir: Path, prov: dict, exports: list[str]
):
    return stages.render_index_page(db_path, ingested, out_dir, prov, exports)


@task(name="audit outputs for personal data", **TASK_OPTIONS)
def audit_task(staging: Path, ingested: stages.Ingested) -> None:
    hits = stages.audit(staging, ingested.data.roster_names)
    get_run_logger().info("leak audit: %d hit(s)", len(hits))
    stages.check_audit(hits)


def _workers() -> int:
    return max(2, min(8, os.cpu_count() or 2))


@flow(
    name="triangulate study",
    task_runner=ThreadPoolTaskRunner(max_workers=_workers()),
    log_prints=False,
)
def triangulate_study(study_dir: Path, out_dir: Path) -> dict:
    """Ingest, annotate, load, triangulate (SQL), render, export, audit, publish."""
    started = datetime.now(UTC)
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = round(now - clock, 3)
        clock = now

    study_dir, out_dir = Path(study_dir).resolve(), Path(out_dir).resolve()
    staging = stages.staging_dir(out_dir)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    db_path = staging / stages.DB_NAME

    ingested = ingest_task(study_dir)
    lap("ingest")
    excerpts, stats = annotate_task(ingested)
    lap("nlp")
    models = warehouse_task(ingested, excerpts, db_path)
    lap("sql")
    prov = stages.provenance(ingested)
    cases = stages.case_ids(db_path)
    futures = [render_case_task.submit(db_path, ingested, c, staging, prov) for c in cases]
    for future in futures:
        future.result()
    exports = export_task(db_path, ingested, staging)
    index_task(db_path, ingested, staging, prov, exports)
    lap("render")
    audit_task(staging, ingested)
    lap("audit")
    stages.publish(staging, out_dir)
    summary = {
        "study_id": ingested.study.definition.study.id,
        "started_utc": started.isoformat(),
        "finished_utc": datetime.now(UTC).isoformat(),
        "timings_seconds": timings,
        "cases": len(cases),
        "models": models,
        "loaded": ingested.data.loaded_counts,
        "read": ingested.data.read_counts,
        "rejected": len(ingested.data.rejects),
        "words": stats["words"],
        "names_replaced": stats["names_replaced"],
        "provenance": prov,
        "out_dir": str(out_dir),
    }
    stages.write_manifest(out_dir, summary)
    get_run_logger().info("%d dossiers published in %s", len(cases), out_dir)
    return summary

"""The Prefect tasks of the flow's stages: each a thin wrapper of a function of
`flows.stages` that logs counts and roles only, never text or names
(`stage_task` seals a failure's message). The render tasks are in
`render_phase`, the flow that wires them in `pipeline`.
"""

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from flows.orchestration import settings

settings.configure()

from prefect import get_run_logger, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.context import FlowRunContext  # noqa: E402
from prefect.task_runners import ThreadPoolTaskRunner  # noqa: E402

from flows import stages  # noqa: E402
from flows.errors import TriangulateError  # noqa: E402
from flows.privacy.sealed_errors import sealed  # noqa: E402

T = TypeVar("T")

default_workers = stages.default_workers


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

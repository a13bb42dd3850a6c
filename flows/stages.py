"""The pipeline's stages as plain functions (Kedro-style nodes).

Each stage takes plain values and paths and returns plain values; none imports
Prefect. `flows/orchestration/pipeline.py` wires them into Prefect flows, and the tests call
them directly.

The stages live in one module each: `flows.stage_ingest`, `flows.stage_nlp`
(with what a person reviews), `flows.stage_warehouse` (SQL and QCA),
`flows.stage_render` (dossiers, exports, index), `flows.stage_publish`, and
`flows.fingerprints` (what a re-run may reuse). This module re-exports every
stage under its old name and runs them in order (`run_direct`); callers and
benchmarks use the names here (`stages.ingest`, ...).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from flows import review, warehouse  # noqa: F401 (stage API)
from flows.collector import collector_paused
from flows.fingerprints import (  # noqa: F401 (stage API)
    FLOWS_DIR,
    NOT_SHAPING_OUTPUTS,
    _not_shaping,
    _positions,
    _row_texts,
    case_fingerprints,
    code_fingerprint,
)
from flows.privacy.audit import (  # noqa: F401 (check_audit, name_pattern: stage API)
    audit,
    check_audit,
    distinct_names,
    name_pattern,
    names_fingerprint,
    screen_for,
    sha256_file,
)
from flows.render.exports import safe_frame, write_csv, write_xlsx  # noqa: F401 (stage API)
from flows.render.pages import case_filename  # noqa: F401 (stage API)
from flows.runs import RunLock, private_dir  # noqa: F401 (stage API)
from flows.stage_ingest import (  # noqa: F401 (stage API)
    IDENTIFIER_KINDS,
    Ingested,
    ingest,
    read_identifiers,
    read_stance_reviews,
)
from flows.stage_nlp import (  # noqa: F401 (stage API)
    annotate,
    check_unknown_names,
    name_guard,
    review_counts,
    review_dir,
    review_sheet_path,
    start_review_list,
    start_workers_early,
    study_vocabulary,
    write_review_list,
    write_review_sheet,
)
from flows.stage_publish import (  # noqa: F401 (stage API)
    AuditLedger,
    active_people,
    annotation_cache,
    drop_altered,
    manifest_text,
    place_pages,
    prune_store,
    publish,
    retract_withdrawn,
    staging_dir,
    store_dir,
    write_manifest,
)
from flows.stage_render import (  # noqa: F401 (stage API)
    EXPORTS,
    Exported,
    compiled_templates,
    default_workers,
    export_tables,
    make_pdfs,
    provenance,
    reject_summary,
    render_cases,
    render_index_page,
    render_through_store,
)
from flows.stage_warehouse import (  # noqa: F401 (stage API)
    analyse_cross_case,
    build_warehouse,
    case_ids,
    case_overview,
    shared_key,
    update_warehouse,
    warehouse_frames,
)
from flows.study import LoadedStudy, load_study  # noqa: F401 (stage API)

DB_NAME = warehouse.DB_NAME

#: Stages run with Python's cycle collector paused (`flows.collector`, decision
#: 0175): they make many objects (rows, frames, cache columns) and almost no
#: reference cycles (about ten objects per stage at 1,000 cases), so the collector
#: would only walk the process's large heap again and again: about a fifth of
#: a warm re-run's CPU. Wrapped here, so the flow's tasks (which call
#: `stages.<name>`) and `run_direct` both run them so. The QCA runs inside
#: `update_warehouse` (decision 0272).
PAUSED_STAGES = (
    "ingest",
    "annotate",
    "write_review_list",
    "case_fingerprints",
    "update_warehouse",
    "write_review_sheet",
    "export_tables",
    "render_index_page",
    "audit",
)
for _name in PAUSED_STAGES:
    globals()[_name] = collector_paused()(globals()[_name])
del _name


def run_direct(
    study_dir: Path, out_dir: Path, pdf: bool = False, nlp_model: str | None = None
) -> dict:
    """The whole pipeline in one process without Prefect (tests, benchmarks).

    Same stages, same outputs as the `triangulate study` flow."""
    loaded = load_study(study_dir)  # once: the stages below take it
    out_dir = Path(out_dir).resolve()
    with private_files(loaded.definition.privacy.output_permissions), RunLock(out_dir) as run_id:
        staging = staging_dir(out_dir, run_id)
        staging.mkdir(parents=True)
        db_path = staging / DB_NAME
        start_workers_early(loaded, out_dir, default_workers())
        ingested = ingest(Path(study_dir), loaded, store_dir(out_dir))
        retract_withdrawn(out_dir, ingested.data.persons)
        check_unknown_names(ingested, out_dir)
        excerpts, stats = annotate(
            ingested, nlp_model, annotation_cache(out_dir), default_workers()
        )
        review = None  # the review list's words, found beside the warehouse (0392)
        if nlp_model is None:
            review = start_review_list(ingested, excerpts, out_dir, default_workers())
        keys = case_fingerprints(ingested, nlp_model)
        update = update_warehouse(db_path, ingested, excerpts, out_dir, nlp_model, keys)
        if nlp_model is None:
            write_review_list(ingested, excerpts, out_dir, review)
        write_review_sheet(db_path, ingested, out_dir, keys)
        prov = provenance(ingested, nlp_model)
        cases = case_ids(db_path)
        store = store_dir(out_dir) / "dossiers"
        rendered, jobs = render_through_store(db_path, ingested, cases, staging, prov, store, keys)
        exports = export_tables(db_path, ingested, staging, store_dir(out_dir), keys)
        index_clean = render_index_page(
            db_path, ingested, staging, prov, exports, store_dir(out_dir)
        )
        if pdf:
            make_pdfs(staging)
        ledger = AuditLedger(store_dir(out_dir), ingested.name_set())
        clean = ledger.clean_digests(jobs, rendered) | exports.clean | index_clean
        manifest = {"run_id": run_id, "cases": len(cases), "rejected": len(ingested.data.rejects)}
        extra = {"manifest": manifest_text(manifest)}
        hits = audit(
            staging,
            ingested.name_set(),
            extra,
            known_clean=clean,
            skip_tables=update.audited_tables,
            known_files=ledger.linked_clean(jobs, rendered, staging / "cases"),
        )
        check_audit(hits + update.hits)
        publish(staging, out_dir, manifest, active_people(ingested.data.persons))
        ledger.record(jobs, rendered)
        prune_store(store, jobs)
    return {
        "cases": cases,
        "stats": stats,
        "rejected": len(ingested.data.rejects),
        "recomputed": update.changed,
    }


@contextlib.contextmanager
def private_files(permissions: str = "owner"):
    """Files and folders created meanwhile are readable by the owner only (umask
    077), or also by the group with `permissions="group"` (umask 027)."""
    previous = os.umask(0o027 if permissions == "group" else 0o077)
    try:
        yield
    finally:
        os.umask(previous)

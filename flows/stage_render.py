"""The render stage: provenance, one dossier per case (through the content
store), the CSV and XLSX exports, the cross-case index page and PDFs.
"""

from __future__ import annotations

import hashlib
import os
import platform
from importlib import metadata
from pathlib import Path

import duckdb
import pandas as pd

from flows import warehouse
from flows.fingerprints import case_fingerprints
from flows.nlp.lexicons import pipeline_description
from flows.nlp.model import model_digest
from flows.privacy.audit import names_fingerprint, screen_for, sha256_file
from flows.render import dossiers, pages
from flows.render.exports import safe_frame, write_csv, write_xlsx
from flows.render.pages import case_filename
from flows.stage_ingest import Ingested
from flows.study.languages import has_reader, language_name

#: Exported tables: file stem -> query in sql/queries/; each is written as CSV and XLSX.
EXPORTS = {
    "convergence": "convergence_export",
    "joint_display": "joint_display_export",
    "survey_deltas": "survey_deltas_export",
    "case_classification": "case_classification_export",
    "completeness": "completeness_export",
    "qca_truth_table": "qca_truth_table_export",
    "qca_solutions": "qca_solutions_export",
    "qca_parameters": "qca_parameters_export",
}


def provenance(ingested: Ingested, model: str | None = None) -> dict:
    """What produced the outputs: input hashes, software versions, NLP pipeline.
    Holds nothing that changes from run to run with the same inputs."""
    loaded = ingested.study
    inputs, seen = [], set()
    for key, relative in loaded.definition.inputs.files().items():
        path = loaded.input_path(key)
        if path in seen:  # one file may serve two inputs (a .qdpx gives interviews and excerpts)
            continue
        seen.add(path)
        inputs.append({"name": Path(relative).name, "sha256": sha256_file(path)})
    packages = ["triangulate", "prefect", "duckdb", "pandas", "spacy", "jinja2"]
    versions = {name: metadata.version(name) for name in packages}
    versions["python"] = platform.python_version()
    return {
        "study_file": loaded.path.name,
        "study_sha256": loaded.sha256,
        "inputs": inputs,
        "versions": versions,
        "sql_sha256": warehouse.sql_fingerprint(),
        "nlp": "; ".join(
            f"{pipeline_description(language)} ({_lexicon_digest(language)}, "
            f"model {model_digest()})"
            for language in read_languages(ingested)
        )
        + _unread_language(loaded.definition.study.language),
        "deidentification": (
            f"roster names, identifier patterns and the trained spaCy pipeline {model!r} "
            f"(entities PERSON, GPE, LOC, ORG, FAC)"
            if model
            else "rule-only: roster names and aliases; e-mail addresses, phone numbers, "
            "Danish personal identity (CPR) numbers, street addresses and exact dates by "
            "pattern (in every study); no trained model (capitalised words were listed for "
            "a person to review)"
        ),
    }


def default_workers() -> int:
    """Worker processes (or threads) for per-case work: the machine's cores,
    at least 2, at most 8."""
    return max(2, min(8, os.cpu_count() or 2))


def render_cases(
    db_path: Path,
    ingested: Ingested,
    cases: list[str],
    out_dir: Path,
    prov: dict,
    workers: int | None = None,
) -> list[dict]:
    """Write one dossier per case into out_dir/cases, in chunks over worker
    processes, each audited as it is written (`dossiers.render_chunk` records)."""
    (out_dir / "cases").mkdir(parents=True, exist_ok=True)
    keys = case_fingerprints(ingested)
    jobs = [dossiers.CaseJob(c, keys[c], str(out_dir / "cases" / case_filename(c))) for c in cases]
    names = ingested.name_set()
    return dossiers.render_all(
        db_path, ingested.study.definition, jobs, prov, names, workers or default_workers()
    )


def compiled_templates(cache_dir: Path) -> Path:
    """Where compiled templates are kept between runs: in the private store
    (`stage_publish.store_dir`), beside the dossiers' content store."""
    return cache_dir / "templates"


def render_through_store(
    db_path: Path,
    ingested: Ingested,
    cases: list[str],
    out_dir: Path,
    prov: dict,
    store: Path,
    keys: dict[str, str],
    workers: int | None = None,
) -> tuple[list[dict], list[dossiers.CaseJob]]:
    """Like `render_cases`, through the content store of dossiers (one file per
    case fingerprint, `keys`): renders only the pages the store lacks, then
    places every case's page into out_dir/cases (`stage_publish.place_pages`:
    hard links when owner-only). Returns the records of the
    pages rendered and every case's job."""
    from flows.stage_publish import drop_altered, place_pages

    jobs = [dossiers.CaseJob(c, keys[c], str(store / f"{keys[c]}.html")) for c in cases]
    store.mkdir(parents=True, exist_ok=True, mode=0o700)
    drop_altered(store, jobs)
    todo = [j for j in jobs if not Path(j.path).exists()]
    names = ingested.name_set()
    records = dossiers.render_all(
        db_path,
        ingested.study.definition,
        todo,
        prov,
        names,
        workers or default_workers(),
        compiled_templates(store.parent),
    )
    for record in records:  # the cache stays owner-only
        Path(record["path"]).chmod(0o600)
    place_pages(jobs, out_dir / "cases", store)
    return records, jobs


def export_tables(
    db_path: Path,
    ingested: Ingested,
    out_dir: Path,
    cache_dir: Path | None,
    keys: dict[str, str],
) -> list[str]:
    """CSV and XLSX exports beside the dossiers; returns their paths relative to out_dir.

    Exports with a row per case (first column case_id) are assembled from
    per-case fragments (`flows.render.fragments`), kept in `cache_dir` when
    given so that a re-run recomputes only the changed cases' rows. `keys`:
    `case_fingerprints(ingested, nlp_model)` of this run, required: a key made
    here could not know the NLP model, and a cached fragment redacted without
    the model must never stand for one redacted with it."""
    from flows import incremental
    from flows.render import fragments

    exports_dir = out_dir / "exports"
    exports_dir.mkdir(parents=True, exist_ok=True)
    role_order = [f"{r.id}_stance" for r in ingested.study.definition.roles] + ["survey_stance"]

    def order_columns(stem: str, columns: list[str]) -> list[str]:
        if EXPORTS[stem] != "convergence_export":
            return columns
        fixed = [c for c in columns if not c.endswith("_stance")]
        return fixed + [c for c in role_order if c in columns]

    names = ingested.name_set()
    cache_path = cache_dir / "exports.marshal" if cache_dir else None
    cache = fragments.ExportCache.load(cache_path) if cache_path else fragments.ExportCache()
    # the fragments hold for the warehouse they came from (its shared key)
    state = incremental.read_state(incremental.cache_database(cache_dir)) if cache_dir else None
    shared = state["shared"] if state else None
    if shared is None or (cache.shared, cache.names) != (shared, names_fingerprint(names)):
        cache = fragments.ExportCache(shared or "", names_fingerprint(names), folder=cache.folder)
    written = []
    with duckdb.connect(str(db_path), read_only=True) as con:
        cross = incremental.cross_case_models()
        per_case = {
            stem: name
            for stem, name in EXPORTS.items()
            if con.sql(warehouse.query_sql(name)).columns[0] == "case_id"
            and not incremental.reads_cross_case(warehouse.query_sql(name), cross)
        }
        changed = incremental.changed_cases(cache.keys, keys) if cache.keys else None
        paths, hits = fragments.update_exports(
            con,
            per_case,
            keys,
            changed,
            cache,
            screen_for(names),
            exports_dir,
            order_columns,
        )
        for stem, query_name in EXPORTS.items():
            if stem not in per_case:
                frame = warehouse.query(con, query_name)
                safe = safe_frame(frame)
                write_csv(frame, exports_dir / f"{stem}.csv", safe)
                write_xlsx(frame, exports_dir / f"{stem}.xlsx", sheet=stem, safe=safe)
            written += [f"exports/{stem}.csv", f"exports/{stem}.xlsx"]
    if cache_path:
        cache_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        cache.save(cache_path)
    write_csv(ingested.data.rejects, out_dir / "rejects.csv")
    # exports made of fragments audited as they were made: the final audit skips them
    clean = set() if hits else {sha256_file(path) for path in paths}
    return Exported([*written, "rejects.csv"], clean=clean)


class Exported(list):
    """The exports' paths relative to the output folder; `clean`: the SHA-256
    of those whose every cell was audited clean where it was made."""

    def __init__(self, paths: list[str], clean: set[str] | None = None):
        super().__init__(paths)
        self.clean = clean or set()


def reject_summary(rejects: pd.DataFrame) -> list[dict]:
    """Rejected rows counted by file and reason (reasons never hold cell values)."""
    if rejects.empty:
        return []
    counts = rejects.groupby(["file", "reason"], sort=True).size().reset_index(name="n")
    return counts.to_dict("records")


def render_index_page(
    db_path: Path,
    ingested: Ingested,
    out_dir: Path,
    prov: dict,
    exports: list[str],
    cache_dir: Path | None = None,
) -> set[str]:
    """index.html; with `cache_dir`, the per-case rows rendered (and parsed for
    the audit) by earlier runs are reused (`flows.render.index_rows`). The page
    is audited as it is rendered: returns its SHA-256 when clean (the final
    audit skips it), else nothing (the final audit finds and reports the hits)."""
    from flows import incremental
    from flows.render.fragments import case_relation
    from flows.render.index_rows import RowCache, index_page, with_reused

    rows, keys = RowCache(), None
    if cache_dir is not None:
        state = incremental.read_state(incremental.cache_database(cache_dir))
        rows = RowCache(cache_dir / "index-rows.marshal", state["shared"] if state else "")
        keys = state["cases"] if state else None  # the cases' keys the warehouse holds
    env = pages.environment(compiled=compiled_templates(cache_dir) if cache_dir else None)
    with duckdb.connect(str(db_path), read_only=True) as con:
        ids = [
            r[0]
            for r in con.sql(warehouse.query_sql("case_overview")).project("case_id").fetchall()
        ]
        reused = rows.reusable(keys, ids)
        todo = [c for c in ids if c not in reused] if reused else None
        overview = case_relation(con, "case_overview", todo).df()
        matrix = case_relation(con, "cross_case_matrix", todo).df()
        qca_frames = {
            name: warehouse.query(con, f"qca_{name}_export")
            for name in ("truth_table", "solutions", "parameters", "notes")
        }
        qca_frames["conditions"] = warehouse.query(con, "qca_condition_set_export")
        qca_frames["settings"] = warehouse.query(con, "qca_inputs_settings")
        qca_frames["diversity"] = warehouse.query(con, "qca_inputs_diversity")
        programme = warehouse.query_rows(con, "programme_evidence")
    context = pages.index_context(
        ingested.study.definition, overview, matrix, prov, exports, qca_frames
    )
    if reused:
        context = with_reused(context, ids, reused)
    context["programme"] = programme
    context["rejects"] = reject_summary(ingested.data.rejects)
    context["loaded"] = [
        {"file": name, "read": ingested.data.read_counts.get(name, 0), "loaded": n}
        for name, n in ingested.data.loaded_counts.items()
    ]
    page, hits = index_page(env, context, rows, screen_for(ingested.name_set()), keys)
    data = page.encode("utf-8")
    (out_dir / "index.html").write_bytes(data)
    rows.save()
    return set() if hits else {hashlib.sha256(data).hexdigest()}


def make_pdfs(out_dir: Path) -> list[Path]:
    """Print the index and every dossier to PDF into out_dir/pdf."""
    from flows.render.pdf import print_pdfs

    pages = [out_dir / "index.html", *sorted((out_dir / "cases").glob("*.html"))]
    return print_pdfs(pages, out_dir / "pdf")


def read_languages(ingested: Ingested) -> list[str]:
    """The languages whose lexicons read this study: the study's, then any other
    its interviews are in that the stance reader reads (walk 14 left: a study with
    Danish interviews named the English lexicon only)."""
    first = ingested.study.definition.study.tool_language
    interviews = ingested.data.interviews
    found = interviews["language"].dropna() if "language" in interviews else []
    return [first, *sorted({v for v in found if has_reader(v) and v != first})]


def _lexicon_digest(language: str) -> str:
    path = Path(__file__).parent / "nlp" / "lexicons" / f"{language}.toml"
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def _unread_language(language: str) -> str:
    """What the provenance line adds for a study in a language the stance reader
    does not read (decision 0330)."""
    if has_reader(language):
        return ""
    return (
        f"; the study's language, {language_name(language)}, has no stance reader: its "
        "excerpts are not machine-read (unclear until coded or reviewed)"
    )

"""The pipeline's stages as plain functions (Kedro-style nodes).

Each stage takes plain values and paths and returns plain values; none imports
Prefect. `flows/orchestration/pipeline.py` wires them into Prefect flows, and the tests call
them directly.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import re
import shutil
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import duckdb
import pandas as pd

from flows import review, warehouse
from flows.ingest import StudyData, ingest_study
from flows.nlp.annotate import annotate_excerpts
from flows.nlp.lexicons import pipeline_description
from flows.nlp.model import model_digest
from flows.privacy import unknown_names
from flows.privacy.audit import (  # noqa: F401 (check_audit, name_pattern: stage API)
    audit,
    check_audit,
    distinct_names,
    name_pattern,
    names_fingerprint,
    screen_for,
    sha256_file,
)
from flows.privacy.matching import NameSet
from flows.render import dossiers, pages
from flows.render.exports import safe_frame, write_csv, write_xlsx
from flows.render.pages import case_filename
from flows.runs import RunLock, private_dir
from flows.study import LoadedStudy, load_study

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
DB_NAME = warehouse.DB_NAME


@dataclass
class Ingested:
    """A validated study, its loaded rows, and the extra identifiers to pseudonymise."""

    study: LoadedStudy
    data: StudyData
    identifiers: list[tuple[str, list[str]]] = field(default_factory=list)
    #: reviews in the study's review sheet that were not applied (flows/review.py)
    stale_reviews: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: the researcher's names-reviewed.csv: word -> "name" / "not a name"
    name_decisions: dict[str, str] = field(default_factory=dict)

    def audit_names(self) -> list[tuple[str, str, list[str]]]:
        """Every name the leak audit looks for: every name in the roster file (rows
        accepted or not), the identifiers' and the words the researcher confirmed
        as names (names-reviewed.csv)."""
        extra = [(label, "identifier", names) for label, names in self.identifiers]
        confirmed = sorted(w for w, d in self.name_decisions.items() if d == "name")
        extra += [("[person]", "identifier", confirmed)] if confirmed else []
        return [*self.data.roster_names, *self.data.other_names, *extra]

    def name_set(self) -> NameSet:
        """The names the audit searches for, with the study's language and common words."""
        study = self.study.definition
        return NameSet(
            distinct_names(self.audit_names()),
            study.study.language,
            tuple(sorted(study.privacy.common_words)),
        )


IDENTIFIER_KINDS = {"place": "[place]", "institution": "[institution]", "other": "[identifier]"}


def read_identifiers(loaded: LoadedStudy, rejects: pd.DataFrame) -> tuple[list, pd.DataFrame]:
    """The study's optional identifiers file (kind, name, aliases): places,
    institutions and other words that identify people, each replaced by a label."""
    import csv

    from flows.errors import InputFileError

    relative = loaded.definition.privacy.identifiers
    if relative is None:
        return [], rejects
    path = loaded.root / relative
    from flows.study import inside

    if not inside(path, loaded.allowed_folders):
        raise InputFileError(str(path), "privacy.identifiers: outside the study folder; refused")
    if not path.is_file():
        raise InputFileError(str(path), "privacy.identifiers: file not found")
    found, bad = [], []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not {"kind", "name"} <= set(reader.fieldnames or []):
            raise InputFileError(str(path), "header: expected columns kind, name, aliases")
        for row in reader:
            kind = (row.get("kind") or "").strip()
            names = [row.get("name") or "", *(row.get("aliases") or "").split(";")]
            names = [n.strip() for n in names if n and n.strip()]
            if kind not in IDENTIFIER_KINDS or not names:
                bad.append(
                    {
                        "file": path.name,
                        "row": str(reader.line_num),
                        "element": "kind" if kind not in IDENTIFIER_KINDS else "name",
                        "reason": f"expected kind in {sorted(IDENTIFIER_KINDS)} and a name",
                    }
                )
                continue
            found.append((IDENTIFIER_KINDS[kind], names))
    if bad:
        rejects = pd.concat([rejects, pd.DataFrame(bad)], ignore_index=True)
    return found, rejects


def ingest(study_dir: Path) -> Ingested:
    """Load and validate the study file, then every input it names."""
    loaded = load_study(study_dir)
    data = ingest_study(loaded)
    identifiers, data.rejects = read_identifiers(loaded, data.rejects)
    data.excerpts, stale, data.rejects = read_stance_reviews(loaded, data.excerpts, data.rejects)
    reviewed = loaded.root / loaded.definition.privacy.names_reviewed
    return Ingested(loaded, data, identifiers, stale, unknown_names.read_decisions(reviewed))


def read_stance_reviews(
    loaded: LoadedStudy, excerpts: pd.DataFrame, rejects: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The researcher's reviewed stances (`[inputs] stance_reviews`) as the
    excerpts' `reviewed_stance`; stale or invalid review rows go to the rejects."""
    texts = dict(zip(excerpts["excerpt_id"], excerpts["text"], strict=True))
    relative = loaded.definition.inputs.stance_reviews
    reviews, bad = pd.DataFrame(columns=review.REVIEW_COLUMNS), []
    name = ""
    if relative:
        path = loaded.root / relative
        name = path.name
        reviews, bad = review.read_reviews(path, loaded.definition, label=str(path))
    out, stale, stale_rejects = review.apply_reviews(excerpts, texts, reviews, name)
    if bad or stale_rejects:
        rejects = pd.concat([rejects, pd.DataFrame([*bad, *stale_rejects])], ignore_index=True)
    return out, stale, rejects


def annotate(
    ingested: Ingested, model: str | None = None, cache_path: Path | None = None
) -> tuple[pd.DataFrame, dict[str, int]]:
    """De-identified excerpts with suggested stances and example claims.

    `model` names an installed trained spaCy pipeline used to redact entities
    too; `cache_path` keeps each excerpt's result for the next run
    (`annotation_cache`). Programme-level excerpts (about no case) go through
    the same pseudonymiser in the same call; they are the rows without a case
    (`warehouse_frames` keeps them apart)."""
    frames = [ingested.data.excerpts, ingested.data.programme_excerpts]
    return annotate_excerpts(
        pd.concat([f for f in frames if len(f)] or frames[:1], ignore_index=True),
        ingested.study.definition,
        [*ingested.data.roster_names, *ingested.data.other_names],
        model,
        extra_names=ingested.identifiers,
        person_cases=ingested.data.cases_by_person(),
        cache_path=cache_path,
        guard=name_guard(ingested),
    )


def name_guard(ingested: Ingested) -> unknown_names.NameGuard:
    """Names nobody put on the roster: titles, name parts, the gazetteer."""
    names = [n for _, _, found in ingested.audit_names() for n in found]
    mode = ingested.study.definition.privacy.unknown_names
    return unknown_names.NameGuard(names, study_vocabulary(ingested), ingested.name_decisions, mode)


def check_unknown_names(ingested: Ingested, out_dir: Path) -> None:
    """`unknown_names = "review"`: stop before anything is written while possible
    names wait for the researcher (listed in the private review folder)."""
    excerpts = ingested.data.excerpts
    items = zip(excerpts["excerpt_id"], excerpts["text"], strict=True)
    unknown_names.check_reviewed(name_guard(ingested), items, review_dir(out_dir))


def study_vocabulary(ingested: Ingested) -> set[str]:
    """Words the study itself uses (labels, codes, examples): not names to review."""
    study = ingested.study.definition
    texts = [study.study.title]
    texts += [r.label for r in study.roles]
    for theme in study.themes:
        texts += [theme.label, *theme.codes, *theme.examples]
        texts += [term for terms in theme.examples.values() for term in terms]
    texts += [i.label for i in study.survey_items] + [v.label for v in study.context_variables]
    return {w for t in texts for w in re.findall(r"[\wæøåÆØÅ-]+", t)}


def review_dir(out_dir: Path) -> Path:
    """In the private folder (never published): the list for a person's review."""
    return private_dir(out_dir) / "review"


def review_sheet_path(out_dir: Path) -> Path:
    """Where each run writes the stance review sheet (and its .csv twin):
    private, beside the outputs, never published."""
    return review_dir(out_dir) / "stances.xlsx"


def write_review_sheet(
    db_path: Path, ingested: Ingested, out_dir: Path, keys: dict[str, str] | None = None
) -> list[Path]:
    """The stance review sheet (flows/review.py) for this run's machine readings,
    made anew for the changed cases only (`flows.render.review_sheet`; `keys`:
    `case_fingerprints(ingested)` when the caller has them)."""
    from flows import incremental
    from flows.render import review_sheet

    state = incremental.read_state(incremental.cache_database(store_dir(out_dir)))
    return review_sheet.update_sheet(
        db_path,
        ingested.data.excerpts,
        ingested.stale_reviews,
        ingested.study.definition,
        review_sheet_path(out_dir),
        keys or case_fingerprints(ingested),
        store_dir(out_dir) / "review-sheet.marshal",
        state["shared"] if state else "",
    )


def review_counts(db_path: Path, ingested: Ingested) -> dict[str, int]:
    """How the review stands, for the run summary: provisional verdicts and the
    cases holding them, machine-read stances, stale reviews."""
    overview = case_overview(db_path)
    provisional = overview["n_provisional_verdicts"].fillna(0)
    return {
        "provisional_verdicts": int(provisional.sum()),
        "provisional_cases": int((provisional > 0).sum()),
        "machine_read": int(overview["n_machine_read"].fillna(0).sum()),
        "stale_reviews": len(ingested.stale_reviews),
    }


def write_review_list(ingested: Ingested, excerpts: pd.DataFrame, out_dir: Path) -> Path:
    """Without a trained model: capitalised words a person should check for names
    the roster missed. Written outside the published folder, owner-only."""
    import marshal

    from flows.privacy.pseudonymise import review_candidates

    # the words found per text, kept in the private store for the next run
    cache_path = store_dir(out_dir) / "review-words.marshal"
    salt = shared_key(ingested)
    cache: dict[str, list[str]] = {}
    with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
        saved = marshal.loads(cache_path.read_bytes())
        if isinstance(saved, dict) and saved.get("salt") == salt:
            cache = saved["words"]
    rows = review_candidates(
        zip(excerpts["excerpt_id"], excerpts["text"], strict=True),
        study_vocabulary(ingested),
        ingested.study.definition.study.language,
        cache,
    )
    cache_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    cache_path.write_bytes(marshal.dumps({"salt": salt, "words": cache}))
    folder = review_dir(out_dir)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / "capitalised_words_to_check.csv"
    write_csv(pd.DataFrame(rows, columns=["word", "occurrences", "excerpts"]), path)
    path.chmod(0o600)
    return path


def warehouse_frames(ingested: Ingested, excerpts: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The tables the SQL models start from (no names: the roster's names stay out)."""
    data = ingested.data
    if "reviewed_stance" not in excerpts.columns:
        excerpts = excerpts.assign(
            reviewed_stance=pd.Series(None, index=excerpts.index, dtype=object)
        )
    return {
        "raw_cases": data.cases,
        "raw_persons": data.persons,
        "raw_person_cases": data.person_cases,
        "raw_interviews": data.interviews,
        "raw_excerpts": excerpts[excerpts["case_id"].notna()].reset_index(drop=True),
        # pseudonymised like every excerpt; about no case: shown in the index only
        "raw_programme_excerpts": excerpts[excerpts["case_id"].isna()].reset_index(drop=True),
        "raw_survey": data.survey,
        "raw_context": data.context,
        "raw_rejects": data.rejects,
        **warehouse.config_frames(ingested.study.definition),
    }


def build_warehouse(db_path: Path, frames: dict[str, pd.DataFrame]) -> list[str]:
    """Create the DuckDB file and run the SQL models; returns the models built."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    return warehouse.build_warehouse(db_path, frames)


def update_warehouse(
    db_path: Path,
    ingested: Ingested,
    excerpts: pd.DataFrame,
    out_dir: Path,
    nlp_model: str | None = None,
    keys: dict[str, str] | None = None,
):
    """Update the warehouse kept in the private cache (only the changed cases'
    rows, `flows.incremental`), then copy it to `db_path` to be published.
    `keys`: `case_fingerprints(ingested)` when the caller has them. Returns
    the `incremental.Update`."""
    from flows import incremental

    cache_db = incremental.cache_database(store_dir(out_dir))
    update = incremental.update_warehouse(
        cache_db,
        warehouse_frames(ingested, excerpts),
        keys or case_fingerprints(ingested),
        shared_key(ingested, nlp_model),
        ingested.name_set(),
    )
    incremental.publish_copy(cache_db, db_path)
    return update


def shared_key(ingested: Ingested, nlp_model: str | None = None) -> str:
    """A key of what every case's results depend on: the study file, the code
    (SQL included), the identifiers and the NLP model; and the roster's names
    and statuses, so that a withdrawal or a new name rebuilds the warehouse in a
    fresh file (no deleted row's bytes left behind)."""
    persons = ingested.data.persons
    statuses = sorted(zip(persons["person_id"], persons["status"], strict=True))
    parts = (
        ingested.study.sha256,
        code_fingerprint(),
        repr(ingested.identifiers),
        repr(nlp_model),
        names_fingerprint(ingested.name_set()),
        repr(statuses),
    )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def analyse_cross_case(db_path: Path) -> dict:
    """Crisp-set QCA over the marts' truth table; stores its solutions as tables."""
    from flows import qca

    with duckdb.connect(str(db_path)) as con:
        result = qca.analyse(
            warehouse.query(con, "qca_inputs_conditions"),
            warehouse.query(con, "qca_inputs_truth_table"),
            settings=qca.Settings.from_frame(warehouse.query(con, "qca_inputs_settings")),
        )
        diversity = qca.Diversity.from_frame(warehouse.query(con, "qca_inputs_diversity"))
        result = qca.withhold_solutions(result, diversity)
        warehouse.load_tables(con, result.tables())
    return {
        "conditions": len(result.conditions),
        "solutions": len(result.solutions),
        "notes": len(result.notes),
    }


def case_overview(db_path: Path) -> pd.DataFrame:
    """Every case's classification row."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        return warehouse.query(con, "case_overview")


def case_ids(db_path: Path) -> list[str]:
    return case_overview(db_path)["case_id"].tolist()


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
    lexicon = hashlib.sha256(
        (
            Path(__file__).parent / "nlp" / "lexicons" / f"{loaded.definition.study.language}.toml"
        ).read_bytes()
    ).hexdigest()[:12]
    return {
        "study_file": loaded.path.name,
        "study_sha256": loaded.sha256,
        "inputs": inputs,
        "versions": versions,
        "sql_sha256": warehouse.sql_fingerprint(),
        "nlp": f"{pipeline_description(loaded.definition.study.language)} ({lexicon}, "
        f"model {model_digest()})",
        "deidentification": (
            f"roster names, identifier patterns and the trained spaCy pipeline {model!r} "
            f"(entities PERSON, GPE, LOC, ORG, FAC)"
            if model
            else "rule-only: roster names and aliases, e-mail, phone, CPR, address and date "
            "patterns; no trained model (capitalised words were listed for a person to review)"
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
    copies every case's page into out_dir/cases. Returns the records of the
    pages rendered and every case's job."""
    jobs = [dossiers.CaseJob(c, keys[c], str(store / f"{keys[c]}.html")) for c in cases]
    todo = [j for j in jobs if not Path(j.path).exists()]
    store.mkdir(parents=True, exist_ok=True, mode=0o700)
    names = ingested.name_set()
    records = dossiers.render_all(
        db_path, ingested.study.definition, todo, prov, names, workers or default_workers()
    )
    for record in records:  # the cache stays owner-only
        Path(record["path"]).chmod(0o600)
    (out_dir / "cases").mkdir(parents=True, exist_ok=True)
    for job in jobs:
        shutil.copyfile(job.path, out_dir / "cases" / case_filename(job.case_id))
    return records, jobs


FLOWS_DIR = Path(__file__).parent
#: modules of flows/ (paths relative to it; a trailing "/" names a whole package) that never
#: shape a page or export (tools, entry points, servers); editing them keeps every cached dossier
NOT_SHAPING_OUTPUTS = {
    "cli.py",
    "orchestration/deployment.py",
    "orchestration/servers.py",
    "evaluate.py",
    "nlp/evaluate.py",
    "orchestration/settings.py",
    "synth/",
}


def _not_shaping(relative: Path) -> bool:
    """Whether a file of flows/ (path relative to it) is in NOT_SHAPING_OUTPUTS."""
    name = relative.as_posix()
    return name in NOT_SHAPING_OUTPUTS or any(
        name.startswith(entry) for entry in NOT_SHAPING_OUTPUTS if entry.endswith("/")
    )


def code_fingerprint() -> str:
    """A hash of everything besides the inputs that shapes an output: the Python
    modules, lexicons, SQL models, templates and the installed versions."""
    digest = hashlib.sha256()
    roots = [Path(__file__).parent, warehouse.SQL_DIR, pages.TEMPLATES_DIR]
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix != ".pyc"):
            if path.is_relative_to(FLOWS_DIR) and _not_shaping(path.relative_to(FLOWS_DIR)):
                continue
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    for name in ("duckdb", "spacy", "jinja2", "pandas"):
        digest.update(f"{name}={metadata.version(name)}".encode())
    return digest.hexdigest()


def case_fingerprints(ingested: Ingested) -> dict[str, str]:
    """Per case, a key that changes when anything that case's dossier depends on
    changes: its excerpts, survey rows, context, the roster entries and
    interviews of its informants, the study file, and the code (`code_fingerprint`)."""
    data = ingested.data
    base = hashlib.sha256(
        (
            ingested.study.sha256
            + code_fingerprint()
            + repr(ingested.identifiers)
            + ingested.name_set().fingerprint  # every name: a roster edit re-renders
        ).encode()
    ).hexdigest()
    names = {pid: names for pid, _, names in data.roster_names}
    by_case = {
        key: _positions(frame, "case_id")
        for key, frame in (
            ("excerpts", data.excerpts),
            ("survey", data.survey),
            ("context", data.context),
        )
    }
    by_person = {
        key: _positions(frame, "person_id")
        for key, frame in (("persons", data.persons), ("interviews", data.interviews))
    }
    people_of = _positions(data.person_cases, "case_id")
    rows_of = {
        key: _row_texts(frame)
        for key, frame in (
            ("excerpts", data.excerpts),
            ("survey", data.survey),
            ("context", data.context),
            ("persons", data.persons),
            ("interviews", data.interviews),
        )
    }
    keys = {}
    for case_id in data.cases["case_id"]:
        people = sorted(data.person_cases["person_id"].iloc[people_of.get(case_id, [])])
        digest = hashlib.sha256(base.encode())
        for key in ("excerpts", "survey", "context"):
            digest.update(f"\n#{key}\n".encode())
            for i in by_case[key].get(case_id, []):
                digest.update(rows_of[key][i])
        for key in ("persons", "interviews"):
            digest.update(f"\n#{key}\n".encode())
            for i in sorted(i for p in people for i in by_person[key].get(p, [])):
                digest.update(rows_of[key][i])
        digest.update(repr([(p, names.get(p, [])) for p in people]).encode())
        keys[case_id] = digest.hexdigest()
    return keys


def _row_texts(frame: pd.DataFrame) -> list[bytes]:
    """Each row of a frame as bytes that change when any of its values does
    (the column names included), made once per frame, not once per case."""
    header = repr(list(frame.columns))
    values = frame.astype(object).where(frame.notna(), None)
    return [f"{header}{row!r}\n".encode() for row in values.itertuples(index=False, name=None)]


def _positions(frame: pd.DataFrame, column: str) -> dict[str, list[int]]:
    """Row positions per value of a column, in frame order."""
    positions: dict[str, list[int]] = {}
    for index, value in enumerate(frame[column].tolist()):
        positions.setdefault(value, []).append(index)
    return positions


def export_tables(
    db_path: Path,
    ingested: Ingested,
    out_dir: Path,
    cache_dir: Path | None = None,
    keys: dict[str, str] | None = None,
) -> list[str]:
    """CSV and XLSX exports beside the dossiers; returns their paths relative to out_dir.

    Exports with a row per case (first column case_id) are assembled from
    per-case fragments (`flows.render.fragments`), kept in `cache_dir` when
    given so that a re-run recomputes only the changed cases' rows (`keys`:
    `case_fingerprints(ingested)` when the caller has them)."""
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

    keys = keys or case_fingerprints(ingested)
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
) -> Path:
    """index.html; with `cache_dir`, the per-case rows rendered by earlier runs
    are reused (`flows.render.index_rows`)."""
    from flows import incremental
    from flows.render.index_rows import RowCache

    env = pages.environment()
    with duckdb.connect(str(db_path), read_only=True) as con:
        overview = warehouse.query(con, "case_overview")
        matrix = warehouse.query(con, "cross_case_matrix")
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
    context["programme"] = programme
    context["rejects"] = reject_summary(ingested.data.rejects)
    context["loaded"] = [
        {"file": name, "read": ingested.data.read_counts.get(name, 0), "loaded": n}
        for name, n in ingested.data.loaded_counts.items()
    ]
    rows = RowCache()
    if cache_dir is not None:
        state = incremental.read_state(incremental.cache_database(cache_dir))
        rows = RowCache(cache_dir / "index-rows.marshal", state["shared"] if state else "")
    path = out_dir / "index.html"
    path.write_text(pages.render_index(env, context, rows), encoding="utf-8")
    rows.save()
    return path


def make_pdfs(out_dir: Path) -> list[Path]:
    """Print the index and every dossier to PDF into out_dir/pdf."""
    from flows.render.pdf import print_pdfs

    pages = [out_dir / "index.html", *sorted((out_dir / "cases").glob("*.html"))]
    return print_pdfs(pages, out_dir / "pdf")


def staging_dir(out_dir: Path, run_id: str) -> Path:
    """Where run `run_id` writes before the audit lets it publish (private)."""
    return private_dir(out_dir) / "staging" / run_id


def store_dir(out_dir: Path) -> Path:
    """The content store of rendered dossiers, keyed by case fingerprint (private)."""
    return private_dir(out_dir) / "cache"


class AuditLedger:
    """Which dossier contents passed the leak audit against which names, kept in
    the store so that a re-run searches only new or changed pages. Holds cache
    keys and SHA-256 digests only; forgotten when the names change."""

    def __init__(self, store: Path, names: NameSet | tuple[str, ...]):
        self.path = store / "audited.json"
        self.names = names_fingerprint(names)
        self.entries: dict[str, str] = {}
        if self.path.exists():
            saved = json.loads(self.path.read_text(encoding="utf-8"))
            if saved.get("names") == self.names:
                self.entries = saved.get("clean", {})

    def clean_digests(self, jobs: list[dossiers.CaseJob], records: list[dict]) -> set[str]:
        """Digests the final audit may skip: pages audited clean as they were
        rendered this run, and reused pages audited clean by an earlier run."""
        rendered = {r["case_id"] for r in records}
        reused = {
            self.entries[j.key] for j in jobs if j.case_id not in rendered and j.key in self.entries
        }
        return {r["sha256"] for r in records if r["clean"]} | reused

    def record(self, jobs: list[dossiers.CaseJob], records: list[dict]) -> None:
        """After a passed audit: every current page is clean (older entries go)."""
        digests = {r["case_id"]: r["sha256"] for r in records}
        clean = {
            j.key: digests.get(j.case_id) or self.entries.get(j.key) or sha256_file(Path(j.path))
            for j in jobs
        }
        self.path.write_text(
            json.dumps({"names": self.names, "clean": dict(sorted(clean.items()))}, indent=1),
            encoding="utf-8",
        )


def prune_store(store: Path, jobs: list[dossiers.CaseJob]) -> int:
    """Delete stored pages no current case uses (e.g. a withdrawn participant's
    old dossier); returns how many."""
    keep = {Path(j.path).name for j in jobs}
    stale = [p for p in store.glob("*.html*") if p.name not in keep]
    for path in stale:
        path.unlink()
    return len(stale)


def annotation_cache(out_dir: Path) -> Path:
    """The NLP stage's per-excerpt cache (pseudonymised text only), in the
    owner-only store beside the outputs: kept across runs, never published."""
    return store_dir(out_dir) / "annotations.parquet"


def publish(staging: Path, out_dir: Path, manifest: dict | None = None) -> None:
    """Move audited outputs into place, replacing the previous run's; the manifest
    is written into the staging folder first, so a published folder always has
    one. A run killed between the two renames leaves the previous outputs in
    the private folder; the next run puts them back (`RunLock`)."""
    if manifest is not None:
        write_manifest(staging, manifest)
    previous = private_dir(out_dir) / "previous"
    shutil.rmtree(previous, ignore_errors=True)
    if out_dir.exists():
        out_dir.rename(previous)
    staging.rename(out_dir)
    shutil.rmtree(previous, ignore_errors=True)


def write_manifest(out_dir: Path, manifest: dict) -> Path:
    """Run metadata (times, counts) kept apart from the compared outputs."""
    path = out_dir / "manifest.json"
    path.write_text(manifest_text(manifest), encoding="utf-8")
    return path


def manifest_text(manifest: dict) -> str:
    return json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n"


def run_direct(
    study_dir: Path, out_dir: Path, pdf: bool = False, nlp_model: str | None = None
) -> dict:
    """The whole pipeline in one process without Prefect (tests, benchmarks).

    Same stages, same outputs as the `triangulate study` flow."""
    permissions = load_study(study_dir).definition.privacy.output_permissions
    out_dir = Path(out_dir).resolve()
    with private_files(permissions), RunLock(out_dir) as run_id:
        staging = staging_dir(out_dir, run_id)
        staging.mkdir(parents=True)
        db_path = staging / DB_NAME
        ingested = ingest(Path(study_dir))
        check_unknown_names(ingested, out_dir)
        excerpts, stats = annotate(ingested, nlp_model, annotation_cache(out_dir))
        if nlp_model is None:
            write_review_list(ingested, excerpts, out_dir)
        keys = case_fingerprints(ingested)
        update = update_warehouse(db_path, ingested, excerpts, out_dir, nlp_model, keys)
        write_review_sheet(db_path, ingested, out_dir, keys)
        analyse_cross_case(db_path)
        prov = provenance(ingested, nlp_model)
        cases = case_ids(db_path)
        store = store_dir(out_dir) / "dossiers"
        rendered, jobs = render_through_store(db_path, ingested, cases, staging, prov, store, keys)
        exports = export_tables(db_path, ingested, staging, store_dir(out_dir), keys)
        render_index_page(db_path, ingested, staging, prov, exports, store_dir(out_dir))
        if pdf:
            make_pdfs(staging)
        ledger = AuditLedger(store_dir(out_dir), ingested.name_set())
        clean = ledger.clean_digests(jobs, rendered) | exports.clean
        manifest = {"run_id": run_id, "cases": len(cases), "rejected": len(ingested.data.rejects)}
        extra = {"manifest": manifest_text(manifest)}
        hits = audit(
            staging,
            ingested.name_set(),
            extra,
            known_clean=clean,
            skip_tables=update.audited_tables,
        )
        check_audit(hits + update.hits)
        publish(staging, out_dir, manifest)
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

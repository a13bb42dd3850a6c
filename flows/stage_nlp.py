"""The NLP stage and what a person reviews: de-identified excerpts with suggested
stances (`annotate`), names nobody put on the roster (`check_unknown_names`),
the capitalised words to check and the stance review sheet, all in the private
review folder.
"""

from __future__ import annotations

import contextlib
import logging
import re
from concurrent.futures import Future
from pathlib import Path

import pandas as pd

from flows.nlp.annotate import annotate_excerpts
from flows.privacy import unknown_names
from flows.render.exports import write_csv
from flows.runs import private_dir
from flows.stage_ingest import Ingested
from flows.stage_publish import annotation_cache, store_dir
from flows.stage_warehouse import case_overview, shared_key
from flows.study import LoadedStudy

log = logging.getLogger(__name__)


def annotate(
    ingested: Ingested,
    model: str | None = None,
    cache_path: Path | None = None,
    workers: int = 1,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """De-identified excerpts with suggested stances and example claims.

    `model` names an installed trained spaCy pipeline used to redact entities
    too; `cache_path` keeps each excerpt's result for the next run
    (`annotation_cache`); `workers` > 1 lets a cold run's many excerpts be read
    over that many processes (`flows.nlp.parallel`, same rows). Programme-level
    excerpts (about no case) go through the same pseudonymiser in the same call;
    they are the rows without a case (`warehouse_frames` keeps them apart)."""
    frames = [ingested.data.excerpts, ingested.data.programme_excerpts]
    if cache_path is not None:  # the cache's file before decision 0189: not read again
        Path(cache_path).with_name("annotations.parquet").unlink(missing_ok=True)
    return annotate_excerpts(
        pd.concat([f for f in frames if len(f)] or frames[:1], ignore_index=True),
        ingested.study.definition,
        [*ingested.data.roster_names, *ingested.data.other_names],
        model,
        extra_names=ingested.identifiers,
        person_cases=ingested.data.cases_by_person(),
        cache_path=cache_path,
        guard=name_guard(ingested),
        workers=workers,
        withdrawn=frozenset(ingested.data.withdrawn),
    )


def start_workers_early(study: Path | LoadedStudy, out_dir: Path, workers: int) -> bool:
    """Before ingest: start the NLP workers' fork server in the background if
    this looks like a cold run of a large study (`flows.nlp.parallel.start_early`).
    `study`: the study folder, or the study file the run has loaded already."""
    from flows.nlp import parallel
    from flows.study import load_study

    loaded = study if isinstance(study, LoadedStudy) else load_study(study)
    return parallel.start_early(loaded.input_path("excerpts"), annotation_cache(out_dir), workers)


def name_guard(ingested: Ingested) -> unknown_names.NameGuard:
    """Names nobody put on the roster: titles, name parts, the gazetteer.

    Made once per `Ingested` while what it is made of stays the same (its roster
    name parts cost about 0.05 s of CPU at 1,000 cases; annotation and the
    warehouse's context values both ask for it). Callers only read it."""
    names = [n for _, _, found in ingested.audit_names() for n in found]
    mode = ingested.study.definition.privacy.unknown_names
    vocabulary = study_vocabulary(ingested)
    made_of = (
        tuple(names),
        tuple(sorted(vocabulary)),
        tuple(sorted(ingested.name_decisions.items())),
        mode,
    )
    if ingested._guard and ingested._guard[0] == made_of:
        return ingested._guard[1]
    guard = unknown_names.NameGuard(names, vocabulary, dict(ingested.name_decisions), mode)
    ingested._guard = (made_of, guard)
    return guard


def check_unknown_names(ingested: Ingested, out_dir: Path) -> None:
    """`unknown_names = "review"`: stop before anything is written while possible
    names wait for the researcher (listed in the private review folder)."""
    if ingested.study.definition.privacy.unknown_names != "review":
        return  # nothing to list (`check_reviewed` would return too): no guard built
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
    db_path: Path, ingested: Ingested, out_dir: Path, keys: dict[str, str]
) -> list[Path]:
    """The stance review sheet (flows/review.py) for this run's machine readings,
    made anew for the changed cases only (`flows.render.review_sheet`). `keys`:
    this run's `case_fingerprints(ingested, nlp_model)`, required (a key made
    here would leave the NLP model out)."""
    from flows import incremental
    from flows.render import review_sheet

    state = incremental.read_state(incremental.cache_database(store_dir(out_dir)))
    return review_sheet.update_sheet(
        db_path,
        ingested.data.excerpts,
        ingested.stale_reviews,
        ingested.study.definition,
        review_sheet_path(out_dir),
        keys,
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


def start_review_list(
    ingested: Ingested, excerpts: pd.DataFrame, out_dir: Path, workers: int
) -> Future | None:
    """Without a trained model, on a cold run of a large study: find the review
    list's words in a worker process (`flows.nlp.parallel.in_worker`, decision
    0392) while this one goes on to the warehouse, whose build leaves the second
    core idle; `write_review_list` takes the answer. None (the words are found
    there, in this process) with one core, few excerpts, or the words of an
    earlier run kept: a re-run finds only the new texts' words, here and now,
    and hands them on done (its inputs, the kept words among them, read once)."""
    from flows.nlp import parallel

    if not parallel.worth_it(len(excerpts), workers):
        return None  # asked first: the inputs are read again where the words are found
    items, known, language, cache = _review_inputs(ingested, excerpts, out_dir)
    if cache:
        found: Future = Future()
        found.set_result(_review_rows(items, known, language, cache))
        return found
    return parallel.in_worker(_review_rows, items, known, language, cache)


def write_review_list(
    ingested: Ingested, excerpts: pd.DataFrame, out_dir: Path, pending: Future | None = None
) -> Path:
    """Without a trained model: capitalised words a person should check for names
    the roster missed. Written outside the published folder, owner-only.
    `pending`: the words as `start_review_list` is finding them in a worker
    process (found here instead if it failed: the same rows)."""
    import marshal

    found = None
    if pending is not None:
        try:
            found = pending.result()
        except Exception as error:  # the worker died: found here, the same rows
            log.warning("review list's worker failed (%s); found in-process", type(error))
    if found is None:
        found = _review_rows(*_review_inputs(ingested, excerpts, out_dir))
    rows, cache = found
    cache_path = store_dir(out_dir) / REVIEW_WORDS
    cache_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    cache_path.write_bytes(marshal.dumps({"salt": shared_key(ingested), "words": cache}))
    folder = review_dir(out_dir)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / "capitalised_words_to_check.csv"
    write_csv(pd.DataFrame(rows, columns=["word", "occurrences", "excerpts"]), path)
    path.chmod(0o600)
    return path


#: the words found per text, kept in the private store for the next run
REVIEW_WORDS = "review-words.marshal"


def _review_inputs(
    ingested: Ingested, excerpts: pd.DataFrame, out_dir: Path
) -> tuple[list[tuple[str, str]], set[str], str, dict[str, list[str]]]:
    """What the review list is found from: (excerpt id, text) items, the study's
    own words, the tool language and the previous run's words per text."""
    import marshal

    cache: dict[str, list[str]] = {}
    with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
        saved = marshal.loads((store_dir(out_dir) / REVIEW_WORDS).read_bytes())
        if isinstance(saved, dict) and saved.get("salt") == shared_key(ingested):
            cache = saved["words"]
    # lists, not the columns: iterating a pandas string column costs a call per cell
    items = list(zip(excerpts["excerpt_id"].tolist(), excerpts["text"].tolist(), strict=True))
    language = ingested.study.definition.study.tool_language
    return items, study_vocabulary(ingested), language, cache


def _review_rows(
    items: list[tuple[str, str]], known: set[str], language: str, cache: dict[str, list[str]]
) -> tuple[list[dict], dict[str, list[str]]]:
    """The review list's rows, and `cache` updated to this run's texts (pure:
    the same in a worker process as here)."""
    from flows.nlp import reader_store
    from flows.privacy.pseudonymise import review_candidates

    # the tokenizer of the stance reader this process loaded, if any (no blank one made)
    nlp = reader_store.pipeline_in_process(language)
    return review_candidates(items, known, language, cache, nlp), cache

"""Prepare excerpts for the warehouse: pseudonymise, then suggest stances.

Pseudonymisation runs first, so that no later step (NLP, SQL, rendering,
logging) ever sees a roster name.

Annotation cache (`cache_path`). A re-run annotates only the excerpts it has
not seen. The cache is one file (marshalled columns, in the order of the run
that wrote it: decision 0189) with one row per excerpt: a key and
the outputs (de-identified text, suggested stance, confidence, cues, examples,
names replaced and identifier replacements by label). It never holds an
original text or name: the key is a sha256 over the excerpt's original text,
theme id, theme kind, language, case id and informant (who speaks decides
between people sharing a name), plus a run-level salt. The salt is a sha256
over everything else the outputs depend on: the roster's names, labels, roles
and case links, the identifiers list, the study's language and theme examples,
the lexicon files, the source of the NLP modules, the trained model (name and
version) and the spaCy (and lookups) versions. Any change there changes every
key, so nothing stale is ever read; and since the salt holds the roster's
names, a key cannot be checked against a guessed text without the roster. A
withdrawal changes no key (status is not part of the labels) but removes the
informant's excerpts from the run. After each run the file holds exactly the
run's excerpts (rows of withdrawn informants and deleted excerpts go): it is
rewritten, through a temporary file and a rename, unless its rows are already
those; it is owner-only (0600) either way. An unreadable cache is ignored and
rewritten. Output (frame and counts) is the same with or without the cache.
The file is read and written by `flows.nlp.annotation_cache`: as columns, each
excerpt decoded from its row only when the run has it.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Sequence
from importlib import metadata, resources
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from flows.language_notes import unread_as, unread_cue
from flows.nlp import reader_store
from flows.nlp.annotation_cache import (  # noqa: F401 (CACHE_COLUMNS and the list codec: API)
    CACHE_COLUMNS,
    CACHE_FORMAT,
    Annotation,
    Cached,
    Results,
    _decode_list,
    _encode_list,
    _results,
    read_cache,
    write_cache,
)
from flows.nlp.reader import UNCLEAR, StanceReader, Suggestion, profile_for
from flows.privacy.pseudonymise import Carrier, Mention, Pseudonymiser, pseudonym_label
from flows.privacy.unknown_names import NameGuard, alias_parts
from flows.study import Study
from flows.study.languages import has_reader, language_name


def roster_carriers(
    study: Study,
    roster_names: list[tuple[str, str, list[str]]],
    person_cases: dict[str, list[str]] | None = None,
    withdrawn: frozenset[str] = frozenset(),
) -> list[tuple[Carrier, list[str]]]:
    """Every roster person (withdrawn ones too) as a name carrier: label, person id,
    cases (from `person_cases`, when given) and whether the role is cross-case.
    A `withdrawn` person's name, where others mention them, becomes `[person]`:
    their label would keep their id in every output (decision 0367)."""
    roles = {r.id: r for r in study.roles}
    cases = person_cases or {}
    people = []
    for pid, role, names in roster_names:
        spec = roles.get(role)
        if spec is None:  # a roster row that was not loaded: its names go all the same
            people.append((Carrier("[person]", pid), names))
            continue
        label = "[person]" if pid in withdrawn else pseudonym_label(pid, spec.label, spec.per_case)
        carrier = Carrier(label, pid, frozenset(cases.get(pid, ())), staff=not spec.per_case)
        people.append((carrier, [*names, *alias_parts(names)]))
    return people


def build_pseudonymiser(
    study: Study,
    roster_names: list[tuple[str, str, list[str]]],
    model: str | None = None,
    extra_names: list[tuple[str, list[str]]] | None = None,
    person_cases: dict[str, list[str]] | None = None,
) -> Pseudonymiser:
    """A pseudonymiser for every person in the roster (withdrawn ones too), plus
    the study's extra identifiers (places, institutions) with their labels.

    `person_cases` (person id -> case ids) lets a name shared by several people
    be labelled as the one linked to the excerpt's case."""
    people = roster_carriers(study, roster_names, person_cases)
    return Pseudonymiser(
        [*people, *(extra_names or [])],
        study.study.tool_language,
        model=model,
        common_words=study.privacy.common_words,
    )


def annotate_excerpts(
    excerpts: pd.DataFrame,
    study: Study,
    roster_names: list[tuple[str, str, list[str]]],
    model: str | None = None,
    extra_names: list[tuple[str, list[str]]] | None = None,
    person_cases: dict[str, list[str]] | None = None,
    cache_path: Path | None = None,
    guard: NameGuard | None = None,
    workers: int = 1,
    withdrawn: frozenset[str] = frozenset(),
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Excerpts with de-identified text, suggested stances, cues and examples.

    `model` names an installed trained spaCy pipeline whose entities are redacted
    too. `person_cases` maps person ids to the cases they are linked to (roster
    case ids), to label shared names by the excerpt's case (see
    `flows.privacy.pseudonymise`). `cache_path` is the annotation cache (module
    docstring). `guard` replaces names nobody put on the roster (titles, gazetteer).
    `workers` > 1 lets many misses be annotated in chunks over worker processes
    as well as here (`flows.nlp.parallel`); the rows are the same either way.
    `withdrawn`: the roster's withdrawn people, labelled `[person]` where others
    mention them (`roster_carriers`).
    Returns the frame and counts (names and identifiers replaced,
    words).
    """
    out = excerpts.copy()
    people = roster_carriers(study, roster_names, person_cases, withdrawn)
    extra = list(extra_names or [])
    kinds = {t.id: t.kind for t in study.themes}
    rows: list[int | None] = [None] * len(out)  # each excerpt's row in the cache
    keys: list[str] = []
    cached: Cached | None = None
    readers = None
    if cache_path is not None:
        shared = _shared_salt()
        salt = run_salt(study, people, extra, model, shared)
        salt += guard.fingerprint() if guard else ""
        keys = excerpt_keys(out, kinds, salt)
        readers = reader_store.Readers(
            reader_store.store_path(Path(cache_path)),
            reader_store.key_for(reader_salt(study, shared)),
            lambda language: study_reader(study, language),
        )
        cached = read_cache(Path(cache_path))
        if cached:
            rows = [cached.rows.get(key) for key in keys]
    misses = [i for i, row in enumerate(rows) if row is None]
    fresh: dict[int, Annotation] = {}
    if misses:
        made = _annotate(
            out.iloc[misses], study, people, extra, model, kinds, guard, readers, workers
        )
        fresh = dict(zip(misses, made, strict=True))
    if cache_path is not None:
        write_cache(Path(cache_path), keys, fresh, cached)
    return _assemble(out, _results(rows, cached, fresh))


# ---------------------------------------------------------------- annotating


def _annotate(
    frame: pd.DataFrame,
    study: Study,
    people: list[tuple[Carrier, list[str]]],
    extra: list[tuple[str, list[str]]],
    model: str | None,
    kinds: dict[str, str],
    guard: NameGuard | None = None,
    readers: Callable[[str], StanceReader] | None = None,
    workers: int = 1,
) -> list[Annotation]:
    """Pseudonymise, then suggest stances, for the rows of `frame` in order: here,
    or in chunks here and in `workers - 1` worker processes when there are many
    (`flows.nlp.parallel.annotate_chunked`). `readers`: a language's reader here
    (`study_reader` when not given; workers build their own)."""
    from flows.nlp import parallel

    setup = AnnotatorSetup(study, people, extra, model, kinds, guard)
    if parallel.worth_it(len(frame), workers):
        return parallel.annotate_chunked(frame, setup, workers, readers=readers)
    return Annotator(setup, readers)(frame)


class AnnotatorSetup(NamedTuple):
    """What an `Annotator` is built from (picklable: sent once to each worker)."""

    study: Study
    people: list[tuple[Carrier, list[str]]]
    extra: list[tuple[str, list[str]]]
    model: str | None
    kinds: dict[str, str]
    guard: NameGuard | None = None


class Annotator:
    """The pseudonymiser and the stance readers of one run, built once and applied
    to any rows of the run's excerpts: a row's annotation depends on the row
    alone, so chunks annotated apart give the rows of one pass."""

    def __init__(
        self, setup: AnnotatorSetup, readers: Callable[[str], StanceReader] | None = None
    ) -> None:
        self.setup = setup
        self.made = readers
        self.pseudonymiser = Pseudonymiser(
            [*setup.people, *setup.extra],
            setup.study.study.tool_language,
            model=setup.model,
            common_words=setup.study.privacy.common_words,
        )
        self.readers: dict[str, StanceReader] = {}
        #: per language, the answers of the items read so far in this run: a text
        #: coded the same in several chunks is read once (`StanceReader.annotate`)
        self.answers: dict[str, dict] = {}

    def reader(self, language: str) -> StanceReader:
        if language not in self.readers:
            made = self.made or (lambda lang: study_reader(self.setup.study, lang))
            self.readers[language] = made(language)
        return self.readers[language]

    def __call__(self, frame: pd.DataFrame) -> list[Annotation]:
        """Pseudonymise, then suggest stances, for the rows of `frame` in order."""
        guard, kinds = self.setup.guard, self.setup.kinds
        mentions = _mentions(frame)
        texts, names, replaced = [], [], []
        for item in self.pseudonymiser.deidentify(frame["text"].tolist(), mentions):
            text, unknown = guard.replace(item.text) if guard else (item.text, 0)
            texts.append(text)
            names.append(item.names + unknown)
            replaced.append(tuple(sorted(item.counts.items())))

        suggestions: dict[int, tuple] = {}
        themes = frame["theme_id"].tolist()
        by_language: dict[str, list[int]] = {}
        originals = frame["text"].tolist()
        for position, language in enumerate(frame["language"].tolist()):
            language = str(language)
            # a Spanish or Polish sentence in an English interview: not read (decision 0396)
            other = unread_as(language, originals[position]) if has_reader(language) else None
            if other is not None:
                why = (unread_cue(other),)
                suggestions[position] = (Suggestion(UNCLEAR, 0.0, why), [])
                continue
            by_language.setdefault(language, []).append(position)
        for language in sorted(by_language):
            group = by_language[language]
            if not has_reader(language):  # not read: unclear until reviewed (decision 0330)
                why = (f"not read: no stance reader for {language_name(language)}",)
                for position in group:
                    suggestions[position] = (Suggestion(UNCLEAR, 0.0, why), [])
                continue
            reader = self.reader(language)
            items = ((texts[i], kinds.get(themes[i]), themes[i]) for i in group)
            answers = self.answers.setdefault(language, {})
            read = reader.annotate(items, answers=answers)
            for position, (suggestion, found) in zip(group, read, strict=True):
                suggestions[position] = (suggestion, found)
        annotations = []
        for i in range(len(frame)):
            suggestion, found = suggestions[i]
            annotations.append(
                Annotation(
                    texts[i],
                    suggestion.stance,
                    float(suggestion.confidence),
                    list(suggestion.cues),
                    list(found),
                    names[i],
                    replaced[i],
                )
            )
        return annotations


def study_reader(study: Study, language: str) -> StanceReader:
    """A stance reader for the study's themes: each theme's profile is the scheme theme
    its `behaviour` names (default: its id), or what the study file says of it."""
    profiles = {
        t.id: profile_for(t.id, language, t.kind, t.examples, t.behaviour, t.better, t.label)
        for t in study.themes
    }
    return StanceReader(language, profiles, {t.id: t.examples for t in study.themes})


def _mentions(frame: pd.DataFrame) -> list[Mention]:
    """Each excerpt's case and informant, for choosing among people sharing a name."""
    n = len(frame)
    cases = frame["case_id"].tolist() if "case_id" in frame else [None] * n
    speakers = frame["person_id"].tolist() if "person_id" in frame else [None] * n
    return [
        Mention(c if isinstance(c, str) else None, s if isinstance(s, str) else None)
        for c, s in zip(cases, speakers, strict=True)
    ]


def _objects(values: Sequence) -> np.ndarray:
    """A 1-d object array (lists stay lists, never a 2-d array)."""
    array = np.empty(len(values), dtype=object)
    for i, value in enumerate(values):
        array[i] = value
    return array


def _assemble(out: pd.DataFrame, results: Results) -> tuple[pd.DataFrame, dict[str, int]]:
    """The annotated frame and the run's counts, from the annotations' columns."""
    index = out.index
    out["text"] = results.text
    out["suggested_stance"] = pd.Series(_objects(results.stance), index=index)
    out["suggestion_confidence"] = pd.Series(_objects(results.confidence), index=index)
    out["suggestion_cues"] = pd.Series(_objects(results.cues), index=index)
    out["examples"] = pd.Series(_objects(results.examples), index=index)
    out["suggestion_confidence"] = out["suggestion_confidence"].astype(float)
    words = sum(len(text.split()) for text in results.text)
    counts: Counter = Counter()
    for replaced, times in Counter(results.replaced).items():  # few distinct sets
        for label, n in replaced:
            counts[label] += n * times
    stats = {"names_replaced": sum(results.names), "words": words}
    stats.update({f"replaced {label}": n for label, n in sorted(counts.items()) if n})
    return out, stats


# ---------------------------------------------------------------- the cache


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def model_version(model: str | None) -> str | None:
    """A trained pipeline's identity: its package version, or for a folder the
    hash of its meta.json and config.cfg."""
    if model is None:
        return None
    version = _version(model)
    if version is not None:
        return version
    folder = Path(model)
    parts = [folder / "meta.json", folder / "config.cfg"]
    return _sha256(b"".join(p.read_bytes() for p in parts if p.is_file()))


#: modules of flows/nlp that never read an excerpt for a run (tools, corpora), or
#: choose which build of the same source runs (compiled.py, decision 0221)
NOT_READING = frozenset({"compiled.py", "corpus.py", "evaluate.py", "train.py"})


def reading_modules() -> list[Path]:
    """Every module of the stance reader, so that a change to any of them (a new
    module included) makes the cached annotations stale."""
    folder = Path(__file__).parent
    sources = [*folder.glob("*.py"), *folder.glob("*.pyx")]  # .pyx: typed, decision 0306
    return sorted(p for p in sources if p.name not in NOT_READING)


def _shared_salt() -> dict:
    """What both the annotations and a stance reader are made with: the lexicon
    files, the source of the reading and name-matching modules, the stance model
    and the spaCy (and lookups) versions."""
    from flows import language_notes
    from flows.nlp import model as stance_model
    from flows.privacy import canonical, matching, pseudonymise

    lexicon_files = {
        entry.name: _sha256(entry.read_bytes())
        for entry in sorted(
            (resources.files("flows.nlp") / "lexicons").iterdir(), key=lambda e: e.name
        )
        if entry.name.endswith(".toml")
    }
    code = {
        module.__name__: _sha256(Path(module.__file__).read_bytes())
        for module in (pseudonymise, canonical, matching, language_notes)
    }
    code |= {f"flows.nlp.{path.stem}": _sha256(path.read_bytes()) for path in reading_modules()}
    # beside this module: model.py may load compiled from elsewhere (decision 0221)
    code["stance-model.json"] = _sha256(
        Path(__file__).with_name(stance_model.MODEL_FILE).read_bytes()
    )
    return {
        "lexicons": lexicon_files,
        "code": code,
        "versions": {p: _version(p) for p in ("spacy", "spacy-lookups-data")},
    }


def _themes(study: Study) -> list:
    return [[t.id, t.kind, t.examples, t.behaviour, t.better, t.label] for t in study.themes]


def run_salt(
    study: Study,
    people: list[tuple[Carrier, list[str]]],
    extra: list[tuple[str, list[str]]],
    model: str | None,
    shared: dict | None = None,
) -> str:
    """A hash of everything besides the excerpt itself that annotation depends on
    (`shared`: `_shared_salt()`, when the caller has it)."""
    roster = sorted(
        [c.person_id, c.label, c.staff, sorted(c.cases), list(names)] for c, names in people
    )
    payload = {
        "format": CACHE_FORMAT,
        "language": study.study.language,
        "roster": roster,
        "identifiers": [[label, list(names)] for label, names in extra],
        "common_words": sorted(study.privacy.common_words),
        "themes": _themes(study),
        "model": [model, model_version(model)],
        **(shared or _shared_salt()),
    }
    return _sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode())


def reader_salt(study: Study, shared: dict | None = None) -> str:
    """A hash of everything a study's stance readers are built from (`study_reader`):
    the themes, the lexicons, the reading code, the model, the versions; not the
    roster, the identifiers or a redaction model (the pseudonymiser's)."""
    payload = {"themes": _themes(study), **(shared or _shared_salt())}
    return _sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode())


def excerpt_keys(frame: pd.DataFrame, kinds: dict[str, str], salt: str) -> list[str]:
    """One cache key per excerpt: its text, theme, kind, language, case and informant."""
    n = len(frame)
    columns = [
        frame[c].tolist() if c in frame else [None] * n
        for c in ("text", "theme_id", "language", "case_id", "person_id")
    ]
    columns.insert(2, [kinds.get(theme) for theme in columns[1]])  # the theme's kind
    salted = hashlib.sha256(salt.encode())
    keys = []
    for fields in zip(*map(_encoded, columns), strict=True):
        digest = salted.copy()
        digest.update("|".join(fields).encode("utf-8", "surrogatepass"))
        keys.append(digest.hexdigest())
    return keys


def _encoded(values: list) -> list[str]:
    """`_field` of each value; a string once per distinct value (ids and themes repeat)."""
    made: dict[str, str] = {}
    out = []
    for value in values:
        if type(value) is str:
            found = made.get(value)
            if found is None:
                found = made[value] = f"{len(value)}:{value}"
            out.append(found)
        else:
            out.append(_field(value))
    return out


def _field(value: object) -> str:
    """A field in a key, unambiguously: a string as its length and text, `~` for none."""
    if isinstance(value, str):
        return f"{len(value)}:{value}"
    return "~" if value is None or value != value else f"={value!r}"

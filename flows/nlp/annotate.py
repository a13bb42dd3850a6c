"""Prepare excerpts for the warehouse: pseudonymise, then suggest stances.

Pseudonymisation runs first, so that no later step (NLP, SQL, rendering,
logging) ever sees a roster name.

Annotation cache (`cache_path`). A re-run annotates only the excerpts it has
not seen. The cache is one Parquet file with one row per excerpt: a key and
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
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections import Counter
from collections.abc import Sequence
from importlib import metadata, resources
from pathlib import Path
from typing import NamedTuple

import duckdb
import numpy as np
import pandas as pd

from flows.nlp.reader import StanceReader, profile_for
from flows.privacy.pseudonymise import Carrier, Mention, Pseudonymiser, pseudonym_label
from flows.privacy.unknown_names import NameGuard, alias_parts
from flows.study import Study

#: Changes whenever the cache's layout or meaning changes (part of the salt).
CACHE_FORMAT = "annotations-1"
CACHE_COLUMNS = (
    "key",
    "text",
    "suggested_stance",
    "suggestion_confidence",
    "suggestion_cues",
    "examples",
    "names_replaced",
    "replaced",
)


class Annotation(NamedTuple):
    """What annotation produces for one excerpt."""

    text: str
    stance: str
    confidence: float
    cues: list[str]
    examples: list[str]
    names: int
    replaced: tuple[tuple[str, int], ...]  # identifier / entity label -> count, sorted


def roster_carriers(
    study: Study,
    roster_names: list[tuple[str, str, list[str]]],
    person_cases: dict[str, list[str]] | None = None,
) -> list[tuple[Carrier, list[str]]]:
    """Every roster person (withdrawn ones too) as a name carrier: label, person id,
    cases (from `person_cases`, when given) and whether the role is cross-case."""
    roles = {r.id: r for r in study.roles}
    cases = person_cases or {}
    people = []
    for pid, role, names in roster_names:
        spec = roles.get(role)
        if spec is None:  # a roster row that was not loaded: its names go all the same
            people.append((Carrier("[person]", pid), names))
            continue
        label = pseudonym_label(pid, spec.label, spec.per_case)
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
        study.study.language,
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
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Excerpts with de-identified text, suggested stances, cues and examples.

    `model` names an installed trained spaCy pipeline whose entities are redacted
    too. `person_cases` maps person ids to the cases they are linked to (roster
    case ids), to label shared names by the excerpt's case (see
    `flows.privacy.pseudonymise`). `cache_path` is the annotation cache (module
    docstring). `guard` replaces names nobody put on the roster (titles, gazetteer).
    Returns the frame and counts (names and identifiers replaced,
    words).
    """
    out = excerpts.copy()
    people = roster_carriers(study, roster_names, person_cases)
    extra = list(extra_names or [])
    kinds = {t.id: t.kind for t in study.themes}
    results: list[Annotation | None] = [None] * len(out)
    keys: list[str] = []
    cached: dict[str, Annotation] | None = None
    if cache_path is not None:
        salt = run_salt(study, people, extra, model) + (guard.fingerprint() if guard else "")
        keys = excerpt_keys(out, kinds, salt)
        cached = read_cache(Path(cache_path))
        if cached:
            results = _hits(keys, cached)
    misses = [i for i, found in enumerate(results) if found is None]
    if misses:
        fresh = _annotate(out.iloc[misses], study, people, extra, model, kinds, guard)
        for i, annotation in zip(misses, fresh, strict=True):
            results[i] = annotation
    done: list[Annotation] = [r for r in results if r is not None]
    if cache_path is not None:
        write_cache(Path(cache_path), keys, done, misses, cached)
    return _assemble(out, done)


def _hits(keys: list[str], cached: dict[str, Annotation]) -> list[Annotation | None]:
    """The cached annotation of each key, or None; every row gets lists of its own
    (identical excerpts share a key)."""
    hits = [cached.get(key) for key in keys]
    if len(set(keys)) < len(keys):
        seen: set[str] = set()
        for i, (key, hit) in enumerate(zip(keys, hits, strict=True)):
            if hit is not None and key in seen:
                hits[i] = hit._replace(cues=list(hit.cues), examples=list(hit.examples))
            seen.add(key)
    return hits


# ---------------------------------------------------------------- annotating


def _annotate(
    frame: pd.DataFrame,
    study: Study,
    people: list[tuple[Carrier, list[str]]],
    extra: list[tuple[str, list[str]]],
    model: str | None,
    kinds: dict[str, str],
    guard: NameGuard | None = None,
) -> list[Annotation]:
    """Pseudonymise, then suggest stances, for the rows of `frame` in order."""
    pseudonymiser = Pseudonymiser(
        [*people, *extra],
        study.study.language,
        model=model,
        common_words=study.privacy.common_words,
    )
    mentions = _mentions(frame)
    texts, names, replaced = [], [], []
    for item in pseudonymiser.deidentify(frame["text"].tolist(), mentions):
        text, unknown = guard.replace(item.text) if guard else (item.text, 0)
        texts.append(text)
        names.append(item.names + unknown)
        replaced.append(tuple(sorted(item.counts.items())))

    suggestions: dict[int, tuple] = {}
    themes = frame["theme_id"].tolist()
    by_language: dict[str, list[int]] = {}
    for position, language in enumerate(frame["language"].tolist()):
        by_language.setdefault(str(language), []).append(position)
    for language in sorted(by_language):
        reader = study_reader(study, language)
        group = by_language[language]
        items = ((texts[i], kinds.get(themes[i]), themes[i]) for i in group)
        for position, (suggestion, found) in zip(group, reader.annotate(items), strict=True):
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


def _assemble(out: pd.DataFrame, results: list[Annotation]) -> tuple[pd.DataFrame, dict[str, int]]:
    """The annotated frame and the run's counts, from one annotation per row."""
    index = out.index
    out["text"] = [r.text for r in results]
    out["suggested_stance"] = pd.Series(_objects([r.stance for r in results]), index=index)
    out["suggestion_confidence"] = pd.Series(_objects([r.confidence for r in results]), index=index)
    out["suggestion_cues"] = pd.Series(_objects([r.cues for r in results]), index=index)
    out["examples"] = pd.Series(_objects([r.examples for r in results]), index=index)
    out["suggestion_confidence"] = out["suggestion_confidence"].astype(float)
    words = sum(len(r.text.split()) for r in results)
    counts: Counter = Counter()
    for r in results:
        for label, n in r.replaced:
            counts[label] += n
    stats = {"names_replaced": sum(r.names for r in results), "words": words}
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


#: modules of flows/nlp that never read an excerpt for a run (tools, corpora)
NOT_READING = frozenset({"corpus.py", "evaluate.py", "train.py"})


def reading_modules() -> list[Path]:
    """Every module of the stance reader, so that a change to any of them (a new
    module included) makes the cached annotations stale."""
    folder = Path(__file__).parent
    return sorted(p for p in folder.glob("*.py") if p.name not in NOT_READING)


def run_salt(
    study: Study,
    people: list[tuple[Carrier, list[str]]],
    extra: list[tuple[str, list[str]]],
    model: str | None,
) -> str:
    """A hash of everything besides the excerpt itself that annotation depends on."""
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
        for module in (pseudonymise, canonical, matching)
    }
    code |= {f"flows.nlp.{path.stem}": _sha256(path.read_bytes()) for path in reading_modules()}
    code["stance-model.json"] = _sha256(
        (Path(stance_model.__file__).with_name(stance_model.MODEL_FILE)).read_bytes()
    )
    roster = sorted(
        [c.person_id, c.label, c.staff, sorted(c.cases), list(names)] for c, names in people
    )
    payload = {
        "format": CACHE_FORMAT,
        "language": study.study.language,
        "roster": roster,
        "identifiers": [[label, list(names)] for label, names in extra],
        "common_words": sorted(study.privacy.common_words),
        "themes": [
            [t.id, t.kind, t.examples, t.behaviour, t.better, t.label] for t in study.themes
        ],
        "lexicons": lexicon_files,
        "code": code,
        "model": [model, model_version(model)],
        "versions": {p: _version(p) for p in ("spacy", "spacy-lookups-data")},
    }
    return _sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode())


def excerpt_keys(frame: pd.DataFrame, kinds: dict[str, str], salt: str) -> list[str]:
    """One cache key per excerpt: its text, theme, kind, language, case and informant."""
    n = len(frame)
    columns = [
        frame[c].tolist() if c in frame else [None] * n
        for c in ("text", "theme_id", "language", "case_id", "person_id")
    ]
    salted = hashlib.sha256(salt.encode())
    keys = []
    for text, theme, language, case_id, person in zip(*columns, strict=True):
        digest = salted.copy()
        fields = (text, theme, kinds.get(theme), language, case_id, person)
        digest.update("|".join(map(_field, fields)).encode("utf-8", "surrogatepass"))
        keys.append(digest.hexdigest())
    return keys


def _field(value: object) -> str:
    """A field in a key, unambiguously: a string as its length and text, `~` for none."""
    if isinstance(value, str):
        return f"{len(value)}:{value}"
    return "~" if value is None or value != value else f"={value!r}"


def read_cache(path: Path) -> dict[str, Annotation] | None:
    """The cached annotations by key; None when the file is missing or unreadable."""
    if not path.is_file():
        return None
    try:
        with duckdb.connect(config={"threads": 1}) as con:
            found = con.execute(
                f"select {', '.join(CACHE_COLUMNS)} from read_parquet(?)", [str(path)]
            ).fetchnumpy()
        columns = [found[c].tolist() for c in CACHE_COLUMNS]
        return {
            key: Annotation(
                text,
                stance,
                confidence,
                _decode_list(cues),
                _decode_list(examples),
                names,
                tuple(tuple(pair) for pair in json.loads(replaced)) if replaced else (),
            )
            for key, text, stance, confidence, cues, examples, names, replaced in zip(
                *columns, strict=True
            )
        }
    except (duckdb.Error, KeyError, ValueError, TypeError):
        return None


#: Separates the items of a list of strings in one cache cell (JSON if an item holds it).
_SEP = "\x1f"


def _encode_list(values: Sequence[str]) -> str:
    """A list of strings as one string: "" for none, else each item after `_SEP`
    (or JSON when an item holds `_SEP`); `_decode_list` reverses it exactly."""
    if not values:
        return ""
    if any(_SEP in v for v in values):
        return json.dumps(list(values))
    return _SEP + _SEP.join(values)


def _decode_list(value: str) -> list[str]:
    if not value:
        return []
    if value[0] == _SEP:
        return value[1:].split(_SEP)
    return json.loads(value)


#: The cache's columns with their types (a frame of new rows may be empty).
_TYPED = ", ".join(
    f"{column}::{kind} as {column}"
    for column, kind in zip(
        CACHE_COLUMNS,
        ("varchar", "varchar", "varchar", "double", "varchar", "varchar", "bigint", "varchar"),
        strict=True,
    )
)


def write_cache(
    path: Path,
    keys: list[str],
    annotations: list[Annotation],
    fresh: list[int],
    previous: dict[str, Annotation] | None,
) -> None:
    """Replace the cache with exactly this run's excerpts (one row per distinct key):
    the `fresh` positions' new annotations, and the other rows copied from the
    previous file. Owner-only (0600); written to a temporary file, then renamed."""
    current = set(keys)
    if not fresh and previous is not None and set(previous) == current:
        path.chmod(0o600)  # same rows: the file stays as it is
        return
    new: dict[str, Annotation] = {}
    for i in fresh:
        new.setdefault(keys[i], annotations[i])
    rows = list(new.values())
    frame = pd.DataFrame(
        {
            "key": pd.Series(list(new), dtype=object),
            "text": pd.Series([a.text for a in rows], dtype=object),
            "suggested_stance": pd.Series([a.stance for a in rows], dtype=object),
            "suggestion_confidence": pd.Series([a.confidence for a in rows], dtype="float64"),
            "suggestion_cues": pd.Series([_encode_list(a.cues) for a in rows], dtype=object),
            "examples": pd.Series([_encode_list(a.examples) for a in rows], dtype=object),
            "names_replaced": pd.Series([a.names for a in rows], dtype="int64"),
            "replaced": pd.Series(
                [json.dumps([list(p) for p in a.replaced]) if a.replaced else "" for a in rows],
                dtype=object,
            ),
        }
    )
    kept = pd.DataFrame({"key": pd.Series(sorted(current - set(new)), dtype=object)})
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = path.with_name(f".{path.name}.partial")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    try:
        with duckdb.connect() as con:
            con.register("fresh", frame)
            query = f"select {_TYPED} from fresh"
            if previous is not None and len(kept):
                con.register("kept", kept)
                con.read_parquet(str(path)).create_view("previous")
                query += (
                    f" union all by name select {', '.join(CACHE_COLUMNS)} from previous"
                    " semi join kept using (key)"
                )
            con.sql(f"select * from ({query}) order by key").write_parquet(str(partial))
        partial.chmod(0o600)
        os.replace(partial, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    path.chmod(0o600)

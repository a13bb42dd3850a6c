"""The reader's word lists and the blank spaCy pipeline they are matched on.

`lexicons/<language>.toml` holds the word classes (`[words]`: negation, up, down,
start, stop, baseline, latest, reported, barrier, present, ...) and a few word-order
settings (`[rules]`); `lexicons/behaviours.toml` the scheme's themes as built-in
profiles. A term matches a run of tokens whose lower-case forms or lookup lemmas
(spacy-lookups-data, kept in each vocabulary entry's NORM) are the term.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import compress
from pathlib import Path
from typing import Any

import spacy
from spacy.attrs import LOWER, NORM
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.strings import get_string_id
from spacy.tokens import Doc

from flows.errors import TriangulateError

#: Word classes every language's lexicon must have.
REQUIRED_CLASSES = frozenset(
    {
        "negation",
        "up",
        "down",
        "start",
        "stop",
        "better",
        "worse",
        "same",
        "relapse",
        "baseline",
        "early",
        "latest",
        "reported",
        "observed",
        "contrast",
        "intention",
        "nonaction",
        "uncertain",
        "frequency",
        "advice",
        "hedge",
        "lower_is_better",
        "barrier",
        "facilitator",
        "gone",
        "present",
        "absent",
        "neutral",
    }
)


@dataclass(frozen=True)
class WordOrder:
    """A language's word-order settings (`[rules]` in its lexicon)."""

    clause_words: frozenset[str]
    coordinators: frozenset[str]
    gap_words: frozenset[str]  # Danish: words between a verb and its negation
    negation_after: int  # Danish verb-second: a negation may follow its verb
    lemma_exceptions: frozenset[str]


def _read(name: str) -> dict[str, Any]:
    entry = resources.files("flows.nlp") / "lexicons" / name
    if not entry.is_file():
        raise TriangulateError(f"no stance lexicon {name} (languages: en, da)")
    return tomllib.loads(entry.read_text(encoding="utf-8"))


@lru_cache(maxsize=4)
def load_words(language: str) -> dict[str, tuple[str, ...]]:
    """The word classes of a language, lower-cased; raises if one is missing."""
    words = _read(f"{language}.toml")["words"]
    missing = REQUIRED_CLASSES - set(words)
    if missing:
        raise TriangulateError(f"lexicon {language}.toml lacks {sorted(missing)}")
    return {k: tuple(dict.fromkeys(t.lower() for t in v)) for k, v in words.items()}


@lru_cache(maxsize=4)
def load_word_order(language: str) -> WordOrder:
    rules = _read(f"{language}.toml").get("rules", {})
    return WordOrder(
        frozenset(rules.get("clause_words", ())),
        frozenset(rules.get("coordinators", ())),
        frozenset(rules.get("gap_words", ())),
        int(rules.get("negation_after", 0)),
        frozenset(rules.get("lemma_exceptions", ())),
    )


@lru_cache(maxsize=1)
def load_behaviours() -> dict[str, dict[str, Any]]:
    """The scheme's themes as built-in profiles, by theme id."""
    return _read("behaviours.toml")


@lru_cache(maxsize=4)
def lemma_table(language: str) -> Any | None:
    """spaCy's lookup lemma table for the language, or None without spacy-lookups-data
    (read once per process: about 0.4 s for English)."""
    from spacy.lookups import load_lookups

    try:
        return load_lookups(language, ["lemma_lookup"]).get_table("lemma_lookup")
    except (ValueError, KeyError, OSError):
        return None


def _install_lemmas(nlp: Language, table: Any, keep: frozenset[str]) -> None:
    """Every vocabulary entry's NORM becomes its lookup lemma, once per entry.

    The getter holds the table's entries as a plain dict keyed by the strings'
    hashes, as spaCy's `Table` keeps them (`Table.get` is `get_string_id` and a
    dict lookup): a stored reader pickles the getter with its vocabulary, and
    a `Table` unpickles entry by entry through its Python `__setitem__` and
    Bloom filter (41,582 English entries, about 40% of the load), a dict in C
    (decision 0380)."""
    lookup = lemma_lookup(table)

    def lemma(string: str) -> str:
        lower = string.lower()
        if lower in keep:
            return lower
        value = lookup.get(get_string_id(lower)) or lookup.get(get_string_id(string)) or lower
        return (value if isinstance(value, str) else value[0]).lower()

    vocab = nlp.vocab
    vocab.lex_attr_getters = {**vocab.lex_attr_getters, NORM: lemma}
    for lexeme in list(vocab):
        lexeme.norm_ = lemma(lexeme.orth_)


def lemma_lookup(table: Any) -> dict[int, Any]:
    """A spaCy lookup `Table`'s entries as a plain dict: string hash -> value."""
    return dict(table.items())


def blank_pipeline(language: str, lemmas: bool = True) -> Language:
    """A blank spaCy pipeline (tokenizer only) whose NORM is the lookup lemma."""
    nlp = spacy.blank(language)
    table = lemma_table(language) if lemmas else None
    if table is not None:
        _install_lemmas(nlp, table, load_word_order(language).lemma_exceptions)
    return nlp


@lru_cache(maxsize=4)
def shared_pipeline(language: str) -> Language:
    """One pipeline per language per process."""
    return blank_pipeline(language)


def has_lemma_table(language: str) -> bool:
    """Whether spacy-lookups-data has a lookup lemma table for the language, without
    reading it (`lemma_table` reads 84,000 entries, about 0.1 s, for English)."""
    return _lemma_table_path(language) is not None


def _lemma_table_path(language: str) -> Path | None:
    """The lookup lemma table's file in spacy-lookups-data, as registered (its
    name without `.gz`), or None."""
    from spacy.util import registry

    try:
        path = registry.lookups.get(language).get("lemma_lookup")
    except (KeyError, AttributeError, TypeError, ValueError, OSError):
        return None
    if path is None:
        return None
    try:  # as `spacy.util.load_language_data` finds it: the JSON, or it gzipped
        found = Path(path).is_file() or Path(f"{path}.gz").is_file()
    except TypeError:
        return None
    return Path(path) if found else None


@lru_cache(maxsize=4)
def lemma_words(language: str) -> frozenset[str]:
    """The lemmas of the lookup lemma table, read as plain data (about 20 ms for
    English; `lemma_table` builds a spaCy table, about 0.7 s); empty without
    spacy-lookups-data."""
    from spacy.util import load_language_data

    path = _lemma_table_path(language)
    if path is None:
        return frozenset()
    return frozenset(v if isinstance(v, str) else v[0] for v in load_language_data(path).values())


def pipeline_description(language: str) -> str:
    """One line for provenance: what the NLP layer runs for a language (the lemma
    table named, not read: a warm re-run may not read any excerpt)."""
    lemmas = "lookup lemmas" if has_lemma_table(language) else "no lemmas"
    return (
        f"spaCy blank '{language}' tokenizer + {lemmas} + stance reader "
        f"(lexicon {language}.toml, model stance-model.json)"
    )


class WordMatcher:
    """Finds every word class's terms in a document: class -> [(start, end)]."""

    def __init__(self, nlp: Language, classes: dict[str, tuple[str, ...]]):
        self.nlp = nlp
        self.forms = Forms(nlp)
        self._labels: dict[int, str] = {}
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.lemma = PhraseMatcher(nlp.vocab, attr="NORM")
        for label, terms in classes.items():
            docs = [nlp.make_doc(t) for t in terms if t.strip()]
            self.lower.add(label, docs)
            lemma_docs = []
            for doc in (nlp.make_doc(t) for t in terms if t.strip()):
                for token in doc:
                    token.norm_ = token.lower_  # the term as written is the lemma to match
                lemma_docs.append(doc)
            self.lemma.add(label, lemma_docs)

    def __call__(self, doc: Doc) -> dict[str, list[tuple[int, int]]]:
        labels = self._labels
        found: dict[str, list[tuple[int, int]]] = {}
        for key, start, end in (*self.lower(doc), *self.lemma(doc)):
            label = labels.get(key)
            if label is None:
                label = labels[key] = doc.vocab.strings[key]
            spans = found.get(label)
            if spans is None:
                found[label] = [(start, end)]
            else:
                spans.append((start, end))
        return {
            label: spans if len(spans) == 1 else sorted(set(spans))
            for label, spans in found.items()
        }


class _Strings(dict):
    """hash -> string from a StringStore, each looked up once and kept."""

    def __init__(self, strings):
        super().__init__()
        self.strings = strings

    def __missing__(self, key: int) -> str:
        value = self[key] = self.strings[key]
        return value


class TermLabels:
    """Which labels' terms a text names, from its forms (`Forms`): the labels
    `WordMatcher` would find, without its spans and without spaCy's matchers. For a
    few terms (a study's examples) a dictionary of first words is cheaper than two
    PhraseMatcher calls that mostly find nothing (decision 0171)."""

    def __init__(self, nlp: Language, classes: dict[str, tuple[str, ...]]):
        #: a term is its tokens' lower-case forms, as the matchers read it (on LOWER
        #: and on NORM alike): one-word terms by word, longer ones by their first word
        self.single: dict[str, set[str]] = {}
        self.first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for label, terms in classes.items():
            for term in terms:
                if term.strip():
                    words = tuple(t.lower_ for t in nlp.make_doc(term))
                    if len(words) == 1:
                        self.single.setdefault(words[0], set()).add(label)
                    else:
                        self.first.setdefault(words[0], []).append((words[1:], label))

    def __call__(self, lower: list[str], lemma: list[str]) -> set[str]:
        single, first = self.single, self.first
        named = single.keys() & {*lower, *lemma}
        out = set().union(*map(single.__getitem__, named)) if named else set()
        for forms in (lower, lemma) if first else ():
            if first.keys().isdisjoint(forms):
                continue
            for i in compress(range(len(forms)), map(first.__contains__, forms)):
                for rest, label in first[forms[i]]:
                    if tuple(forms[i + 1 : i + 1 + len(rest)]) == rest:
                        out.add(label)
        return out


class Forms:
    """Every token's lower-case form and lemma (its NORM: the lookup lemma, or the
    tokenizer exception's norm, "n't" -> "not"), the strings cached by hash."""

    def __init__(self, nlp: Language):
        self.strings = nlp.vocab.strings
        self.cache = _Strings(self.strings)

    def __call__(self, doc: Doc) -> tuple[list[str], list[str]]:
        table = doc.to_array([LOWER, NORM])
        get = self.cache.__getitem__
        return list(map(get, table[:, 0].tolist())), list(map(get, table[:, 1].tolist()))


def token_forms(doc: Doc) -> tuple[list[str], list[str]]:
    """Every token's lower-case form and lemma."""
    strings = doc.vocab.strings
    table = doc.to_array([LOWER, NORM]).tolist()
    return [strings[row[0]] for row in table], [strings[row[1]] for row in table]

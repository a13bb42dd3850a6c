"""Stance readers kept between runs: built once, loaded by the next run.

Building a `StanceReader` (a blank spaCy pipeline with the lookup lemma table,
the lexicon's word matchers, the study's theme profiles and example matchers,
the shipped model) costs about 0.35 s of CPU; loading the same reader from a
pickle about half of that. A warm re-run that reads one changed excerpt paid
the whole build (decision 0174).

The file (`readers.pickle`, beside the annotation cache in the owner-only
store) holds one pickled reader per language, each taken right after it was
built, before it read anything, from a pipeline made for it (the process's
shared pipeline is dropped first, so no string an earlier reading met is in
the reader's vocabulary). So it holds the lexicons, the study's theme labels
and examples and the model, never an excerpt or a roster name.

It is used only when its key is this run's `reader_key`: a sha256 over
everything a reader is built from (language, the study's themes, the lexicon
files, the source of every reading module, the stance model, the spaCy,
lookups and Python versions). A file that does not match, does not load, is
not a regular file of this user's readable by no one else, is ignored and
replaced. The file is written through a temporary file and a rename, 0600.
Pickle runs code when it loads: only a file the owner-only store holds, with
the owner's own permissions, is ever loaded (anyone who can write it can
already change the code the run imports).

A reader is kept with a tokenizer without its special cases, and the special
cases beside it (decision 0319): rebuilding spaCy's 1,347 English ones was
about 60% of a stored reader's load, and a warm re-run reads one or a few
texts. A loaded reader's tokenizer (`RulesOnDemand`) adds, before it tokenises
a text, the special cases whose string occurs in that text (a special case
matches only a substring of the text it tokenises, so the tokens are those
of the whole tokenizer), and all that are left once it has seen
`ALL_RULES_AFTER` texts.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import stat
import sys
from collections.abc import Callable
from pathlib import Path

from flows.collector import collector_kept
from flows.nlp import lexicons, reader
from flows.nlp.reader import StanceReader
from flows.runs import write_private

#: the file's layout (part of the key)
STORE_FORMAT = "readers-2"


def store_path(cache_path: Path) -> Path:
    """Where the readers are kept: beside the annotation cache."""
    return Path(cache_path).with_name("readers.pickle")


def key_for(reader_salt: str) -> str:
    """The file's key for readers built from `reader_salt` (see `annotate.reader_salt`)."""
    return f"{STORE_FORMAT}|{sys.version}|{pickle.HIGHEST_PROTOCOL}|{reader_salt}"


def _load(path: Path, key: str) -> dict[str, tuple[bytes, bytes]]:
    """The pickled readers and their tokenizers' special cases by language, when
    the file is this user's, owner-only and made for `key`; else none."""
    try:
        with path.open("rb") as handle:
            info = os.fstat(handle.fileno())
            if (
                not stat.S_ISREG(info.st_mode)
                or info.st_uid != os.getuid()
                or stat.S_IMODE(info.st_mode) & 0o077
            ):
                return {}
            stored = pickle.load(handle)  # the outer layer: a dict of str and bytes
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError):
        return {}
    if not isinstance(stored, dict) or stored.get("key") != key:
        return {}
    readers = stored.get("readers")
    if not isinstance(readers, dict):
        return {}
    return {
        k: v
        for k, v in readers.items()
        if isinstance(k, str)
        and isinstance(v, tuple)
        and len(v) == 2
        and all(isinstance(b, bytes) for b in v)
    }


def _save(path: Path, key: str, readers: dict[str, tuple[bytes, bytes]]) -> None:
    stored = {"key": key, "readers": dict(sorted(readers.items()))}
    write_private(path, pickle.dumps(stored, protocol=pickle.HIGHEST_PROTOCOL))


def fresh_reader(build: Callable[[str], StanceReader], language: str) -> StanceReader:
    """A reader built on a pipeline of its own: the process's shared pipeline and
    word matcher are dropped first (their vocabulary may hold strings of texts
    read before), then made again by `build`."""
    lexicons.shared_pipeline.cache_clear()
    reader._matcher.cache_clear()
    reader._trie.cache_clear()
    return build(language)


#: a loaded reader's tokenizer adds every special case left after this many texts
#: (a run that reads many texts pays the whole set once, as a built reader does)
ALL_RULES_AFTER = 64


class RulesOnDemand:
    """A loaded reader's tokenizer: spaCy's tokenizer, kept without special cases,
    given before each text the special cases whose string the text holds (and
    every one left after `ALL_RULES_AFTER` texts). A special case matches a
    substring of the text only, so each text gets the whole tokenizer's tokens."""

    def __init__(self, tokenizer, rules: dict[str, list[dict]]):
        self.tokenizer = tokenizer
        self.pending = dict(rules)
        self.seen = 0

    def _ready_for(self, text: str) -> None:
        if not self.pending:
            return
        self.seen += 1
        pending = self.pending
        found = (
            list(pending)
            if self.seen > ALL_RULES_AFTER
            else [string for string in pending if string in text]
        )
        for string in found:
            self.tokenizer.add_special_case(string, pending.pop(string))

    def __call__(self, text: str):
        self._ready_for(text)
        return self.tokenizer(text)

    def pipe(self, texts, batch_size: int = 1000):
        for text in texts:
            yield self(text)

    def whole(self):
        """spaCy's tokenizer with every special case."""
        for string, rule in self.pending.items():
            self.tokenizer.add_special_case(string, rule)
        self.pending = {}
        return self.tokenizer

    def __getattr__(self, name: str):  # anything but tokenising: the whole tokenizer's
        if name in ("tokenizer", "pending", "seen"):
            raise AttributeError(name)
        return getattr(self.whole(), name)

    def __reduce__(self):  # pickled as the whole tokenizer it stands for
        return (_same, (self.whole(),))


def _same(value):
    return value


def _stripped(found: StanceReader) -> tuple[bytes, bytes]:
    """The reader pickled with a tokenizer without special cases, and the special
    cases pickled apart (`RulesOnDemand`)."""
    from spacy.tokenizer import Tokenizer

    whole = found.nlp.tokenizer
    rules = dict(whole.rules)
    bare = Tokenizer(
        whole.vocab,
        {},
        whole.prefix_search,
        whole.suffix_search,
        whole.infix_finditer,
        whole.token_match,
        whole.url_match,
    )
    bare.faster_heuristics = whole.faster_heuristics
    found.nlp.tokenizer = bare
    try:
        blob = pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL)
    finally:
        found.nlp.tokenizer = whole
    return blob, pickle.dumps(rules, protocol=pickle.HIGHEST_PROTOCOL)


def _loaded(stored: tuple[bytes, bytes]) -> StanceReader | None:
    found = pickle.loads(stored[0])
    if not isinstance(found, StanceReader):
        return None
    rules = pickle.loads(stored[1])
    if not isinstance(rules, dict):
        return None
    found.nlp.tokenizer = RulesOnDemand(found.nlp.tokenizer, rules)
    return found


#: the pipeline of the last reader loaded or built in this process, by language
_PIPELINES: dict[str, object] = {}


def pipeline_in_process(language: str):
    """The pipeline of a stance reader this process has loaded or built for the
    language, or None: spaCy's blank tokenizer (its NORMs are lemmas, no
    component), so the review list can tokenise with it rather than make a blank
    pipeline of its own (about 0.1 s: the tokenizer's special cases)."""
    return _PIPELINES.get(language)


class Readers:
    """`readers(language)`: the study's stance reader for a language, loaded from
    the store when it holds one for this key, else built (and stored)."""

    def __init__(self, path: Path, key: str, build: Callable[[str], StanceReader]):
        self.path, self.key, self.build = Path(path), key, build
        self.made: dict[str, StanceReader] = {}
        self.stored: dict[str, bytes] | None = None  # read on first use
        self.loaded: list[str] = []  # languages loaded from the store (for tests)

    def __call__(self, language: str) -> StanceReader:
        if language in self.made:
            return self.made[language]
        if self.stored is None:
            self.stored = _load(self.path, self.key)
        found = None
        if language in self.stored:
            # any failure: build it anew; the collector as it was (spaCy turns it on)
            with contextlib.suppress(Exception), collector_kept():
                found = _loaded(self.stored[language])
        if found is not None:
            self.loaded.append(language)
        else:
            with collector_kept():
                found = fresh_reader(self.build, language)
            self.stored[language] = _stripped(found)
            _save(self.path, self.key, self.stored)
        self.made[language] = found
        _PIPELINES[language] = found.nlp
        return found

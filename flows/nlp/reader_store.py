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
STORE_FORMAT = "readers-1"


def store_path(cache_path: Path) -> Path:
    """Where the readers are kept: beside the annotation cache."""
    return Path(cache_path).with_name("readers.pickle")


def key_for(reader_salt: str) -> str:
    """The file's key for readers built from `reader_salt` (see `annotate.reader_salt`)."""
    return f"{STORE_FORMAT}|{sys.version}|{pickle.HIGHEST_PROTOCOL}|{reader_salt}"


def _load(path: Path, key: str) -> dict[str, bytes]:
    """The pickled readers by language, when the file is this user's, owner-only
    and made for `key`; else none."""
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
    return {k: v for k, v in readers.items() if isinstance(k, str) and isinstance(v, bytes)}


def _save(path: Path, key: str, readers: dict[str, bytes]) -> None:
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
                found = pickle.loads(self.stored[language])
            if not isinstance(found, StanceReader):
                found = None
        if found is not None:
            self.loaded.append(language)
        else:
            with collector_kept():
                found = fresh_reader(self.build, language)
            self.stored[language] = pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL)
            _save(self.path, self.key, self.stored)
        self.made[language] = found
        _PIPELINES[language] = found.nlp
        return found

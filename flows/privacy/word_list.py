"""The ordinary words of spaCy's lookup lemma tables as a sorted file read in
place (decision 0342).

The near-name screen (`flows.privacy.near_names`) asks whether a word is one of
the 613,877 forms and lemmas of the Danish and English lookup tables. Reading
the tables (gzipped JSON) took about 0.8 s of CPU in every process that built a
screen: the main process, and each render worker. The forms are written once,
sorted, one a line in UTF-8, to `.cache/word-forms/` (beside the compiled reader
modules; named by the tables' paths, sizes and modification times, so a new
spacy-lookups-data makes a new file), and each process maps that file into
memory and looks a word up by binary search (about 20 comparisons, a few
microseconds; the screen asks only for the words its name index lets through).

Where the folder cannot be written, or a form holds a line break (none does in
spacy-lookups-data 1.0.5), the forms are read into memory as before. The file
holds ordinary words only: no name of a study.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import mmap
import os
from collections.abc import Iterable
from pathlib import Path

FOLDER = Path(__file__).resolve().parents[2] / ".cache" / "word-forms"
LANGUAGES = ("da", "en")


class SortedWords:
    """Membership in a sorted file of words, one a line (UTF-8, byte order), read
    in place by binary search."""

    def __init__(self, path: Path):
        with path.open("rb") as handle:
            self._data = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str) or "\n" in word:
            return False
        key = word.encode("utf-8", "surrogatepass")
        data = self._data
        lo, hi = 0, len(data)  # a line starting in [lo, hi) may be the word
        while lo < hi:
            mid = (lo + hi) // 2
            start = data.rfind(b"\n", lo, mid) + 1 or lo
            end = data.find(b"\n", start)
            line = data[start:end]
            if line == key:
                return True
            if line < key:
                lo = end + 1
            else:
                hi = start
        return False


def table_forms(language: str) -> frozenset[str]:
    """Every form and lemma of spaCy's lookup lemma table for `language`, as the
    table has them (lower case but for some proper nouns); empty without
    spacy-lookups-data."""
    from spacy.util import load_language_data

    path = table_path(language)
    if path is None:
        return frozenset()
    table = load_language_data(path)
    return frozenset([*table, *(v if isinstance(v, str) else v[0] for v in table.values())])


def table_path(language: str) -> Path | None:
    from flows.nlp.lexicons import _lemma_table_path

    return _lemma_table_path(language)


@functools.cache
def ordinary_forms() -> SortedWords | frozenset[str]:
    """The forms of every table of `LANGUAGES`: the sorted file, made on first use,
    or (it cannot be made) the forms in memory."""
    path = FOLDER / f"{_tables_key()}.txt"
    if not path.exists():
        forms = frozenset().union(*map(table_forms, LANGUAGES))
        if any("\n" in form for form in forms) or not _write(path, forms):
            return forms
    return SortedWords(path)


def _tables_key() -> str:
    """A name for the tables as installed: their paths, sizes and modification times."""
    digest = hashlib.sha256()
    for language in LANGUAGES:
        path = table_path(language)
        found = _found(path) if path is not None else None
        digest.update(f"{language}\t{found}\n".encode())
    return digest.hexdigest()[:20]


def _found(path: Path) -> tuple[str, int, int] | None:
    """The file `load_language_data` reads for `path` (the JSON, or it gzipped)."""
    for candidate in (path, Path(f"{path}.gz")):
        with contextlib.suppress(OSError):
            stat = candidate.stat()
            return str(candidate), stat.st_size, stat.st_mtime_ns
    return None


def _write(path: Path, forms: Iterable[str]) -> bool:
    """Write the forms sorted (byte order, one a line); False when it cannot."""
    data = b"\n".join(sorted(f.encode("utf-8", "surrogatepass") for f in forms)) + b"\n"
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(data)
        os.replace(partial, path)  # a process reading it meanwhile sees all or none
    except OSError:
        partial.unlink(missing_ok=True)
        return False
    return True

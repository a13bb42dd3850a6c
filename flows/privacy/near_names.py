"""Roster names written so that whole-word matching misses them (decision 0326).

The roster pass and the audit compare whole words in canonical form
(`flows.privacy.matching`). A transcript can hold a roster name in four shapes
they miss; this module finds them, for the pseudonymiser (`NameGuard` replaces
them with `[person]`) and for the leak audit (`OutputScreen` fails the run):

1. **Misspelt**: a capitalised word one edit (a letter left out, added,
   changed, or two neighbours swapped) from a roster name part of at least
   `MIN_LENGTH` letters ("Henrk", "Hnerik", "Sørensn" for "Henrik Sørensen"),
   unless it is an ordinary English or Danish word or a word of the study's
   own vocabulary ("Helen" is not taken for "Helena" when the study uses it).
2. **Broken by a line-end hyphen**: "Jen-" / "sen" (two pieces joined by a
   hyphen and blanks, a line break among them), when the joined word is a
   roster name part or one edit from one.
3. **Spaced out**: "H e n r i k" (three or more single letters, one blank
   apart), when the letters spell a roster name part.
4. **Joined to another word**: "InterviewKaren" (a capital inside a word
   starts a piece) and "Karenfamilien" (a word that starts with a roster name
   part of `MIN_LENGTH` letters, the rest at least three letters), unless the
   whole word is an ordinary word ("Karensdag" is a Danish word).

Each shape was measured for false hits on the demo, the development studies
and the development corpora (decision 0326): it must not replace ordinary
text. Names of fewer than `MIN_LENGTH` letters are left out of 1 and 4: one
edit from "Ole" or "Bo" is half the language.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from flows.privacy.canonical import canonical

#: a roster name part shorter than this is not looked for misspelt or joined
MIN_LENGTH = 5
#: a word joined after a name ("Karen" + "familien") has at least this many letters
MIN_REST = 3

_LETTERS = r"[^\W\d_]"
#: any word of letters
_WORD = re.compile(rf"{_LETTERS}+")
#: two pieces of a word broken by a hyphen: "Jen-\nsen", "Jen- sen", "Jen-sen"
_HYPHENATED = re.compile(rf"(?<!{_LETTERS})({_LETTERS}+)[ \t]*[-‐‑]\s{{0,8}}({_LETTERS}+)")
#: three or more single letters one blank apart: "H e n r i k"
_SPACED = re.compile(rf"(?<!{_LETTERS})(?:{_LETTERS}[ \t]){{2,}}{_LETTERS}(?!{_LETTERS})")
#: a capital after a small letter inside a word starts a piece ("Interview|Karen")
_INNER_CAPITAL = re.compile(r"(?<=[^\W\d_A-ZÆØÅ])(?=[^\W\d_a-zæøå])")


_GENITIVE = re.compile(r"(?:['’]s?|(?<=[^\W\d_s])s)$", re.IGNORECASE)


def ungenitive(word: str) -> str:
    """A word without the ending of a genitive: "Graham's", "Grahams'", "Grahams"
    -> "Graham" (Danish writes the genitive without an apostrophe)."""
    return _GENITIVE.sub("", word) if len(word) > 3 else word


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def one_edit(a: str, b: str) -> bool:
    """Whether `a` and `b` differ by exactly one edit (a letter left out, added or
    changed, or two neighbours swapped)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    if len(a) < len(b):
        return any(b[:i] + b[i + 1 :] == a for i in range(len(b)))
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    if len(diff) == 1:
        return True
    return (
        len(diff) == 2
        and diff[1] == diff[0] + 1
        and a[diff[0]] == b[diff[1]]
        and a[diff[1]] == b[diff[0]]
    )


#: at most this many distinct texts are remembered per screen (`NearNames.find`)
FOUND_MAX = 100_000


@dataclass(frozen=True)
class Found:
    """A name found in one of the four shapes: character span and shape."""

    start: int
    end: int
    shape: str  # "misspelt", "hyphenated", "spaced", "joined"


class NearNames:
    """The roster name parts, and where a text holds one in a shape whole-word
    matching misses. `names`: every name and alias of the roster; `known`: the
    study's own words (casefolded), never taken for a misspelt name."""

    def __init__(self, names: Iterable[str], known: Iterable[str] = ()):
        words = {w for n in names for w in _WORD.findall(n)}
        #: every word of a roster name of three letters or more that is no ordinary
        #: word (for the hyphenated, spaced and joined shapes: "maxWidth" in a page
        #: is not "Max")
        self.parts = frozenset(canonical(w) for w in words if len(w) >= 3 and not _ordinary(w))
        #: the parts long enough and odd enough to look for misspelt or joined
        self.stems = frozenset(
            canonical(w) for w in words if len(w) >= MIN_LENGTH and not _ordinary(w)
        )
        self.known = frozenset(canonical(w) for w in known)
        self._by_deletion: dict[str, set[str]] = {}
        for stem in self.stems:
            for key in {stem, *_deletions(stem)}:
                self._by_deletion.setdefault(key, set()).add(stem)
        self._verdicts: dict[str, str | None] = {}
        #: texts screened before, and what was found in them (`find`)
        self._found: dict[str, tuple[Found, ...]] = {}
        self._prefix = (
            re.compile("|".join(sorted(map(re.escape, self.stems), key=lambda s: (-len(s), s))))
            if self.stems
            else None
        )

    def __bool__(self) -> bool:
        return bool(self.parts)

    def misspelt(self, word: str) -> bool:
        """A capitalised `word` one edit from a roster name part, and no ordinary
        word nor the study's own."""
        folded = canonical(word)
        if len(folded) < MIN_LENGTH - 1 or folded in self.stems or not folded.isalpha():
            return False
        if folded in self.known or _ordinary(word):
            return False
        for candidate in {folded, *_deletions(folded)}:
            for stem in self._by_deletion.get(candidate, ()):
                if one_edit(folded, stem):
                    return True
        # the genitive of a misspelt name: "Henrks"
        return folded.endswith("s") and len(folded) > MIN_LENGTH and self.misspelt(word[:-1])

    def spells(self, letters: str, near: bool = True) -> bool:
        """Whether joined `letters` are a roster name part (or, with `near`, one edit
        from one, or its genitive)."""
        folded = canonical(letters)
        if folded in self.parts or (folded.endswith("s") and folded[:-1] in self.parts):
            return True
        return near and folded not in self.known and self.misspelt(letters.capitalize())

    def joined(self, word: str) -> bool:
        """A word holding a roster name part joined to another word."""
        pieces = _INNER_CAPITAL.split(word)
        if len(pieces) > 1 and any(
            canonical(p) in self.parts or self.spells(p) for p in pieces if len(p) >= 3
        ):
            return True
        if self._prefix is None:
            return False
        folded = canonical(word)
        match = self._prefix.match(folded)
        if not match or len(folded) - match.end() < MIN_REST:
            return False
        return folded not in self.known and not _ordinary(word)

    def find(self, text: str) -> list[Found]:
        """Every name in one of the four shapes, in text order (remembered: a run
        screens the same excerpt in many places, its pages, exports and tables)."""
        if not self.parts:
            return []
        known = self._found.get(text)
        if known is None:
            if len(self._found) > FOUND_MAX:
                self._found.clear()
            known = self._found[text] = tuple(self._find(text))
        return list(known)

    def _find(self, text: str) -> list[Found]:
        found: list[Found] = []
        for m in _HYPHENATED.finditer(text):
            if self.spells(m.group(1) + m.group(2)):
                found.append(Found(m.start(), m.end(), "hyphenated"))
        for m in _SPACED.finditer(text):
            if self.spells(re.sub(r"\s", "", m.group()), near=False):
                found.append(Found(m.start(), m.end(), "spaced"))
        for m in _WORD.finditer(text):
            shape = self._shape(m.group())
            if shape is not None:
                found.append(Found(m.start(), m.end(), shape))
        return sorted(found, key=lambda f: (f.start, -f.end))

    def _shape(self, word: str) -> str | None:
        """ "misspelt", "joined" or None for one word (remembered: words repeat)."""
        if len(word) < MIN_LENGTH - 1:
            return None
        if word in self._verdicts:
            return self._verdicts[word]
        shape = None
        if word[0].isupper() and self.misspelt(word):
            shape = "misspelt"
        elif len(word) >= MIN_LENGTH + MIN_REST - 1 and self.joined(word):
            shape = "joined"
        if len(self._verdicts) > 200_000:
            self._verdicts.clear()
        self._verdicts[word] = shape
        return shape

    def search(self, text: str) -> bool:
        return bool(self.find(text))


@functools.cache
def word_forms(language: str) -> frozenset[str]:
    """Every form and lemma of spaCy's lookup lemma table for `language`, lower
    case ("kagen", the cake, is one edit from "Karen"); empty without
    spacy-lookups-data."""
    from spacy.util import load_language_data

    from flows.nlp.lexicons import _lemma_table_path

    path = _lemma_table_path(language)
    if path is None:
        return frozenset()
    table = load_language_data(path)
    return frozenset([*table, *(v if isinstance(v, str) else v[0] for v in table.values())])


def _ordinary(word: str) -> bool:
    """An ordinary English or Danish word, in any of its forms."""
    from flows.privacy.matching import _ordinary as ordinary

    lower = word.lower()
    return ordinary(word) or lower in word_forms("da") or lower in word_forms("en")

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

A run screens about 230,000 texts at 1,000 cases, most of them clean, many of
them whole pages or a table's column joined. `find` looks only where a shape can
be (decision 0340): at each hyphen, at a blank between single letters, and at the
distinct tokens of the text that this screen has not found clean before (split
in bytes, not by a Python loop over every word); the answers are exactly those
of the three scans it replaces (`tests/test_near_names_fast.py`). Whether a word
is ordinary is asked last, of the few words near a name, from a sorted file read
in place (`flows.privacy.word_list`, decision 0342).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from flows.privacy import word_list
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
#: where a word broken by a hyphen can be (`NearNames._hyphenated`)
_HYPHEN = re.compile("[-‐‑]")
#: what every match of `_SPACED` holds from its second character on: a blank, a
#: letter, a blank, a letter that no letter follows (a scan that skips to blanks)
_SPACED_HINT = re.compile(rf"[ \t]{_LETTERS}[ \t]{_LETTERS}(?!{_LETTERS})")
#: ASCII bytes other than letters become blanks; other bytes stay (UTF-8 sequences)
_ASCII_LETTERS = bytes(b if chr(b).isalpha() or b >= 128 else 32 for b in range(256))


def is_letter(char: str) -> bool:
    """Whether `char` is a letter as `_LETTERS` reads it (a word character, no digit
    nor underscore: `re`'s \\w is `str.isalnum`, its \\d `str.isdecimal`)."""
    return char.isalnum() and not char.isdecimal()


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
#: at most this many words (and tokens, and broken words) are remembered per screen
VERDICTS_MAX = 200_000


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
        #: byte tokens (`_may_hold_word`) none of whose words is misspelt or joined
        self._clean: set[bytes] = set()
        #: the letters of words broken by a hyphen, and whether they spell a name
        self._broken: dict[str, bool] = {}
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
        if folded in self.known:
            return False
        if not self._one_edit_from_stem(folded):
            # the genitive of a misspelt name: "Henrks"
            genitive = folded.endswith("s") and len(folded) > MIN_LENGTH
            if not genitive or not self.misspelt(word[:-1]):
                return False
        return not _ordinary(word)  # asked last: the few words near a name

    def _one_edit_from_stem(self, folded: str) -> bool:
        """Whether canonical `folded` is one edit from a stem (the symmetric-deletion
        index: a word and a stem one edit apart share a deletion, or one is the
        other's)."""
        for candidate in {folded, *_deletions(folded)}:
            for stem in self._by_deletion.get(candidate, ()):
                if one_edit(folded, stem):
                    return True
        return False

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
        """What scanning the whole text three times and looking at every word finds
        (`_HYPHENATED`, `_SPACED`, then `_WORD`, each match kept when its letters
        spell a name: decision 0326), found by looking only where one can be
        (decision 0340): at hyphens, at a blank between single letters, and at the
        words of the text not found clean before in this process."""
        found = self._hyphenated(text) + self._spaced(text)
        if self._may_hold_word(text):
            for m in _WORD.finditer(text):
                shape = self._shape(m.group())
                if shape is not None:
                    found.append(Found(m.start(), m.end(), shape))
        return sorted(found, key=lambda f: (f.start, -f.end))

    def _hyphenated(self, text: str) -> list[Found]:
        """`_HYPHENATED.finditer(text)`'s matches that spell a name, tried only where
        one can start: the letters before each hyphen (and blanks), which are all of
        the first piece (it is a whole run of letters), left to right, each after
        the end of the match before it, as `finditer` takes them."""
        found: list[Found] = []
        end = 0
        for hyphen in _HYPHEN.finditer(text):
            start = hyphen.start()
            while start and text[start - 1] in " \t":
                start -= 1
            letters_end = start
            while start and is_letter(text[start - 1]):
                start -= 1
            if start == letters_end or start < end:
                continue
            m = _HYPHENATED.match(text, start)
            if m is None:
                continue
            end = m.end()
            if self._spells_broken(m.group(1) + m.group(2)):
                found.append(Found(m.start(), m.end(), "hyphenated"))
        return found

    def _spells_broken(self, letters: str) -> bool:
        """`spells(letters)` (remembered: "well-being" recurs)."""
        verdict = self._broken.get(letters)
        if verdict is None:
            if len(self._broken) > VERDICTS_MAX:
                self._broken.clear()
            verdict = self._broken[letters] = self.spells(letters)
        return verdict

    def _spaced(self, text: str) -> list[Found]:
        """`_SPACED.finditer(text)`'s matches that spell a name part, tried only one
        character before each `_SPACED_HINT` (which every match holds there)."""
        found: list[Found] = []
        position = 0
        while (hint := _SPACED_HINT.search(text, position)) is not None:
            m = _SPACED.match(text, hint.start() - 1) if hint.start() else None
            if m is None:
                position = hint.start() + 1
                continue
            position = m.end() + 1  # a match ends with a letter: none starts at its end
            if self.spells(re.sub(r"\s", "", m.group()), near=False):
                found.append(Found(m.start(), m.end(), "spaced"))
        return found

    def _may_hold_word(self, text: str) -> bool:
        """False only when no word of `text` is misspelt or joined (`_shape`). The
        text's distinct tokens are found fast (`_ASCII_LETTERS`: each holds whole
        words of letters, and nothing but letters when it is ASCII); those found
        clean before are not looked at again."""
        data = text.encode("utf-8", "surrogatepass").translate(_ASCII_LETTERS)
        tokens = set(data.split()) - self._clean
        for token in tokens:
            if token.isascii():
                words = [token.decode("ascii")]
            else:
                words = _WORD.findall(token.decode("utf-8", "surrogatepass"))
            if any(self._shape(word) is not None for word in words):
                return True
        if len(self._clean) + len(tokens) > VERDICTS_MAX:
            self._clean.clear()
        self._clean |= tokens
        return False

    def _shape(self, word: str) -> str | None:
        """ "misspelt", "joined" or None for one word (remembered: words repeat)."""
        if len(word) < MIN_LENGTH - 1:
            return None
        if word in self._verdicts:
            return self._verdicts[word]
        shape = None
        if word[0].isupper() and self.misspelt(word):
            shape = "misspelt"
        elif (
            len(word) >= MIN_LENGTH + MIN_REST - 1 or _INNER_CAPITAL.search(word)
        ) and self.joined(word):
            shape = "joined"
        if len(self._verdicts) > VERDICTS_MAX:
            self._verdicts.clear()
        self._verdicts[word] = shape
        return shape

    def search(self, text: str) -> bool:
        return bool(self.find(text))


def _ordinary(word: str) -> bool:
    """An ordinary English or Danish word, in any of its forms."""
    from flows.privacy.matching import _ordinary as ordinary

    return ordinary(word) or word.lower() in word_list.ordinary_forms()

"""One canonical form of text for matching names: the pseudonymiser and the leak
audit both compare names in this form, so whatever one would find, so does the other.

Per character (`fold_char`, cached):

- format and invisible characters vanish: soft hyphen, zero-width space and
  joiners, left-to-right and other bidi marks, byte-order mark, combining
  grapheme joiner, variation selectors, tag characters (Unicode category Cf,
  plus the few default-ignorables that are not Cf);
- combining marks vanish after compatibility decomposition (NFKD), so NFC and
  NFD spellings agree and accents are folded ("é" -> "e", "å" -> "a");
- compatibility forms are unified by NFKD: superscripts ("²" -> "2"),
  full-width letters, ligatures ("ﬁ" -> "fi");
- case is folded (`str.casefold`: "Strauß" and "STRAUSS" agree);
- letters that do not decompose are spelled out: "ø" -> "o", "æ" -> "ae",
  "œ" -> "oe", "ł" -> "l", "đ" -> "d", "ı" -> "i", "ß" -> "ss", "þ" -> "th";
- small capitals ("ᴀ", "ʜ") become their letter (from the Unicode names);
- confusable letters from other scripts (Cyrillic "а", Greek "ο") become the
  Latin letter they look like, from the Unicode confusables table shipped by
  the maintained `confusable-homoglyphs` package (only non-ASCII characters
  that look like one ASCII letter are mapped);
- every dash and hyphen, and every kind of white space (tab, new line,
  no-break space, line and paragraph separators), becomes a space;
  apostrophes and their look-alikes become "'".

Names are then compared as sequences of word tokens (`tokens`: runs of
letters, or of digits: "Hanne²" is "hanne" "2"), so white space runs, hyphens, apostrophes and line
breaks between the parts of a name do not matter.

`fold` keeps a map from each canonical character back to the original text
(`Folded.source`), so a match in canonical form replaces the right characters
of the original.
"""

from __future__ import annotations

import bisect
import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources

#: default-ignorable characters that are not in category Cf
_IGNORABLE = {"\u00ad", "\u034f", "\u115f", "\u1160", "\u17b4", "\u17b5", "\u3164", "\uffa0"}
_IGNORABLE.update(chr(c) for c in range(0xFE00, 0xFE10))  # variation selectors
_IGNORABLE.update(chr(c) for c in range(0xE0100, 0xE01F0))
#: Arabic tatweel (kashida): stretches a word for justification, spells no letter
#: ("فاطـمة" is "فاطمة"; decision 0366)
_IGNORABLE.add("\u0640")

_APOSTROPHES = set("'`´‘’‚‛′‵ʹʻʼʽʾʿˈˊˋ＇")
_DASHES = set("-‐‑‒–—―⁃−﹘﹣－⸺⸻")

#: letters without a decomposition, spelled out
_SPELLED = {
    "ø": "o",
    "æ": "ae",
    "œ": "oe",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "ı": "i",
    "ß": "ss",
    "þ": "th",
    "ŧ": "t",
    "ħ": "h",
    "ŀ": "l",
}


@functools.cache
def _confusables() -> dict[str, str]:
    """Non-ASCII characters that look like one ASCII letter, from the Unicode
    confusables data of `confusable-homoglyphs` (read once)."""
    data = json.loads(
        resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8")
    )
    found: dict[str, str] = {}
    for char, glyphs in data.items():
        if len(char) != 1 or char.isascii() or not char.isalpha():
            continue
        latin = [
            g["c"] for g in glyphs if len(g["c"]) == 1 and g["c"].isascii() and g["c"].isalpha()
        ]
        if latin:
            found[char] = min(latin).lower()
    return found


@functools.cache
def _small_capitals() -> dict[str, str]:
    """`LATIN LETTER SMALL CAPITAL X` -> "x", from the Unicode character names."""
    found = {}
    for code in range(0x0100, 0xAB00):
        name = unicodedata.name(chr(code), "")
        if name.startswith("LATIN LETTER SMALL CAPITAL ") and len(name) == 28:
            found[chr(code)] = name[-1].lower()
    return found


@functools.lru_cache(maxsize=65536)
def fold_char(char: str) -> str:
    """The canonical form of one character (may be empty or longer than one)."""
    if char in _IGNORABLE or unicodedata.category(char) == "Cf":
        return ""
    if char in _APOSTROPHES:
        return "'"
    if char in _DASHES or char.isspace() or unicodedata.category(char) in ("Zs", "Zl", "Zp"):
        return " "
    if char in _small_capitals():
        return _small_capitals()[char]
    out = []
    for part in unicodedata.normalize("NFKD", char):
        if unicodedata.combining(part) or unicodedata.category(part) in ("Mn", "Me", "Mc"):
            continue
        if part in _APOSTROPHES:
            out.append("'")
            continue
        if part in _DASHES or part.isspace():
            out.append(" ")
            continue
        # casefold, then lower: casefold maps Cherokee small letters to capitals,
        # which the lower-casing of `fold`'s plain stretches would undo
        for folded in part.casefold().lower():
            folded = _SPELLED.get(folded, folded)
            if not folded.isascii():  # `_confusables` has no ASCII key: read it only here
                folded = _confusables().get(folded, folded)
            out.append(folded)
    return "".join(out)


#: per character seen so far: its canonical form where that is not simply its
#: lower case, else None. Separators (dashes, white space, apostrophes) stay as
#: they are in the folded text: they separate tokens either way, and
#: `is_joiner` tells which of them may stand inside a name.
_SPECIAL: dict[str, str | None] = {}


def _special(char: str) -> str | None:
    found = _SPECIAL.get(char, 0)
    if found == 0:
        folded = fold_char(char)
        lower = char.lower()
        separator = folded and not any(c.isalnum() for c in folded) and not char.isalnum()
        found = None if folded == lower or (separator and len(lower) == 1) else folded
        _SPECIAL[char] = found
    return found


@functools.lru_cache(maxsize=4096)
def is_joiner(char: str) -> bool:
    """May stand between the parts of one name: white space, a dash or hyphen, an
    apostrophe, or an invisible character."""
    return fold_char(char) in (" ", "'", "")


@dataclass(frozen=True)
class Folded:
    """A text in canonical form and the map back to the original: the folded text
    is cut into pieces; piece k starts at `starts[k]` in the folded text and at
    `origins[k]` in the original, and is either copied 1:1 or the expansion of
    one original character (`expanded[k]`). No pieces: folded 1:1 throughout."""

    text: str
    starts: tuple[int, ...] = ()
    origins: tuple[int, ...] = ()
    expanded: tuple[bool, ...] = ()

    def source(self, index: int) -> int:
        if not self.starts:
            return index
        k = bisect.bisect_right(self.starts, index) - 1
        return self.origins[k] if self.expanded[k] else self.origins[k] + index - self.starts[k]


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def fold(text: str) -> Folded:
    """`text` in canonical form, with the map back to the original characters.

    The text is lower-cased in one pass; only characters whose canonical form
    is not their lower case (accents, look-alikes, invisible characters) are
    replaced one by one."""
    if text.isascii():
        return Folded(text.lower())
    specials = {c: f for c in set(_NON_ASCII.findall(text)) if (f := _special(c)) is not None}
    if not specials:
        return Folded(text.lower())
    pattern = _irregular_pattern(frozenset(specials))
    if all(len(f) == 1 for f in specials.values()):
        return Folded(pattern.sub(lambda m: specials[m.group()], text).lower())
    pieces: list[str] = []
    starts: list[int] = []
    origins: list[int] = []
    expanded: list[bool] = []
    cursor = length = 0
    for found in pattern.finditer(text):
        start = found.start()
        for piece, origin, whole in (
            (text[cursor:start].lower(), cursor, False),
            (specials[found.group()], start, True),
        ):
            if piece:
                pieces.append(piece)
                starts.append(length)
                origins.append(origin)
                expanded.append(whole)
                length += len(piece)
        cursor = start + 1
    rest = text[cursor:].lower()
    if rest:
        pieces.append(rest)
        starts.append(length)
        origins.append(cursor)
        expanded.append(False)
    return Folded("".join(pieces), tuple(starts), tuple(origins), tuple(expanded))


@functools.lru_cache(maxsize=256)
def _irregular_pattern(chars: frozenset[str]) -> re.Pattern:
    return re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")


def canonical(text: str) -> str:
    """`text` in canonical form (see the module docstring)."""
    return fold(text).text


#: a word token: a run of letters, or of digits (after folding, everything else separates)
TOKEN = re.compile(r"[^\W\d_]+|\d+")


def tokens(text: str) -> tuple[str, ...]:
    """The word tokens of `text` in canonical form ("Anne-Marie O’Lund" ->
    ("anne", "marie", "o", "lund"))."""
    return tuple(TOKEN.findall(canonical(text)))

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
(`Folded.origin`), so a match in canonical form replaces the right characters
of the original.
"""

from __future__ import annotations

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
        for folded in part.casefold():
            folded = _SPELLED.get(folded, folded)
            out.append(_confusables().get(folded, folded))
    return "".join(out)


#: ASCII is folded by one translation (lower case; dashes, white space -> space; ` -> ')
_ASCII = str.maketrans(
    {
        **{chr(c): chr(c).lower() for c in range(65, 91)},
        "-": " ",
        "`": "'",
        **{c: " " for c in "\t\n\r\x0b\x0c"},
    }
)
_RUNS = re.compile(r"[\x00-\x7f]+|[^\x00-\x7f]")


@dataclass(frozen=True)
class Folded:
    """A text in canonical form; `origin[i]` is the index in the original text of
    canonical character i (None: the same index, the text was folded 1:1)."""

    text: str
    origin: list[int] | None

    def source(self, index: int) -> int:
        return index if self.origin is None else self.origin[index]


def fold(text: str) -> Folded:
    """`text` in canonical form, with the map back to the original characters."""
    if text.isascii():
        return Folded(text.translate(_ASCII), None)
    pieces: list[str] = []
    origin: list[int] = []
    for run in _RUNS.finditer(text):
        piece = run.group()
        start = run.start()
        if piece.isascii():
            pieces.append(piece.translate(_ASCII))
            origin.extend(range(start, start + len(piece)))
        else:
            folded = fold_char(piece)
            pieces.append(folded)
            origin.extend([start] * len(folded))
    return Folded("".join(pieces), origin)


def canonical(text: str) -> str:
    """`text` in canonical form (see the module docstring)."""
    return fold(text).text


#: a word token: a run of letters, or of digits (after folding, everything else separates)
TOKEN = re.compile(r"[^\W\d_]+|\d+")


def tokens(text: str) -> tuple[str, ...]:
    """The word tokens of `text` in canonical form ("Anne-Marie O’Lund" ->
    ("anne", "marie", "o", "lund"))."""
    return tuple(TOKEN.findall(canonical(text)))

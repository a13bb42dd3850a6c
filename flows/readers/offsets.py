"""How QDA tools count positions in a text, and telling which one a file used.

REFI-QDA says a text selection runs from one Unicode code point to another,
counted from 0 (ends exclusive in practice). Real tools differ:

| scheme        | counts                          | written by                       |
|---------------|---------------------------------|----------------------------------|
| `code-points` | code points; CRLF is 2          | the standard, QualCoder, MAXQDA  |
| `utf-16`      | UTF-16 code units; CRLF is 2    | NVivo (an emoji counts 2)        |
| `crlf-as-1`   | code points; CRLF is 1          | ATLAS.ti                         |

All exclude the byte-order mark. A `SourceText` holds one text and answers,
per scheme, where a selection lands; `detect_scheme` scores the schemes over
every selection of a project: a selection whose `name` repeats its text must
match exactly, otherwise its ends should fall on word boundaries. Texts
without CRLF or characters beyond U+FFFF read the same under every scheme.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

SCHEMES = ("code-points", "utf-16", "crlf-as-1")

#: The scheme each dialect name (the study file's `[qda] dialect`) stands for.
DIALECT_SCHEMES = {
    "standard": "code-points",
    "qualcoder": "code-points",
    "maxqda": "code-points",
    "nvivo": "utf-16",
    "atlasti": "crlf-as-1",
}


def scheme_from_origin(origin: str) -> str | None:
    """The counting a project's `origin` attribute suggests, if it names a known tool."""
    text = origin.lower()
    if "nvivo" in text:
        return "utf-16"
    if "atlas" in text:
        return "crlf-as-1"
    if any(tool in text for tool in ("qualcoder", "maxqda", "quirkos", "dedoose")):
        return "code-points"
    return None


class SourceText:
    """One source's plain text (byte-order mark already removed)."""

    def __init__(self, text: str):
        self.text = text
        self.collapsed = text.replace("\r\n", "\n") if "\r\n" in text else text
        self.astral = any(ord(ch) > 0xFFFF for ch in text)
        self._units: list[int] | None = None
        self._paragraphs: dict[str, list[int]] = {}

    def _utf16_starts(self) -> list[int]:
        """UTF-16 offset at which each code point starts (plus the end)."""
        if self._units is None:
            units, offset = [], 0
            for ch in self.text:
                units.append(offset)
                offset += 2 if ord(ch) > 0xFFFF else 1
            units.append(offset)
            self._units = units
        return self._units

    def _index(self, scheme: str, position: int) -> int | None:
        if scheme == "utf-16" and self.astral:
            units = self._utf16_starts()
            i = bisect_left(units, position)
            return i if i < len(units) and units[i] == position else None
        limit = len(self.collapsed if scheme == "crlf-as-1" else self.text)
        return position if 0 <= position <= limit else None

    def base(self, scheme: str) -> str:
        """The text the scheme's indices point into."""
        return self.collapsed if scheme == "crlf-as-1" else self.text

    def locate(self, scheme: str, start: int, end: int) -> tuple[int, int] | None:
        """Python indices into `base(scheme)`, or None when the positions are out
        of range, reversed, or fall inside a character (half a surrogate pair)."""
        if start < 0 or end < start:
            return None
        first, last = self._index(scheme, start), self._index(scheme, end)
        if first is None or last is None:
            return None
        return first, last

    def boundary_score(self, scheme: str, span: tuple[int, int]) -> int:
        """0-2: how many ends of the span sit on a word boundary (not inside a
        word, not between CR and LF)."""
        text = self.base(scheme)
        return sum(_on_boundary(text, i) for i in span)

    def paragraph(self, scheme: str, index: int) -> int:
        """1-based number of the non-blank line the index falls in (or after)."""
        starts = self._paragraphs.get(scheme)
        if starts is None:
            starts = [
                m.start() for m in re.finditer(r"[^\r\n]*", self.base(scheme)) if m.group().strip()
            ]
            self._paragraphs[scheme] = starts
        return max(bisect_right(starts, index), 1)


def _on_boundary(text: str, i: int) -> bool:
    if i <= 0 or i >= len(text):
        return True
    before, after = text[i - 1], text[i]
    if before == "\r" and after == "\n":
        return False
    return not (before.isalnum() and after.isalnum())


def same_text(name: str, text: str) -> bool:
    """Whether a selection's name repeats its text (whitespace aside; a name cut
    short by the tool counts when it is a prefix of at least 8 characters)."""
    a, b = " ".join(name.split()), " ".join(text.split())
    if not a:
        return False
    if a == b:
        return True
    short = a.rstrip(".…").rstrip()
    return len(short) >= 8 and len(short) < len(b) and b.startswith(short)


@dataclass
class Selection:
    """What detection needs of one text selection."""

    source: SourceText
    start: int
    end: int
    name: str


@dataclass
class Detection:
    scheme: str
    names_are_text: bool
    evidence: str
    #: per scheme: (names matched, selections located, word-boundary ends)
    scores: dict[str, tuple[int, int, int]] = field(default_factory=dict)


def detect_scheme(selections: list[Selection], prior: str | None) -> Detection:
    """The counting scheme under which the most selections land exactly.

    Per scheme: how many named selections match their name, how many
    selections can be located at all, and how many ends sit on word
    boundaries; compared in that order, ties going to `prior` (from the
    origin attribute) and then to the standard."""
    scores = {}
    named = 0
    for scheme in SCHEMES:
        matched = located = boundaries = 0
        for sel in selections:
            span = sel.source.locate(scheme, sel.start, sel.end)
            if span is None:
                continue
            located += 1
            boundaries += sel.source.boundary_score(scheme, span)
            if sel.name.strip() and same_text(sel.name, sel.source.base(scheme)[span[0] : span[1]]):
                matched += 1
        scores[scheme] = (matched, located, boundaries)
    named = sum(1 for sel in selections if sel.name.strip())
    order = {s: i for i, s in enumerate(SCHEMES)}

    def rank(scheme: str):
        return (*scores[scheme], scheme == prior, -order[scheme])

    best = max(SCHEMES, key=rank)
    matched = scores[best][0]
    names_are_text = named > 0 and matched * 2 >= named
    evidence = "; ".join(
        f"{s}: {m} names matched, {loc} located, {b} word-boundary ends"
        for s, (m, loc, b) in scores.items()
    )
    return Detection(best, names_are_text, evidence, scores)


def lands_differently(selections: list[Selection], scheme: str, other: str) -> int:
    """How many selections hold different text (or none) under two schemes."""
    differ = 0
    for sel in selections:
        a = sel.source.locate(scheme, sel.start, sel.end)
        b = sel.source.locate(other, sel.start, sel.end)
        text_a = None if a is None else sel.source.base(scheme)[a[0] : a[1]]
        text_b = None if b is None else sel.source.base(other)[b[0] : b[1]]
        differ += text_a != text_b
    return differ

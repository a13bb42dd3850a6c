"""Names nobody put on the roster: parts of roster names, titles, a name gazetteer.

The roster pass (`flows.privacy.pseudonymise`) replaces full names and listed
aliases. This module adds three classes of name, applied to excerpt text after
it (`NameGuard.replace`) and searched for again by the leak audit
(`OutputScreen`):

1. **Parts of roster names** (`roster_name_parts`): the first name, middle
   names, surname (with and without its particles, each part of a hyphenated
   name) of every roster name, split with `nameparser`. A part that is not an
   ordinary word ("Sørensen", "Mette") is matched like an alias, in any case,
   with the person's own label; a part that is also a word ("Rose", "Holm",
   "Will") only where it reads as a name: capitalised and not at the start of
   a sentence, and it is then replaced by `[person]`.
2. **A title and the capitalised word(s) after it** (`TITLES`): "Dr Hansen",
   "Mrs. Olsen", "fru Jensen", "sygeplejerske Birgit Krogh" -> `[person]`. The
   title is matched in any case ("Miss" only capitalised: "I miss Oslo"); the
   words after it must be capitalised and not a pronoun, month or weekday.
3. **Gazetteer names** (`Gazetteer`): a capitalised word that is one of the
   frequent first names or surnames of Denmark, Norway, Sweden, the UK,
   Ireland and the US (`gazetteer/names.txt`, built by
   scripts/build_gazetteer.py) and not a word of the study's own vocabulary is
   replaced by `[person]`. Names that are also ordinary words ("May", "Will",
   "Brown", `gazetteer/name-words.txt`) count only next to another name
   ("Anne Brown").

What the researcher decides. `[privacy] unknown_names = "review"` makes the
run list the gazetteer words it found (`review_rows`) in the private review
folder and refuse to publish until each is marked in the study folder's
`names-reviewed.csv` (columns `word,decision`; decision `name` or
`not a name`). In either mode a word marked `not a name` is kept, and a word
marked `name` is replaced and searched for by the audit.

The module's parts: `name_lists` (the gazetteer, words never a name),
`name_parts` (the parts of roster names), `names_review` (the researcher's
decisions and the review list); this module the guard and the audit's screen.

What is not matched: a name in no list and after no title ("my neighbour
Zbigniew"), lower-case names other than roster parts, names that are ordinary
words when they stand alone ("Brown said"), nicknames. See
docs/data-protection.md.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from flows.privacy import name_lists, name_parts, near_names, prefixed, word_list
from flows.privacy.matching import initials_before
from flows.privacy.name_lists import NOT_NAMES as NOT_NAMES
from flows.privacy.name_lists import Gazetteer as Gazetteer
from flows.privacy.name_lists import gazetteer as gazetteer
from flows.privacy.name_lists import is_ordinary_word as is_ordinary_word
from flows.privacy.name_parts import alias_parts as alias_parts
from flows.privacy.name_parts import roster_name_parts as roster_name_parts
from flows.privacy.name_parts import word_parts as word_parts
from flows.privacy.names_review import REVIEWED_FILE as REVIEWED_FILE
from flows.privacy.names_review import UNKNOWN_NAMES_FILE as UNKNOWN_NAMES_FILE
from flows.privacy.names_review import NamesToReview as NamesToReview
from flows.privacy.names_review import check_reviewed as check_reviewed
from flows.privacy.names_review import read_decisions as read_decisions
from flows.privacy.near_names import ungenitive

PERSON = "[person]"

#: Titles before a name, per language; matched with or without the dot, in any case
#: except those in `CAPITALISED_TITLES` (which are also ordinary words).
TITLES = {
    "en": ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Doctor", "Nurse", "Professor", "Prof"),
    "da": (
        *("Hr", "Fru", "Frk", "Dr", "Doktor", "Sygeplejerske", "Læge", "Professor"),
        # decision 0366: definite forms ("sygeplejersken Holt") and health visitors
        *("Sygeplejersken", "Lægen", "Sundhedsplejerske", "Sundhedsplejersken"),
    ),
    # decision 0366: what a Norwegian or Swedish transcript puts before a name
    "nb": (
        *("Hr", "Fru", "Frk", "Frøken", "Dr", "Doktor", "Doktoren", "Lege", "Legen"),
        *("Sykepleier", "Sykepleieren", "Helsesøster", "Helsesøsteren"),
        *("Helsesykepleier", "Helsesykepleieren", "Professor"),
    ),
    "sv": (
        *("Herr", "Fru", "Fröken", "Dr", "Doktor", "Doktorn", "Läkare", "Läkaren"),
        *("Sjuksköterska", "Sjuksköterskan", "Distriktssköterska", "Distriktssköterskan"),
        *("Professor",),
    ),
}
CAPITALISED_TITLES = frozenset({"Miss", "Nurse"})
#: abbreviations: a dot after them is not the end of a sentence ("Dr. Hansen")
ABBREVIATED = frozenset({"Mr", "Mrs", "Ms", "Mx", "Dr", "Prof", "Hr", "Fru", "Frk"})

WORD = re.compile(r"[^\W\d_][^\W\d_'’-]*(?:['’-][^\W\d_]+)*")
SENTENCE_ENDS = frozenset(".!?…:;\n")
OPENERS = frozenset(" \t\"'“”‘’«»([{-–—*")
#: a title, its dot and the space after it ("Dr. ", "fru ")


def _title_pattern(title: str) -> str:
    """A title in any case (`CAPITALISED_TITLES` only capitalised), with its dot
    when it is an abbreviation."""
    pattern = re.escape(title) if title in CAPITALISED_TITLES else f"(?i:{re.escape(title)})"
    return pattern + (r"\.?" if title in ABBREVIATED else "")


_TITLE_WORDS = sorted({t for ts in TITLES.values() for t in ts}, key=len)[::-1]
#: a title and the blank after it, before a letter: the plain form of the pattern,
#: kept as the reference `tests/test_prefixed.py` checks `_TITLE_SCAN` against
_TITLE = re.compile(
    r"(?<![\w\[])(?:" + "|".join(map(_title_pattern, _TITLE_WORDS)) + r")[ \t]{1,3}(?=[^\W\d_])"
)
#: the same matches as `_TITLE`, found faster in long texts (`flows.privacy.prefixed`);
#: the one both the pseudonymiser (`spans`) and the leak audit use
_TITLE_SCAN = prefixed.anchored(
    [(t, t not in CAPITALISED_TITLES, r"\.?" if t in ABBREVIATED else "") for t in _TITLE_WORDS],
    r"[\w\[]",
    r"[ \t]{1,3}(?=[^\W\d_])",
)


def sentence_initial(text: str, start: int) -> bool:
    """Nothing but openers (space, quotes, brackets) between a sentence end (or the
    start of the text) and `start`."""
    index = start - 1
    while index >= 0 and text[index] in OPENERS:
        index -= 1
    return index < 0 or text[index] in SENTENCE_ENDS


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and word.casefold() not in NOT_NAMES


# ---------------------------------------------------------------- excerpts


@dataclass
class NameGuard:
    """Replaces names nobody put on the roster in excerpt text (after the roster pass).

    `roster_names`: every name and alias of the roster (and the identifiers);
    `vocabulary`: the study's own words (theme labels, codes, examples), never
    names; `decisions`: the researcher's (`read_decisions`); `mode`: "replace"
    or "review" (candidates are replaced in both; "review" also lists them)."""

    roster_names: list[str] = field(default_factory=list)
    vocabulary: Iterable[str] = ()
    decisions: dict[str, str] = field(default_factory=dict)
    mode: str = "replace"

    def __post_init__(self) -> None:
        vocabulary = {w.casefold() for w in self.vocabulary}
        self.known = vocabulary | {w.casefold() for n in self.roster_names for w in WORD.findall(n)}
        self.word_parts = word_parts(self.roster_names)
        self.gazetteer = gazetteer()
        #: roster names misspelt, hyphenated, spaced out or joined (decision 0326)
        self.near = near_names.NearNames(self.roster_names, vocabulary)

    def fingerprint(self) -> str:
        """What the replacements depend on besides the text (for the annotation cache)."""
        parts = [
            self.mode,
            *sorted(self.known),
            "",
            *sorted(f"{w}={d}" for w, d in self.decisions.items()),
            *(
                Path(module.__file__).read_text(encoding="utf-8")
                for module in (sys.modules[__name__], name_lists, name_parts, near_names, word_list)
            ),
            *sorted(self.gazetteer.names),
            *sorted(self.gazetteer.name_words),
        ]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()

    def _is_name(self, text: str, match: re.Match) -> bool:
        """A capitalised word that is a name here (class 1 or 3 of the docstring),
        also in the genitive ("Graham's", "Grahams": decision 0328)."""
        word = match.group()
        folded = word.casefold()
        decision = self.decisions.get(folded) or self.decisions.get(ungenitive(folded))
        if decision is not None:
            return decision == "name"
        if not _capitalised(word) or folded in self.known and folded not in self.word_parts:
            return False
        if folded in self.word_parts:
            return not sentence_initial(text, match.start())
        return self.gazetteer_name(word)

    def gazetteer_name(self, word: str) -> bool:
        """A plain gazetteer name, or its genitive outside the study's own words."""
        if self.gazetteer.kind(word) == "name":
            return True
        stem = ungenitive(word)
        return (
            stem != word
            and stem.casefold() not in self.known
            and self.gazetteer.kind(stem) == "name"
        )

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the names to replace, merged, in text order."""
        spans: list[tuple[int, int]] = []
        for title in _TITLE_SCAN.finditer(text):
            end = _names_after(text, title.end())
            if end is not None:
                spans.append((title.start(), end))
        words = list(WORD.finditer(text))
        flagged = [self._is_name(text, w) for w in words]
        for i, word in enumerate(words):
            if flagged[i]:
                spans.append(word.span())
            elif (
                _capitalised(word.group())
                and self.gazetteer.kind(word.group()) == "word"
                and self.decisions.get(word.group().casefold()) != "not a name"
                and _next_to(words, flagged, i, text)
            ):
                spans.append(word.span())  # "Anne Brown": a name-word beside a name
        spans += [(found.start, found.end) for found in self.near.find(text)]
        # initials before a name go with it: "M. [person]" (decision 0422)
        return _merge([(initials_before(text, start), end) for start, end in spans])

    def replace(self, text: str) -> tuple[str, int]:
        """The text with every name found replaced by `[person]`, and how many."""
        if "[" in text:  # never touch the inside of a pseudonym label
            return _outside_labels(text, self._replace)
        return self._replace(text)

    def _replace(self, text: str) -> tuple[str, int]:
        """`replace` in a text between labels: it may hold a bracket of no label
        ("[Q: Did [peer P2] help?]"), which made `replace` call itself without end
        (decision 0424)."""
        spans = self.spans(text)
        if not spans:
            return text, 0
        out, cursor = [], 0
        for start, end in spans:
            out += [text[cursor:start], PERSON]
            cursor = end
        out.append(text[cursor:])
        return "".join(out), len(spans)

    def candidates(self, text: str) -> list[str]:
        """Gazetteer words in `text` the researcher has not decided on (review mode)."""
        found = []
        for match in WORD.finditer(text):
            word = match.group()
            if word.casefold() in self.decisions or word.casefold() in self.known:
                continue
            if _capitalised(word) and self.gazetteer_name(word):
                found.append(word)
        return found

    def review_rows(self, items: Iterable[tuple[str, str]]) -> list[dict]:
        """One row per undecided gazetteer word: (excerpt id, original text) items in,
        the word, its occurrences and excerpts out, most frequent first."""
        found: dict[str, list[str]] = {}
        for excerpt_id, text in items:
            for word in self.candidates(_outside_labels(text, lambda t: (t, 0))[0]):
                found.setdefault(word, []).append(excerpt_id)
        rows = [
            {
                "word": w,
                "occurrences": len(ids),
                "excerpts": " ".join(sorted(set(ids))),
                "decision": "",
            }
            for w, ids in found.items()
        ]
        return sorted(rows, key=lambda r: (-r["occurrences"], r["word"]))


def _names_after(text: str, start: int) -> int | None:
    """The end of up to three capitalised words from `start` (after a title), or None."""
    end = None
    position = start
    for _ in range(3):
        match = WORD.match(text, position)
        if not match or not _capitalised(match.group()):
            break
        end = match.end()
        gap = re.match(r"[ \t]", text[end : end + 1])
        if not gap:
            break
        position = end + 1
    return end


def _next_to(words: list[re.Match], flagged: list[bool], i: int, text: str) -> bool:
    """Word i stands right beside (one space or hyphen) a word flagged as a name."""
    before = i > 0 and flagged[i - 1] and text[words[i - 1].end() : words[i].start()] in " -"
    after = (
        i + 1 < len(words)
        and flagged[i + 1]
        and text[words[i].end() : words[i + 1].start()] in " -"
    )
    return bool(before or after)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching-by-one-space spans as one."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


_LABEL = re.compile(r"\[[^\[\]\n]{0,80}\]")


def _outside_labels(text: str, replace) -> tuple[str, int]:
    """Apply `replace` to the text between pseudonym labels such as `[peer P3]`."""
    out, total, cursor = [], 0, 0
    for label in _LABEL.finditer(text):
        piece, n = replace(text[cursor : label.start()]) if cursor < label.start() else ("", 0)
        out += [piece, label.group()]
        total += n
        cursor = label.end()
    piece, n = replace(text[cursor:]) if cursor < len(text) else ("", 0)
    out.append(piece)
    return "".join(out), total + n


# ---------------------------------------------------------------- outputs

#: part of the audit's fingerprint: a page audited clean before this screen
#: changed is audited again
SCREEN_VERSION = "unknown-names-4"


class OutputScreen:
    """What the leak audit looks for besides the full names (`flows.privacy.audit`):
    a title followed by a capitalised word, the parts of roster names that are
    not ordinary words, whole word and in any case, and roster names misspelt,
    broken by a hyphen, spaced out or joined to another word (decision 0326)."""

    def __init__(self, names: Iterable[str]):
        names = list(names)
        self.near = near_names.NearNames(names)
        parts = sorted({p.casefold() for p in alias_parts(names)}, key=lambda p: (-len(p), p))
        # (?<!\w)(?:part|part...)(?!\w) in any case, scanned fast (flows.privacy.prefixed)
        self.parts = (
            prefixed.anchored([(p, True, "") for p in parts], r"\w", r"(?!\w)") if parts else None
        )

    def search(self, text: str) -> bool:
        """True when `text` holds a title + capitalised word or a roster name part."""
        if self.parts is not None and self.parts.search(text):
            return True
        if self.near.search(text):
            return True
        return any(_names_after(text, m.end()) is not None for m in _TITLE_SCAN.finditer(text))

    def lines(self, text: str) -> list[int]:
        """Line numbers (from 1) that `search` finds something on."""
        if not self.search(text):
            return []
        return [n for n, line in enumerate(text.splitlines(), 1) if self.search(line)]

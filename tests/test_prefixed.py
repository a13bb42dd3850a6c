"""The fast-scanning patterns (flows/privacy/prefixed.py) find exactly what the
plain patterns they replace find: same spans, same order, on texts built to
hit the edges (Unicode case equivalents, look-behind at the start, markup)."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from flows.privacy import prefixed
from flows.privacy.unknown_names import _TITLE, _TITLE_SCAN, OutputScreen

PARTS = ["jørgensen", "petrović", "sørensen", "kjær", "ib", "ærø", "i̇lker", "kåre", "s"]

#: pieces the texts are made of: names and titles in odd cases, Unicode case
#: equivalents (Kelvin sign, long s, dotted and dotless i, Angstrom sign), markup
PIECES = [
    *PARTS,
    "JØRGENSEN",
    "Petrović",
    "PETROVİĆ",
    "\u212ajær",
    "ſørensen",
    "\u212bre",
    "K\u00e5re",
    "Dr",
    "dr.",
    "Mrs",
    "MISS",
    "Miss",
    "nurse",
    "Nurse",
    "Læge",
    "LÆGE",
    "sygeplejerske",
    "Prof.",
    "professor",
    "Hr",
    "fru",
    "Olsen",
    "Ålborg",
    "the",
    "[",
    "]",
    "<td>",
    " ",
    "  ",
    "    ",
    "\t",
    "\n",
    ".",
    "-",
    "_",
    "3",
    "é",
    "ı",
    "İ",
    "&amp;",
]

texts = st.lists(st.sampled_from(PIECES), max_size=14).map("".join)


def _plain_parts(parts: list[str]) -> re.Pattern:
    ordered = sorted({p.casefold() for p in parts}, key=lambda p: (-len(p), p))
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, ordered)) + r")(?!\w)", re.I)


def _spans(pattern: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


@given(texts)
def test_title_scan_finds_what_the_title_pattern_finds(text):
    assert _spans(_TITLE_SCAN, text) == _spans(_TITLE, text)


@given(texts)
@example(" s ")  # a one-letter literal: nothing after its first character
@example("[S]ørensen S")
def test_parts_scan_finds_what_the_plain_alternation_finds(text):
    fast = prefixed.anchored(
        [(p, True, "") for p in sorted({p.casefold() for p in PARTS}, key=lambda p: (-len(p), p))],
        r"\w",
        r"(?!\w)",
    )
    assert _spans(fast, text) == _spans(_plain_parts(PARTS), text)


@given(texts)
def test_output_screen_parts_search_unchanged(text):
    screen = OutputScreen(["Jørgen Sørensen", "Ib Kjær", "Ana Petrović"])
    assert screen.parts is not None
    assert bool(screen.parts.search(text)) == bool(
        _plain_parts(["Sørensen", "Kjær", "Petrović"]).search(text)
    )


@pytest.mark.parametrize(
    "text",
    ["Dr Olsen", "xDr Olsen", "[Dr Olsen", "—Dr Olsen", "Dr.  Olsen", "Dr    Olsen", "I miss Oslo"],
)
def test_title_scan_examples(text):
    assert _spans(_TITLE_SCAN, text) == _spans(_TITLE, text)


def test_first_characters_ask_re_for_ascii():
    cls = prefixed.first_characters([("k", True, ""), ("M", False, "")])
    assert re.fullmatch(cls, "K") and re.fullmatch(cls, "k") and re.fullmatch(cls, "M")
    assert not re.fullmatch(cls, "m") and re.fullmatch(cls, "\u212a")


def test_first_characters_are_the_ascii_ones_once_then_all_of_non_ascii():
    """The class holds only what can begin a match (each ASCII character once):
    a wider class finds the same matches, but tries more positions (0157)."""
    assert prefixed.first_characters([("k", True, ""), ("M", False, "")]) == (
        "[KMk\x80-\U0010ffff]"
    )
    assert prefixed.first_characters([("ø", True, "")]) == "[\x80-\U0010ffff]"


@pytest.mark.parametrize(
    ("text", "spans"),
    [("Miss Olsen, Missy", [(0, 4)]), ("miss Olsen", []), ("MISS", []), ("Mr. Olsen", [(0, 3)])],
)
def test_anchored_case_sensitive_literals_match_as_written(text, spans):
    """Literals not in any case (the capitalised titles) match only as written,
    and their suffix pattern follows them ("Mr.")."""
    pattern = prefixed.anchored([("Miss", False, ""), ("Mr", False, r"\.?")], r"\w", r"(?!\w)")
    assert _spans(pattern, text) == spans


def test_anchored_refuses_empty_literals():
    with pytest.raises(ValueError, match=r"^anchored needs non-empty literals$"):
        prefixed.anchored([("", True, "")], r"\w", "")

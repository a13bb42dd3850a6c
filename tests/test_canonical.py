"""`flows.privacy.canonical`: one canonical form for matching names (decisions
0164, 0165), checked spelling by spelling. Written from the survivors of the
`canonical` mutation run (tests/mutation/run_mutants.py): each test names the
property a mutant broke."""

from __future__ import annotations

import re
import unicodedata

import pytest

from flows.privacy.canonical import (
    _IGNORABLE,
    canonical,
    fold,
    fold_char,
    is_joiner,
    tokens,
)

#: one spelling of "Hanne" per rule of the module docstring
HANNE = [
    "Hanne",
    "HANNE",
    "Ha\u0308nne",  # a combining mark
    "H\u00e4nne",  # the same, composed
    "Han\u00adne",  # soft hyphen
    "Han\u200bne",  # zero-width space
    "Han\u115fne",  # Hangul filler: default-ignorable, a letter by category
    "Han\u3164ne",
    "Han\ufe0fne",  # variation selector
    "Han\U000e0101ne",
    "Han\u034fne",  # combining grapheme joiner
    "Han\u20ddne",  # an enclosing mark (Me)
    "Han\u0903ne",  # a spacing mark (Mc)
    "Han\u0902ne",  # a non-spacing mark of combining class 0
    "\uff28\uff41nne",  # full-width letters
    "\u029c\u1d00\u0274\u0274\u1d07",  # small capitals
    "H\u0430nn\u0435",  # Cyrillic a and e
]


@pytest.mark.parametrize("spelling", HANNE)
def test_every_spelling_of_a_name_has_its_tokens(spelling):
    assert tokens(spelling) == ("hanne",)


def test_every_ignorable_character_vanishes():
    assert {c: fold_char(c) for c in sorted(_IGNORABLE)} == dict.fromkeys(sorted(_IGNORABLE), "")


@pytest.mark.parametrize(
    ("char", "folded"),
    [
        ("ø", "o"),
        ("Ø", "o"),
        ("ß", "ss"),
        ("Þ", "th"),
        ("ẞ", "ss"),
        ("ﬁ", "fi"),
        ("²", "2"),
        ("’", "'"),
        ("\u1fef", "'"),  # Greek varia: decomposes to a grave accent, an apostrophe look-alike
        ("–", " "),
        ("\u00a0", " "),
        ("\u2028", " "),
        ("\u00a8", " "),  # a spacing diaeresis: a space and a combining mark
        ("\u0430", "a"),
        ("\u13a0", "\uab70"),  # Cherokee: casefold, then lower (0164)
        ("\u1c82", "o"),  # Cyrillic narrow o: only casefold makes it "о", which looks like "o"
        ("ς", "o"),  # final sigma: casefold "σ", which looks like "o"
        ("\u0149", "'n"),  # an apostrophe, then a letter
        ("\u0e33", "\u0e32"),  # Thai sara am: a mark, then a letter
        ("\u207b", " "),  # superscript minus: a dash after decomposition
        ("\uab70", "\uab70"),
    ],
)
def test_fold_char(char, folded):
    assert fold_char(char) == folded


@pytest.mark.parametrize(
    "char", ["\u0149", "\u0e33", "\u0eb3", "\u3300", "\u2033", "ǖ", "\u01c4", "\ufdfb"]
)
def test_composed_and_decomposed_spellings_have_the_same_tokens(char):
    """What follows a mark or an apostrophe in a decomposition is kept: a
    precomposed letter and its decomposed spelling give the same tokens."""
    text = f"Ka{char}na"
    assert tokens(text) == tokens(unicodedata.normalize("NFKD", text))
    assert tokens(text) == tokens(unicodedata.normalize("NFD", text))


def test_is_joiner_is_white_space_dash_apostrophe_or_invisible():
    assert all(map(is_joiner, " \t\n-–’'\u200b\u00ad\u00a8\u207b\u208b\ufe31"))
    assert not any(map(is_joiner, ".,;:/_&xø0"))


def test_canonical_keeps_separators_and_lowers_the_rest():
    """Separators stay as written in the canonical text (they separate tokens
    either way); only characters whose form is not their lower case change."""
    assert canonical("Anne–Marie O’Lund") == "anne–marie o’lund"
    assert canonical("Xenia Ørsted-Strauß") == "xenia orsted-strauss"
    assert canonical("ANNE") == "anne"
    assert tokens("Anne-Marie O’Lund") == ("anne", "marie", "o", "lund")
    assert tokens("Hanne² Xu") == ("hanne", "2", "xu")


@pytest.mark.parametrize(
    "text",
    [
        "Hi Þór Strauß Xu",
        "Søren Ørsted",
        "Ærø–Ål\u200bborg",
        "ﬁnn Þ",
        "\u00adHanne ß",
        "Anne",
        "Ha\u0308nne Strauß",
    ],
)
def test_folded_text_maps_each_token_back_to_its_original(text):
    """`Folded.source` maps each token of the canonical text to the characters
    of the original that spell it: re-folding them gives the token again."""
    folded = fold(text)
    assert folded.text == canonical(text)
    for token in re.finditer(r"[^\W\d_]+|\d+", folded.text):
        start = folded.source(token.start())
        end = folded.source(token.end() - 1) + 1
        assert tokens(text[start:end]) == (token.group(),), (text, token.group())


def test_each_canonical_character_points_at_its_original():
    """An expansion ("ß" -> "ss", "Þ" -> "th") points at its one original
    character throughout; the text after it is shifted back by the growth."""
    folded = fold("aß bÞ2")
    assert folded.text == "ass bth2"
    assert [folded.source(i) for i in range(len(folded.text))] == [0, 1, 1, 2, 3, 4, 4, 5]
    assert [fold("Øa").source(i) for i in range(2)] == [0, 1]

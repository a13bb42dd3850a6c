"""Roster names misspelt, broken by a hyphen, spaced out or joined (decision 0326)."""

from __future__ import annotations

import pytest

from flows.privacy.near_names import NearNames, one_edit
from flows.privacy.unknown_names import NameGuard, OutputScreen

ROSTER = ["Henrik Sørensen", "Henrik", "Henne", "Karen Lund", "Karen", "Mette Krogh", "Ole Dam"]


@pytest.fixture(scope="module")
def near() -> NearNames:
    return NearNames(ROSTER)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("henrik", "henrk", True),  # left out
        ("henrik", "hnerik", True),  # swapped
        ("henrik", "henrek", True),  # changed
        ("henrik", "henrikk", True),  # added
        ("henrik", "henrik", False),
        ("henrik", "hnerk", False),  # two edits
        ("henrik", "nehrik", False),  # swapped, not neighbours
    ],
)
def test_one_edit(a, b, expected):
    assert one_edit(a, b) is expected
    assert one_edit(b, a) is expected


@pytest.mark.parametrize(
    ("text", "shape", "found"),
    [
        ("Yesterday Henrk came.", "misspelt", "Henrk"),
        ("Hnerik came.", "misspelt", "Hnerik"),
        ("and Sørensn said", "misspelt", "Sørensn"),
        ("HENRK said", "misspelt", "HENRK"),
        ("Henrks bike", "misspelt", "Henrks"),
        ("she met Søren-\nsen there", "hyphenated", "Søren-\nsen"),
        ("Kar-  en", "hyphenated", "Kar-  en"),
        ("Hen-\nrk", "hyphenated", "Hen-\nrk"),
        ("H e n r i k was there", "spaced", "H e n r i k"),
        ("InterviewKaren.docx", "joined", "InterviewKaren"),
        ("Karenfamilien", "joined", "Karenfamilien"),
        ("mødeHenrk", "joined", "mødeHenrk"),
    ],
)
def test_each_shape_is_found(near, text, shape, found):
    assert [(f.shape, text[f.start : f.end]) for f in near.find(text)] == [(shape, found)]


@pytest.mark.parametrize(
    "text",
    [
        "Kagen er spist, og Karensdag er slut.",  # Danish words one edit from Karen
        "Det meste af tiden.",  # lower case
        "The Element of it, a maxWidth, a Mete out.",
        "Oel came.",  # one edit from Ole: under five letters
        "Hnerk came.",  # two edits
        "Lu-\nnd and R o s e",  # parts that are ordinary words
        "Henrik and Karen",  # the names themselves: the roster pass's
        "Henne",
        "I am a b c",
    ],
)
def test_ordinary_text_is_kept(near, text):
    assert near.find(text) == []


def test_the_studys_own_words_are_no_misspelling():
    assert NearNames(["Camilla Berg"]).find("Camila said")
    assert NearNames(["Camilla Berg"], known=["camila"]).find("Camila said") == []


def test_the_guard_replaces_them_and_the_audit_finds_them():
    guard = NameGuard(ROSTER)
    text, count = guard.replace("Henrk and Lu- nd met H e n r i k at InterviewKaren.")
    assert text == "[person] and Lu- nd met [person] at [person]."
    assert count == 3
    screen = OutputScreen(ROSTER)
    assert screen.search("page: Hnerik") and screen.search("Søren-\nsen")
    assert not screen.search("Kagen og det meste")


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("Graham's", "Graham"),
        ("Graham’s", "Graham"),
        ("Grahams", "Graham"),
        ("Sofies", "Sofie"),
        ("Bo's", "Bo"),  # four characters: the ending goes
        ("Bos", "Bos"),  # three: a word, not a genitive
        ("Jess", "Jess"),  # an -s after an s is no genitive
    ],
)
def test_a_genitive_without_its_ending(word, stem):
    from flows.privacy.near_names import ungenitive

    assert ungenitive(word) == stem


def test_a_name_part_of_three_letters_is_found_spaced_and_hyphenated():
    near = NearNames(["Zia Holm"])
    found = near.find("Z i a came, and Zi-\na too.")
    assert [(f.shape, f.start, f.end) for f in found] == [("spaced", 0, 5), ("hyphenated", 16, 21)]


@pytest.mark.parametrize(
    ("text", "shape", "found"),
    [
        ("DrKaren came", "joined", "DrKaren"),  # seven letters, a piece of two
        ("Karenbil", "joined", "Karenbil"),  # the shortest rest: three letters
        ("Karn came", "misspelt", "Karn"),  # four letters, one left out of Karen
        ("the Kar-\nens", "hyphenated", "Kar-\nens"),  # the genitive, broken
    ],
)
def test_the_shortest_of_each_shape_is_found(near, text, shape, found):
    assert [(f.shape, text[f.start : f.end]) for f in near.find(text)] == [(shape, found)]


@pytest.mark.parametrize(
    "text",
    [
        "Karenbi",  # a rest of two letters
        "Sørensen",  # the name itself: the roster pass's
        "H e n r k",  # spaced, but misspelt: only an exact part counts spaced
    ],
)
def test_too_short_or_the_name_itself_is_no_near_name(near, text):
    assert near.find(text) == []


def test_a_joined_word_of_the_studys_own_is_kept():
    assert NearNames(ROSTER).find("Karenfamilien")
    assert NearNames(ROSTER, known=["karenfamilien"]).find("Karenfamilien") == []


def test_two_roster_names_one_edit_apart_are_each_the_roster_passs():
    near = NearNames(["Karen Lund", "Karin Berg"])
    assert near.find("Karen and Karin") == []
    assert [(f.shape, f.start) for f in near.find("Kaern")] == [("misspelt", 0)]


def test_the_genitive_of_a_spaced_name_and_ordinary_hyphenated_words():
    near = NearNames(ROSTER)
    assert [(f.shape, f.start, f.end) for f in near.find("K a r e n s bike")] == [("spaced", 0, 11)]
    assert near.find("The x-rays and check-ups were fine, the re-admissions too.") == []


def test_a_roster_of_short_names_joins_only_its_parts():
    near = NearNames(["Zia Holm"])
    assert [(f.shape, f.start) for f in near.find("the mødeZia file")] == [("joined", 4)]
    assert near.find("Yesterday the Interview was long") == []


def test_a_short_name_joined_after_a_capital_is_found_in_a_short_word():
    """ "DrZia": a name part of three letters after an inner capital, five letters in
    all (the seven-letter gate is for a name followed by a rest, not this shape)."""
    near = NearNames(["Zia Holm", "Jep Lund"])
    assert [(f.shape, f.start) for f in near.find("DrZia said so")] == [("joined", 0)]
    assert [(f.shape, f.start) for f in near.find("ask DrJep")] == [("joined", 4)]
    assert near.find("TikTok and HbA1c and a café") == []

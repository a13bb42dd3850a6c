"""Position counting helpers of flows/readers/offsets.py, case by case."""

from __future__ import annotations

import pytest

from flows.readers.offsets import Selection as Sel
from flows.readers.offsets import SourceText, detect_scheme, same_text, scheme_from_origin


@pytest.mark.parametrize(
    ("origin", "scheme"),
    [
        ("NVivo 14", "utf-16"),
        ("QSR NVIVO for Windows", "utf-16"),
        ("ATLAS.ti 23", "crlf-as-1"),
        ("atlas.ti Mac", "crlf-as-1"),
        ("QualCoder 3.5", "code-points"),
        ("MAXQDA 2022", "code-points"),
        ("Quirkos 2.5", "code-points"),
        ("Dedoose", "code-points"),
        ("Transana", None),
        ("", None),
    ],
)
def test_scheme_from_origin(origin, scheme):
    assert scheme_from_origin(origin) == scheme


@pytest.mark.parametrize(
    ("name", "text", "same"),
    [
        ("We walk", "We walk", True),
        ("We  walk\n", " We walk ", True),  # whitespace aside
        ("", "We walk", False),
        ("   ", "We walk", False),
        ("We walk every", "We walk every Tuesday", True),  # cut short, 13 characters
        ("We walk every...", "We walk every Tuesday", True),  # with an ellipsis
        ("We walk every…", "We walk every Tuesday", True),
        ("We walk", "We walk every Tuesday", False),  # 7 characters: too short a prefix
        ("We walk.", "We walk every Tuesday", False),  # stripped to 7 characters
        ("We walk ev", "We walk ev", True),
        ("We walk every Tuesday!", "We walk every Tuesday", False),  # longer than the text
        ("We swim every", "We walk every Tuesday", False),
    ],
)
def test_same_text(name, text, same):
    assert same_text(name, text) is same


def test_boundaries_and_paragraphs():
    """'ab cd\\r\\nef': a boundary at the ends, around spaces and line breaks,
    never inside a word or between CR and LF."""
    source = SourceText("ab cd\r\nef")
    scores = {i: source.boundary_score("code-points", (i, i)) for i in range(10)}
    assert scores == {0: 2, 1: 0, 2: 2, 3: 2, 4: 0, 5: 2, 6: 0, 7: 2, 8: 0, 9: 2}
    assert source.boundary_score("code-points", (0, 4)) == 1
    assert [source.paragraph("code-points", i) for i in (0, 4, 7, 8)] == [1, 1, 2, 2]
    assert [source.paragraph("crlf-as-1", i) for i in (0, 6, 7)] == [1, 2, 2]


def test_locate_in_each_scheme():
    """'a😀b\\r\\nc': the emoji is 1 code point and 2 UTF-16 units; CRLF is 2,
    or 1 under crlf-as-1."""
    source = SourceText("a😀b\r\nc")
    assert source.locate("code-points", 2, 3) == (2, 3)  # "b"
    assert source.locate("utf-16", 3, 4) == (2, 3)  # "b" after 1 + 2 units
    assert source.locate("utf-16", 2, 4) is None  # inside the emoji's surrogate pair
    assert source.locate("crlf-as-1", 4, 5) == (4, 5)  # "c" in "a😀b\nc"
    assert source.base("crlf-as-1") == "a😀b\nc"
    assert source.locate("code-points", 3, 2) is None
    assert source.locate("code-points", -1, 2) is None
    assert source.locate("code-points", 0, 7) is None  # past the end (6 code points)
    assert source.locate("code-points", 0, 6) == (0, 6)
    assert source.locate("utf-16", 0, 7) == (0, 6)


def test_detect_scheme_prefers_names_then_located_then_boundaries():
    """'x😀 walk\\r\\nrun': NVivo's 'walk' is at UTF-16 [4, 8), code points
    [3, 7). A named selection decides; ties go to the origin's scheme, then
    to the standard."""
    text = SourceText("x😀 walk\r\nrun")
    nvivo = detect_scheme([Sel(text, 4, 8, "walk")], prior=None)
    assert (nvivo.scheme, nvivo.names_are_text) == ("utf-16", True)
    assert "utf-16: 1 names matched" in nvivo.evidence
    standard = detect_scheme([Sel(text, 3, 7, "walk")], prior=None)
    assert (standard.scheme, standard.names_are_text) == ("code-points", True)
    plain = SourceText("we walk")
    assert detect_scheme([Sel(plain, 3, 7, "")], prior=None).scheme == "code-points"
    assert detect_scheme([Sel(plain, 3, 7, "")], prior="crlf-as-1").scheme == "crlf-as-1"
    unnamed = detect_scheme([Sel(plain, 3, 7, ""), Sel(plain, 0, 2, "nothing like it")], None)
    assert unnamed.names_are_text is False


@pytest.mark.parametrize(
    ("name", "text", "same"),
    [
        ("Walk 123", "Walk 1234 more", True),  # a prefix of exactly 8 characters counts
        ("We walk every...", "We walk every", False),  # as long as the text: not cut short
        ("We walk every ...", "We walk everyday", True),  # the space before the dots goes
        ("Met MAXX…", "Met MAXX today", True),  # only dots and ellipses are trimmed
    ],
)
def test_same_text_prefix_edges(name, text, same):
    assert same_text(name, text) is same


def test_edges_of_counting():
    """A lone CR is a boundary; U+FFFF is one UTF-16 unit, U+10000 two; an empty
    selection is located."""
    assert SourceText("a\rb").boundary_score("code-points", (2, 2)) == 2
    assert SourceText("\uffffb").locate("utf-16", 1, 2) == (1, 2)
    assert SourceText("\U00010000b").locate("utf-16", 2, 3) == (1, 2)
    assert SourceText("we walk").locate("code-points", 3, 3) == (3, 3)


def test_counting_beside_an_astral_character():
    """U+FFFF is one UTF-16 unit even in a text that holds an astral character
    (two units): in '\\uffff\\U00010000b' the 'b' starts at unit 3."""
    source = SourceText("\uffff\U00010000b")
    assert source.locate("utf-16", 3, 4) == (2, 3)
    assert source.locate("utf-16", 1, 3) == (1, 2)  # the astral character alone


def test_boundaries_are_judged_in_the_schemes_own_text():
    """'ab\\r\\ncd': under crlf-as-1 the text is 'ab\\ncd', where index 3 falls
    between the line break and 'c' (a boundary); in the raw text index 3 falls
    between CR and LF (none)."""
    source = SourceText("ab\r\ncd")
    assert source.boundary_score("crlf-as-1", (3, 3)) == 2
    assert source.boundary_score("code-points", (3, 3)) == 0


def test_detect_scheme_scores_every_selection():
    """'a😀 walk\r\nrun walk': in code points a0 😀1 ' '2 walk3-7 CR7 LF8 run9-12
    ' '12 walk13-17; under crlf-as-1 (CRLF is one) the second 'walk' is at 12-16;
    under utf-16 every position after the emoji is one more. Four named
    selections, per scheme (names matched, located, word-boundary ends):
    - [2, 3) 'x': ' ' under code-points and crlf-as-1 (2 boundary ends, no
      match); inside the emoji's surrogate pair under utf-16 (not located).
    - [3, 7) 'walk': code-points and crlf-as-1 match, 2 ends each; utf-16
      reads ' wal' (1 end: after the emoji, not inside 'walk').
    - [13, 17) 'walk': code-points match, 2 ends; past the end of crlf-as-1's
      16 characters; utf-16 reads ' wal' (1 end).
    - [12, 16) 'walk': code-points reads ' wal' (1 end), crlf-as-1 'walk'
      (2 ends; in the raw text 16 would fall inside 'walk'), utf-16 'un w'
      (0 ends).
    code-points (2, 4, 7), crlf-as-1 (2, 3, 6), utf-16 (0, 3, 2): code-points
    wins on located; 2 of 4 named match: names repeat the text."""
    text = SourceText("a😀 walk\r\nrun walk")
    sels = [
        Sel(text, 2, 3, "x"),
        Sel(text, 3, 7, "walk"),
        Sel(text, 13, 17, "walk"),
        Sel(text, 12, 16, "walk"),
    ]
    found = detect_scheme(sels, prior=None)
    assert found.scores == {
        "code-points": (2, 4, 7),
        "utf-16": (0, 3, 2),
        "crlf-as-1": (2, 3, 6),
    }
    assert found.scheme == "code-points" and found.names_are_text is True
    assert found.evidence == (
        "code-points: 2 names matched, 4 located, 7 word-boundary ends; "
        "utf-16: 0 names matched, 3 located, 2 word-boundary ends; "
        "crlf-as-1: 2 names matched, 3 located, 6 word-boundary ends"
    )


def test_names_repeat_the_text_only_when_half_of_the_named_match():
    """No named selection: names are not the text. Three named, one matching:
    1 * 2 < 3, not the text; two of three: the text."""
    plain = SourceText("we walk home")
    assert detect_scheme([Sel(plain, 3, 7, "")], None).names_are_text is False
    one = [Sel(plain, 3, 7, "walk"), Sel(plain, 0, 2, "nope"), Sel(plain, 8, 12, "nah")]
    assert detect_scheme(one, None).names_are_text is False
    two = [Sel(plain, 3, 7, "walk"), Sel(plain, 0, 2, "we"), Sel(plain, 8, 12, "nah")]
    assert detect_scheme(two, None).names_are_text is True


def test_lands_differently_counts_selections_whose_text_moves():
    """'a😀b\\r\\nc', positions read under two schemes: [2, 3) is 'b' in code
    points but half the emoji in UTF-16 (none): differs. [0, 1) is 'a' in both.
    [4, 5) is '\\n' in code points, 'c' under crlf-as-1: differs; [0, 1) same."""
    from flows.readers.offsets import lands_differently

    source = SourceText("a😀b\r\nc")
    sels = [Sel(source, 2, 3, ""), Sel(source, 0, 1, "")]
    assert lands_differently(sels, "code-points", "utf-16") == 1
    assert lands_differently(sels, "utf-16", "code-points") == 1
    assert (
        lands_differently(
            [Sel(source, 4, 5, ""), Sel(source, 0, 1, "")], "code-points", "crlf-as-1"
        )
        == 1
    )
    assert lands_differently([Sel(source, 4, 5, "")], "crlf-as-1", "code-points") == 1
    assert lands_differently([Sel(source, 0, 1, "")] * 3, "code-points", "utf-16") == 0
    assert lands_differently([Sel(source, 2, 3, "")] * 3, "code-points", "utf-16") == 3

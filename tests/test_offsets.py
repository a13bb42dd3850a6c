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

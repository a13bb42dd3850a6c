"""Selections refused one by one rather than imported shifted: a selection
that cuts words in the detected counting but not in another, and a
selection's name checked against the text in the dialect's own text (ATLAS.ti
counts CRLF as one). Pure reader calls on small hand-written projects."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_refi_read import definition
from tests_support import format_builders

from flows.errors import InputFileError
from flows.readers.common import Rejects
from flows.readers.refi import read_refi

fb = format_builders()

TEXT = "R: A 😀 day. We walk every day. I am tired now.\n"


def project(selections: list[tuple[str, int, int, str]], text: str, origin: str = "") -> str:
    """A project of one inline source with these (guid, start, end, name) selections."""
    body = "\n".join(
        f'<PlainTextSelection guid="{guid}" name="{name}" startPosition="{start}" '
        f'endPosition="{end}">\n<Coding guid="c-{guid}"><CodeRef targetGUID="c2"/></Coding>\n'
        "</PlainTextSelection>"
        for guid, start, end, name in selections
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project name="P" origin="{origin}">
<CodeBook><Codes><Code guid="c1" name="Context"><Code guid="c2" name="Energy"/></Code></Codes></CodeBook>
<Sources>
<TextSource guid="s1" name="A.docx" plainTextPath="internal://t.txt">
{body}
</TextSource>
</Sources>
</Project>
"""


def read(folder: Path, qde: str, text: str):
    fb.write_qdpx(folder / "project.qdpx", qde, {"t.txt": text.encode("utf-8")})
    rejects = Rejects()
    found = read_refi(folder / "project.qdpx", definition(folder), rejects)
    return found, [(r["element"], r["reason"]) for r in rejects.rows]


def cp(quote: str) -> tuple[int, int]:
    start = TEXT.index(quote)
    return start, start + len(quote)


def test_selection_cutting_words_only_in_the_detected_counting_is_refused(tmp_path):
    """No origin, no names that repeat the text: two selections fit code
    points, so code points are detected (not confirmed); the third was
    counted in UTF-16 units (one more after the emoji): in code points it
    reads "ired n", cutting two words. It is refused, naming both countings;
    the named one too (its name is a label, not its text)."""
    walk, tired = cp("We walk"), cp("I am tired")
    odd = cp("tired")
    selections = [
        ("s-walk", *walk, ""),
        ("s-tired", *tired, ""),
        ("s-odd", odd[0] + 1, odd[1] + 1, ""),
        ("s-named", odd[0] + 1, odd[1] + 1, "Memo 3"),
    ]
    found, rejects = read(tmp_path, project(selections, TEXT), TEXT)
    assert found.scheme == "code-points"
    assert [c.text for c in found.codings] == ["We walk", "I am tired"]
    reason = (
        "the selection cuts words when counted as code-points but not as utf-16; set [qda] "
        "dialect; not imported rather than shifted"
    )
    assert rejects == [
        ("PlainTextSelection <withheld: not a GUID>", reason),
        ("PlainTextSelection <withheld: not a GUID>", reason),
    ]


def test_atlasti_names_compared_with_the_text_crlf_counted_as_one(tmp_path):
    """ATLAS.ti counts CRLF as one: each selection's name is its quote, and
    holds once CRLF is counted as one (in the raw text the second quote
    starts a character later: its name would not match)."""
    text = "R: We walk.\r\nR: I am tired.\r\n"
    collapsed = text.replace("\r\n", "\n")
    selections = []
    for n, quote in enumerate(["We walk", "I am tired"]):
        start = collapsed.index(quote)
        selections.append((f"s{n}", start, start + len(quote), quote))
    found, rejects = read(tmp_path, project(selections, text, "ATLAS.ti 24.1"), text)
    assert (found.scheme, rejects) == ("crlf-as-1", [])
    assert [(c.text, c.position) for c in found.codings] == [("We walk", 1), ("I am tired", 2)]


def detection(text: str, selections, origin_scheme):
    from flows.readers.offsets import Selection, SourceText, detect_scheme

    source = SourceText(text)
    return detect_scheme([Selection(source, s, e, n) for _, s, e, n in selections], origin_scheme)


def read_dialect(folder: Path, qde: str, text: str, qda: str):
    fb.write_qdpx(folder / "project.qdpx", qde, {"t.txt": text.encode("utf-8")})
    rejects = Rejects()
    study = definition(folder, 'person = { from = "source_name" }\n' + qda)
    return read_refi(folder / "project.qdpx", study, rejects, label="the project"), rejects.rows


def test_ties_go_to_the_origin_and_an_unknown_origin_is_said(tmp_path):
    """ASCII text: every counting lands the same; NVivo's origin decides."""
    plain = "R: We walk every day.\n"
    selections = [("a", 3, 10, "")]
    found, _ = read_dialect(tmp_path, project(selections, plain, "NVivo 14"), plain, "")
    assert found.scheme == "utf-16"
    found, _ = read_dialect(tmp_path, project(selections, plain, "Writer 2"), plain, "")
    assert found.scheme_evidence == (
        "detected code-points; origin 'Writer 2' names no known tool; "
        + detection(plain, selections, None).evidence
    )


def test_set_dialect_against_the_origin_and_the_positions_is_refused(tmp_path):
    """NVivo's origin and UTF-16 positions (one more after the emoji), read
    with dialect = "qualcoder" (code points): refused, naming both."""
    walk, tired = cp("We walk"), cp("I am tired")
    selections = [("a", walk[0] + 1, walk[1] + 1, ""), ("b", tired[0] + 1, tired[1] + 1, "")]
    qde = project(selections, TEXT, "NVivo 14")
    evidence = detection(TEXT, selections, "utf-16").evidence
    with pytest.raises(InputFileError) as raised:
        read_dialect(tmp_path, qde, TEXT, 'dialect = "qualcoder"')
    assert str(raised.value) == (
        "the project: [qda] dialect: dialect = 'qualcoder' counts positions as code-points, "
        "but the origin 'NVivo 14' counts as utf-16 (2 selections would hold other text) and "
        f"the positions fit utf-16 better ({evidence}). Importing would shift or cut passages: "
        "remove dialect (auto-detect), or set dialect_override = true if you are sure"
    )
    found, rejects = read_dialect(
        tmp_path, qde, TEXT, 'dialect = "qualcoder"\ndialect_override = true'
    )
    assert found.scheme_evidence == (
        "set by [qda] dialect = 'qualcoder' (code-points) despite the evidence "
        f"(dialect_override = true); origin 'NVivo 14' suggests utf-16; {evidence}"
    )
    # overridden: "e walk" cuts words and is refused; " am tired " does not, and
    # is imported as the set dialect reads it (the risk dialect_override takes)
    assert [c.text for c in found.codings] == ["am tired"]
    assert [r["element"] for r in rejects] == ["PlainTextSelection <withheld: not a GUID>"]


def test_set_dialect_without_an_origin_refused_when_the_positions_fit_another(tmp_path):
    walk, tired = cp("We walk"), cp("I am tired")
    selections = [("a", walk[0] + 1, walk[1] + 1, ""), ("b", tired[0] + 1, tired[1] + 1, "")]
    evidence = detection(TEXT, selections, None).evidence
    with pytest.raises(InputFileError) as raised:
        read_dialect(tmp_path, project(selections, TEXT), TEXT, 'dialect = "standard"')
    assert str(raised.value) == (
        "the project: [qda] dialect: dialect = 'standard' counts positions as code-points, "
        f"but the positions fit utf-16 better ({evidence}). Importing would shift or cut "
        "passages: remove dialect (auto-detect), or set dialect_override = true if you are sure"
    )


@pytest.mark.parametrize(
    ("names", "loaded"),
    [
        # two of four names repeat the text: names are text, the labels are refused
        (["=", "=", "Memo", "Memo"], ["We walk", "I am tired"]),
        # one of three: names are labels, nothing is compared
        (["=", "Memo", "Memo"], ["We walk", "I am tired", "tired now"]),
    ],
)
def test_set_dialect_compares_names_when_half_repeat_the_text(tmp_path, names, loaded):
    quotes = ["We walk", "I am tired", "tired now", "every day"]
    selections = [
        (f"s{n}", *cp(quote), quote if name == "=" else name)
        for n, (quote, name) in enumerate(zip(quotes, names, strict=False))
    ]
    qde = project(selections, TEXT, "QualCoder 3.5")
    found, rejects = read_dialect(tmp_path, qde, TEXT, 'dialect = "qualcoder"')
    assert [c.text for c in found.codings] == loaded
    assert found.scheme_evidence == (
        "set by [qda] dialect = 'qualcoder' (code-points); origin 'QualCoder 3.5' suggests "
        "code-points; " + detection(TEXT, selections, "code-points").evidence
    )
    assert len(rejects) == len(names) - len(loaded)


def test_position_is_the_paragraph_where_the_selection_starts(tmp_path):
    """ATLAS.ti, CRLF counted as one, short lines: "Tired" starts line 5
    (its raw index would fall in line 4); a selection over two lines is in
    the paragraph of its start."""
    text = "R: We walk.\r\nR: I am tired.\r\nOk.\r\nNo.\r\nTired.\r\n"
    collapsed = text.replace("\r\n", "\n")
    selections = []
    for n, quote in enumerate(["Tired", "walk.\nR: I am"]):
        start = collapsed.index(quote)
        selections.append((f"s{n}", start, start + len(quote), ""))
    found, rejects = read_dialect(tmp_path, project(selections, text, "ATLAS.ti 24"), text, "")
    assert rejects == []
    assert [(c.text, c.position) for c in found.codings] == [
        ("Tired", 5),
        ("walk.\nR: I am", 1),
    ]

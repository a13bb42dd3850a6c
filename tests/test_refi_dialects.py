"""Selections refused one by one rather than imported shifted: a selection
that cuts words in the detected counting but not in another, and a
selection's name checked against the text in the dialect's own text (ATLAS.ti
counts CRLF as one). Pure reader calls on small hand-written projects."""

from __future__ import annotations

from pathlib import Path

from test_refi_read import definition
from tests_support import format_builders

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
        ("PlainTextSelection s-odd", reason),
        ("PlainTextSelection s-named", reason),
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

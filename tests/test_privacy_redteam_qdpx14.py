"""Red-team pass (privacy14): names nobody put on the roster in the parts of a
REFI-QDA project that only a reject reports: a guid attribute that is not a GUID
("Hodan Mehmet", as a script that builds a project from names may write it) and a
note's text file. Each is planted in the example study's project and run end to
end: no published file (read decompressed) holds the name (the audit searches
outputs for roster names only, so a name nobody listed would be published).
"""

from __future__ import annotations

import re

import pytest
from test_privacy_redteam import deep_text
from test_privacy_redteam_qdpx import _plant

from flows import stages
from flows.errors import TriangulateError

NAMES = ("Hodan", "Mehmet", "Fatima")

#: (id, pattern in project.qde, replacement)
PLACEMENTS = [
    (
        "variable-guid",
        r"(<Variable guid=\"00949B56)",
        r'<Variable guid="Hodan Mehmet" name="Extra" typeOfVariable="Odd"/>\1',
    ),
    ("case-guid", r"(<Case guid=\"C13916EB)", r'<Case guid="Fatima"/>\1'),
    (
        "note-text-file",
        r"(<Note guid=\"ADA2A6FE)",
        r'<Note guid="Mehmet" name="n" plainTextPath="internal://Hodan notes.txt"/>\1',
    ),
    (
        "variable-value-owner",
        r"(<Case guid=\"C13916EB[^\"]*\" name=\"W1\">)",
        r'\1<VariableValue><VariableRef targetGUID="Hodan"/><TextValue>x</TextValue>'
        r"</VariableValue>",
    ),
]


def _holds_name(text: str) -> bool:
    return any(re.search(rf"\b{n}\b", text, re.IGNORECASE) for n in NAMES)


@pytest.mark.parametrize(
    ("pid", "pattern", "replacement"), PLACEMENTS, ids=[p[0] for p in PLACEMENTS]
)
def test_a_name_in_a_rejected_part_of_the_project_is_not_published(
    tmp_path, pid, pattern, replacement
):
    study = _plant(tmp_path, pattern, replacement)
    out = tmp_path / "out" / "w"
    try:
        stages.run_direct(study, out)
    except TriangulateError as error:
        assert not _holds_name(str(error)), pid
        assert not out.exists()
        return
    rejects = (out / "rejects.csv").read_text(encoding="utf-8")
    assert "walking-together.qdpx" in rejects, "the planted part is no reject: nothing planted"
    published = [p for p in out.rglob("*") if p.is_file()]
    assert [str(p.relative_to(out)) for p in published if _holds_name(deep_text(p))] == []


def test_a_guid_is_shown_and_anything_else_withheld():
    from flows.readers.refi.project_xml import GUID_WITHHELD, shown_guid

    for guid in ("C13916EB-95F1-5F95-B7D9-7C9235211247", "{c13916eb-95f1-5f95-b7d9-7c9235211247}"):
        assert shown_guid(guid) == guid
    for guid in ("Hodan Mehmet", "s-henrik", "C13916EB-95F1-5F95-B7D9-7C92352112", ""):
        assert shown_guid(guid) == GUID_WITHHELD

"""Red-team pass (privacy8): roster names inside a REFI-QDA project, where a
tool puts them and the pseudonymiser may not look: a source's (document's)
name, a note's name and text, a coder's user name, a selection's name, a code
name, a case name. Each is planted in the example study's project
(data/example-qdpx) and run end to end: either the run fails with nothing
published and a message free of the name, or no published file (read
decompressed) and no private cache but the review list holds it.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT
from test_privacy_redteam import deep_text

from flows import stages
from flows.errors import TriangulateError
from flows.runs import private_dir

EXAMPLE = ROOT / "data" / "example-qdpx"
PROJECT = "walking-together.qdpx"
#: W1 is Margaret Olsen (alias Maggie); W1-a Thomas Berg (Tom)
NAMES = ("Margaret", "Olsen", "Maggie", "Thomas", "Berg")

#: (id, pattern in project.qde, replacement, the name planted)
PLACEMENTS = [
    (
        "source-name",
        r'name="Interview 01 \(W1 peer\)\.docx"',
        'name="Margaret Olsen 2021.docx"',
        "Margaret Olsen",
    ),
    (
        "note-name",
        r'<Note guid="([^"]+)" name="Attendance"',
        r'<Note guid="\1" name="Maggie"',
        "Maggie",
    ),
    (
        "user-name",
        r'<User guid="([^"]+)" name="AK"/>',
        r'<User guid="\1" name="Thomas Berg"/>',
        "Thomas Berg",
    ),
    (
        "selection-name",
        r'<PlainTextSelection guid="EB96E338([^"]*)" name=""',
        r'<PlainTextSelection guid="EB96E338\1" name="Margaret bit"',
        "Margaret",
    ),
    (
        "code-name",
        r'<Code guid="([^"]+)" name="Practical help"',
        r'<Code guid="\1" name="Olsen"',
        "Olsen",
    ),
    (
        "case-variable-value",
        "<TextValue>Harbour</TextValue>",
        "<TextValue>Olsen</TextValue>",
        "Olsen",
    ),
    (
        "interview-mode",
        "<TextValue>in person</TextValue>",
        "<TextValue>at Olsen's</TextValue>",
        "Olsen",
    ),
]


def _plant(tmp_path: Path, pattern: str, replacement: str) -> Path:
    study = tmp_path / "study"
    shutil.copytree(EXAMPLE, study)
    source = study / PROJECT
    with zipfile.ZipFile(source) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    qde = members["project.qde"].decode("utf-8")
    planted = re.sub(pattern, replacement, qde, count=1)
    assert planted != qde, "the placement's pattern is not in the project"
    members["project.qde"] = planted.encode("utf-8")
    source.unlink()
    with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return study


def _holds_name(text: str) -> bool:
    return any(re.search(rf"\b{n}\b", text, re.IGNORECASE) for n in NAMES)


@pytest.mark.parametrize(
    ("pid", "pattern", "replacement", "planted"), PLACEMENTS, ids=[p[0] for p in PLACEMENTS]
)
def test_a_name_planted_in_the_project_never_reaches_an_output(
    tmp_path, pid, pattern, replacement, planted
):
    study = _plant(tmp_path, pattern, replacement)
    out = tmp_path / "out" / "w"
    try:
        stages.run_direct(study, out)
    except TriangulateError as error:
        assert not _holds_name(str(error)), pid
        assert not out.exists()
        return
    published = [p for p in out.rglob("*") if p.is_file()]
    assert [str(p.relative_to(out)) for p in published if _holds_name(deep_text(p))] == []
    # the private caches (not the review list, whose job is to show words to
    # check) do not hold the planted name (the stance readers' lexicons hold "berg")
    review = private_dir(out) / "review"
    cached = [
        p
        for p in private_dir(out).rglob("*")
        if p.is_file() and review not in p.parents and planted.lower() in deep_text(p).lower()
    ]
    assert [str(p.relative_to(private_dir(out))) for p in cached] == []

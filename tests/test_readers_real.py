"""Readers on real exports made by other people (tests/fixtures/real-exports/,
see its NOTICE.md), and the defects they showed: a selection cut mid-word by
its coder, a set dialect contradicting the file, a plainTextPath without a
scheme, and sources that vanished unlisted."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests_support import format_builders

from flows.errors import InputFileError
from flows.ingest import ingest_study
from flows.readers.common import Rejects
from flows.readers.refi import read_refi
from flows.study import Study, load_study

ROOT = Path(__file__).resolve().parent.parent
NVIVO = ROOT / "tests" / "fixtures" / "real-exports" / "nvivo12-oltas-excerpt.qdpx"
MID_WORD = "9ee54e83-9c9d-4bf3-b1dd-ae1dc26ef856"

fb = format_builders()


def study_with(**qda) -> Study:
    study = load_study(ROOT / "data" / "demo").definition
    return study.model_copy(update={"qda": study.qda.model_copy(update=qda)})


@pytest.mark.parametrize("dialect", ["auto", "nvivo"])
def test_real_nvivo_file_loads_every_selection(dialect):
    rejects = Rejects()
    project = read_refi(NVIVO, study_with(dialect=dialect), rejects)
    assert project.scheme == "utf-16"
    assert rejects.rows == []
    assert project.read_codings == len(project.codings) == 120
    cut = [c for c in project.codings if MID_WORD in c.element]
    assert len(cut) == 1 and cut[0].text  # cut mid-word by its coder: imported as cut
    assert "origin 'NVivo for Windows 12.6' suggests utf-16" in project.scheme_evidence
    assert "utf-16: 0 names matched, 120 located, 237 word-boundary ends" in (
        project.scheme_evidence
    )


@pytest.mark.parametrize("dialect", ["standard", "maxqda", "atlasti"])
def test_real_nvivo_file_refuses_a_contradicting_dialect(dialect):
    with pytest.raises(InputFileError, match=r"\[qda\] dialect: .*NVivo for Windows 12.6"):
        read_refi(NVIVO, study_with(dialect=dialect), Rejects())


def test_overridden_dialect_still_never_shifts():
    rejects = Rejects()
    project = read_refi(NVIVO, study_with(dialect="standard", dialect_override=True), rejects)
    assert "despite the evidence (dialect_override = true)" in project.scheme_evidence
    # what the wrong counting would cut is listed, not imported
    assert len(project.codings) + len(rejects.rows) == 120
    assert all("code-points" in r["reason"] for r in rejects.rows)


def test_nvivo_dialect_on_a_code_point_file_is_refused(tmp_path):
    text = "R: We walk 😀 every Tuesday.\nR: I am tired 😴 most days, I walk more.\n"
    src = fb.Src(
        "Interview.docx",
        text,
        [
            fb.Sel("every Tuesday", ["Intervention/Walking"]),
            fb.Sel("most days", ["Context/Energy"]),
        ],
        {"Participant": "A"},
    )
    qde, files = fb.project_xml(
        [src],
        ["Intervention/Walking", "Context/Energy"],
        origin="QualCoder 3.5",
        scheme="code-points",
    )
    fb.write_qdpx(tmp_path / "p.qdpx", qde, files)
    with pytest.raises(InputFileError, match="origin 'QualCoder 3.5' counts as code-points"):
        read_refi(tmp_path / "p.qdpx", study_with(dialect="nvivo"), Rejects())
    project = read_refi(tmp_path / "p.qdpx", study_with(), Rejects())
    assert sorted(c.text for c in project.codings) == ["every Tuesday", "most days"]


def _qda_study(folder: Path, qde: str, files: dict[str, bytes], roster=None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "study.toml").write_text(
        fb.QDA_STUDY.format(
            excerpts='"project.qdpx"', qda='person = { from = "variable", name = "Participant" }'
        ),
        encoding="utf-8",
    )
    fb.write_csv(folder / "roster.csv", roster or fb.QDA_ROSTER)
    fb.write_csv(folder / "survey.csv", [["case_id", "wave", "walk_min", "sex"]])
    fb.write_qdpx(folder / "project.qdpx", qde, files)
    return folder


def _two_sources() -> list:
    return [
        fb.Src(
            "board_2017.docx",
            "R: We walk every Tuesday now.\n",
            [fb.Sel("We walk every Tuesday", ["Intervention/Walking"], name="=")],
            {"Participant": "A"},
        ),
        fb.Src("Unlinked notes.docx", "Nothing coded here.\n", [], {"Participant": "Z"}),
    ]


def test_plain_text_path_without_a_scheme_reads_the_sources_folder(tmp_path):
    qde, files = fb.project_xml(
        _two_sources(),
        ["Intervention/Walking"],
        scheme="code-points",
        origin="QualCoder 1.3",
        cases={"A": {}},
        case_sources={"A": ["board_2017.docx"]},
    )
    qde = re.sub(r'plainTextPath="internal://', 'plainTextPath="', qde)
    data = ingest_study(load_study(_qda_study(tmp_path, qde, files)))
    assert data.excerpts["text"].tolist() == ["We walk every Tuesday"]


def test_every_source_and_selection_read_is_loaded_or_listed(tmp_path):
    sources = _two_sources()
    sources[0].selections.append(fb.Sel("now", []))  # a selection with no coding
    qde, files = fb.project_xml(
        sources,
        ["Intervention/Walking"],
        scheme="code-points",
        origin="MAXQDA 24",
        cases={"A": {}},
        case_sources={"A": ["board_2017.docx"]},
    )
    data = ingest_study(load_study(_qda_study(tmp_path, qde, files)))
    rejects = data.rejects.to_dict("records")
    assert data.read_counts["project.qdpx (sources)"] == 2
    assert data.loaded_counts["project.qdpx (sources)"] == 1
    by_element = {r["element"].split()[0]: r["reason"] for r in rejects}
    assert by_element["TextSource"] == (
        "source not loaded: source not linked to a roster person (see [qda] person)"
    )
    assert by_element["PlainTextSelection"] == "selection carries no coding; nothing to import"

"""Coded-segment spreadsheets: QualCoder, MAXQDA, Dedoose and a generic layout."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests_support import FORMATS, format_builders, fresh_dir

from flows.errors import InputFileError, StudyFileError, TriangulateError
from flows.ingest import ingest_study
from flows.readers.common import Rejects
from flows.readers.qda import unmapped_code
from flows.readers.segments import read_segments
from flows.study import load_study

fb = format_builders()
PERSON = 'person = { from = "variable", name = "Participant" }'


def make_study(folder: Path, excerpts: str, *, qda: str = PERSON, segments: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    toml = fb.QDA_STUDY.format(excerpts=excerpts, qda=qda) + segments
    (folder / "study.toml").write_text(toml, encoding="utf-8")
    fb.write_csv(folder / "roster.csv", fb.QDA_ROSTER)
    fb.write_csv(folder / "survey.csv", [["case_id", "wave", "walk_min", "sex"]])
    return folder


def ingest(folder: Path):
    data = ingest_study(load_study(folder))
    return data, data.rejects.to_dict("records")


def pairs(data) -> list[tuple]:
    frame = data.excerpts
    return sorted(zip(frame.person_id, frame.case_id, frame.theme_id, strict=True))


def test_qualcoder_coding_report(tmp_path):
    folder = make_study(tmp_path, '{ path = "report.csv", format = "qualcoder" }')
    shutil.copy(FORMATS / "qualcoder_coding_report.csv", folder / "report.csv")
    data, rejects = ingest(folder)
    assert pairs(data) == [
        ("A", "A", "activity"),
        ("A", "A", "energy"),
        ("A", "A", "walking_support"),
        ("A-a", "A", "walking_support"),
        ("N", "A", "walking_support"),
        ("N", "B", "energy"),
    ]
    assert rejects == [
        {
            "file": "report.csv",
            "row": "8",
            "element": "Codename",
            "reason": unmapped_code("Other/Weather"),
        }
    ]
    peer = data.excerpts[data.excerpts.person_id == "A"]
    assert peer.code.tolist() == ["Intervention/Walking", "Context/Energy", "Outcome/Activity"]
    assert peer.position.tolist() == [1, 2, 3]  # no position column: the segment's number
    assert data.read_counts == {
        "roster.csv": 4,
        "report.csv (sources)": 3,
        "report.csv (codings)": 7,
        "survey.csv": 0,
    }


def test_qualcoder_case_variables_become_context(tmp_path):
    qda = PERSON + '\ncontext_variables = { group = "Walking group" }'
    folder = make_study(tmp_path, '{ path = "report.csv", format = "qualcoder" }', qda=qda)
    shutil.copy(FORMATS / "qualcoder_coding_report.csv", folder / "report.csv")
    data, _ = ingest(folder)
    assert sorted(map(tuple, data.context.values.tolist())) == [
        ("A", "group", "Lakeside"),
        ("B", "group", "Harbour"),
    ]


def test_qualcoder_xlsx(tmp_path):
    rows = fb.read_rows("qualcoder_coding_report.csv")
    folder = make_study(tmp_path, '{ path = "report.xlsx", format = "qualcoder" }')
    fb.write_xlsx(folder / "report.xlsx", rows)
    data, rejects = ingest(folder)
    assert len(data.excerpts) == 6
    assert rejects[0]["row"] == "8" and rejects[0]["file"] == "report.xlsx"


def test_maxqda_coded_segments_semicolons_and_document_groups(tmp_path):
    qda = (
        'person = { from = "source_name", values = { "Interview Henrik" = "A", '
        '"Interview supporter" = "A-a", "Nurse A" = "N", "Nurse B" = "N" } }\n'
        'role = { from = "variable", name = "Document group", values = { "Peers" = "peer", '
        '"Supporters" = "supporter", "Staff" = "nurse" } }\n'
        'case = { from = "source_name", pattern = "^Nurse (.)$" }'
    )
    folder = make_study(tmp_path, '{ path = "segments.csv", format = "maxqda" }', qda=qda)
    shutil.copy(FORMATS / "maxqda_coded_segments.csv", folder / "segments.csv")
    data, rejects = ingest(folder)
    assert rejects == []
    assert pairs(data) == [
        ("A", "A", "activity"),
        ("A", "A", "energy"),
        ("A", "A", "walking_support"),
        ("A-a", "A", "walking_support"),
        ("N", "A", "walking_support"),
        ("N", "B", "energy"),
    ]
    peer = data.excerpts[data.excerpts.person_id == "A"]
    assert peer.coded_stance.tolist() == ["present", "barrier", "improved"]
    assert peer.position.tolist() == [4, 6, 7]  # MAXQDA's paragraph numbers
    assert set(data.interviews.interview_id) == {"A", "A-a", "N-1", "N-2"}


def test_dedoose_excerpts_one_row_many_codes(tmp_path):
    qda = 'person = { from = "variable", name = "Descriptor: Participant" }'
    folder = make_study(tmp_path, '{ path = "excerpts.csv", format = "dedoose" }', qda=qda)
    shutil.copy(FORMATS / "dedoose_excerpts.csv", folder / "excerpts.csv")
    data, rejects = ingest(folder)
    assert pairs(data) == [
        ("A", "A", "activity"),
        ("A", "A", "energy"),
        ("A", "A", "walking_support"),
        ("A-a", "A", "walking_support"),
    ]
    assert data.excerpts.position.tolist()[:2] == [120, 120]  # the range's start
    assert rejects == [
        {
            "file": "excerpts.csv",
            "row": "5",
            "element": "codes",
            "reason": "no code applied to this excerpt",
        }
    ]


def test_generic_layout_mapped_in_the_study_file(tmp_path):
    segments = (
        '\n[segments]\ndocument = "Transcript"\ncode = "Node"\ntext = "Quote"\n'
        'position = "Para"\ncoder = "By"\ncase = "About"\ncode_separator = "::"\n'
    )
    qda = PERSON + '\ncase = { from = "qda_case" }'
    folder = make_study(
        tmp_path, '{ path = "coded.csv", format = "segments" }', qda=qda, segments=segments
    )
    fb.write_csv(
        folder / "coded.csv",
        [
            ["Transcript", "Node", "Quote", "Para", "By", "About", "Participant"],
            ["t1", "Intervention::Walking", "We walk.", "3", "AK", "", "A"],
            ["t2", "Context::Energy::Barrier", "Karen is tired.", "p. 7", "AK", "B", "N"],
            ["", "Context::Energy", "No document.", "1", "AK", "", "N"],
        ],
        crlf=True,
    )
    data, rejects = ingest(folder)
    assert pairs(data) == [("A", "A", "walking_support"), ("N", "B", "energy")]
    assert data.excerpts.position.tolist() == [3, 7]
    assert rejects == [
        {"file": "coded.csv", "row": "4", "element": "Transcript", "reason": "empty document name"}
    ]


def test_generic_layout_needs_its_columns_named(tmp_path):
    folder = make_study(tmp_path, '{ path = "coded.csv", format = "segments" }')
    fb.write_csv(folder / "coded.csv", [["a"]])
    with pytest.raises(StudyFileError) as raised:
        load_study(folder)
    assert "segments.document: required" in str(raised.value)


def test_missing_column_names_file_and_header(tmp_path):
    folder = make_study(tmp_path, '{ path = "report.csv", format = "qualcoder" }')
    fb.write_csv(folder / "report.csv", [["File", "Coder", "Coded"], ["x", "AK", "text"]])
    with pytest.raises(InputFileError, match=r"report.csv: header: missing column\(s\) for code"):
        ingest(folder)


def test_undecodable_export_is_a_clear_error(tmp_path):
    folder = make_study(tmp_path, '{ path = "report.csv", format = "qualcoder" }')
    (folder / "report.csv").write_bytes(b"File,Codename,Coded\n\xff\xfe\x00x,y,z\n")
    with pytest.raises(InputFileError, match=r"report.csv: not UTF-8 text"):
        ingest(folder)


def test_latin1_export_read_with_its_encoding(tmp_path):
    folder = make_study(
        tmp_path, '{ path = "report.csv", format = "qualcoder", encoding = "latin-1" }'
    )
    text = (FORMATS / "qualcoder_coding_report.csv").read_text(encoding="utf-8-sig")
    (folder / "report.csv").write_bytes(text.replace("lake", "søen").encode("latin-1"))
    data, _ = ingest(folder)
    assert "We walk every Tuesday by the søen, Birgitte and me." in data.excerpts.text.tolist()


def test_unknown_person_rejects_every_coding_of_the_document(tmp_path):
    folder = make_study(tmp_path, '{ path = "report.csv", format = "qualcoder" }')
    rows = fb.read_rows("qualcoder_coding_report.csv")
    rows[4][8] = "Q"  # the supporter's document names nobody in the roster
    fb.write_csv(folder / "report.csv", rows)
    data, rejects = ingest(folder)
    assert "A-a" not in set(data.excerpts.person_id)
    reason = "source not linked to a roster person (see [qda] person)"
    # the document itself is listed, then each of its codings
    assert rejects[0]["reason"] == f"source not loaded: {reason}"
    assert {"row": "5", "reason": reason}.items() <= rejects[1].items()


# ---------------------------------------------------------------- random and mutated files


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    fmt=st.sampled_from(["qualcoder", "maxqda", "dedoose"]),
    cuts=st.lists(
        st.tuples(st.integers(0, 2000), st.integers(0, 30), st.text(max_size=6)), max_size=4
    ),
)
def test_mutated_exports_load_or_fail_clearly(tmp_path, fmt, cuts):
    tmp_path = fresh_dir(tmp_path)
    source = {
        "qualcoder": "qualcoder_coding_report.csv",
        "maxqda": "maxqda_coded_segments.csv",
        "dedoose": "dedoose_excerpts.csv",
    }[fmt]
    text = (FORMATS / source).read_text(encoding="utf-8-sig")
    for at, length, insert in cuts:
        at %= len(text) + 1
        text = text[:at] + insert + text[at + length :]
    folder = make_study(tmp_path, f'{{ path = "export.csv", format = "{fmt}" }}')
    (folder / "export.csv").write_text(text, encoding="utf-8", errors="surrogatepass")
    study = load_study(folder)
    with contextlib.suppress(TriangulateError):
        read_segments(
            folder / "export.csv", study.input_spec("excerpts"), study.definition, Rejects()
        )
    with contextlib.suppress(TriangulateError):
        ingest_study(study)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_random_bytes_load_or_fail_clearly(tmp_path, data, suffix):
    tmp_path = fresh_dir(tmp_path)
    folder = make_study(tmp_path, f'{{ path = "export{suffix}", format = "maxqda" }}')
    (folder / f"export{suffix}").write_bytes(data)
    study = load_study(folder)
    with contextlib.suppress(TriangulateError):
        read_segments(
            folder / f"export{suffix}", study.input_spec("excerpts"), study.definition, Rejects()
        )

"""REFI-QDA projects: the shared sample, each tool's dialect, and the mapping
of sources, selections and cases onto informants, interviews and cases."""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests_support import format_builders, fresh_dir

from flows.errors import InputFileError, TriangulateError
from flows.ingest import ingest_study
from flows.readers.common import Rejects
from flows.readers.offsets import SourceText, detect_scheme, same_text
from flows.readers.qda import PROGRAMME_LEVEL, unmapped_code
from flows.readers.refi import read_refi
from flows.study import load_study

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT / "tests" / "fixtures" / "refi-hand-authored"


fb = format_builders()

CODES = [
    "Intervention/Walking",
    "Intervention/Walking/Present",
    "Intervention/Walking/Absent",
    "Context/Energy",
    "Context/Energy/Barrier",
    "Outcome/Activity",
    "Outcome/Activity/Improved",
    "Outcome/Activity/No change",
    "Other/Weather",
]

STUDY = fb.QDA_STUDY
ROSTER = fb.QDA_ROSTER
PERSON_BY_VARIABLE = 'person = { from = "variable", name = "Participant" }'

CRLF_EMOJI = (
    "I: How are the walks going?\r\n\r\n"
    "R: We walk 😀 every Tuesday by the lake with Birgitte 👍🏽.\r\n"
    "I: And your energy?\r\n"
    "R: I am tired 😴 most days, but I walk more than before.\r\n"
    "R: The rain 🌧️ kept us in twice, that was all.\r\n"
)


def nurse_text() -> str:
    return (
        "I: Tell me about the peers.\n"
        "R: Henrik walks with his supporter every week now.\n"
        "R: Karen has had little energy since the winter.\n"
        "R: Both of them walk more than they did in the spring.\n"
    )


def sources(text: str = CRLF_EMOJI, **kw) -> list:
    """A peer (A), a supporter (A-a) and the nurse (N) speaking about A and B."""
    return [
        fb.Src(
            "Interview Henrik.docx",
            text,
            [
                fb.Sel("We walk 😀 every Tuesday", ["Intervention/Walking/Present"], **kw),
                fb.Sel("I am tired 😴 most days", ["Context/Energy/Barrier"], **kw),
                fb.Sel("I walk more than before", ["Outcome/Activity/Improved"], **kw),
                fb.Sel("kept us in twice", ["Other/Weather"], **kw),
            ],
            {"Participant": "A"},
            bom=True,
        ),
        fb.Src(
            "Interview supporter.docx",
            "R: We walk together, he is much less tired now.\n",
            [fb.Sel("We walk together", ["Intervention/Walking/Present"], **kw)],
            {"Participant": "A-a"},
        ),
        fb.Src(
            "Nurse.docx",
            nurse_text(),
            [
                fb.Sel("Henrik walks with his supporter", ["Intervention/Walking"], ["A"], **kw),
                fb.Sel("Karen has had little energy", ["Context/Energy/Barrier"], ["B"], **kw),
                fb.Sel("Both of them walk more", ["Outcome/Activity/Improved"], ["A", "B"], **kw),
            ],
            {"Participant": "N"},
        ),
    ]


def make_study(
    folder: Path,
    qde: str,
    files: dict[str, bytes],
    *,
    qda: str = PERSON_BY_VARIABLE,
    roster: list[list[str]] | None = None,
    project: str = "project.qdpx",
    **zip_options,
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "study.toml").write_text(
        STUDY.format(excerpts=f'"{project}"', qda=qda), encoding="utf-8"
    )
    fb.write_csv(folder / "roster.csv", roster or ROSTER)
    fb.write_csv(
        folder / "survey.csv",
        [["case_id", "wave", "walk_min", "sex"], ["A", "baseline", "30", "male"]],
    )
    fb.write_qdpx(folder / project, qde, files, **zip_options)
    return folder


def ingest(folder: Path):
    data = ingest_study(load_study(folder))
    return data, data.rejects.to_dict("records")


def standard_cases() -> dict:
    return {
        "cases": {"A": {"Walking group": "Lakeside"}, "B": {"Walking group": "Harbour"}},
        "case_sources": {"A": ["Interview Henrik.docx", "Interview supporter.docx"]},
    }


# ---------------------------------------------------------------- a real NVivo export

REAL_NVIVO = ROOT / "tests" / "fixtures" / "real-exports" / "nvivo12-windows-oltas0517.qdpx"


def _utf16_slices(path: Path) -> dict[str, str]:
    """Each selection's text sliced independently of the reader: the source file
    decoded (byte-order mark dropped), encoded as UTF-16 code units, cut at the
    selection's positions. CRLF and emoji are left as they are."""
    from xml.etree import ElementTree

    with zipfile.ZipFile(path) as archive:
        root = ElementTree.fromstring(archive.read("project.qde"))
        ns = root.tag.split("}")[0] + "}"
        slices = {}
        for source in root.iter(ns + "TextSource"):
            name = source.get("plainTextPath").split("/")[-1]
            units = archive.read("Sources/" + name).decode("utf-8-sig").encode("utf-16-le")
            for sel in source.iter(ns + "PlainTextSelection"):
                start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
                slices[sel.get("guid")] = units[2 * start : 2 * end].decode("utf-16-le")
    return slices


def test_real_nvivo_export_located_in_utf16_units():
    """NVivo 12 for Windows (tests/fixtures/real-exports/NOTICE.md): UTF-8 with a
    BOM, CRLF, ~1,800 emoji, 303 selections. Detection picks UTF-16 units, and
    every selection is imported with exactly the text an independent UTF-16 slice
    gives (trailing CRLF trimmed), the one its coder cut mid-word too: the counting
    is confirmed, so the per-selection word-boundary check is off (issue #15)."""
    study = load_study(ROOT / "data" / "demo").definition
    rejects = Rejects()
    project = read_refi(REAL_NVIVO, study, rejects)
    assert project.scheme == "utf-16"
    assert (project.read_sources, project.skipped_sources, project.read_codings) == (2, 0, 303)
    expected = _utf16_slices(REAL_NVIVO)
    assert len(expected) == 303
    got = {c.element.split()[1]: c.text for c in project.codings}
    assert len(got) == 303
    assert {g: t for g, t in got.items() if t != expected[g].strip()} == {}
    assert "9ee54e83-9c9d-4bf3-b1dd-ae1dc26ef856" in got  # cut mid-word by its coder
    assert rejects.rows == []


# ---------------------------------------------------------------- the shared sample


@pytest.mark.parametrize("name", ["sample.qdpx", "project/project.qde"])
def test_shared_sample(name):
    study = load_study(ROOT / "data" / "demo").definition
    rejects = Rejects()
    project = read_refi(SHARED / name, study, rejects)
    assert project.read_sources == 5 and project.skipped_sources == 4
    (source,) = project.sources.values()
    assert source.name == "Interview 1.txt"
    # its set "Diet-related" (codes and this source) is a document group (decision 0288)
    assert source.variables == {"Age": "34", "Consented": "true", "Document group": "Diet-related"}
    assert project.group_variables == {"Document group"}
    assert source.cases == ["Participant 1"]
    assert project.case_variables == {"Participant 1": {"Age": "34", "Consented": "true"}}
    (coding,) = project.codings
    assert (coding.code, coding.text, coding.coder) == (
        "Topics/Health",
        "Diet and health",
        "Researcher A",
    )
    assert coding.cases == ["Participant 1"]
    assert coding.notes == ["Remember to follow up on diet-related comments."]
    reasons = {r["element"].split()[0]: r["reason"] for r in rejects.rows}
    for kind in ("PictureSource", "PDFSource", "AudioSource", "VideoSource"):
        assert reasons[kind].startswith("non-text source skipped")
    # "health are closely" is named, but [9,23) holds "health are clo": refused, not shifted
    assert "differs from its name" in reasons["PlainTextSelection"]
    assert project.read_codings == 7


# ---------------------------------------------------------------- dialects


def test_nvivo_bom_crlf_emoji_counted_in_utf16_units(tmp_path):
    start = CRLF_EMOJI.index("I am tired")
    # three characters beyond U+FFFF come before it (😀, 👍, 🏽): UTF-16 counts each as 2
    assert fb.positions(CRLF_EMOJI, start, start + 1, "utf-16")[0] == start + 3
    qde, files = fb.project_xml(
        sources(),
        CODES,
        scheme="utf-16",
        origin="NVivo 14",
        nvivo_case_codes=True,
        **standard_cases(),
    )
    folder = make_study(
        tmp_path, qde, files, qde_name="NVivo Export 2024.qde", sources_dir="Sources", qde_bom=True
    )
    data, rejects = ingest(folder)
    texts = dict(zip(data.excerpts["code"], data.excerpts["text"], strict=False))
    assert texts["Intervention/Walking/Present"] in ("We walk 😀 every Tuesday", "We walk together")
    assert texts["Context/Energy/Barrier"] in (
        "I am tired 😴 most days",
        "Karen has had little energy",
    )
    peer = data.excerpts[data.excerpts.person_id == "A"]
    assert peer["text"].tolist() == [
        "We walk 😀 every Tuesday",
        "I am tired 😴 most days",
        "I walk more than before",
    ]
    assert peer["position"].tolist() == [2, 4, 4]  # paragraphs (non-blank lines)
    assert [r["reason"] for r in rejects] == [unmapped_code("Other/Weather")]
    # NVivo's case codes assign the nurse's passages to cases; they are not themes
    nurse = data.excerpts[data.excerpts.person_id == "N"]
    assert sorted(zip(nurse.case_id, nurse.theme_id, strict=True)) == [
        ("A", "activity"),
        ("A", "walking_support"),
        ("B", "activity"),
        ("B", "energy"),
    ]


def test_nvivo_offsets_detected_without_origin(tmp_path):
    qde, files = fb.project_xml(sources(), CODES, scheme="utf-16", origin="", **standard_cases())
    study = load_study(make_study(tmp_path, qde, files)).definition
    project = read_refi(tmp_path / "project.qdpx", study, Rejects())
    assert project.scheme == "utf-16"
    assert "I am tired 😴 most days" in [c.text for c in project.codings]


def test_wrong_dialect_is_refused_not_shifted(tmp_path):
    qde, files = fb.project_xml(
        sources(), CODES, scheme="utf-16", origin="NVivo 14", **standard_cases()
    )
    folder = make_study(tmp_path, qde, files, qda=PERSON_BY_VARIABLE + '\ndialect = "standard"')
    # the origin and the positions both say UTF-16: refused with the evidence
    with pytest.raises(InputFileError) as refused:
        ingest(folder)
    message = str(refused.value)
    assert "[qda] dialect: dialect = 'standard' counts positions as code-points" in message
    assert "the origin 'NVivo 14' counts as utf-16" in message
    assert "utf-16: 0 names matched, 8 located, 16 word-boundary ends" in message
    assert "dialect_override = true" in message
    # overridden: what cuts words is still refused one by one, never shifted
    folder = make_study(
        tmp_path,
        qde,
        files,
        qda=PERSON_BY_VARIABLE + '\ndialect = "standard"\ndialect_override = true',
    )
    data, rejects = ingest(folder)
    peer = data.excerpts[data.excerpts.person_id == "A"]
    assert peer["text"].tolist() == ["We walk 😀 every Tuesday"]  # before any emoji: same
    refused = [r for r in rejects if "cuts words" in r["reason"]]
    assert len(refused) == 3
    assert all("check [qda] dialect" in r["reason"] for r in refused)


def test_atlasti_counts_crlf_as_one(tmp_path):
    text = CRLF_EMOJI.replace("😀 ", "").replace(" 👍🏽", "").replace(" 😴", "").replace("🌧️ ", "")
    srcs = sources(text.replace("We walk every", "We walk every"))
    srcs[0].selections = [
        fb.Sel("We walk every Tuesday", ["Intervention/Walking/Present"]),
        fb.Sel("I am tired most days", ["Context/Energy/Barrier"]),
        fb.Sel("I walk more than before", ["Outcome/Activity/Improved"]),
    ]
    qde, files = fb.project_xml(
        srcs, CODES, scheme="crlf-as-1", origin="ATLAS.ti 24.1", **standard_cases()
    )
    folder = make_study(tmp_path, qde, files, qde_name="My ATLAS project.qde")
    data, rejects = ingest(folder)
    assert rejects == []
    peer = data.excerpts[data.excerpts.person_id == "A"]
    assert peer["text"].tolist() == [
        "We walk every Tuesday",
        "I am tired most days",
        "I walk more than before",
    ]


def test_qualcoder_code_points_with_names(tmp_path):
    qde, files = fb.project_xml(
        sources(name="="), CODES, scheme="code-points", origin="QualCoder 3.5", **standard_cases()
    )
    study = load_study(make_study(tmp_path, qde, files)).definition
    rejects = Rejects()
    project = read_refi(tmp_path / "project.qdpx", study, rejects)
    assert project.scheme == "code-points"
    assert "I am tired 😴 most days" in [c.text for c in project.codings]
    assert rejects.rows == []


def test_detection_prefers_names_then_boundaries():
    text = SourceText("ab 😀 cd 😀 ef gh")
    sel = [dict(start=9, end=11), dict(start=11, end=13)]  # "ef" / "gh" counted in UTF-16 units
    from flows.readers.offsets import Selection

    detection = detect_scheme([Selection(text, s["start"], s["end"], "") for s in sel], None)
    assert detection.scheme == "utf-16"
    assert same_text("health are closely", "health are closely")
    assert not same_text("health are closely", "health are clo")


def test_maxqda_unnamed_cases_are_source_variables(tmp_path):
    srcs = sources(text=CRLF_EMOJI)
    for src in srcs:
        src.variables = {}
    qde, files = fb.project_xml(
        srcs,
        CODES,
        scheme="code-points",
        origin="MAXQDA 2022",
        unnamed_cases={
            "Interview Henrik.docx": {"Participant": "A"},
            "Interview supporter.docx": {"Participant": "A-a"},
            "Nurse.docx": {"Participant": "N"},
        },
        **standard_cases(),
    )
    data, _ = ingest(make_study(tmp_path, qde, files))
    assert set(data.excerpts.person_id) == {"A", "A-a", "N"}


def test_sources_inline_relative_and_absolute(tmp_path):
    outside = tmp_path / "elsewhere" / "supporter.txt"
    srcs = sources(text=CRLF_EMOJI)
    srcs[0].storage = "inline"
    srcs[0].text = srcs[0].text.replace("\r\n", "\n")  # XML normalises line ends in content
    srcs[0].bom = False
    srcs[1].storage, srcs[1].path = "absolute", str(outside)
    srcs[2].storage, srcs[2].path = "relative", "texts/nurse.txt"
    qde, files = fb.project_xml(srcs, CODES, scheme="utf-16", origin="NVivo 14", **standard_cases())
    folder = make_study(tmp_path / "study", qde, files)
    # a file outside the study folder is refused unless the study file allows its folder
    data, rejects = ingest(folder)
    assert any("not found in the study folder (absolute://" in r["reason"] for r in rejects)
    toml = folder / "study.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8") + '\n[privacy]\nallow_files_from = ["../elsewhere"]\n',
        encoding="utf-8",
    )
    data, rejects = ingest(folder)
    assert [r["reason"] for r in rejects] == [unmapped_code("Other/Weather")]
    assert set(data.interviews.person_id) == {"A", "A-a", "N"}
    assert "We walk together" in data.excerpts["text"].tolist()


def test_missing_and_undecodable_source_text(tmp_path):
    srcs = sources(text=CRLF_EMOJI)
    srcs[1].encoding = "latin-1"
    srcs[1].text = "R: We walk together, æøå.\n"
    srcs[1].selections = [fb.Sel("We walk together", ["Intervention/Walking"])]
    qde, files = fb.project_xml(srcs, CODES, scheme="utf-16", origin="NVivo", **standard_cases())
    nurse_file = next(n for n in files if files[n].startswith(b"I: Tell"))
    del files[nurse_file]
    data, rejects = ingest(make_study(tmp_path, qde, files))
    reasons = [r["reason"] for r in rejects]
    # each coding, and each source itself (it loads as no interview)
    assert sum("not UTF-8" in r for r in reasons) == 2
    assert sum("source text file not found" in r for r in reasons) == 4
    sources_listed = [r for r in rejects if r["element"].startswith("TextSource")]
    assert len(sources_listed) == 2
    assert all(r["reason"].startswith("source not loaded: ") for r in sources_listed)
    assert set(data.excerpts.person_id) == {"A"}


def test_variables_of_all_six_types_are_checked(tmp_path):
    types = {
        "Participant": "Text",
        "Consent": "Boolean",
        "Age": "Integer",
        "Minutes": "Float",
        "Date": "Date",
        "At": "DateTime",
    }
    srcs = sources(text=CRLF_EMOJI)
    srcs[0].variables |= {
        "Consent": "1",
        "Age": "61",
        "Minutes": "42.5",
        "Date": "2024-03-01",
        "At": "2024-03-01T10:00:00Z",
    }
    srcs[1].variables |= {"Age": "sixty"}
    qde, files = fb.project_xml(srcs, CODES, scheme="utf-16", variable_types=types, origin="NVivo")
    study = load_study(make_study(tmp_path, qde, files)).definition
    rejects = Rejects()
    project = read_refi(tmp_path / "project.qdpx", study, rejects)
    variables = next(
        s for s in project.sources.values() if s.name.startswith("Interview H")
    ).variables
    assert variables == {
        "Participant": "A",
        "Consent": "true",
        "Age": "61",
        "Minutes": "42.5",
        "Date": "2024-03-01",
        "At": "2024-03-01T10:00:00+00:00",
    }
    bad = [r for r in rejects.rows if "VariableValue" in r["element"]]
    assert [r["reason"] for r in bad] == ["not a valid Integer value; ignored"]
    assert "sixty" not in str(rejects.rows)  # reasons never echo values


def test_bad_references_ids_and_positions_are_listed(tmp_path):
    qde, files = fb.project_xml(sources(text=CRLF_EMOJI), CODES, scheme="utf-16", origin="NVivo")
    sel = fb.guid("selection", "Nurse.docx", "Karen has had little energy", "")
    code = fb.codebook_xml(CODES)[1]["Context/Energy/Barrier"]
    qde = re.sub(
        rf'(<PlainTextSelection guid="{sel}" name="") startPosition="\d+" endPosition="\d+"',
        r'\1 startPosition="5000" endPosition="5010"',
        qde,
    )
    # an unknown code, a duplicate selection guid and reversed positions
    extra = (
        '<TextSource guid="11111111-2222-3333-4444-555555555555" name="Extra.docx">'
        "<PlainTextContent>R: short text here.</PlainTextContent>"
        '<PlainTextSelection guid="11111111-2222-3333-4444-000000000001" startPosition="3" endPosition="8">'
        '<Coding guid="11111111-2222-3333-4444-000000000002">'
        '<CodeRef targetGUID="99999999-9999-9999-9999-999999999999"/></Coding></PlainTextSelection>'
        f'<PlainTextSelection guid="{sel}" startPosition="3" endPosition="8">'
        '<Coding guid="11111111-2222-3333-4444-000000000003">'
        f'<CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>'
        '<PlainTextSelection guid="11111111-2222-3333-4444-000000000004" startPosition="8" endPosition="3">'
        '<Coding guid="11111111-2222-3333-4444-000000000005">'
        f'<CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>'
        '<VariableValue><VariableRef targetGUID="' + fb.guid("variable", "Participant") + '"/>'
        "<TextValue>A</TextValue></VariableValue>"
        "</TextSource>\n</Sources>"
    )
    qde = qde.replace("</Sources>", extra, 1)
    data, rejects = ingest(make_study(tmp_path, qde, files))
    reasons = [r["reason"] for r in rejects]
    assert "unknown code reference" in reasons
    assert any("duplicate guid" in r for r in reasons)
    assert any("negative or reversed" in r for r in reasons)
    assert any("out of range" in r for r in reasons)
    assert all(r["file"] == "project.qdpx" and r["row"].isdigit() for r in rejects)


def test_malformed_xml_names_file_and_line(tmp_path):
    folder = make_study(tmp_path, "<Project name='x'>\n<Sources>\n</Project>", {})
    with pytest.raises(
        InputFileError, match=r"project.qdpx \(project.qde\): line 3, column 2: malformed XML"
    ):
        ingest(folder)


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"sources/a.txt": b"x"}, "no .qde project file"),
        ({"a.qde": b"<Project/>", "b.qde": b"<Project/>"}, "several .qde project files"),
        ({"project.qde": b"<CodeBook/>"}, "root element is 'CodeBook'"),
    ],
)
def test_archive_without_one_project(tmp_path, members, message):
    folder = make_study(tmp_path, "<Project/>", {})
    with zipfile.ZipFile(folder / "project.qdpx", "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(InputFileError, match=message):
        ingest(folder)


# ---------------------------------------------------------------- mapping onto the study


def test_nurse_speaks_about_several_cases_through_selection_refs(tmp_path):
    qde, files = fb.project_xml(
        sources(text=CRLF_EMOJI), CODES, scheme="utf-16", origin="NVivo", **standard_cases()
    )
    data, _ = ingest(make_study(tmp_path, qde, files))
    nurse = data.excerpts[data.excerpts.person_id == "N"].sort_values(["excerpt_id"])
    assert nurse[["excerpt_id", "case_id"]].values.tolist() == [
        ["N.1", "A"],
        ["N.2", "B"],
        ["N.3.A", "A"],
        ["N.3.B", "B"],
    ]
    # the nurse's roster row leaves case_ids empty: the project supplies them
    nurse_cases = data.person_cases[data.person_cases.person_id == "N"]
    assert sorted(nurse_cases.case_id) == ["A", "B"]
    # whole-source membership: the supporter's source is held by case A
    assert set(data.excerpts[data.excerpts.person_id == "A-a"].case_id) == {"A"}
    assert data.interviews.interview_id.tolist() == ["A", "A-a", "N"]  # never source names
    assert data.read_counts["project.qdpx (codings)"] == 8
    assert data.loaded_counts["project.qdpx (codings)"] == 7


def test_roster_case_ids_limit_what_a_selection_may_claim(tmp_path):
    roster = [list(r) for r in ROSTER]
    roster[4][2] = "A"  # the nurse speaks about A only
    qde, files = fb.project_xml(
        sources(text=CRLF_EMOJI), CODES, scheme="utf-16", origin="NVivo", **standard_cases()
    )
    data, rejects = ingest(make_study(tmp_path, qde, files, roster=roster))
    assert set(data.excerpts[data.excerpts.person_id == "N"].case_id) == {"A"}
    assert sum("not among the cases" in r["reason"] for r in rejects) == 2


def test_person_from_source_name_pattern_and_case_values(tmp_path):
    srcs = sources(text=CRLF_EMOJI)
    for src, prefix in zip(srcs, ["P01", "P02", "N01"], strict=True):
        src.name = f"{prefix} interview.docx"
        src.variables = {}
    qda = (
        'person = { from = "source_name", pattern = "^([A-Z][0-9]+) ", '
        'values = { "P01" = "A", "P02" = "A-a", "N01" = "N" } }\n'
        'case = { from = "qda_case", values = { "Case one" = "A", "Case two" = "B" } }'
    )
    for src in srcs:
        for sel in src.selections:
            sel.cases = [{"A": "Case one", "B": "Case two"}[c] for c in sel.cases]
    qde, files = fb.project_xml(
        srcs,
        CODES,
        scheme="utf-16",
        origin="NVivo",
        cases={"Case one": {}, "Case two": {}},
        case_sources={"Case one": ["P01 interview.docx", "P02 interview.docx"]},
    )
    data, _ = ingest(make_study(tmp_path, qde, files, qda=qda))
    assert sorted(set(zip(data.excerpts.person_id, data.excerpts.case_id, strict=False))) == [
        ("A", "A"),
        ("A-a", "A"),
        ("N", "A"),
        ("N", "B"),
    ]


def test_role_from_project_fills_the_roster_and_must_agree(tmp_path):
    roster = [list(r) for r in ROSTER]
    roster[4][1] = ""  # the nurse's role comes from the project
    roster[2][1] = "peer"  # but A-a is a supporter in the project: a conflict
    srcs = sources(text=CRLF_EMOJI)
    for src, kind in zip(srcs, ["Peer", "Supporter", "Nurse"], strict=True):
        src.variables["Type"] = kind
    qda = (
        PERSON_BY_VARIABLE
        + '\nrole = { from = "variable", name = "Type", values = { "Nurse" = "nurse" } }'
    )
    qde, files = fb.project_xml(srcs, CODES, scheme="utf-16", origin="NVivo", **standard_cases())
    data, rejects = ingest(make_study(tmp_path, qde, files, qda=qda, roster=roster))
    roles = dict(zip(data.persons.person_id, data.persons.role, strict=True))
    assert roles["N"] == "nurse"
    assert "A-a" not in set(data.excerpts.person_id)
    assert any(
        "the project gives role 'supporter', the roster 'peer'" in r["reason"] for r in rejects
    )


def test_role_variable_that_does_not_exist_names_the_key_and_the_variables(tmp_path):
    srcs = sources(text=CRLF_EMOJI)
    for src, kind in zip(srcs, ["Peer", "Supporter", "Nurse"], strict=True):
        src.variables["Type"] = kind
    qda = PERSON_BY_VARIABLE + '\nrole = { from = "variable", name = "Rolle" }'
    qde, files = fb.project_xml(srcs, CODES, scheme="utf-16", origin="NVivo", **standard_cases())
    with pytest.raises(InputFileError) as error:
        ingest(make_study(tmp_path, qde, files, qda=qda))
    message = str(error.value)
    assert "[qda] role: name = 'Rolle': no source has a variable" in message
    assert "the project's source variables are: Participant, Type" in message


def test_unlinked_source_and_withdrawn_informant(tmp_path):
    roster = [list(r) for r in ROSTER]
    roster[3][5] = "withdrawn"  # B
    srcs = sources(text=CRLF_EMOJI)
    srcs[1].variables = {"Participant": "Z"}
    qde, files = fb.project_xml(srcs, CODES, scheme="utf-16", origin="NVivo", **standard_cases())
    data, rejects = ingest(make_study(tmp_path, qde, files, roster=roster))
    reasons = [r["reason"] for r in rejects]
    assert "source not linked to a roster person (see [qda] person)" in reasons
    assert data.withdrawn == ["B"]


def test_case_from_code_folder_and_code_prefix(tmp_path):
    codes = ["Triangulation/" + c for c in CODES] + ["Cases/A", "Cases/B"]
    srcs = sources(text=CRLF_EMOJI)
    for src in srcs:
        for sel in src.selections:
            sel.codes = ["Triangulation/" + c for c in sel.codes] + [
                f"Cases/{c}" for c in sel.cases
            ]
            sel.cases = []
    srcs[0].whole_codes = ["Cases/A"]
    srcs[1].whole_codes = ["Cases/A"]
    qda = (
        PERSON_BY_VARIABLE
        + '\ncase = { from = "code_folder", folder = "Cases" }\ncode_prefix = "Triangulation"'
    )
    qde, files = fb.project_xml(srcs, codes, scheme="utf-16", origin="NVivo")
    data, rejects = ingest(make_study(tmp_path, qde, files, qda=qda))
    assert sorted(set(zip(data.excerpts.person_id, data.excerpts.case_id, strict=False))) == [
        ("A", "A"),
        ("A-a", "A"),
        ("N", "A"),
        ("N", "B"),
    ]
    assert set(data.excerpts.code) <= {c for c in CODES}
    assert [r["reason"] for r in rejects] == [unmapped_code("Other/Weather")]


def test_context_from_qda_case_variables(tmp_path):
    qda = PERSON_BY_VARIABLE + '\ncontext_variables = { group = "Walking group" }'
    qde, files = fb.project_xml(
        sources(text=CRLF_EMOJI), CODES, scheme="utf-16", origin="NVivo", **standard_cases()
    )
    data, _ = ingest(make_study(tmp_path, qde, files, qda=qda))
    assert sorted(map(tuple, data.context.values.tolist())) == [
        ("A", "group", "Lakeside"),
        ("A", "sex", "male"),
        ("B", "group", "Harbour"),
    ]


def test_same_input_gives_the_same_frames(tmp_path):
    qde, files = fb.project_xml(
        sources(text=CRLF_EMOJI), CODES, scheme="utf-16", origin="NVivo", **standard_cases()
    )
    folder = make_study(tmp_path, qde, files)
    first, second = ingest(folder)[0], ingest(folder)[0]
    assert first.excerpts.equals(second.excerpts)
    assert first.rejects.equals(second.rejects)


def test_example_study_loads_without_rejects():
    data = ingest_study(load_study(ROOT / "data" / "example-qdpx"))
    assert data.rejects.empty
    assert data.read_counts == data.loaded_counts
    assert sorted(data.cases.case_id) == ["W1", "W2", "W3", "W4"]
    coordinator = data.excerpts[data.excerpts.person_id == "CO"]
    assert set(coordinator.case_id) == {"W1", "W2", "W3", "W4"}


# ---------------------------------------------------------------- random and mutated files


def _valid_project() -> tuple[str, dict[str, bytes]]:
    return fb.project_xml(
        sources(text=CRLF_EMOJI), CODES, scheme="utf-16", origin="NVivo", **standard_cases()
    )


def _zip(qde: bytes, files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("project.qde", qde)
        for name, data in files.items():
            archive.writestr(f"sources/{name}", data)
    return buffer.getvalue()


def _load_or_clear_error(path: Path, study) -> None:
    with contextlib.suppress(TriangulateError):
        read_refi(path, study, Rejects())


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cuts=st.lists(
        st.tuples(st.integers(0, 10_000), st.integers(0, 40), st.binary(max_size=8)), max_size=4
    )
)
def test_mutated_project_xml_loads_or_fails_clearly(tmp_path, cuts):
    tmp_path = fresh_dir(tmp_path)
    qde, files = _valid_project()
    data = bytearray(qde.encode("utf-8"))
    for at, length, insert in cuts:
        at %= len(data) + 1
        data[at : at + length] = insert
    folder = make_study(tmp_path, "<Project/>", {})
    (folder / "project.qdpx").write_bytes(_zip(bytes(data), files))
    _load_or_clear_error(folder / "project.qdpx", load_study(folder).definition)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    flips=st.lists(st.tuples(st.integers(0, 100_000), st.integers(0, 255)), max_size=6),
    cut=st.integers(0, 100_000),
)
def test_mutated_archive_loads_or_fails_clearly(tmp_path, flips, cut):
    tmp_path = fresh_dir(tmp_path)
    qde, files = _valid_project()
    data = bytearray(_zip(qde.encode("utf-8"), files))
    for at, value in flips:
        data[at % len(data)] = value
    data = data[: max(cut % (len(data) + 1), 0) or len(data)]
    folder = make_study(tmp_path, "<Project/>", {})
    (folder / "project.qdpx").write_bytes(bytes(data))
    _load_or_clear_error(folder / "project.qdpx", load_study(folder).definition)


ATTRIBUTE = re.compile(r'="([^"]*)"')


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    changes=st.lists(
        st.tuples(
            st.integers(0, 10_000),
            st.one_of(
                st.integers(-5, 400).map(str),
                st.sampled_from(["", "x", "-1", "1e9", "true", fb.guid("code", "Context/Energy")]),
                st.text(alphabet="abc0123456789-{} ", max_size=12),
            ),
        ),
        min_size=1,
        max_size=8,
    ),
    drop=st.lists(st.integers(0, 10_000), max_size=3),
)
def test_mutated_attribute_values_and_elements(tmp_path, changes, drop):
    """Well-formed XML with wrong values: positions, references, guids, types."""
    tmp_path = fresh_dir(tmp_path)
    qde, files = _valid_project()
    spans = [m.span(1) for m in ATTRIBUTE.finditer(qde)]
    for at, value in changes:
        start, end = spans[at % len(spans)]
        qde = qde[:start] + value + qde[end:]
        spans = [m.span(1) for m in ATTRIBUTE.finditer(qde)]
    lines = qde.split("\n")
    for at in drop:  # drop whole lines that are complete elements
        i = at % len(lines)
        if lines[i].endswith("/>") or lines[i].endswith("</Coding>"):
            lines[i] = ""
    folder = make_study(tmp_path, "\n".join(lines), files)
    study = load_study(folder)
    with contextlib.suppress(TriangulateError):
        ingest_study(study)


@pytest.mark.parametrize("no_case", ["reject", "programme"])
def test_selection_of_no_case_is_never_given_to_the_first_case(tmp_path, no_case):
    """The nurse speaks about A and B; her remark about the programme (no QDA case)
    goes to neither: listed (expected with no_case = "programme"), never to A."""
    srcs = sources(text=CRLF_EMOJI)
    srcs[2].text += "R: The programme as a whole ran well this year.\n"
    srcs[2].selections.append(fb.Sel("The programme as a whole ran well", ["Context/Energy"]))
    qda = PERSON_BY_VARIABLE + f'\nno_case = "{no_case}"'
    qde, files = fb.project_xml(srcs, CODES, scheme="utf-16", origin="NVivo", **standard_cases())
    data, rejects = ingest(make_study(tmp_path, qde, files, qda=qda))
    assert "The programme as a whole ran well" not in data.excerpts["text"].tolist()
    cases = data.person_cases.groupby("person_id")["case_id"].apply(set).to_dict()
    assert all(
        case in cases[person]
        for person, case in zip(data.excerpts.person_id, data.excerpts.case_id, strict=True)
    )
    reasons = [r["reason"] for r in rejects]
    expected = PROGRAMME_LEVEL if no_case == "programme" else "no case assigned to this selection"
    assert sum(reason.startswith(expected) for reason in reasons) == 1


@pytest.mark.parametrize("withdrawn", [False, True])
def test_programme_level_evidence_in_the_index(tmp_path, withdrawn):
    """A programme-level remark is pseudonymised like every excerpt and shown in the
    index, in no dossier; a withdrawn informant's remark vanishes."""
    from flows import stages

    roster = [list(r) for r in ROSTER]
    if withdrawn:
        next(r for r in roster if r[0] == "N")[5] = "withdrawn"
    srcs = sources(text=CRLF_EMOJI)
    srcs[2].text += "R: Across the programme Henrik set the pace for the walking groups.\n"
    srcs[2].selections.append(
        fb.Sel("Across the programme Henrik set the pace", ["Intervention/Walking/Present"])
    )
    qda = PERSON_BY_VARIABLE + '\nno_case = "programme"'
    qde, files = fb.project_xml(srcs, CODES, scheme="utf-16", origin="NVivo", **standard_cases())
    folder = make_study(tmp_path / "study", qde, files, qda=qda, roster=roster)
    out = tmp_path / "out"
    stages.run_direct(folder, out)
    index = (out / "index.html").read_text(encoding="utf-8")
    dossiers = "".join(p.read_text(encoding="utf-8") for p in (out / "cases").glob("*.html"))
    assert "Across the programme" not in dossiers
    if withdrawn:
        assert "Programme-level evidence" not in index
        assert "Across the programme" not in index
    else:
        assert "Programme-level evidence" in index
        assert "Across the programme [peer A] set the pace" in index
    assert "Henrik" not in index

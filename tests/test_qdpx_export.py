"""`export-qdpx` round trip (issue #14): write -> validate against Project.xsd
(tests/fixtures/refi-qda, MIT, see its NOTICE.md) -> read -> same selections;
the researcher moves the "(suggested)" codings to stance codes -> read as coded.

Both position dialects: the example project as written (code points, UTF-8, LF)
and its NVivo variant (sources in UTF-16 with a byte-order mark and CRLF line
ends, an emoji on every interviewer line, positions in UTF-16 code units,
project.qde with a UTF-8 BOM, origin "NVivo 14"); and the exporter on the
real NVivo 12 excerpt (tests/fixtures/real-exports, MIT)."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree
from tests_support import format_builders

from flows import qdpx_export, stages
from flows.errors import InputFileError
from flows.ingest import SUGGESTED_SUFFIX, selection_id
from flows.readers.common import Rejects
from flows.readers.refi import read_refi
from flows.study import load_study

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLE = Path(__file__).parent.parent / "data" / "example-qdpx"
NVIVO_REAL = FIXTURES / "real-exports" / "nvivo12-oltas-excerpt.qdpx"
QDPX = "walking-together.qdpx"
SELECTION = ["selection_id", "case_id", "theme_id", "position", "text", "interview_id"]
BOM = b"\xef\xbb\xbf"
EMOJI = " \U0001f642"  # two UTF-16 code units: NVivo's counting differs from code points

fb = format_builders()


def _rewrite_qde(path: Path, change) -> None:
    """Apply `change(root)` to the archive's project.qde (its byte-order mark
    kept), other members as they are."""
    with zipfile.ZipFile(path) as source:
        members = [(i, source.read(i)) for i in source.infolist()]
    with zipfile.ZipFile(path, "w") as target:
        for info, data in members:
            if info.filename == "project.qde":
                root = etree.fromstring(data)
                change(root)
                bom = BOM if data.startswith(BOM) else b""
                data = bom + etree.tostring(
                    root.getroottree(), xml_declaration=True, encoding="utf-8"
                )
            target.writestr(info, data)


def _nvivo_text(text: str) -> tuple[str, list[int]]:
    """The source as NVivo would hold it (CRLF; an emoji ending each interviewer
    line) and where each code point of `text` (and its end) went."""
    out, moved, line_start = [], [], 0
    for i, ch in enumerate(text):
        moved.append(sum(map(len, out)))
        if ch == "\n":
            if text.startswith("I:", line_start):
                out.append(EMOJI)
            out.append("\r\n")
            line_start = i + 1
        else:
            out.append(ch)
    new = "".join(out)
    return new, [*moved, len(new)]


def _to_nvivo(path: Path) -> None:
    """Rewrite the example project (code points, UTF-8, LF) as NVivo writes one:
    each source UTF-16 with a byte-order mark and CRLF line ends, positions in
    UTF-16 code units (CRLF as 2, BOM not counted), project.qde with a UTF-8
    BOM, origin "NVivo 14". Selections keep their GUIDs and their text."""
    with zipfile.ZipFile(path) as source:
        members = [(i, source.read(i)) for i in source.infolist()]
    texts = {}
    for info, data in members:
        if info.filename != "project.qde":
            texts[info.filename.rsplit("/", 1)[-1]] = _nvivo_text(data.decode("utf-8"))
    root = etree.fromstring(dict((i.filename, d) for i, d in members)["project.qde"])
    for src in root.iter("{*}TextSource"):
        new, moved = texts[src.get("plainTextPath").removeprefix("internal://")]
        for sel in src.iter("{*}PlainTextSelection"):
            start, end = (moved[int(sel.get(a))] for a in ("startPosition", "endPosition"))
            start, end = fb.positions(new, start, end, "utf-16")
            sel.set("startPosition", str(start))
            sel.set("endPosition", str(end))
    root.set("origin", "NVivo 14")
    with zipfile.ZipFile(path, "w") as target:
        for info, _ in members:
            if info.filename == "project.qde":
                data = BOM + etree.tostring(
                    root.getroottree(), xml_declaration=True, encoding="utf-8"
                )
            else:
                new = texts[info.filename.rsplit("/", 1)[-1]][0]
                data = b"\xff\xfe" + new.encode("utf-16-le")
            target.writestr(info, data)


def _codes_by_guid(root) -> dict[str, etree._Element]:
    return {el.get("guid"): el for el in root.iter("{*}Code")}


def _uncode(root) -> None:
    """Every coding of a stance sub-code moved to its parent theme code."""
    codes = _codes_by_guid(root)
    for ref in root.iter("{*}CodeRef"):
        code = codes.get(ref.get("targetGUID"))
        parent = code.getparent() if code is not None else None
        if (
            parent is not None
            and parent.tag.endswith("Code")
            and code.get("name")
            in (
                "Improved",
                "No change",
                "Worsened",
                "Present",
                "Absent",
                "Facilitator",
                "Barrier",
            )
        ):
            ref.set("targetGUID", parent.get("guid"))


def _accept_suggestions(root) -> None:
    """The researcher in the QDA tool: each '(suggested)' sub-code renamed to the stance."""
    for code in root.iter("{*}Code"):
        name = code.get("name")
        if name.endswith(SUGGESTED_SUFFIX):
            code.set("name", name.removesuffix(SUGGESTED_SUFFIX))


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(FIXTURES / "refi-qda" / "Project.xsd")))


@pytest.fixture(scope="module", params=["code-points", "utf-16"])
def uncoded_study(request, tmp_path_factory) -> Path:
    """The example study with its stance codings moved up to the theme codes, as
    written (code points) or in the NVivo dialect (utf-16)."""
    study = tmp_path_factory.mktemp("qdpx") / "study"
    shutil.copytree(EXAMPLE, study)
    if request.param == "utf-16":
        _to_nvivo(study / QDPX)
    _rewrite_qde(study / QDPX, _uncode)
    return study


def _sorted(excerpts):
    return excerpts.sort_values(SELECTION).reset_index(drop=True)


def _selections(study: Path):
    return _sorted(stages.ingest(study).data.excerpts)


def _qde(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("project.qde"))


def _positions(root, tag: str) -> list[tuple]:
    return [
        (el.get("guid"), el.get("startPosition"), el.get("endPosition"))
        for el in root.iter(f"{{*}}{tag}")
    ]


def test_round_trip(uncoded_study, schema, tmp_path):
    ingested = stages.ingest(uncoded_study)
    dialect = ingested.data.qda_dialect.split(":")[0]
    before = _sorted(ingested.data.excerpts)
    assert before["coded_stance"].isna().all()
    suggested = _sorted(stages.annotate(ingested)[0])["suggested_stance"]
    readable = suggested.notna() & (suggested != "unclear")  # the reader abstains on some
    assert readable.any() and (~readable).any()

    target = tmp_path / "with-stances.qdpx"
    added = qdpx_export.export_qdpx(uncoded_study, target)
    assert added == len(before[readable].drop_duplicates(["selection_id", "code"]))
    assert target.stat().st_mode & 0o077 == 0

    written, original = _qde(target), _qde(uncoded_study / QDPX)
    assert schema.validate(written), schema.error_log.last_error
    assert written.get("origin") == original.get("origin")  # dialect detection's prior
    with zipfile.ZipFile(uncoded_study / QDPX) as a, zipfile.ZipFile(target) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():  # sources byte for byte (UTF-16, BOM, CRLF and all)
            if name != "project.qde":
                assert a.read(name) == b.read(name), name
    for tag in ("TextSource", "PlainTextSelection", "Case", "Variable", "Coding", "User"):
        assert _positions(original, tag) == _positions(written, tag), tag

    study = tmp_path / "study"
    shutil.copytree(uncoded_study, study)
    shutil.copyfile(target, study / QDPX)
    read = stages.ingest(study).data
    assert read.qda_dialect.split(":")[0] == dialect
    after = _sorted(read.excerpts)
    assert after[SELECTION].equals(before[SELECTION])  # same selections
    assert after["coded_stance"].isna().all()  # "(suggested)" is not a coded stance
    assert after["code"].str.endswith(SUGGESTED_SUFFIX).tolist() == readable.tolist()

    _rewrite_qde(study / QDPX, _accept_suggestions)
    accepted = _selections(study)
    assert accepted[SELECTION].equals(before[SELECTION])
    expected = suggested.where(readable, None).tolist()
    assert accepted["coded_stance"].tolist() == expected  # read as coded


def test_nvivo_variant_is_the_example_counted_as_nvivo(uncoded_study):
    """The variant holds the example's selections (GUIDs, text), found only by
    counting UTF-16 code units: its positions differ from the example's."""
    if not _is_nvivo(uncoded_study):
        pytest.skip("the code-point project")
    data = stages.ingest(uncoded_study).data
    assert data.qda_dialect.startswith("utf-16: detected utf-16;")  # by evidence
    assert "origin 'NVivo 14' suggests utf-16" in data.qda_dialect
    example = stages.ingest(EXAMPLE).data.excerpts
    columns = ["selection_id", "case_id", "theme_id", "position", "text"]
    assert _sorted(data.excerpts)[columns].equals(_sorted(example)[columns])
    nvivo, standard = _qde(uncoded_study / QDPX), _qde(EXAMPLE / QDPX)
    nvivo = _positions(nvivo, "PlainTextSelection")
    standard = _positions(standard, "PlainTextSelection")
    assert [guid for guid, *_ in nvivo] == [guid for guid, *_ in standard]
    assert all(a != b for a, b in zip(nvivo, standard, strict=True))  # every one moved


def _is_nvivo(study: Path) -> bool:
    return _qde(study / QDPX).get("origin") == "NVivo 14"


def test_real_nvivo_project_keeps_everything_but_the_stance_codes(schema, tmp_path):
    """The exporter on NVivo 12's own bytes (UTF-8 BOM, CRLF, emoji, `Sources/`):
    sources byte for byte, origin kept, same selections under NVivo counting."""
    study = load_study(EXAMPLE.parent / "demo").definition
    project = read_refi(NVIVO_REAL, study, Rejects())
    stances = ["improved", "worsened", "no_change"]
    excerpts = pd.DataFrame(
        {
            "selection_id": selection_id(c),
            "code": c.code,
            "case_id": "",
            "suggested_stance": stances[i % 3],
        }
        for i, c in enumerate(project.codings)
    )
    target = tmp_path / "nvivo-with-stances.qdpx"
    assert qdpx_export.write_qdpx(NVIVO_REAL, target, study, excerpts) == 120

    written, original = _qde(target), _qde(NVIVO_REAL)
    assert schema.validate(written), schema.error_log.last_error
    assert written.get("origin") == "NVivo for Windows 12.6"
    for tag in ("TextSource", "PlainTextSelection", "Coding", "User"):
        assert _positions(original, tag) == _positions(written, tag), tag
    with zipfile.ZipFile(NVIVO_REAL) as a, zipfile.ZipFile(target) as b:
        assert a.namelist() == b.namelist()
        assert all(a.read(n) == b.read(n) for n in a.namelist() if n != "project.qde")

    rejects = Rejects()
    again = read_refi(target, study, rejects)
    assert again.scheme == "utf-16" and rejects.rows == []
    assert "origin 'NVivo for Windows 12.6' suggests utf-16" in again.scheme_evidence
    assert [(selection_id(c), c.position, c.text) for c in again.codings] == [
        (selection_id(c), c.position, c.text) for c in project.codings
    ]
    assert [c.code for c in again.codings] == [
        f"{c.code}/{qdpx_export.stance_code_name(stances[i % 3], True)}"
        for i, c in enumerate(project.codings)
    ]


def test_same_inputs_same_file(uncoded_study, tmp_path):
    qdpx_export.export_qdpx(uncoded_study, tmp_path / "a.qdpx")
    qdpx_export.export_qdpx(uncoded_study, tmp_path / "b.qdpx")
    assert (tmp_path / "a.qdpx").read_bytes() == (tmp_path / "b.qdpx").read_bytes()


def test_never_into_the_published_output(uncoded_study, tmp_path):
    published = tmp_path / "out"
    published.mkdir()
    (published / "manifest.json").write_text("{}")
    (published / "index.html").write_text("")
    with pytest.raises(InputFileError, match="outside the published output"):
        qdpx_export.export_qdpx(uncoded_study, published / "exports" / "x.qdpx")


def test_mixed_study_moves_its_machine_read_codings(tmp_path):
    """The example as shipped: most selections carry a coded stance, two do not
    (their missing stance reads as NaN, which is truthy). The reader's one
    answer among them (W2's group walks, present) is exported; its abstention
    (W4, unclear) and every coded selection are left alone."""
    study = tmp_path / "study"
    shutil.copytree(EXAMPLE, study)
    excerpts, _ = stages.annotate(stages.ingest(study))
    uncoded = excerpts[excerpts["coded_stance"].isna()]
    assert len(uncoded) < len(excerpts)  # a mixed study
    readable = uncoded[
        uncoded["suggested_stance"].notna() & (uncoded["suggested_stance"] != "unclear")
    ]
    assert len(readable) >= 1
    target = tmp_path / "with-stances.qdpx"
    added = qdpx_export.export_qdpx(study, target)
    assert added == len(readable.drop_duplicates(["selection_id", "code"]))
    names = {code.get("name") for code in _qde(target).iter("{*}Code")}
    for stance in readable["suggested_stance"]:
        assert qdpx_export.stance_code_name(stance, True) in names

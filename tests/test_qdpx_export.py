"""`export-qdpx` round trip (issue #14): write -> validate against Project.xsd
(tests/fixtures/refi-qda, MIT, see its NOTICE.md) -> read -> same selections;
the researcher moves the "(suggested)" codings to stance codes -> read as coded."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from flows import qdpx_export, stages
from flows.errors import InputFileError
from flows.ingest import SUGGESTED_SUFFIX

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLE = Path(__file__).parent.parent / "data" / "example-qdpx"
QDPX = "walking-together.qdpx"
SELECTION = ["selection_id", "case_id", "theme_id", "position", "text", "interview_id"]


def _rewrite_qde(path: Path, change) -> None:
    """Apply `change(root)` to the archive's project.qde, other members as they are."""
    with zipfile.ZipFile(path) as source:
        members = [(i, source.read(i)) for i in source.infolist()]
    with zipfile.ZipFile(path, "w") as target:
        for info, data in members:
            if info.filename == "project.qde":
                root = etree.fromstring(data)
                change(root)
                data = etree.tostring(root.getroottree(), xml_declaration=True, encoding="utf-8")
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


@pytest.fixture(scope="module")
def uncoded_study(tmp_path_factory) -> Path:
    study = tmp_path_factory.mktemp("qdpx") / "study"
    shutil.copytree(EXAMPLE, study)
    _rewrite_qde(study / QDPX, _uncode)
    return study


def _selections(study: Path):
    excerpts = stages.ingest(study).data.excerpts
    return excerpts.sort_values(SELECTION).reset_index(drop=True)


def test_round_trip_code_points(uncoded_study, schema, tmp_path):
    before = _selections(uncoded_study)
    assert before["coded_stance"].isna().all()
    target = tmp_path / "with-stances.qdpx"
    added = qdpx_export.export_qdpx(uncoded_study, target)
    assert added == len(before.drop_duplicates(["selection_id", "code"]))
    assert target.stat().st_mode & 0o077 == 0

    written = etree.fromstring(zipfile.ZipFile(target).read("project.qde"))
    assert schema.validate(written), schema.error_log.last_error
    with zipfile.ZipFile(uncoded_study / QDPX) as a, zipfile.ZipFile(target) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():  # sources byte for byte
            if name != "project.qde":
                assert a.read(name) == b.read(name), name
    original = etree.fromstring(zipfile.ZipFile(uncoded_study / QDPX).read("project.qde"))
    for tag in ("TextSource", "PlainTextSelection", "Case", "Variable", "Coding", "User"):
        assert [
            (el.get("guid"), el.get("startPosition"), el.get("endPosition"))
            for el in original.iter(f"{{*}}{tag}")
        ] == [
            (el.get("guid"), el.get("startPosition"), el.get("endPosition"))
            for el in written.iter(f"{{*}}{tag}")
        ], tag

    study = tmp_path / "study"
    shutil.copytree(uncoded_study, study)
    shutil.copyfile(target, study / QDPX)
    after = _selections(study)
    assert after[SELECTION].equals(before[SELECTION])  # same selections
    assert after["coded_stance"].isna().all()  # "(suggested)" is not a coded stance
    assert after["code"].str.endswith(SUGGESTED_SUFFIX).all()

    suggested = stages.annotate(stages.ingest(uncoded_study))[0]
    expected = suggested.sort_values(SELECTION).reset_index(drop=True)["suggested_stance"]
    _rewrite_qde(study / QDPX, _accept_suggestions)
    accepted = _selections(study)
    assert accepted[SELECTION].equals(before[SELECTION])
    assert accepted["coded_stance"].tolist() == expected.tolist()  # read as coded


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

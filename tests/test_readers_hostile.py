"""Hostile files are refused safely: zip slip, zip bombs, entity expansion,
external entities, absurd nesting and absurdly large fields. Every parser
either loads or raises the project's own error, whatever bytes it is given."""

from __future__ import annotations

import contextlib
import io
import random
import struct
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests_support import FORMATS, format_builders, fresh_dir

from flows.errors import InputFileError, TriangulateError, UnsafeInputError
from flows.ingest import ingest_study
from flows.readers import common, safe_zip, tables
from flows.readers.common import Rejects
from flows.readers.refi import read_refi
from flows.readers.safe_xml import parse_xml
from flows.readers.safe_zip import SafeZip, unsafe_member_name
from flows.readers.segments import read_segments
from flows.readers.surveys import read_survey_table
from flows.readers.tables import read_table
from flows.study import InputSpec, load_study

fb = format_builders()
PERSON = 'person = { from = "variable", name = "Participant" }'


def study_folder(tmp_path: Path, excerpts: str = '"project.qdpx"') -> Path:
    folder = tmp_path / "study"
    folder.mkdir(exist_ok=True)
    (folder / "study.toml").write_text(
        fb.QDA_STUDY.format(excerpts=excerpts, qda=PERSON), encoding="utf-8"
    )
    fb.write_csv(folder / "roster.csv", fb.QDA_ROSTER)
    fb.write_csv(folder / "survey.csv", [["case_id", "wave", "walk_min", "sex"]])
    return folder


def write_zip(path: Path, members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def read_project(folder: Path):
    study = load_study(folder)
    return read_refi(folder / "project.qdpx", study.definition, Rejects())


MINIMAL = b'<?xml version="1.0"?><Project name="x"><Sources/></Project>'

# ---------------------------------------------------------------- ZIP


@pytest.mark.parametrize(
    "name",
    ["../evil.txt", "sources/../../evil.txt", "/etc/evil.txt", "C:\\evil.txt", "..\\evil.txt"],
)
def test_zip_slip_is_refused(tmp_path, name):
    folder = study_folder(tmp_path)
    write_zip(folder / "project.qdpx", {"project.qde": MINIMAL, name: b"owned"})
    with pytest.raises(UnsafeInputError, match="escapes the folder"):
        read_project(folder)
    assert not (tmp_path / "evil.txt").exists() and not (folder / "evil.txt").exists()


def test_member_names():
    assert not unsafe_member_name("sources/abc.txt")
    assert not unsafe_member_name("Sources/a..b.txt")
    assert unsafe_member_name("a/../../b")
    assert unsafe_member_name("")


def test_zip_bomb_refused_by_declared_size(tmp_path, monkeypatch):
    monkeypatch.setattr(safe_zip, "MAX_TOTAL_BYTES", 5_000_000)
    folder = study_folder(tmp_path)
    noise = random.Random(0).randbytes(3_000_000)  # does not compress: no ratio alarm
    write_zip(
        folder / "project.qdpx",
        {"project.qde": MINIMAL, "sources/a.txt": noise, "sources/b.txt": noise},
    )
    with pytest.raises(UnsafeInputError, match="would inflate to more than 5000000 bytes"):
        read_project(folder)


def test_zip_bomb_refused_by_compression_ratio(tmp_path):
    folder = study_folder(tmp_path)
    write_zip(
        folder / "project.qdpx", {"project.qde": MINIMAL, "sources/a.txt": b"\0" * 20_000_000}
    )
    with pytest.raises(UnsafeInputError, match="compresses more than 1000 to 1"):
        read_project(folder)


def _lie_about_size(data: bytes, member: str, size: int) -> bytes:
    """Rewrite the sizes an archive declares for one member (central directory
    and local header), leaving the compressed data as it is."""
    data = bytearray(data)
    name = member.encode()
    # central directory entries: signature PK\x01\x02, uncompressed size at +24
    at = data.find(b"PK\x01\x02")
    while at != -1:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46 : at + 46 + name_length]) == name:
            struct.pack_into("<I", data, at + 24, size)
            local = struct.unpack_from("<I", data, at + 42)[0]
            struct.pack_into("<I", data, local + 22, size)
        at = data.find(b"PK\x01\x02", at + 4)
    return bytes(data)


def test_zip_bomb_with_a_lying_header_stops_at_the_bound(tmp_path):
    folder = study_folder(tmp_path)
    qde, files = fb.project_xml(
        [
            fb.Src(
                "i.docx",
                "R: We walk.\n",
                [fb.Sel("We walk", ["Intervention/Walking"])],
                {"Participant": "A"},
            )
        ],
        ["Intervention/Walking"],
    )
    (name,) = files
    files[name] = b"R: We walk.\n" + b" " * 5_000_000
    write_zip(
        folder / "project.qdpx", {"project.qde": qde.encode(), f"sources/{name}": files[name]}
    )
    data = _lie_about_size((folder / "project.qdpx").read_bytes(), f"sources/{name}", 12)
    (folder / "project.qdpx").write_bytes(data)
    with pytest.raises(InputFileError) as raised:  # refused; never inflated past 12 bytes
        read_project(folder)
    assert "entry" in str(raised.value)


def test_zip_with_too_many_entries_is_refused(tmp_path):
    folder = study_folder(tmp_path)
    members = {"project.qde": MINIMAL} | {
        f"sources/{n}.txt": b"" for n in range(safe_zip.MAX_ENTRIES)
    }
    write_zip(folder / "project.qdpx", members, zipfile.ZIP_STORED)
    with pytest.raises(UnsafeInputError, match="more than 10000 entries"):
        read_project(folder)


def test_xlsx_bomb_is_refused_before_openpyxl(tmp_path, monkeypatch):
    monkeypatch.setattr(safe_zip, "MAX_ENTRIES", 20)
    path = write_zip(tmp_path / "x.xlsx", {f"xl/{n}.xml": b"<a/>" for n in range(21)})
    with pytest.raises(UnsafeInputError, match="more than 20 entries"):
        read_table(path)


def test_not_a_zip_is_a_clear_error(tmp_path):
    folder = study_folder(tmp_path)
    (folder / "project.qdpx").write_bytes(b"PK\x03\x04 but not really a zip")
    with pytest.raises(InputFileError, match="not a readable ZIP archive"):
        read_project(folder)


def test_file_larger_than_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(common, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.csv"
    path.write_text("a,b\n" + "1,2\n" * 500, encoding="utf-8")
    with pytest.raises(UnsafeInputError, match="larger than 1000 bytes"):
        common.bounded_read(path, common.MAX_FILE_BYTES)


def test_safezip_reads_members_case_insensitively(tmp_path):
    path = write_zip(tmp_path / "p.qdpx", {"project.qde": MINIMAL, "Sources/a.txt": b"hi"})
    with SafeZip(path) as archive:
        assert archive.read(archive.find("sources/a.txt")) == b"hi"


# ---------------------------------------------------------------- XML

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Project name="&lol9;"/>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE p [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Project name="x"><Sources><TextSource guid="00000000-0000-0000-0000-000000000001" name="s">
<PlainTextContent>&secret;</PlainTextContent></TextSource></Sources></Project>"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE p [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<Project name="x"/>"""


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, EXTERNAL_ENTITY, PARAMETER_ENTITY])
def test_entities_are_refused(tmp_path, payload):
    folder = study_folder(tmp_path)
    write_zip(folder / "project.qdpx", {"project.qde": payload})
    with pytest.raises(UnsafeInputError, match="entities") as raised:
        read_project(folder)
    assert "root:" not in str(raised.value)


def test_entities_refused_in_a_bare_qde_file(tmp_path):
    folder = study_folder(tmp_path, '"project.qde"')
    (folder / "project.qde").write_bytes(BILLION_LAUGHS)
    study = load_study(folder)
    with pytest.raises(UnsafeInputError):
        ingest_study(study)


def test_deep_nesting_is_refused():
    data = b"<Project>" + b"<Code>" * 500 + b"</Code>" * 500 + b"</Project>"
    with pytest.raises(UnsafeInputError, match="nested deeper than 200"):
        parse_xml(data, "deep.qde")


def test_huge_attribute_is_refused():
    data = b'<Project name="' + b"x" * (common.MAX_CELL_CHARS + 1) + b'"/>'
    with pytest.raises(UnsafeInputError, match="attribute is longer"):
        parse_xml(data, "huge.qde")


def test_huge_selection_is_listed_not_loaded(tmp_path):
    folder = study_folder(tmp_path)
    long_text = "R: " + "walk " * 5000 + "\n"
    qde, files = fb.project_xml(
        [
            fb.Src(
                "i.docx",
                long_text,
                [fb.Sel(long_text[3:-1], ["Intervention/Walking"])],
                {"Participant": "A"},
            )
        ],
        ["Intervention/Walking"],
    )
    fb.write_qdpx(folder / "project.qdpx", qde, files)
    data = ingest_study(load_study(folder))
    assert data.excerpts.empty
    assert data.rejects.reason.tolist() == ["longer than 20000 characters"]


# ---------------------------------------------------------------- tables


def test_huge_csv_field_is_refused_with_its_row(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("File,Codename,Coded\na,b,c\nd,e," + "x" * 200_000 + "\n", encoding="utf-8")
    with pytest.raises(UnsafeInputError, match=r"export.csv: row 3: a field is longer than"):
        read_table(path)


def test_huge_quoted_csv_field_is_refused(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text('File,Coded\na,"' + "y\n" * 80_000 + '"\n', encoding="utf-8")
    with pytest.raises(UnsafeInputError, match="longer than"):
        read_table(path)


def test_huge_xlsx_cell_is_refused_with_its_cell(tmp_path, monkeypatch):
    # openpyxl itself stops at Excel's 32,767 characters a cell; a lower bound shows ours
    monkeypatch.setattr(tables, "MAX_CELL_CHARS", 1000)
    path = fb.write_xlsx(tmp_path / "x.xlsx", [["File", "Coded"], ["a", "z" * 1001]])
    with pytest.raises(UnsafeInputError, match=r"cell B2: a cell is longer than 1000"):
        read_table(path)


def test_binary_file_as_csv_is_a_clear_error(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"a,b\n\x00\x01\x02,\x03\n")
    with pytest.raises(InputFileError, match="NUL characters"):
        read_table(path)


# ---------------------------------------------------------------- every parser, random bytes


PARSERS = ["qdpx", "qde", "qualcoder", "maxqda", "dedoose", "csv", "xlsx", "sav", "dta", "redcap"]


def run_parser(kind: str, folder: Path, data: bytes) -> None:
    study = load_study(folder).definition
    rejects = Rejects()
    if kind in ("qdpx", "qde"):
        path = folder / f"project.{kind}"
        path.write_bytes(data)
        read_refi(path, study, rejects)
    elif kind in ("qualcoder", "maxqda", "dedoose"):
        path = folder / "export.csv"
        path.write_bytes(data)
        read_segments(path, InputSpec(path="export.csv", format=kind), study, rejects)
    elif kind == "redcap":
        (folder / "export.csv").write_bytes(data)
        (folder / "dict.csv").write_bytes((FORMATS / "redcap_dictionary.csv").read_bytes())
        spec = InputSpec(path="export.csv", format="redcap", dictionary="dict.csv")
        read_survey_table(folder / "export.csv", spec, rejects, folder / "dict.csv")
    else:
        fmt = {"csv": "native", "xlsx": "native", "sav": "spss", "dta": "stata"}[kind]
        path = folder / f"survey.{kind}"
        path.write_bytes(data)
        read_survey_table(path, InputSpec(path=path.name, format=fmt), rejects)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(kind=st.sampled_from(PARSERS), data=st.binary(max_size=4000))
def test_every_parser_loads_or_fails_clearly_on_random_bytes(tmp_path, kind, data):
    tmp_path = fresh_dir(tmp_path)
    folder = study_folder(tmp_path)
    with contextlib.suppress(TriangulateError):
        run_parser(kind, folder, data)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kind=st.sampled_from(["qdpx", "xlsx"]),
    members=st.dictionaries(
        st.text(alphabet="abcdefgsourcesproject./\\_-", min_size=1, max_size=20),
        st.binary(max_size=300),
        max_size=5,
    ),
)
def test_random_archives_load_or_fail_clearly(tmp_path, kind, members):
    tmp_path = fresh_dir(tmp_path)
    folder = study_folder(tmp_path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with contextlib.suppress(TriangulateError):
        run_parser(kind, folder, buffer.getvalue())


def test_a_file_that_crashes_readstat_is_refused_not_fatal(tmp_path):
    """One changed byte in a .sav header makes ReadStat (under pyreadstat 1.3.7)
    crash with a segmentation fault; read in a child process, it is an error."""
    import pandas as pd
    import pyreadstat

    frame = pd.DataFrame(
        {"case_id": ["A", "B"], "wave": [1.0, 1.0], "walk_min": [1.0, 2.0], "sex": [1.0, 2.0]}
    )
    path = tmp_path / "survey.sav"
    pyreadstat.write_sav(
        frame, path, variable_value_labels={"wave": {1: "baseline"}, "sex": {1: "m"}}
    )
    data = bytearray(path.read_bytes())
    data[214] = 0x44
    path.write_bytes(bytes(data))
    with pytest.raises(InputFileError, match=r"survey.sav: not a readable SPSS file"):
        read_survey_table(path, InputSpec(path="survey.sav", format="spss"), Rejects())

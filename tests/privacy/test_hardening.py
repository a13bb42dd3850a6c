"""Issue #13, beyond names: the dossier server, formula neutralisation, native
input robustness, files only from the study folder, linear-time patterns."""

from __future__ import annotations

import http.client
import os
import threading
import time

import pytest
from conftest import EXCERPT_HEADER, TINY_STUDY, write_csv

from flows import stages
from flows.errors import StudyFileError
from flows.orchestration import servers
from flows.privacy.pseudonymise import replace_identifiers
from flows.render.exports import neutralise


@pytest.fixture
def served(tmp_path):
    out = tmp_path / "out"
    (out / "tiny").mkdir(parents=True)
    (out / "tiny" / "index.html").write_text("<p>published</p>", encoding="utf-8")
    private = out / ".triangulate-private" / "tiny" / "staging" / "r1"
    private.mkdir(parents=True)
    (private / "index.html").write_text("<p>secret</p>", encoding="utf-8")
    (out / ".tiny.cache").mkdir()
    (out / ".tiny.cache" / "x.html").write_text("<p>secret</p>", encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("secret", encoding="utf-8")
    os.symlink(secret, out / "tiny" / "link.txt")
    server = servers.make_server(out, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def get(port, path, host=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.putrequest("GET", path, skip_host=True)
    connection.putheader("Host", host or f"127.0.0.1:{port}")
    connection.endheaders()
    response = connection.getresponse()
    return response.status, response.read()


def test_dossier_server_serves_published_files_only(served):
    assert get(served, "/tiny/index.html") == (200, b"<p>published</p>")
    assert get(served, "/tiny/index.html", host=f"localhost:{served}")[0] == 200
    for path in (
        "/.triangulate-private/tiny/staging/r1/index.html",
        "/.tiny.cache/x.html",
        "/%2Etiny.cache/x.html",
        "/tiny/link.txt",
        "/tiny/../.tiny.cache/x.html",
    ):
        status, body = get(served, path)
        assert status == 404 and b"secret" not in body, path
    status, listing = get(served, "/")
    assert status == 200 and b"tiny/" in listing and b"triangulate-private" not in listing
    assert b"cache" not in listing
    assert get(served, "/tiny/index.html", host="evil.example:80")[0] == 400


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("\n=cmd", "'\n=cmd"),
        ("\r=cmd", "'\r=cmd"),
        ("\t@x", "'\t'@x"),
        ("  =x", "'  =x"),
        ("a;=cmd|x", "a;'=cmd|x"),
        ("a,+b", "a,'+b"),
        ("x\t-y", "x\t'-y"),
        ("＝1", "'＝1"),
        ("plain, text", "plain, text"),
        (12, 12),
    ],
)
def test_formula_neutralisation_per_owasp(cell, expected):
    assert neutralise(cell) == expected


@pytest.mark.parametrize(
    "text",
    [
        "a" * 20_000 + "1",
        "a." * 10_000 + "@",
        "a" * 19_000 + "@" + "b" * 900,
        "A" + "a" * 19_990 + "1",
        "1." * 10_000,
        "Abc " * 5_000 + "1",
    ],
)
def test_identifier_patterns_are_linear_on_long_excerpts(text):
    start = time.perf_counter()
    replace_identifiers(text)
    assert time.perf_counter() - start < 0.5


EXCERPT = ["E1", "I2", "A", "Intervention/Walking/Present", "", "1", "AK", "We walk."]


def test_native_inputs_honour_encoding_and_delimiter(make_study):
    toml = TINY_STUDY.replace(
        'excerpts = "excerpts.csv"',
        'excerpts = { path = "excerpts.csv", encoding = "latin-1", delimiter = ";" }',
    )
    folder = make_study([], study_toml=toml)
    rows = [EXCERPT_HEADER, [*EXCERPT[:7], "Vi går, æøå."]]
    (folder / "excerpts.csv").write_bytes(
        "\n".join(";".join(r) for r in rows).encode("latin-1") + b"\n"
    )
    data = stages.ingest(folder).data
    assert data.excerpts["text"].tolist() == ["Vi går, æøå."]


def test_native_sheet_is_honoured(make_study):
    import openpyxl

    toml = TINY_STUDY.replace(
        'excerpts = "excerpts.csv"', 'excerpts = { path = "excerpts.xlsx", sheet = "coded" }'
    )
    folder = make_study([], study_toml=toml)
    book = openpyxl.Workbook()
    book.active.title = "notes"
    book.active.append(["nothing", "here"])
    sheet = book.create_sheet("coded")
    sheet.append(EXCERPT_HEADER)
    sheet.append(EXCERPT)
    book.save(folder / "excerpts.xlsx")
    assert stages.ingest(folder).data.excerpts["excerpt_id"].tolist() == ["E1"]
    book["coded"].title = "other"
    book.save(folder / "excerpts.xlsx")
    with pytest.raises(Exception, match="no sheet named 'coded'"):
        stages.ingest(folder)


def test_control_characters_and_extra_cells_are_rejects(make_study):
    folder = make_study(
        [
            [*EXCERPT[:7], "We\x00walk."],
            ["E2", *EXCERPT[1:7], "We\x1bwalk."],
            ["E3", *EXCERPT[1:], "extra"],
            ["E4", *EXCERPT[1:]],
        ]
    )
    data = stages.ingest(folder).data
    assert data.excerpts["excerpt_id"].tolist() == ["E4"]
    reasons = data.rejects.set_index("row")["reason"].to_dict()
    assert "control character U+0000" in reasons["2"]
    assert "control character U+001B" in reasons["3"]
    assert "more cells than the header" in reasons["4"]


def test_input_files_only_from_the_study_folder(make_study, tmp_path):
    folder = make_study([EXCERPT])
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    write_csv(outside / "survey.csv", [["case_id", "wave", "walk_min", "sit_hours", "sex"]])
    toml = folder / "study.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace('survey = "survey.csv"', 'survey = "../elsewhere/survey.csv"'))
    with pytest.raises(StudyFileError, match="inputs.survey: the file is outside the study folder"):
        stages.ingest(folder)
    (folder / "survey.csv").unlink()
    os.symlink(outside / "survey.csv", folder / "survey.csv")
    toml.write_text(text)
    with pytest.raises(StudyFileError, match="outside the study folder"):
        stages.ingest(folder)
    toml.write_text(text + '\n[privacy]\nallow_files_from = ["../elsewhere"]\n')
    assert stages.ingest(folder).data.excerpts["excerpt_id"].tolist() == ["E1"]

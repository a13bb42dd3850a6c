"""What the leak audit reads from each file it meets, and which files and
tables it may skip: small files written here, exact segments and places
expected (the planted name "Anne" has no other name part, so only the roster
search decides)."""

from __future__ import annotations

import zipfile

import duckdb
from tests_support import minimal_pdf

from flows import warehouse
from flows.privacy import audit

ROSTER = [("P1", "peer", ["Anne"])]


def test_pdf_text_is_read_page_by_page(tmp_path):
    path = tmp_path / "case.pdf"
    path.write_bytes(minimal_pdf("Notes on the walks", "Notes from Anne"))
    assert audit.file_segments(path) == [
        ("page 1", "Notes on the walks"),
        ("page 2", "Notes from Anne"),
    ]
    assert audit.audit(tmp_path, ROSTER) == [{"where": "case.pdf", "at": "page 2"}]


def test_a_page_is_read_as_a_reader_sees_it(tmp_path):
    """Entities decoded, comments and styles not read: a name written as an
    entity is found, a name in a comment or a style is not (nobody sees it)."""
    path = tmp_path / "index.html"
    path.write_text("<style>.anne{}</style><!-- anne -->\n<p>A&#110;ne</p>", encoding="utf-8")
    assert audit.file_segments(path) == [("line 2", "Anne")]
    assert audit.file_text(path) == "Anne"
    assert audit.audit(tmp_path, ROSTER) == [{"where": "index.html", "at": "line 2"}]


def test_file_text_joins_the_segments_by_line_breaks(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("a,Anne\r\nBo,\r\n", encoding="utf-8")
    assert audit.file_text(path) == "a\nAnne\nBo"


def test_json_is_read_by_path_and_other_text_files_by_line(tmp_path):
    """A JSON file by key and value path; a log or Markdown line that happens to
    be JSON is still a line; a broken JSON file is read by line."""
    (tmp_path / "manifest.json").write_text('{"run": {"by": "Anne"}}', encoding="utf-8")
    (tmp_path / "run.log").write_text('start\n{"by": "Anne"}\n', encoding="utf-8")
    (tmp_path / "broken.json").write_text('{"by": "Anne"\n', encoding="utf-8")
    assert audit.file_segments(tmp_path / "manifest.json") == [
        ("$ (key)", "run"),
        ("$.run (key)", "by"),
        ("$.run.by", "Anne"),
    ]
    assert audit.file_segments(tmp_path / "run.log")[1] == ("line 2", '{"by": "Anne"}')
    assert audit.audit(tmp_path, ROSTER) == [
        {"where": "broken.json", "at": "line 1"},
        {"where": "manifest.json", "at": "$.run.by"},
        {"where": "run.log", "at": "line 2"},
    ]


def test_bytes_that_are_not_utf8_do_not_stop_the_audit(tmp_path):
    """A stray Latin-1 byte is read as a replacement character; the name on the
    next line is still found."""
    (tmp_path / "notes.md").write_bytes(b"caf\xe9\nsaid Anne\n")
    assert audit.file_segments(tmp_path / "notes.md")[:2] == [
        ("line 1", "caf\ufffd"),
        ("line 2", "said Anne"),
    ]
    assert audit.audit(tmp_path, ROSTER) == [{"where": "notes.md", "at": "line 2"}]


def test_a_csv_cell_keeps_its_line_breaks(tmp_path):
    """A quoted cell holding a CRLF or a lone CR is one cell, read as written."""
    text = '"Anne\r\nBerg",x\r\n"a\rb",y\r\n'
    assert audit.csv_segments(text) == [
        ("row 1 column A", "Anne\r\nBerg"),
        ("row 1 column B", "x"),
        ("row 2 column A", "a\rb"),
        ("row 2 column B", "y"),
    ]


def _pages(folder, names):
    for name, text in names.items():
        (folder / name).write_text(text, encoding="utf-8")
    return {name: audit.sha256_file(folder / name) for name in names}


def test_known_clean_skips_pages_and_exports_given_by_digest_and_nothing_else(tmp_path):
    """Every file names Anne. A page and an export whose digests are vouched for
    are skipped (the files after them are still read); a JSON file, a log and a
    Markdown file are always read, whatever digests are given."""
    digests = _pages(
        tmp_path,
        {
            "a.html": "<p>Anne</p>",
            "b.csv": "Anne",
            "c.json": '"Anne"',
            "d.log": "Anne",
            "e.md": "Anne",
            "z.html": "<p>Anne, again</p>",
        },
    )
    every = [{"where": n, "at": at} for n, at in [
        ("a.html", "line 1"), ("b.csv", "row 1 column A"), ("c.json", "$"),
        ("d.log", "line 1"), ("e.md", "line 1"), ("z.html", "line 1"),
    ]]  # fmt: skip
    assert audit.audit(tmp_path, ROSTER) == every
    assert audit.audit(tmp_path, ROSTER, known_clean=list(digests.values())) == [
        every[2],
        every[3],
        every[4],
    ]
    assert audit.audit(tmp_path, ROSTER, known_clean=[digests["a.html"]]) == every[1:]


def _database(folder):
    with duckdb.connect(str(folder / warehouse.DB_NAME)) as con:
        con.execute("create table notes (text varchar)")
        con.execute("insert into notes values ('said Anne')")
        con.execute("create table other (text varchar)")
        con.execute("insert into other values ('Anne again')")


def test_tables_audited_as_they_were_added_are_skipped(tmp_path):
    _database(tmp_path)
    assert [h["where"] for h in audit.audit(tmp_path, ROSTER)] == [
        "triangulate.duckdb:notes.text",
        "triangulate.duckdb:other.text",
    ]
    assert audit.audit(tmp_path, ROSTER, skip_tables=["notes"]) == [
        {"where": "triangulate.duckdb:other.text", "at": ""}
    ]


def test_the_database_is_audited_read_only(tmp_path):
    """The audit opens the warehouse read-only: it works beside another
    read-only reader of the same file (a read-write open would be refused)."""
    _database(tmp_path)
    screen = audit.NameScreen(("Anne",))
    with duckdb.connect(str(tmp_path / warehouse.DB_NAME), read_only=True):
        hits = audit.audit_database(tmp_path / warehouse.DB_NAME, screen)
    assert [h["where"] for h in hits] == [
        "triangulate.duckdb:notes.text",
        "triangulate.duckdb:other.text",
    ]


def test_number_columns_are_not_read_for_numeric_identifiers():
    """A listed identifier may be a number (a room "7"): in a text column it is
    found, but a count of 7 in an INTEGER, DECIMAL or DOUBLE column is not a room."""
    con = duckdb.connect()
    con.execute("create table t (n integer, d decimal(5, 2), f double, s varchar)")
    con.execute("insert into t values (7, 7, 7, 'x'), (8, 8, 8, 'room 7')")
    screen = audit.NameScreen(("7",))
    assert audit.audit_tables(con, ["t"], screen) == [{"where": "triangulate.duckdb:t.s", "at": ""}]


def test_an_office_part_with_a_stray_byte_is_still_read(tmp_path):
    """A byte that is not UTF-8 in a sheet becomes a replacement character;
    the cells around it are read and the name found."""
    path = tmp_path / "book.xlsx"
    sheet = (
        b'<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>caf\xe9</t></is></c>'
        b'<c r="B1" t="inlineStr"><is><t>Anne</t></is></c></row></sheetData></worksheet>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    assert audit.xlsx_segments(path) == [
        ("sheet1.xml cell A1", "caf\ufffd"),
        ("sheet1.xml cell B1", "Anne"),
    ]
    assert audit.audit(tmp_path, ROSTER) == [{"where": "book.xlsx", "at": "sheet1.xml cell B1"}]


def test_a_cells_rich_text_runs_are_read_as_one_text(tmp_path):
    """An inline-string cell written in two runs ("Hen" bold, "rik" plain) shows
    "Henrik": the runs are joined as they are shown, and the name found there."""
    path = tmp_path / "book.xlsx"
    sheet = (
        '<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is>'
        "<r><rPr><b/></rPr><t>Hen</t></r><r><t>rik</t></r></is></c></row></sheetData></worksheet>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    assert audit.xlsx_segments(path) == [("sheet1.xml cell A1", "Henrik")]
    roster = [("P1", "peer", ["Henrik"])]
    assert audit.audit(tmp_path, roster) == [{"where": "book.xlsx", "at": "sheet1.xml cell A1"}]

"""What the leak audit reads out of each output kind, segment by segment:
exact lists worked out from the files written here, so that a change in what
is read, or in the place reported, shows."""

import zipfile

import duckdb

from flows.privacy import audit, output_text

CORE = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<cp:coreProperties xmlns:cp="c" xmlns:dc="d"><dc:creator>Mette</dc:creator>'
    "<dc:title> </dc:title></cp:coreProperties>"
)
APP = '<?xml version="1.0"?><Properties><Company>Acme &amp; Co</Company></Properties>'
SHARED = (
    '<sst count="2"><si><t>Plain</t></si>'
    '<si><r><t xml:space="preserve">Hen</t></r><r><t>rik &amp; co</t></r></si></sst>'
)
SHEET = (
    '<worksheet><sheetData><row r="1">'
    '<c r="A1" t="s"><v>0</v></c>'
    '<c r="B1" t="inlineStr"><is><t>Anna &amp; Bo</t></is></c>'
    '<c t="str"><v>no reference</v></c>'
    '<x:c r="C1"><x:v>5</x:v></x:c>'
    "</row></sheetData></worksheet>"
)


def _office_file(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", SHEET)
        archive.writestr("xl/sharedStrings.xml", SHARED)
        archive.writestr("docProps/core.xml", CORE)
        archive.writestr("docProps/app.xml", APP)
        # never read: styles and themes name fonts (script="Hans"), rels are links
        archive.writestr("xl/styles.xml", '<font name="Hans"/>')
        archive.writestr("xl/theme/theme1.xml", '<font script="Hans" typeface="Finn"/>')
        archive.writestr("xl/worksheets/_rels/sheet1.xml.rels", "<r>Hans</r>")
    return path


def test_xlsx_segments_are_cell_texts_shared_strings_and_properties(tmp_path):
    """Parts in name order (docProps/app, docProps/core, xl/sharedStrings,
    xl/worksheets/sheet1); property text between tags, entities decoded, blank
    text dropped; a shared string's rich-text runs joined; a cell's <t>/<v> text
    under its reference, `?` without one, a namespace prefix allowed."""
    segments = audit.xlsx_segments(_office_file(tmp_path / "book.xlsx"))
    assert segments == [
        ("docProps/app.xml", "Acme & Co"),
        ("docProps/core.xml", "Mette"),
        ("shared string 0", "Plain"),
        ("shared string 1", "Henrik & co"),
        ("sheet1.xml cell A1", "0"),
        ("sheet1.xml cell B1", "Anna & Bo"),
        ("sheet1.xml cell ?", "no reference"),
        ("sheet1.xml cell C1", "5"),
    ]


def test_only_content_parts_are_read():
    assert output_text.holds_content("xl/sharedStrings.xml")
    assert output_text.holds_content("docProps/core.xml")
    assert output_text.holds_content("docProps/app.xml")
    assert output_text.holds_content("xl/worksheets/sheet2.xml")
    assert not output_text.holds_content("xl/worksheets/_rels/sheet1.xml.rels")
    assert not output_text.holds_content("xl/styles.xml")
    assert not output_text.holds_content("xl/theme/theme1.xml")
    assert not output_text.holds_content("docProps/custom.xml")
    assert not output_text.holds_content("worksheets/sheet1.xml")


def test_a_name_in_a_split_shared_string_is_found_at_its_place(tmp_path):
    screen = audit.NameScreen(("Henrik",))
    segments = audit.xlsx_segments(_office_file(tmp_path / "book.xlsx"))
    assert screen.hits(segments) == ["shared string 1"]


def test_json_segments_name_keys_and_values_by_path():
    """Keys are segments too (a name can be a key); None is no text; numbers
    and booleans are read as text; list items by index."""
    value = {"run": {"cases": [1, None, "Mette"], "ok": True}, "Finn": "x"}
    assert audit.json_segments(value) == [
        ("$ (key)", "run"),
        ("$.run (key)", "cases"),
        ("$.run.cases[0]", "1"),
        ("$.run.cases[2]", "Mette"),
        ("$.run (key)", "ok"),
        ("$.run.ok", "True"),
        ("$ (key)", "Finn"),
        ("$.Finn", "x"),
    ]
    assert audit.json_segments(None) == []
    assert audit.json_segments("Mette", "$.title") == [("$.title", "Mette")]


def test_csv_segments_name_row_and_column_and_skip_empty_cells():
    text = 'a,b\r\n,"Mette, Finn"\r\nx,\r\n'
    assert audit.csv_segments(text) == [
        ("row 1 column A", "a"),
        ("row 1 column B", "b"),
        ("row 2 column B", "Mette, Finn"),
        ("row 3 column A", "x"),
    ]


def test_audit_tables_reads_text_columns_only_and_names_the_table():
    """A name in a VARCHAR column is found; the same digits in INTEGER,
    DECIMAL or BOOLEAN columns cannot be a name and are not read; a temp table
    is named without its schema."""
    con = duckdb.connect()
    con.execute(
        "create table people (note varchar, n integer, d decimal(5, 2), b boolean, j varchar)"
    )
    con.execute(
        "insert into people values ('met Mette', 7, 1.5, true, null), ('x', 8, 2, false, 'y')"
    )
    con.execute("create temp table changed (label varchar)")
    con.execute("insert into changed values ('Finn was here')")
    screen = audit.NameScreen(("Mette", "Finn"))
    hits = audit.audit_tables(con, ["people", "temp.changed"], screen)
    assert hits == [
        {"where": "triangulate.duckdb:people.note", "at": ""},
        {"where": "triangulate.duckdb:changed.label", "at": ""},
    ]
    assert audit.audit_tables(con, ["people"], audit.NameScreen(("Nobody",))) == []


def test_audit_tables_reads_a_large_set_of_texts_once_per_call(monkeypatch):
    """A column holding exactly the texts of a column found clean before (the
    excerpt texts of raw_excerpts again in stg_excerpts) is not searched again;
    a column of other texts is, and a name there is found (decision 0240)."""
    monkeypatch.setattr(audit, "SCREENED_ONCE", 3)
    con = duckdb.connect()
    texts = [f"excerpt {i}" for i in range(5)]
    for table in ("raw", "staged"):
        con.execute(f"create table {table} (text varchar)")
        con.executemany(f"insert into {table} values (?)", [[t] for t in texts])
    con.execute("create table other (text varchar)")
    con.executemany("insert into other values (?)", [[t] for t in [*texts, "met Mette"]])
    screen = audit.NameScreen(("Mette",))
    read: list[int] = []  # the cell searches (a column's name is searched alone)
    hits = screen.hits

    def counted(segments):
        segments = list(segments)
        if len(segments) > 1:
            read.append(len(segments))
        return hits(segments)

    monkeypatch.setattr(screen, "hits", counted)
    found = audit.audit_tables(con, ["raw", "staged", "other"], screen)
    assert read == [5, 6]
    assert found == [{"where": "triangulate.duckdb:other.text", "at": ""}]
    read.clear()  # a hit is never taken as clean: the same texts again are searched again
    assert len(audit.audit_tables(con, ["other", "other"], screen)) == 2
    assert read == [6, 6]

"""The REFI-QDA reader's own output, element by element, on small projects
written by hand (REFI-QDA 1.5 Project.xsd): every source, coding and reject
`read_refi` builds, with the line of the element each reject names; the
archive and the files around it; each clear error. Pure reader calls, no
ingest (tests/test_readers_refi.py covers the mapping onto the study)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from tests_support import format_builders

from flows.errors import InputFileError
from flows.readers.common import Rejects
from flows.readers.qda import QdaProject
from flows.readers.refi import read_refi
from flows.readers.refi.project_xml import _typed_value
from flows.study import load_study

fb = format_builders()

HENRIK = "R: We walk every Tuesday.\nR: I am tired.\n"
NURSE = "I: Peers?\nR: Henrik walks with his supporter.\nR: Karen is tired.\n"


def span(text: str, quote: str) -> str:
    start = text.index(quote)
    return f'startPosition="{start}" endPosition="{start + len(quote)}"'


PROJECT = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="P" origin="QualCoder 3.5">
<Users>
<User guid="u1" name="Coder A"/>
<User guid="u2" id="cb"/>
</Users>
<CodeBook><Codes>
<Code guid="c-int" name="Intervention" isCodable="false">
<Code guid="c-walk" name=" Walking " isCodable="true">
<Code guid="c-present" name="Present" isCodable="true"/>
</Code>
</Code>
<Code guid="c-ctx" name="Context" isCodable="false">
<Code guid="c-energy" name="Energy" isCodable="true"/>
<Code guid="" name="Nameless guid"/>
<Code guid="c-energy" name="Energy again"/>
</Code>
</Codes></CodeBook>
<Variables>
<Variable guid="v-part" name="Participant" typeOfVariable="Text"/>
<Variable guid="v-age" name="Age" typeOfVariable="Integer"/>
<Variable guid="v-cons" name="Consented" typeOfVariable="Boolean"/>
<Variable guid="v-w" name="Weight" typeOfVariable="Float"/>
<Variable guid="v-d" name="Interviewed" typeOfVariable="Date"/>
<Variable guid="v-dt" name="Started" typeOfVariable="DateTime"/>
<Variable guid="v-group" name="Walking group"/>
<Variable guid="v-bad" name="Colour" typeOfVariable="Colour"/>
<Variable guid="v-age" name="Age again" typeOfVariable="Text"/>
<Variable name="No guid" typeOfVariable="Text"/>
</Variables>
<Cases>
<Case guid="k-a" name="A">
<VariableValue><VariableRef targetGUID="v-group"/><TextValue>Lakeside</TextValue></VariableValue>
<VariableValue><VariableRef targetGUID="v-age"/><IntegerValue>61</IntegerValue></VariableValue>
<SourceRef targetGUID="s-henrik"/>
</Case>
<Case guid="k-b" name="B">
<SourceRef targetGUID="s-missing"/>
<SelectionRef targetGUID="sel-n2"/>
<SelectionRef targetGUID="sel-missing"/>
</Case>
<Case guid="k-a" name="A twice"/>
<Case guid="k-unnamed">
<VariableValue><VariableRef targetGUID="v-part"/><TextValue>N</TextValue></VariableValue>
<SourceRef targetGUID="s-nurse"/>
</Case>
<Case guid="k-unnamed2"><SourceRef targetGUID="s-henrik"/><SourceRef targetGUID="s-nurse"/></Case>
</Cases>
<Sources>
<TextSource guid="s-henrik" name="Interview Henrik.docx" plainTextPath="internal://henrik.txt">
<PlainTextSelection guid="sel-h1" {span(HENRIK, "We walk")} creatingUser="u1">
<Coding guid="cod-h1" creatingUser="u2"><CodeRef targetGUID="c-present"/></Coding>
<Coding guid="cod-h1b"><CodeRef targetGUID="c-energy"/><NoteRef targetGUID="note-2"/></Coding>
</PlainTextSelection>
<PlainTextSelection guid="sel-h2" startPosition="0" endPosition="2"/>
<PlainTextSelection guid="sel-h1" startPosition="0" endPosition="2">
<Coding guid="cod-dup-sel"><CodeRef targetGUID="c-energy"/></Coding>
</PlainTextSelection>
<PlainTextSelection guid="sel-h3" startPosition="x" endPosition="2">
<Coding guid="cod-h3"><CodeRef targetGUID="c-energy"/></Coding>
</PlainTextSelection>
<PlainTextSelection guid="sel-h4" startPosition="30" endPosition="20">
<Coding guid="cod-h4"><CodeRef targetGUID="c-energy"/></Coding>
</PlainTextSelection>
<PlainTextSelection guid="sel-h5" startPosition="0" endPosition="999">
<Coding guid="cod-h5"><CodeRef targetGUID="c-energy"/></Coding>
</PlainTextSelection>
<PlainTextSelection guid="sel-h6" startPosition="999" endPosition="999">
<Coding guid="cod-h6"><CodeRef targetGUID="c-energy"/></Coding>
</PlainTextSelection>
<Coding guid="cod-whole" creatingUser="u1"><CodeRef targetGUID="c-walk"/></Coding>
<VariableValue><VariableRef targetGUID="v-part"/><TextValue> A </TextValue></VariableValue>
<VariableValue><VariableRef targetGUID="v-age"/><IntegerValue>sixty</IntegerValue></VariableValue>
<VariableValue><VariableRef targetGUID="v-cons"/><BooleanValue>1</BooleanValue></VariableValue>
<VariableValue><VariableRef targetGUID="v-w"/><FloatValue>72.50</FloatValue></VariableValue>
<VariableValue><VariableRef targetGUID="v-d"/></VariableValue>
<VariableValue><VariableRef targetGUID="v-dt"/><TextValue>2024-03-01T10:00:00Z</TextValue></VariableValue>
<VariableValue><VariableRef targetGUID="v-gone"/><TextValue>x</TextValue></VariableValue>
<VariableValue><VariableRef targetGUID="v-cons"/><IntegerValue>1</IntegerValue></VariableValue>
</TextSource>
<TextSource guid="s-nurse" name="Nurse.docx">
<PlainTextContent>{NURSE}</PlainTextContent>
<PlainTextSelection guid="sel-n1" {span(NURSE, "Henrik walks")} creatingUser="u1">
<Coding guid="cod-n1"><CodeRef targetGUID="c-energy"/></Coding>
<Coding guid="cod-n1c"><CodeRef targetGUID="k-a"/></Coding>
<NoteRef targetGUID="note-1"/>
</PlainTextSelection>
<PlainTextSelection guid="sel-n2" {span(NURSE, "Karen is tired")} creatingUser="u9">
<Coding guid="cod-h1"><CodeRef targetGUID="c-walk"/></Coding>
<Coding guid="cod-n2"><CodeRef targetGUID="c-walk"/></Coding>
</PlainTextSelection>
<VariableValue><VariableRef targetGUID="v-d"/><DateValue>2024-03-01</DateValue></VariableValue>
</TextSource>
<TextSource guid="s-henrik" name="Copy">
<PlainTextSelection guid="sel-c1" startPosition="0" endPosition="2"/>
</TextSource>
<PictureSource guid="p1">
<PictureSelection guid="ps1"><Coding guid="pc1"/><Coding guid="pc2"/></PictureSelection>
</PictureSource>
<Whatever guid="w1"/>
<TextSource guid="s-rich" richTextPath="internal://r.docx">
<PlainTextSelection guid="sel-r1" startPosition="0" endPosition="3">
<Coding guid="cod-r1"><CodeRef targetGUID="c-walk"/></Coding>
</PlainTextSelection>
<Coding guid="cod-r2"><CodeRef targetGUID="c-walk"/></Coding>
</TextSource>
</Sources>
<Notes>
<Note guid="note-1"><PlainTextContent>Ask about winter.\r\n</PlainTextContent></Note>
<Note guid="note-2" plainTextPath="internal://note2.txt"/>
<Note guid="note-3"><PlainTextContent>Linked note.</PlainTextContent></Note>
<Note guid="note-4" plainTextPath="internal://latin1.txt"/>
<Note guid="note-5" plainTextPath="internal://gone.txt"/>
</Notes>
<Links>
<Link originGUID="note-3" targetGUID="sel-n2"/>
<Link originGUID="sel-h1" targetGUID="note-3"/>
<Link originGUID="sel-n1" targetGUID="nobody"/>
</Links>
</Project>
"""
FILES = {
    "henrik.txt": b"\xef\xbb\xbf" + HENRIK.encode(),
    "note2.txt": b"Second note. \r\n",
    "latin1.txt": "Søren".encode("latin-1"),
}


def line(text: str, marker: str, nth: int = 1) -> str:
    """The 1-based line of the `nth` line of `text` holding `marker`."""
    lines = [n for n, row in enumerate(text.splitlines(), 1) if marker in row]
    return str(lines[nth - 1])


def definition(folder: Path, qda: str = 'person = { from = "variable", name = "Participant" }'):
    """The tiny QDA study around `folder`/project.qdpx (written before)."""
    (folder / "study.toml").write_text(
        fb.QDA_STUDY.format(excerpts='"project.qdpx"', qda=qda), encoding="utf-8"
    )
    fb.write_csv(folder / "roster.csv", fb.QDA_ROSTER)
    fb.write_csv(folder / "survey.csv", [["case_id", "wave", "walk_min", "sex"]])
    return load_study(folder).definition


def read(folder: Path, qde: str, files: dict[str, bytes], **options):
    fb.write_qdpx(folder / "project.qdpx", qde, files)
    rejects = Rejects()
    project = read_refi(folder / "project.qdpx", definition(folder, **options), rejects)
    return project, [(r["row"], r["element"], r["reason"]) for r in rejects.rows]


def sources(project: QdaProject) -> dict[str, tuple]:
    return {
        k: (s.name, s.row, s.element, s.variables, s.cases, s.codes, s.problem)
        for k, s in project.sources.items()
    }


def codings(project: QdaProject) -> list[tuple]:
    return [
        (c.ref, c.element, c.source_key, c.code, c.coder, c.position, c.text, c.order)
        + (c.cases, c.selection_codes, c.notes, c.structural)
        for c in project.codings
    ]


def test_every_element_read_or_listed(tmp_path):
    """One project with every kind of element the reader reads, and a bad one
    of each kind beside it."""
    project, rejects = read(tmp_path, PROJECT, FILES)
    at = lambda marker, nth=1: line(PROJECT, marker, nth)  # noqa: E731
    henrik_vars = {
        "Walking group": "Lakeside",  # from case A, which holds the whole source
        "Age": "61",  # the source's own "sixty" is refused: the case's stays
        "Participant": "A",
        "Consented": "true",
        "Weight": "72.50",
        "Interviewed": "",
        "Started": "2024-03-01T10:00:00+00:00",
    }
    rich_problem = "text source has only a rich-text file, no plain text; skipped"
    assert sources(project) == {
        "s-henrik": ("Interview Henrik.docx", at('TextSource guid="s-henrik" name="Int'))
        + ("TextSource <withheld: not a GUID>", henrik_vars, ["A"], ["Intervention/Walking"], None),
        "s-nurse": ("Nurse.docx", at('guid="s-nurse" name'), "TextSource <withheld: not a GUID>")
        + ({"Participant": "N", "Interviewed": "2024-03-01"}, [], [], None),
        "s-rich": (
            "s-rich",
            at('guid="s-rich"'),
            "TextSource <withheld: not a GUID>",
            {},
            [],
            ["Intervention/Walking"],
        )
        + (rich_problem,),
    }
    assert project.case_variables == {"A": {"Walking group": "Lakeside", "Age": "61"}, "B": {}}
    walk, present, energy = "Intervention/Walking", "Intervention/Walking/Present", "Context/Energy"
    h1 = HENRIK.index("We walk")
    n1, n2 = NURSE.index("Henrik walks"), NURSE.index("Karen is tired")
    h1_notes = ["Second note.", "Linked note."]  # a coding's NoteRef, then a Link
    assert codings(project) == [
        (
            at('"cod-h1" creatingUser'),
            "PlainTextSelection <withheld: not a GUID>",
            "s-henrik",
            present,
            "cb",
        )
        + (1, "We walk", (h1, h1 + 7, present, "cod-h1"), [], [present, energy], h1_notes, False),
        (
            at('"cod-h1b"'),
            "PlainTextSelection <withheld: not a GUID>",
            "s-henrik",
            energy,
            "Coder A",
            1,
        )
        + ("We walk", (h1, h1 + 7, energy, "cod-h1b"), [], [present, energy], h1_notes, False),
        (
            at('"cod-whole"'),
            "TextSource <withheld: not a GUID>/Coding",
            "s-henrik",
            walk,
            "Coder A",
            1,
        )
        + (HENRIK.strip(), (0, len(HENRIK), walk, "cod-whole"), [], [walk], [], False),
        (
            at('"cod-n1"'),
            "PlainTextSelection <withheld: not a GUID>",
            "s-nurse",
            energy,
            "Coder A",
            2,
        )
        + ("Henrik walks", (n1, n1 + 12, energy, "cod-n1"), ["A"], [energy])
        + (["Ask about winter."], False),
        (
            at('"cod-n1c"'),
            "PlainTextSelection <withheld: not a GUID>",
            "s-nurse",
            None,
            "Coder A",
            2,
        )
        + ("Henrik walks", (n1, n1 + 12, "", "cod-n1c"), ["A"], [energy])
        + (["Ask about winter."], True),
        (at('"cod-n2"'), "PlainTextSelection <withheld: not a GUID>", "s-nurse", walk, "", 3)
        + ("Karen is tired", (n2, n2 + 14, walk, "cod-n2"), ["B"], [walk], ["Linked note."])
        + (False,),
    ]
    values = "TextSource <withheld: not a GUID>/VariableValue"
    out_of_range = (
        "selection positions are out of range or inside a character when counted as "
        "code-points; not imported"
    )
    assert rejects == [
        (at('name="Nameless guid"'), "Code", "code without guid or name; ignored"),
        (
            at('"Energy again"'),
            "Code <withheld: not a GUID>",
            "duplicate code guid; the later code is ignored",
        ),
        (at('"Colour"'), "Variable <withheld: not a GUID>", "unknown typeOfVariable; ignored"),
        (at('"Age again"'), "Variable <withheld: not a GUID>", "duplicate variable guid; ignored"),
        (at('"No guid"'), "Variable", "variable without guid or name; ignored"),
        # a note whose text file is not UTF-8 is listed, not dropped silently
        (at('"note-4"'), "Note <withheld: not a GUID>")
        + ("its text file is not UTF-8 text; ignored",),
        (
            at('"note-5"'),
            "Note <withheld: not a GUID>",
            "its text file is not in the project; ignored",
        ),
        (
            at('"A twice"'),
            "Case <withheld: not a GUID>",
            "case without guid or with a duplicate guid; ignored",
        ),
        (at('"k-unnamed2"'), "Case <withheld: not a GUID>", "unnamed case; ignored"),
        (at(">sixty<"), values, "not a valid Integer value; ignored"),
        (at('"v-gone"'), values, "unknown variable reference"),
        (at("<IntegerValue>1<"), values, "not a valid Boolean value; ignored"),
        (at('"sel-h1" startPosition="0"'), "PlainTextSelection <withheld: not a GUID>")
        + ("selection without guid or with a duplicate guid; ignored (1 codings)",),
        (at('"sel-h3"'), "PlainTextSelection <withheld: not a GUID>")
        + ("startPosition or endPosition missing or not a whole number (1 codings)",),
        (at('name="Copy"'), "TextSource <withheld: not a GUID>")
        + ("source without guid or with a duplicate guid; skipped (0 codings)",),
        (
            at('"p1"'),
            "PictureSource <withheld: not a GUID>",
            "non-text source skipped (2 codings not imported)",
        ),
        (at('"w1"'), "Whatever", "unknown kind of source; skipped"),
        (
            at('"s-missing"'),
            "Case <withheld: not a GUID>/SourceRef",
            "unknown source reference; ignored",
        ),
        (
            at('"sel-missing"'),
            "Case <withheld: not a GUID>/SelectionRef",
            "unknown selection reference; ignored",
        ),
        (at('"sel-h2"'), "PlainTextSelection <withheld: not a GUID>")
        + ("selection carries no coding; nothing to import",),
        (at('"cod-h4"'), "PlainTextSelection <withheld: not a GUID>")
        + ("selection positions are negative or reversed",),
        (at('"cod-h5"'), "PlainTextSelection <withheld: not a GUID>", out_of_range),
        (at('"cod-h6"'), "PlainTextSelection <withheld: not a GUID>", out_of_range),
        (
            at('"cod-h1"', 2),
            "PlainTextSelection <withheld: not a GUID>",
            "duplicate coding guid; ignored",
        ),
        (at('"cod-r1"'), "PlainTextSelection <withheld: not a GUID>", rich_problem),
        (at('"cod-r2"'), "TextSource <withheld: not a GUID>/Coding", rich_problem),
    ]
    # 2 + 1 + 1 + 1 + 1 + 1 + 1 (Henrik), 4 (nurse), 2 (picture), 2 (rich)
    assert (project.read_codings, project.read_sources, project.skipped_sources) == (16, 6, 1)
    assert project.codebook == ["Intervention", walk, present, "Context", energy]
    assert project.scheme == "code-points"
    assert project.scheme_evidence.startswith(
        "detected code-points; origin 'QualCoder 3.5' suggests code-points; "
    )


@pytest.mark.parametrize(
    ("kind", "text", "value"),
    [
        ("Text", " free text ", "free text"),
        ("Text", "  ", ""),
        ("Boolean", "TRUE", "true"),
        ("Boolean", "0", "false"),
        ("Boolean", "False", "false"),
        ("Boolean", "yes", None),
        ("Integer", " 007 ", "7"),
        ("Integer", "1.5", None),
        ("Float", "1.50", "1.50"),
        ("Float", "-2e3", "-2E+3"),
        ("Float", "NaN", None),
        ("Float", "inf", None),
        ("Float", "heavy", None),
        ("Date", "2024-03-01", "2024-03-01"),
        ("Date", "01/03/2024", None),
        ("DateTime", "2024-03-01T10:00:00Z", "2024-03-01T10:00:00+00:00"),
        ("DateTime", "2024-03-01 10:00", "2024-03-01T10:00:00"),
        ("DateTime", "noon", None),
    ],
)
def test_typed_values(kind, text, value):
    assert _typed_value(kind, text) == value


# ---------------------------------------------------------------- the container


def small_project(path_attr: str = 'plainTextPath="internal://t.txt"', base: str = "") -> str:
    base_attr = f' basePath="{base}"' if base else ""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project name="P" origin="QualCoder 3.5"{base_attr}>
<CodeBook><Codes><Code guid="c1" name="Context"><Code guid="c2" name="Energy"/></Code></Codes></CodeBook>
<Sources>
<TextSource guid="s1" name="A.docx" {path_attr}>
<PlainTextSelection guid="x1" startPosition="3" endPosition="8">
<Coding guid="k1"><CodeRef targetGUID="c2"/></Coding>
</PlainTextSelection>
</TextSource>
</Sources>
</Project>
"""


def texts(project: QdaProject) -> list[str]:
    return [c.text for c in project.codings]


def test_project_in_a_folder_of_the_archive_with_its_sources(tmp_path):
    archive = tmp_path / "project.qdpx"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("__MACOSX/._project.qde", b"junk")
        zipped.writestr("deep/er/other.qde", b"<Project/>")
        zipped.writestr("Export/project.qde", small_project())
        zipped.writestr("Export/Sources/t.txt", "R: tired.\n")
        zipped.writestr("sources/t.txt", "R: other text\n")
    project = read_refi(archive, definition(tmp_path), Rejects())
    assert texts(project) == ["tired"]


@pytest.mark.parametrize(
    ("members", "problem"),
    [
        ({"sources/t.txt": "x"}, "no .qde project file in the archive (expected exactly one)"),
        (
            {"a.qde": "<Project/>", "b/b.QDE": "<Project/>"},
            "several .qde project files in the archive (expected exactly one)",
        ),
    ],
)
def test_archive_needs_exactly_one_project(tmp_path, members, problem):
    archive = tmp_path / "project.qdpx"
    with zipfile.ZipFile(archive, "w") as zipped:
        for name, data in members.items():
            zipped.writestr(name, data)
    study = definition(tmp_path)
    with pytest.raises(InputFileError) as raised:
        read_refi(archive, study, Rejects(), label="the project")
    assert str(raised.value) == f"the project: {problem}"


def test_root_element_must_be_project(tmp_path):
    fb.write_qdpx(tmp_path / "project.qdpx", "<Projekt/>", {})
    study = definition(tmp_path)
    with pytest.raises(InputFileError) as raised:
        read_refi(tmp_path / "project.qdpx", study, Rejects(), label="the project")
    problem = "root element is 'Projekt', expected 'Project' (REFI-QDA)"
    assert str(raised.value) == f"the project: {problem}"
    with pytest.raises(InputFileError) as raised:  # no label: the path names the file
        read_refi(tmp_path / "project.qdpx", study, Rejects())
    assert str(raised.value) == f"{tmp_path / 'project.qdpx'}: {problem}"


def test_bare_qde_beside_its_sources_folder(tmp_path):
    """A `.qde` (not zipped) reads its internal sources from the `Sources`
    folder beside it, whatever its case; a folder holding a file of the same
    name under another name is not searched."""
    (tmp_path / "project.qdpx").write_bytes(b"")  # the study file names it
    study = definition(tmp_path)
    (tmp_path / "project.qde").write_text(small_project(), encoding="utf-8")
    (tmp_path / "SOURCES").mkdir()
    (tmp_path / "SOURCES" / "t.txt").write_text("R: tired.\n", encoding="utf-8")
    (tmp_path / "other").mkdir()
    project = read_refi(tmp_path / "project.qde", study, Rejects())
    assert texts(project) == ["tired"]
    (tmp_path / "SOURCES" / "t.txt").unlink()
    (tmp_path / "SOURCES" / "t.txt").mkdir()  # a folder of that name is no file
    rejects = Rejects()
    project = read_refi(tmp_path / "project.qde", study, rejects)
    assert project.sources["s1"].problem.startswith("source text file not found")


@pytest.mark.parametrize(
    ("path_attr", "where"),
    [
        ('plainTextPath="internal://sub/t.txt"', "internal://"),
        ('plainTextPath="internal://.."', "internal://"),
        ('plainTextPath="relative://missing.txt"', "relative://"),
        ('plainTextPath="absolute:///nowhere/missing.txt"', "absolute://"),
        ('plainTextPath="missing.txt"', "no scheme"),
    ],
)
def test_source_text_not_found(tmp_path, path_attr, where):
    project, rejects = read(tmp_path, small_project(path_attr), {"t.txt": b"R: tired.\n"})
    problem = (
        f"source text file not found in the study folder ({where}; files elsewhere need "
        "[privacy] allow_files_from); its codings are not imported"
    )
    assert project.sources["s1"].problem == problem
    assert rejects == [
        (
            line(small_project(path_attr), '"k1"'),
            "PlainTextSelection <withheld: not a GUID>",
            problem,
        )
    ]


@pytest.mark.parametrize(
    ("path_attr", "problem"),
    [
        (
            'plainTextPath="ftp://host/t.txt"',
            "plainTextPath is not internal://, relative:// or absolute://",
        ),
        ("", "text source has neither plainTextPath nor PlainTextContent; skipped"),
    ],
)
def test_source_without_readable_text(tmp_path, path_attr, problem):
    project, rejects = read(tmp_path, small_project(path_attr), {})
    assert project.sources["s1"].problem == problem
    assert [r[2] for r in rejects] == [problem]


def test_source_text_not_utf8_names_the_byte(tmp_path):
    project, rejects = read(tmp_path, small_project(), {"t.txt": b"R: S\xf8ren.\n"})
    problem = "source text is not UTF-8 (byte 4); its codings are not imported"
    assert project.sources["s1"].problem == problem
    assert [r[2] for r in rejects] == [problem]


def test_utf16_source_with_its_byte_order_mark(tmp_path):
    data = "R: tired.\n".encode("utf-16")
    project, rejects = read(tmp_path, small_project(), {"t.txt": data})
    assert (texts(project), rejects) == (["tired"], [])


def test_external_text_files(tmp_path):
    """relative:// against basePath, then the project's folder; absolute://
    where it says; both else by name in the project's folder; never a file
    outside the allowed folders, nor one not ending in .txt."""
    study_folder = tmp_path / "study"
    (study_folder / "texts").mkdir(parents=True)
    (study_folder / "texts" / "t.txt").write_text("R: tired.\n", encoding="utf-8")
    (study_folder / "by-name.txt").write_text("R: weary.\n", encoding="utf-8")
    (study_folder / "t.rtf").write_text("R: rich.\n", encoding="utf-8")
    outside = tmp_path / "outside.txt"
    outside.write_text("R: leaky.\n", encoding="utf-8")
    base = str(study_folder)

    def read_with(path_attr: str, base_path: str = "") -> list[str]:
        qde = small_project(path_attr, base_path)
        fb.write_qdpx(study_folder / "project.qdpx", qde, {})
        return texts(read_refi(study_folder / "project.qdpx", definition(study_folder), Rejects()))

    assert read_with('plainTextPath="relative://texts/t.txt"') == ["tired"]
    assert read_with('plainTextPath="relative:///texts/t.txt"', base) == ["tired"]
    assert read_with('plainTextPath="relative://C:\\Users\\x\\by-name.txt"') == ["weary"]
    assert read_with(f'plainTextPath="absolute://{study_folder}/texts/t.txt"') == ["tired"]
    assert read_with('plainTextPath="absolute://C:\\Users\\x\\by-name.txt"') == ["weary"]
    assert read_with('plainTextPath="absolute:///elsewhere/by-name.txt"') == ["weary"]
    assert read_with('plainTextPath="relative://elsewhere/by-name.txt"', "D:\\proj") == ["weary"]
    assert read_with(f'plainTextPath="absolute://{outside}"') == []
    assert read_with('plainTextPath="relative://t.rtf"') == []
    assert read_with('plainTextPath="by-name.txt"') == ["weary"]  # no scheme (QualCoder 1.3)

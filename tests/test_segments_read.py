"""The segment reader's own output, field by field: every source, coding and
reject `read_segments` builds from small exports written as the tools write
them (MAXQDA's semicolons and " > " paths, QualCoder's categories and
FileVar_/CaseVar_ columns, Dedoose's "Code: X Applied" columns), and the
clear error for each malformed header. Pure reader calls, no ingest."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from tests_support import format_builders

from flows.errors import InputFileError
from flows.readers.common import Rejects
from flows.readers.qda import QdaProject
from flows.readers.segments import read_segments
from flows.study import InputSpec, load_study

fb = format_builders()


def study_in(folder: Path, excerpts: str, segments: str = ""):
    """A loaded study of `folder` whose excerpts are `excerpts` (TOML value)."""
    folder.mkdir(parents=True, exist_ok=True)
    qda = 'person = { from = "variable", name = "Participant" }'
    (folder / "study.toml").write_text(
        fb.QDA_STUDY.format(excerpts=excerpts, qda=qda) + segments, encoding="utf-8"
    )
    fb.write_csv(folder / "roster.csv", fb.QDA_ROSTER)
    fb.write_csv(folder / "survey.csv", [["case_id", "wave", "walk_min", "sex"]])
    return load_study(folder)


def read(folder: Path, fmt: str, rows: list[list[str]], *, segments: str = "", **options):
    """Write `rows` as export.csv (options: delimiter) and read it as `fmt`."""
    spec = f'{{ path = "export.csv", format = "{fmt}" }}'
    fb.write_csv(folder / "export.csv", rows, **options)
    study = study_in(folder, spec, segments)
    rejects = Rejects()
    project = read_segments(
        folder / "export.csv", study.input_spec("excerpts"), study.definition, rejects
    )
    return project, rejects.rows


def sources(project: QdaProject) -> dict[str, tuple]:
    return {
        key: (s.name, s.row, s.element, s.variables, s.cases) for key, s in project.sources.items()
    }


def codings(project: QdaProject) -> list[tuple]:
    return [
        (
            c.ref,
            c.element,
            c.source_key,
            c.code,
            c.coder,
            c.position,
            c.text,
            c.order,
            c.cases,
            c.selection_codes,
            c.notes,
        )
        for c in project.codings
    ]


def reject(row: str, element: str, reason: str) -> dict:
    return {"file": "export.csv", "row": row, "element": element, "reason": reason}


MAXQDA_HEADER = [
    "Color",
    "Document_group",
    "document  NAME",  # headers match whatever their case, spacing and underscores
    "Code",
    "Beginning",
    "End",
    "Segment",
    "Created_By",
    "Comment",
    "Category of site",  # a document variable, not a QualCoder category
    "Age",
]


def test_maxqda_rows_read_field_by_field(tmp_path):
    """Row 2 and 3 code the same stretch (one selection with two codes); row 4
    has no code, row 5 no document (both listed, and the rows after them
    read); `Age` is empty in row 2 and filled in row 3 (the filled value is the
    variable); "p. 12" is position 12; no case column: no case; MAXQDA's
    per-segment `Color` and `End` are no variables of the document (decision 0368)."""
    rows = [
        MAXQDA_HEADER,
        ["#f00", "Peers", "Interview A", "Intervention > Walking > Present"]
        + ["4", "4", "  We walk every day. ", "AK", "walks weekly", "urban", ""],
        ["#0f0", "Peers", "Interview A", "Context > Energy"]
        + ["4", "4", "We walk every day.", "BL", "", "urban", "61"],
        ["#00f", "Peers", "Interview A", "", "5", "5", "An empty code.", "AK", "", "urban", ""],
        ["#00f", "Peers", "", "Context > Energy", "6", "6", "No document.", "AK", "", "", ""],
        ["#f00", "Staff", "Nurse B", "Outcome > Activity"]
        + ["p. 12", "12", "He walks.", "", "", "rural", ""],
    ]
    project, rejects = read(tmp_path, "maxqda", rows, delimiter=";")
    variables_a = {
        "Document_group": "Peers",
        "Category of site": "urban",
        "Age": "61",
    }
    variables_b = {
        "Document_group": "Staff",
        "Category of site": "rural",
    }
    assert sources(project) == {
        "Interview A": ("Interview A", "2", "document", variables_a, []),
        "Nurse B": ("Nurse B", "6", "document", variables_b, []),
    }
    same = ["Context/Energy", "Intervention/Walking/Present"]
    assert codings(project) == [
        ("2", "Code", "Interview A", "Intervention/Walking/Present", "AK", 4)
        + ("We walk every day.", (1, 2, "Intervention > Walking > Present"), [], same)
        + (["walks weekly"],),
        ("3", "Code", "Interview A", "Context/Energy", "BL", 4, "We walk every day.")
        + ((2, 3, "Context > Energy"), [], same, []),
        ("6", "Code", "Nurse B", "Outcome/Activity", "", 12, "He walks.")
        + ((1, 6, "Outcome > Activity"), [], ["Outcome/Activity"], []),
    ]
    assert rejects == [
        reject("4", "Code", "empty code"),
        reject("5", "document  NAME", "empty document name"),
    ]
    assert (project.read_codings, project.read_sources) == (5, 2)
    assert project.codebook == [
        "Intervention/Walking/Present",
        "Context/Energy",
        "Outcome/Activity",
    ]
    assert (project.code_separator, project.notes) == (" > ", [])  # MAXQDA's own: no note


def test_qualcoder_categories_cases_and_variables(tmp_path):
    """Category + Codename make the path (a ":" inside a code name is no
    separator: with categories the study's "/" joins); Case gives each
    segment its case, and the document's (whole-source) case only when its
    rows name one case: the nurse speaks about two, so her row without a
    case is about neither (decision 0204);
    CaseVar_ columns are the case's variables, FileVar_ the document's;
    without Pos0 a segment is numbered within its document."""
    header = ["File", "Case", "Coder", "Coded", "Id", "Category", "Codename", "Coded_Memo"]
    header += ["CaseVar_Walking group", "FileVar_Participant", "Pos0"]
    rows = [
        header,
        ["Interview A.docx", "A", "AK", "We walk every week.", "11", "Intervention"]
        + ["Walking: weekly", "", "Lakeside", "A", "105"],
        ["Interview A.docx", "A", "JM", "I am tired.", "12", "Context", "Energy"]
        + ["first winter", "Lakeside", "A", "140"],
        ["Nurse.docx", "B", "AK", "Karen is tired.", "13", "Context", "Energy", "", "Harbour"]
        + ["N", "9"],
        ["Nurse.docx", "", "AK", "The weather.", "14", "Other", "Weather", "", "", "N", ""],
        ["Nurse.docx", "A", "AK", "Henrik walks.", "15", "", "", "", "Lakeside", "N", "30"],
    ]
    project, rejects = read(tmp_path, "qualcoder", rows)
    assert sources(project) == {
        "Interview A.docx": (
            "Interview A.docx",
            "2",
            "document",
            {"Participant": "A"},  # QualCoder's coding `Id` differs row by row: no variable
            ["A"],
        ),
        "Nurse.docx": ("Nurse.docx", "4", "document", {"Participant": "N"}, []),
    }
    assert project.case_variables == {
        "A": {"Walking group": "Lakeside"},
        "B": {"Walking group": "Harbour"},
    }
    walking = "Intervention/Walking: weekly"
    assert codings(project) == [
        ("2", "Codename", "Interview A.docx", walking, "AK", 105, "We walk every week.")
        + ((1, 2, walking), ["A"], [walking], []),
        ("3", "Codename", "Interview A.docx", "Context/Energy", "JM", 140, "I am tired.")
        + ((2, 3, "Context/Energy"), ["A"], ["Context/Energy"], ["first winter"]),
        ("4", "Codename", "Nurse.docx", "Context/Energy", "AK", 9, "Karen is tired.")
        + ((1, 4, "Context/Energy"), ["B"], ["Context/Energy"], []),
        ("5", "Codename", "Nurse.docx", "Other/Weather", "AK", 2, "The weather.")
        + ((2, 5, "Other/Weather"), [], ["Other/Weather"], []),
    ]
    assert rejects == [reject("6", "Codename", "empty code")]
    assert (project.read_codings, project.read_sources) == (5, 2)
    assert (project.code_separator, project.notes) == ("/", [])


def test_dedoose_one_coding_per_applied_code(tmp_path):
    """Each "Code: X Applied" column that holds a true value (True, yes, x, 1)
    is one coding of the row; a code column with an empty name is listed and
    the row's other codes still read; a row with no code applied is listed and
    the rows after it read; a row without a document is listed, its applied codes
    counted as read; the range's start is the position."""
    header = ["Media Title", "Excerpt Creator", "Excerpt Range", "Excerpt Copy"]
    header += ["Code: Intervention/Walking Applied", "Code:  Applied"]
    header += ["Code: Context/Energy Applied", "Descriptor: Participant", "Memo"]
    rows = [
        header,
        ["Henrik interview", "AK", "120-170", " We walk and I am tired. ", "True", "yes", "X"]
        + ["A", "talk"],
        ["Henrik interview", "AK", "200-210", "Nothing coded.", "False", "", "0", "A", ""],
        ["Supporter interview", "JM", "15-36", "We walk together.", "1", "", "", "A-a", ""],
        ["", "JM", "40-50", "No title.", "True", "", "yes", "A-a", ""],  # two codings
    ]
    project, rejects = read(tmp_path, "dedoose", rows)
    assert sources(project) == {
        "Henrik interview": (
            "Henrik interview",
            "2",
            "document",
            {"Descriptor: Participant": "A"},
            [],
        ),
        "Supporter interview": (
            "Supporter interview",
            "4",
            "document",
            {"Descriptor: Participant": "A-a"},
            [],
        ),
    }
    both = ["Context/Energy", "Intervention/Walking"]
    walk, energy = "Code: Intervention/Walking Applied", "Code: Context/Energy Applied"
    assert codings(project) == [
        ("2", walk, "Henrik interview", "Intervention/Walking", "AK", 120)
        + ("We walk and I am tired.", (1, 2, "Intervention/Walking"), [], both, ["talk"]),
        ("2", energy, "Henrik interview", "Context/Energy", "AK", 120)
        + ("We walk and I am tired.", (1, 2, "Context/Energy"), [], both, ["talk"]),
        ("4", walk, "Supporter interview", "Intervention/Walking", "JM", 15)
        + ("We walk together.", (1, 4, "Intervention/Walking"), [], ["Intervention/Walking"], []),
    ]
    assert rejects == [
        reject("2", "Code:  Applied", "empty code"),
        reject("3", "codes", "no code applied to this excerpt"),
        reject("5", "Media Title", "empty document name"),
    ]
    # 3 loaded, 1 empty code, 1 row with none applied, 2 on the untitled row
    assert (project.read_codings, project.read_sources) == (7, 2)
    assert project.codebook == ["Intervention/Walking", "Context/Energy"]


# ---------------------------------------------------------------- code separators


def detected(sep: str) -> list[str]:
    return [
        f"code paths in the file are joined with {sep!r} (detected; set [segments] "
        "code_separator to choose)"
    ]


@pytest.mark.parametrize(
    ("codes", "separator", "notes", "paths"),
    [
        # MAXQDA writes "\" on some versions: the one candidate found is used, with a note
        (
            ["Intervention\\Walking\\Present", "Context\\Energy"],
            "\\",
            detected("\\"),
            ["Intervention/Walking/Present", "Context/Energy"],
        ),
        # "::" holds ":": the longer one is the separator
        (["Context::Energy", "Outcome::Activity"], "::", detected("::"), None),
        # two unrelated candidates: the layout's default, no note
        (
            ["Context\\Energy", "Outcome/Activity"],
            " > ",
            [],
            ["Context\\Energy", "Outcome/Activity"],
        ),
        # none at all: the default
        (["Walking", "Energy"], " > ", [], ["Walking", "Energy"]),
    ],
)
def test_code_separator_detected_only_when_one_candidate_fits(
    tmp_path, codes, separator, notes, paths
):
    rows = [["Document name", "Code", "Segment"]]
    rows += [["Interview A", code, f"Text {n}."] for n, code in enumerate(codes)]
    project, rejects = read(tmp_path, "maxqda", rows)
    assert rejects == []
    assert (project.code_separator, project.notes) == (separator, notes)
    expected = paths or ["Context/Energy", "Outcome/Activity"]
    assert [c.code for c in project.codings] == expected


def test_separator_set_in_the_study_file_is_not_second_guessed(tmp_path):
    rows = [["Document name", "Code", "Segment"], ["Interview A", "Context|Energy", "Tired."]]
    segments = '\n[segments]\ncode_separator = "|"\n'
    project, _ = read(tmp_path, "maxqda", rows, segments=segments)
    assert (project.code_separator, project.notes) == ("|", [])
    assert [c.code for c in project.codings] == ["Context/Energy"]


# ---------------------------------------------------------------- how the file is read


def test_delimiter_of_the_study_file_wins_over_sniffing(tmp_path):
    """The header holds as many commas (in a variable's name) as semicolons:
    sniffing alone would split on commas."""
    rows = [
        ["Document name", "Code", "Segment", "Site (town, region, country, zone)"],
        ["Interview A", "Context > Energy", "Tired, always.", "Aarhus, Midt, DK"],
    ]
    folder = tmp_path
    fb.write_csv(folder / "export.csv", rows, delimiter=";")
    study = study_in(folder, '{ path = "export.csv", format = "maxqda", delimiter = ";" }')
    project = read_segments(
        folder / "export.csv", study.input_spec("excerpts"), study.definition, Rejects()
    )
    assert project.sources["Interview A"].variables == {
        "Site (town, region, country, zone)": "Aarhus, Midt, DK"
    }
    assert [c.text for c in project.codings] == ["Tired, always."]


def test_sheet_named_in_the_study_file(tmp_path):
    """The export is the second sheet; the first holds something else."""
    workbook = openpyxl.Workbook()
    workbook.active.title = "About"
    workbook.active.append(["Exported from MAXQDA"])
    sheet = workbook.create_sheet("Segments")
    sheet.append(["Document name", "Code", "Segment", "Beginning"])
    sheet.append(["Interview A", "Context > Energy", "Tired\r\nevery day.", 3])
    workbook.save(tmp_path / "export.xlsx")
    study = study_in(tmp_path, '{ path = "export.xlsx", format = "maxqda", sheet = "Segments" }')
    project = read_segments(
        tmp_path / "export.xlsx", study.input_spec("excerpts"), study.definition, Rejects()
    )
    assert [(c.ref, c.code, c.text, c.position) for c in project.codings] == [
        ("2", "Context/Energy", "Tired\nevery day.", 3)
    ]


def test_generic_layout_by_default_when_no_format_is_given(tmp_path):
    segments = '\n[segments]\ndocument = "Transcript"\ncode = "Node"\ntext = "Quote"\n'
    fb.write_csv(tmp_path / "coded.csv", [["Transcript", "Node", "Quote"], ["t1", "A/B", "Q."]])
    study = study_in(tmp_path, '{ path = "coded.csv", format = "segments" }', segments)
    project = read_segments(
        tmp_path / "coded.csv", InputSpec(path="coded.csv"), study.definition, Rejects()
    )
    assert [(c.source_key, c.code, c.text) for c in project.codings] == [("t1", "A/B", "Q.")]


# ---------------------------------------------------------------- clear errors


def read_error(folder: Path, fmt: str, header: list[str], segments: str = "") -> str:
    fb.write_csv(folder / "export.csv", [header, ["x"] * len(header)])
    study = study_in(folder, f'{{ path = "export.csv", format = "{fmt}" }}', segments)
    with pytest.raises(InputFileError) as raised:
        read_segments(
            folder / "export.csv",
            study.input_spec("excerpts"),
            study.definition,
            Rejects(),
            label="excerpts file",
        )
    return str(raised.value)


def test_missing_columns_each_named_with_what_was_expected(tmp_path):
    assert read_error(tmp_path, "qualcoder", ["File", "Coder"]) == (
        "excerpts file: header: missing column(s) for code (expected Codename or Code name); "
        "text (expected Coded or Coded text or Text)"
    )


def test_column_named_in_the_study_file_must_exist(tmp_path):
    segments = (
        '\n[segments]\ndocument = "Transcript"\ncode = "Node"\ntext = "Quote"\nposition = "Para"\n'
    )
    header = ["Transcript", "Node", "Quote", "Paragraph"]
    assert read_error(tmp_path, "segments", header, segments) == (
        "excerpts file: header: missing column 'Para' named by [segments] position"
    )


def test_dedoose_export_without_code_columns(tmp_path):
    header = ["Media Title", "Excerpt Copy", "Codes"]
    assert read_error(tmp_path, "dedoose", header) == (
        "excerpts file: header: no 'Code: <name> Applied' columns (Dedoose excerpt export)"
    )


def test_unreadable_file_is_named_by_its_label(tmp_path):
    (tmp_path / "export.csv").write_bytes(b"Document name;Code;Segment\n\xff\xfe;x;y\n")
    study = study_in(tmp_path, '{ path = "export.csv", format = "maxqda" }')
    with pytest.raises(InputFileError, match=r"^excerpts file: not UTF-8 text \(byte 27\)"):
        read_segments(
            tmp_path / "export.csv",
            study.input_spec("excerpts"),
            study.definition,
            Rejects(),
            label="excerpts file",
        )


def test_row_with_more_cells_than_the_header_is_listed_not_loaded_shifted(tmp_path):
    """An unquoted comma in row 3's text shifts its cells: the coding would
    get "I am tired" as text and " most days" as its code. The row is
    listed, nothing of it is loaded (not even its document), and the rows
    around it load."""
    (tmp_path / "export.csv").write_text(
        "File,Coded,Codename,FileVar_Participant\n"
        "Interview A.docx,We walk.,Walking,A\n"
        "Interview B.docx,I am tired, most days.,Energy,B\n"
        "Interview A.docx,More walking.,Walking,A\n",
        encoding="utf-8",
    )
    study = study_in(tmp_path, '{ path = "export.csv", format = "qualcoder" }')
    rejects = Rejects()
    project = read_segments(
        tmp_path / "export.csv", study.input_spec("excerpts"), study.definition, rejects
    )
    assert [(c.ref, c.text, c.code) for c in project.codings] == [
        ("2", "We walk.", "Walking"),
        ("4", "More walking.", "Walking"),
    ]
    assert list(project.sources) == ["Interview A.docx"]
    assert project.sources["Interview A.docx"].variables == {"Participant": "A"}
    assert rejects.rows == [
        reject("3", "row", "more cells than the header has columns (an unquoted comma?)")
    ]
    assert project.read_codings == 3

"""Coded-segment spreadsheets (CSV or XLSX) exported by QDA tools.

One row is one coded segment (Dedoose: one excerpt with a True/False column
per code). The layouts, matched on header names (case and spacing aside):

| format      | document          | code                          | text            | position        | coder             | case   |
|-------------|-------------------|-------------------------------|-----------------|-----------------|-------------------|--------|
| `qualcoder` | File              | Category...* + Codename       | Coded           | Pos0 (if any)   | Coder             | Case   |
| `maxqda`    | Document name     | Code (path joined by " > ")   | Segment         | Beginning       | Created by        |        |
| `dedoose`   | Media Title       | every "Code: X Applied" true  | Excerpt Copy    | Excerpt Range   | Excerpt Creator   |        |
| `taguette`  | document          | tag                           | content         |                 |                   |        |
| `atlasti`   | Document          | Codes (one a line)            | Quotation Content | Reference     | Created by        |        |
| `segments`  | the study file's [segments] table names every column                                                |

Every other column is a variable of the document (QualCoder's `FileVar_X`
is variable `X`; `CaseVar_X` a variable of the row's case), so `[qda] person`,
`role` and `case` can read them (MAXQDA's `Document group` too). Positions
are the tool's (MAXQDA: paragraph; Dedoose: the range's start); without a
position column, a segment's number within its document (Taguette: rows with
the same highlight `id` are one highlight with several tags). ATLAS.ti's
quotation export holds a quotation's codes one a line in one cell and its
document's groups likewise ("Patients", "Site::Eastside": read as its `.qdpx`'s
`Sets` are, decision 0397). The result is a `QdaProject`, mapped onto the study
like a REFI-QDA project.
"""

from __future__ import annotations

import re
from pathlib import Path

from flows.codes import SEPARATOR_CANDIDATES
from flows.errors import InputFileError
from flows.readers.common import Rejects, normalise_newlines
from flows.readers.qda import QdaCoding, QdaProject, QdaSource
from flows.readers.refi.cases import group_variable
from flows.readers.tables import EXTRA_CELLS, read_table
from flows.study import InputSpec, Study

#: Per format: our field -> header names the tool writes (first found wins).
LAYOUTS: dict[str, dict[str, tuple[str, ...]]] = {
    "qualcoder": {
        "document": ("File", "Filename", "File name"),
        "code": ("Codename", "Code name"),
        "text": ("Coded", "Coded text", "Text"),
        "position": ("Pos0", "Start"),
        "coder": ("Coder", "Owner"),
        "case": ("Case", "Case name"),
        "memo": ("Coded_Memo", "Coded memo", "Memo"),
    },
    "maxqda": {
        "document": ("Document name", "Document"),
        "code": ("Code",),
        "text": ("Segment",),
        "position": ("Beginning", "Begin"),
        "coder": ("Created by", "Author"),
        "case": (),
        "memo": ("Comment",),
    },
    "dedoose": {
        "document": ("Media Title", "Media"),
        "code": (),
        "text": ("Excerpt Copy", "Excerpt Text"),
        "position": ("Excerpt Range", "Range"),
        "coder": ("Excerpt Creator", "Creator"),
        "case": (),
        "memo": ("Memo", "Memos"),
    },
    "taguette": {  # highlights export (decision 0202)
        "document": ("document",),
        "code": ("tag",),
        "text": ("content",),
        "position": (),
        "coder": (),
        "case": (),
        "memo": (),
        "segment": ("id",),
    },
    "atlasti": {  # Quotation Manager -> Export -> Excel (decision 0397)
        "document": ("Document", "Document name"),
        "code": ("Codes",),
        "text": ("Quotation Content", "Content"),
        "position": ("Reference",),  # "12 - 14": paragraphs
        "coder": ("Created by", "Author"),
        "case": (),
        "memo": ("Comment",),
        "segment": ("ID",),
        "groups": ("Document Groups",),
    },
    "segments": {
        "document": (),
        "code": (),
        "text": (),
        "position": (),
        "coder": (),
        "case": (),
        "memo": (),
    },
}
REQUIRED = ("document", "code", "text")
#: Columns a tool writes about each segment, never variables of its document
#: (MAXQDA's colour, end, weight, dates and size; decision 0368).
SEGMENT_COLUMNS: dict[str, frozenset[str]] = {
    "maxqda": frozenset({
        "color", "colour", "end", "weight score", "weight", "modified by", "modified",
        "created", "area", "coverage %", "coverage",
    }),
    "atlasti": frozenset({
        "quotation name", "name", "density", "modified by", "modified", "created", "start",
        "end", "extent", "codes count",
    }),
}  # fmt: skip
#: the code path separator a layout writes (ATLAS.ti: "Category::Code", its convention)
SEPARATORS = {"maxqda": " > ", "atlasti": "::"}
#: layouts whose code cell holds several codes, one a line
CODES_BY_LINE = frozenset({"atlasti"})
DEDOOSE_CODE = re.compile(r"^code:\s*(.*?)\s*applied$", re.IGNORECASE)
TRUE = {"true", "1", "yes", "x", "applied"}


def _key(header: str) -> str:
    return " ".join(header.replace("_", " ").split()).lower()


def _cell(row: dict[str, str], column: str | None) -> str:
    """A cell's text, stripped; "" without the column (every row holds every header)."""
    return row[column].strip() if column else ""


def _columns(fmt: str, header: list[str], study: Study, label: str) -> dict[str, str | None]:
    """Our field -> the header that holds it (None if absent); a column the
    study file's [segments] table names must exist."""
    by_key = {_key(h): h for h in header if h}
    chosen: dict[str, str | None] = {}
    overrides = study.segments
    for name, candidates in LAYOUTS[fmt].items():
        override = getattr(overrides, name, None)
        if override:
            chosen[name] = by_key.get(_key(override))
            if chosen[name] is None:
                raise InputFileError(
                    label, f"missing column {override!r} named by [segments] {name}", where="header"
                )
            continue
        chosen[name] = next((by_key[_key(c)] for c in candidates if _key(c) in by_key), None)
    return chosen


def _detect_separator(
    table, column: str | None, categories: list[str], default: str, notes: list[str]
) -> str:
    """The separator the code column joins paths with, when `[segments]
    code_separator` is not set: the layout's default if any code holds it,
    else the one candidate that occurs in the file (MAXQDA writes " > " or
    "\\" depending on version and settings). Several candidates, or none:
    the default (codes that then fail to map get a hint in their reject)."""
    if column is None or categories:
        return default
    codes = {row[column] for _, row in table.rows}
    found = [c for c in SEPARATOR_CANDIDATES if any(c in code for code in codes)]
    if default in found or not found:
        return default
    # " > " contains ">"; "::" contains ":": the longer one decides
    found = [c for c in found if not any(c != o and c in o for o in found)]
    if len(found) == 1:
        notes.append(
            f"code paths in the file are joined with {found[0]!r} (detected; set [segments] "
            "code_separator to choose)"
        )
        return found[0]
    return default


def _first_int(text: str) -> int | None:
    match = re.search(r"-?\d+", text)
    return int(match.group()) if match else None


def read_segments(
    path: Path, spec: InputSpec, study: Study, rejects: Rejects, label: str | None = None
) -> QdaProject:
    """Read a coded-segment export in the layout `spec.format` names."""
    label = label or str(path)
    fmt = spec.format or "segments"
    table = read_table(
        path, encoding=spec.encoding, delimiter=spec.delimiter, sheet=spec.sheet, label=label
    )
    columns = _columns(fmt, table.header, study, label)
    code_columns: list[tuple[str, str]] = []
    places: dict[str, str] = {}  # a code column's place in a reject (`_code_column`)
    if fmt == "dedoose" and not study.segments.code:
        code_columns = [
            (h, m.group(1)) for h in table.header if (m := DEDOOSE_CODE.match(h.strip()))
        ]
        places = {h: _code_column(h, n) for n, h in enumerate(table.header, 1)}
        if not code_columns:
            raise InputFileError(
                label, "no 'Code: <name> Applied' columns (Dedoose excerpt export)", where="header"
            )
    missing = [
        name for name in REQUIRED if columns[name] is None and not (name == "code" and code_columns)
    ]
    if missing:
        expected = {n: LAYOUTS[fmt][n] for n in missing}
        raise InputFileError(
            label,
            "missing column(s) for "
            + "; ".join(f"{n} (expected {' or '.join(c)})" for n, c in expected.items()),
            where="header",
        )
    categories = (
        [h for h in table.header if _key(h).startswith("category")] if fmt == "qualcoder" else []
    )
    study_sep = study.study.code_separator
    file_note: list[str] = []
    code_sep = study.segments.code_separator or _detect_separator(
        table, columns["code"], categories, SEPARATORS.get(fmt, study_sep), file_note
    )
    used = {c for c in columns.values() if c} | {h for h, _ in code_columns} | set(categories)
    used |= {h for h in table.header if _key(h) in SEGMENT_COLUMNS.get(fmt, ())}
    varying: dict[str, set[str]] = {}  # document -> columns whose value differs between rows
    project = QdaProject(file=path, notes=file_note, code_separator=code_sep)
    file = path.name
    ordinal: dict[str, int] = {}
    row_cases: dict[str, set[str]] = {}  # document -> the cases its rows name
    seen_segment: dict[str, str] = {}  # document -> the segment id of its last row
    for row_number, row in table.rows:
        if row.get("__extra__"):  # a cell beyond the header: the row's cells are shifted
            project.read_codings += 1
            rejects.add(file, row_number, "row", EXTRA_CELLS)
            continue
        # Dedoose: the "Code: X Applied" columns that hold a true value
        applied = [(h, name) for h, name in code_columns if _cell(row, h).lower() in TRUE]
        document = _cell(row, columns["document"])
        if not document:
            # the codings the row carries: its applied codes (Dedoose), else one
            project.read_codings += len(applied) or 1
            rejects.add(file, row_number, columns["document"], "empty document name")
            continue
        source = project.sources.get(document)
        if source is None:
            source = QdaSource(key=document, name=document, row=row_number, element="document")
            project.sources[document] = source
            project.read_sources += 1
        case = _cell(row, columns["case"])
        if case:  # a QDA case, as a REFI-QDA project's <Case>, with or without variables
            project.case_variables.setdefault(case, {})
        for header, value in row.items():
            if header in used or not value:
                continue
            if header.lower().startswith("casevar_") and case:
                project.case_variables.setdefault(case, {}).setdefault(header[8:], value)
                continue
            name = header[8:] if header.lower().startswith("filevar_") else header
            if source.variables.setdefault(name, value) != value:
                varying.setdefault(document, set()).add(name)
        _read_groups(project, source, _cell(row, columns.get("groups")))
        row_cases.setdefault(document, set()).add(case)
        if code_columns:
            codes = applied
            if not codes:
                project.read_codings += 1
                rejects.add(file, row_number, "codes", "no code applied to this excerpt")
                continue
        elif fmt in CODES_BY_LINE:  # ATLAS.ti: a quotation's codes, one a line
            lines = [c.strip() for c in _cell(row, columns["code"]).splitlines()]
            codes = [(columns["code"], c) for c in lines if c] or [(columns["code"], "")]
        else:
            parts = [_cell(row, c) for c in [*categories, columns["code"]]]
            codes = [(columns["code"], code_sep.join(p for p in parts if p))]
        segment = _cell(row, columns.get("segment"))
        if not segment or seen_segment.get(document) != segment:  # rows of one highlight
            ordinal[document] = ordinal.get(document, 0) + 1
        seen_segment[document] = segment
        position = _first_int(_cell(row, columns["position"]))
        memo = _cell(row, columns["memo"])
        text = normalise_newlines(row[columns["text"]]).strip()
        for header, code in codes:
            project.read_codings += 1
            if not code:
                rejects.add(file, row_number, places.get(header, header), "empty code")
                continue
            path_parts = [p.strip() for p in code.split(code_sep)] if code_sep else [code]
            project.codings.append(
                QdaCoding(
                    ref=row_number,
                    element=places.get(header, header),
                    source_key=document,
                    code=study_sep.join(p for p in path_parts if p),
                    coder=_cell(row, columns["coder"]),
                    position=position if position is not None else ordinal[document],
                    text=text,
                    order=(ordinal[document], int(row_number), code),
                    cases=[case] if case else [],
                    notes=[memo] if memo else [],
                )
            )
    # a column whose value differs between one document's rows describes segments
    # (a size, a time), not the document: no variable of it
    for document, names in varying.items():
        for name in names:
            del project.sources[document].variables[name]
    # a document is held whole by a case only when its rows name that one case; in a
    # document about several cases, a row naming none (the programme as a whole) is
    # about none of them, not about all
    for document, cases in row_cases.items():
        named = sorted(cases - {""})
        project.sources[document].cases = named if len(named) == 1 else []
    # rows that code the same stretch of text are one selection with several codes
    groups: dict[tuple, list[QdaCoding]] = {}
    for coding in project.codings:
        groups.setdefault((coding.source_key, coding.position, coding.text), []).append(coding)
    for members in groups.values():
        codes = sorted({c.code for c in members if c.code})
        for coding in members:
            coding.selection_codes = codes
    project.codebook = list(dict.fromkeys(c.code for c in project.codings if c.code))
    return project


def _read_groups(project: QdaProject, source: QdaSource, cell: str) -> None:
    """A document's groups, one a line in ATLAS.ti's `Document Groups` cell, as
    source variables the way its `.qdpx`'s `Sets` are read (decision 0288): a
    group "Site::Eastside" gives `Site` = `Eastside`, any other name is a value of
    `Document group`; several of one variable joined by "; "."""
    found: dict[str, list[str]] = {}
    for line in cell.splitlines():
        variable, value = group_variable(line)
        if variable and value and value not in found.setdefault(variable, []):
            found[variable].append(value)
    for variable, values in found.items():
        source.variables.setdefault(variable, "; ".join(values))
        project.group_variables.add(variable)


def _code_column(header: str, number: int) -> str:
    """Where a Dedoose coding is, for its reject: the code column's header, or its
    number when the header holds a first name or surname ("Code: Family/Sofie
    Applied"; `codes.shown_code`, decisions 0247 and 0364)."""
    from flows.codes import shown_code

    if shown_code(header) == header:
        return header
    return f"code column {number} (its header is withheld: a word of it is a name)"

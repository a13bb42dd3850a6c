"""Read and validate a study's inputs into one `StudyData`.

`ingest_study(loaded)` is the one interface every later stage reads. It
dispatches on the formats the study file gives each input (`[inputs]`):

- excerpts and interviews in the native CSV layout (the default; see
  docs/input-formats.md), or from a QDA tool: a REFI-QDA project
  (`flows.readers.refi`) or a coded-segment spreadsheet from QualCoder,
  MAXQDA, Dedoose or a generic layout (`flows.readers.segments`), mapped
  onto informants, interviews and cases by the `[qda]` table
  (`flows.readers.qda`);
- the survey as CSV/XLSX (wide or long), SPSS, Stata or a REDCap export with
  its data dictionary (`flows.readers.surveys`).

The roster (people, roles, names, status) is always a CSV the researcher
writes: it drives pseudonymisation. Every record is either loaded or listed
in the rejects with the file, the row (1-based line number, header = 1; for
a REFI-QDA project the line of the `.qde` file) or element, and the reason.
Reasons never echo cell values or excerpt text, which may hold personal data.

The work is split by input kind: `flows.ingest.rows` (native tables),
`flows.ingest.roster`, `flows.ingest.native` (interviews and excerpts in CSV)
and `flows.ingest.from_qda` (a QDA project); this module puts them together.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from flows.codes import SUGGESTED_SUFFIX, parse_code, unmapped_reason
from flows.ingest.from_qda import _ingest_qda, _qda_context, selection_id
from flows.ingest.native import (
    EXCERPT_COLUMNS,
    INTERVIEW_COLUMNS,
    excerpt_columns,
    read_excerpts,
    read_interviews,
)
from flows.ingest.roster import (
    ROSTER_COLUMNS,
    STATUSES,
    RosterEntry,
    RosterError,
    _settle_cases,
    merge_case_rows,
    read_roster,
    roster_cell_names,
)
from flows.ingest.rows import read_csv_rows, row_problem
from flows.privacy.coders import label_coders
from flows.readers.common import MAX_FIELD_CHARS, Rejects
from flows.readers.qda import QdaProject, codebook_report
from flows.readers.surveys import read_survey_table, survey_values
from flows.study import LoadedStudy, Study

__all__ = [  # the public names of the module this package was split from
    "EXCERPT_COLUMNS",
    "EXCERPT_FRAME_COLUMNS",
    "INTERVIEW_COLUMNS",
    "MAX_FIELD_CHARS",
    "ROSTER_COLUMNS",
    "STATUSES",
    "SUGGESTED_SUFFIX",
    "Rejects",
    "RosterEntry",
    "RosterError",
    "StudyData",
    "ingest_study",
    "merge_case_rows",
    "parse_code",
    "read_csv_rows",
    "read_excerpts",
    "read_interviews",
    "read_roster",
    "roster_cell_names",
    "row_problem",
    "selection_id",
    "unmapped_reason",
]

EXCERPT_FRAME_COLUMNS = [
    "excerpt_id",
    "interview_id",
    "person_id",
    "role",
    "case_id",
    "code",
    "theme_id",
    "coded_stance",
    "position",
    "coder",
    "language",
    "text",
    "selection_id",
]


@dataclass
class StudyData:
    """Everything ingested from one study, validated, ready to load."""

    persons: pd.DataFrame  # person_id, role, status (names are kept out on purpose)
    person_cases: pd.DataFrame  # person_id, case_id
    cases: pd.DataFrame  # case_id
    interviews: pd.DataFrame
    excerpts: pd.DataFrame
    survey: pd.DataFrame  # case_id, wave, item_id, value (long; missing stays missing)
    context: pd.DataFrame  # case_id, variable_id, value
    rejects: pd.DataFrame
    loaded_counts: dict[str, int]
    read_counts: dict[str, int]
    roster_names: list[tuple[str, str, list[str]]]  # (person_id, role, [name, aliases...])
    withdrawn: list[str]
    #: programme-level excerpts (about no case; [qda] no_case = "programme"), raw text
    programme_excerpts: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=EXCERPT_FRAME_COLUMNS)
    )
    #: how QDA positions were counted and why (REFI-QDA; empty otherwise)
    qda_dialect: str = ""
    #: theme code paths matching no code ("theme: path"); codes mapped to no theme
    unmatched_theme_codes: list[str] = field(default_factory=list)
    unmapped_codes: dict[str, int] = field(default_factory=dict)
    #: names of roster rows not loaded (row id or person id, "rejected", names): searched too
    other_names: list[tuple[str, str, list[str]]] = field(default_factory=list)
    #: notes for the researcher: deprecated study-file settings, detected separators
    notes: list[str] = field(default_factory=list)

    def cases_by_person(self) -> dict[str, list[str]]:
        """Each person's case ids (from `person_cases`), for choosing among people
        who share a name (`flows.nlp.annotate.annotate_excerpts(person_cases=...)`)."""
        found: dict[str, list[str]] = {}
        for person_id, case_id in zip(
            self.person_cases["person_id"].tolist(),
            self.person_cases["case_id"].tolist(),
            strict=True,
        ):
            found.setdefault(person_id, []).append(case_id)
        return found


def ingest_study(loaded: LoadedStudy) -> StudyData:
    """Read every input file of the study; invalid rows go to the rejects."""
    study = loaded.definition
    rejects = Rejects()
    roster_path = loaded.input_path("roster")
    qda = loaded.input_spec("excerpts").format != "native"
    read: dict[str, int] = {}  # rows read per file, counted during the one read of each
    entries, other_names = read_roster(
        roster_path, study, rejects, qda=qda, read_counts=read, spec=loaded.input_spec("roster")
    )
    all_entries = list(entries)
    loaded_counts: dict[str, int] = {}
    project = None
    programme: list[dict] = []
    if qda:
        roster, interviews, excerpts, programme, project, counts = _ingest_qda(
            loaded, entries, rejects
        )
        entries = roster.entries
    else:
        roster = _settle_cases(entries, study, roster_path, rejects)
        interviews_path = loaded.input_path("interviews")
        interviews = read_interviews(
            interviews_path,
            study,
            set(roster.role),
            rejects,
            read_counts=read,
            spec=loaded.input_spec("interviews"),
        )
        excerpts_path = loaded.input_path("excerpts")
        by_id = {i["interview_id"]: i for i in interviews}
        known = (by_id, roster.role, roster.cases_of(), roster.withdrawn)
        spec = loaded.input_spec("excerpts")
        # every row loads (the usual case): read as columns; else row by row, with rejects
        excerpts = excerpt_columns(excerpts_path, study, known, read, spec)
        if excerpts is None:
            excerpts = read_excerpts(excerpts_path, study, *known, rejects, read, spec)
        loaded_rows = excerpts["excerpt_id"] if isinstance(excerpts, dict) else excerpts
        counts = {
            "loaded": {interviews_path.name: len(interviews), excerpts_path.name: len(loaded_rows)},
            "read": {},
        }
    label_coders(excerpts, programme)  # a researcher's account name is no output (0284)
    loaded_counts[roster_path.name] = len(entries)
    loaded_counts.update(counts["loaded"])
    read.update(counts["read"])

    survey_spec = loaded.input_spec("survey")
    survey_path = loaded.input_path("survey")
    dictionary = loaded.input_path("survey.dictionary") if survey_spec.dictionary else None
    table = read_survey_table(
        survey_path, survey_spec, rejects, dictionary, ignore=study.survey.ignore_columns
    )
    result = survey_values(
        table, study, survey_spec.format, set(roster.cases), roster.withdrawn_cases, rejects
    )
    context = result.context
    if project is not None:
        context = _qda_context(project, study, roster, context)
    loaded_counts[survey_path.name] = result.rows_loaded
    read[survey_path.name] = result.rows_read

    loaded_people = {e.person_id for e in entries}  # once, not once per roster entry
    return StudyData(
        persons=pd.DataFrame(
            [{"person_id": e.person_id, "role": e.role, "status": e.status} for e in entries],
            columns=["person_id", "role", "status"],
        ),
        person_cases=pd.DataFrame(roster.person_cases, columns=["person_id", "case_id"]),
        cases=pd.DataFrame({"case_id": roster.cases}),
        interviews=pd.DataFrame(interviews, columns=list(INTERVIEW_COLUMNS)),
        excerpts=pd.DataFrame(excerpts, columns=EXCERPT_FRAME_COLUMNS),
        programme_excerpts=pd.DataFrame(programme, columns=EXCERPT_FRAME_COLUMNS),
        survey=pd.DataFrame(result.values, columns=["case_id", "wave", "item_id", "value"]),
        context=pd.DataFrame(context, columns=["case_id", "variable_id", "value"]),
        rejects=rejects.frame(),
        loaded_counts=loaded_counts,
        read_counts=read,
        roster_names=[(e.person_id, e.role, e.names) for e in entries],
        other_names=other_names
        + [
            (e.person_id, "rejected", e.names)
            for e in all_entries
            if e.person_id not in loaded_people
        ],
        withdrawn=sorted(roster.withdrawn),
        notes=(project.notes if project is not None else [])
        + result.notes
        + _nameless(roster_path.name, entries),
        **_codebook_fields(project, study),
    )


def _nameless(file: str, entries: list[RosterEntry]) -> list[str]:
    """A note per roster row with neither a name nor an alias: nothing can find that
    person in the excerpts (only the unknown-names screen stands in; a draft from
    `triangulate init` leaves every name to fill in). Names the row, never a value."""
    return [
        f"{file}: row {e.line} ({e.person_id}): no name and no alias, so their name "
        "cannot be replaced in the excerpts; fill in the name as said in interviews"
        for e in entries
        if not e.names
    ]


def _codebook_fields(project: QdaProject | None, study: Study) -> dict:
    """What validate reports about the QDA project beyond its rows."""
    if project is None:
        return {}
    missing, unmapped = codebook_report(project, study)
    evidence = f"{project.scheme}: {project.scheme_evidence}" if project.scheme else ""
    return {
        "qda_dialect": evidence,
        "unmatched_theme_codes": missing,
        "unmapped_codes": unmapped,
    }

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
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from flows.codes import SUGGESTED_SUFFIX, WITHDRAWN_EXCERPT, parse_code, unmapped_reason
from flows.errors import InputFileError
from flows.readers.common import MAX_FIELD_CHARS, Rejects
from flows.readers.qda import (
    QdaProject,
    codebook_report,
    interview_ids,
    map_codings,
    reject_sources,
    resolve_sources,
)
from flows.readers.refi import read_refi
from flows.readers.segments import read_segments
from flows.readers.surveys import read_survey_table, survey_values
from flows.readers.tables import EXTRA_SEPARATOR, read_table
from flows.study import InputSpec, LoadedStudy, Study

__all__ = [
    "MAX_FIELD_CHARS",
    "SUGGESTED_SUFFIX",
    "Rejects",
    "StudyData",
    "ingest_study",
    "parse_code",
    "unmapped_reason",
]

STATUSES = ("active", "withdrawn")

ROSTER_COLUMNS = ("person_id", "role", "case_ids", "name", "aliases", "status")
INTERVIEW_COLUMNS = ("interview_id", "person_id", "mode", "language")
EXCERPT_COLUMNS = (
    "excerpt_id",
    "interview_id",
    "case_id",
    "code",
    "stance",
    "position",
    "coder",
    "text",
)
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


def read_csv_rows(
    path: Path, required: tuple[str, ...], spec: InputSpec | None = None
) -> list[tuple[int, dict[str, str]]]:
    """Rows of a native input table as (row number, row); checks the header.

    CSV or XLSX (`flows.readers.tables.read_table`: size, row and cell limits),
    with the `encoding`, `delimiter` and `sheet` the study file gives the input.
    A row with more cells than the header holds them, joined, in `__extra__`."""
    table = read_table(
        path,
        encoding=spec.encoding if spec else "utf-8",
        delimiter=spec.delimiter if spec else None,
        sheet=spec.sheet if spec else None,
    )
    missing = [c for c in required if c not in table.header]
    if missing:
        raise InputFileError(
            str(path),
            f"header: missing column(s) {', '.join(missing)}; expected {', '.join(required)}",
        )
    return [(int(line), row) for line, row in table.rows]


#: control characters a text cell may not hold (tab, new line and carriage return may)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def row_problem(row: dict[str, str]) -> tuple[str, str] | None:
    """(element, reason) when a native row has extra cells or control characters."""
    if row.get("__extra__"):
        return "row", "more cells than the header has columns (an unquoted comma?)"
    for column, value in row.items():
        found = CONTROL.search(value)
        if found:
            return column, f"control character U+{ord(found.group()):04X} in the cell"
    return None


def _split_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


@dataclass
class RosterEntry:
    person_id: str
    role: str | None
    cases: list[str]
    names: list[str]
    status: str
    line: int


def _rows(
    path: Path,
    required: tuple[str, ...],
    read_counts: dict[str, int] | None,
    rejects: Rejects,
    spec: InputSpec | None = None,
) -> list[tuple[int, dict[str, str]]]:
    """`read_csv_rows`, noting the number of data rows read in `read_counts` (by
    file name); rows with extra cells or control characters go to the rejects."""
    rows = read_csv_rows(path, required, spec)
    if read_counts is not None:
        read_counts[path.name] = len(rows)
    kept = []
    for line, row in rows:
        problem = row_problem(row)
        if problem:
            rejects.add(path, line, *problem)
        else:
            kept.append((line, row))
    return kept


class RosterError(InputFileError):
    """The roster has rows that cannot be trusted: the run stops (names would be
    missed, a withdrawal ignored)."""


def roster_cell_names(row: dict[str, str], not_names: set[str]) -> list[str]:
    """Every cell of a roster row that may hold a name: `name`, `aliases` and, for
    a row that does not parse, any other cell with a letter in it that is not a
    known id, role or status."""
    names = [n for n in [row.get("name", ""), *_split_list(row.get("aliases", ""))] if n]
    extra = [c.strip() for c in row.get("__extra__", "").split(EXTRA_SEPARATOR) if c.strip()]
    if extra or row_problem(row):
        for cell in [*row.values(), *extra]:
            for part in _split_list(cell):
                if any(ch.isalpha() for ch in part) and part.lower() not in not_names:
                    names.append(part)
    return list(dict.fromkeys(n for n in names if n and n != "__extra__"))


def merge_case_rows(
    rows: list[tuple[int, dict[str, str]]],
) -> tuple[list[tuple[int, dict[str, str]]], dict[str, str]]:
    """Roster rows kept as researchers often keep them, one per person per case,
    merged into one row per person: rows with the same person_id that agree on
    every other column (role, name, aliases, status) become one row, at the
    first row's line, with the case ids of all of them (in order, once each).

    Rows of one person that differ elsewhere are left as they are; the second
    dict says, per such person_id, how to write them (naming the rows and the
    columns that differ, never their values: they may be names)."""
    groups: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for line, row in rows:
        if row.get("person_id"):
            groups.setdefault(row["person_id"], []).append((line, row))
    conflicts: dict[str, str] = {}
    merged: list[tuple[int, dict[str, str]]] = []
    for line, row in rows:
        group = groups.get(row.get("person_id", ""), [(line, row)])
        if len(group) == 1:
            merged.append((line, row))
            continue
        others = [c for c in group[0][1] if c != "case_ids"]
        differ = [c for c in others if len({r.get(c, "") for _, r in group}) > 1]
        if differ:
            lines = ", ".join(str(n) for n, _ in group)
            conflicts[row["person_id"]] = (
                f"duplicate person_id {row['person_id']}: rows {lines} differ in "
                f"{', '.join(differ)}. Write one row per person with all their cases in "
                "case_ids (e.g. P1;P2), or give every row of the person the same "
                f"{', '.join(c for c in others if c != 'person_id')}"
            )
            merged.append((line, row))
        elif group[0][0] == line:
            cases = [c for _, r in group for c in _split_list(r.get("case_ids", ""))]
            merged.append((line, {**row, "case_ids": ";".join(dict.fromkeys(cases))}))
    return merged, conflicts


def read_roster(
    path: Path,
    study: Study,
    rejects: Rejects,
    qda: bool = False,
    read_counts: dict[str, int] | None = None,
    spec: InputSpec | None = None,
) -> tuple[list[RosterEntry], list[tuple[str, str, list[str]]]]:
    """People, their roles and cases; names stay here and go only to pseudonymisation.

    Returns the entries and the names of every row, accepted or not
    (`(row id, "rejected", names)` for rows not accepted), so that the
    pseudonymiser and the audit know every name the file holds. Any problem
    with a row (no or duplicate person id, unknown role, a status that is not
    exactly one of `STATUSES`, no case ids, extra cells, control characters)
    raises `RosterError` naming every such row: a roster with mistakes never
    runs. With excerpts from a QDA project (`qda`), a role may be left empty
    when `[qda] role` finds it in the project, and case_ids may be left empty;
    both are checked once the project is read (`_settle_roster`)."""
    roles = {r.id for r in study.roles}
    rows = read_csv_rows(path, ROSTER_COLUMNS, spec)
    if read_counts is not None:
        read_counts[path.name] = len(rows)
    rows, conflicts = merge_case_rows(rows)
    not_names = {r.lower() for r in roles} | set(STATUSES) | {"", "__extra__"}
    for _, row in rows:
        not_names.add(row.get("person_id", "").lower())
        not_names.update(c.lower() for c in _split_list(row.get("case_ids", "")))
    entries: list[RosterEntry] = []
    others: list[tuple[str, str, list[str]]] = []
    problems: list[str] = []
    seen: set[str] = set()
    for line, row in rows:
        names = roster_cell_names(row, not_names)
        problem = _roster_problem(row, study, roles, seen, qda, conflicts)
        if problem:
            element, reason = problem
            problems.append(f"row {line}: {element}: {reason}")
            others.append((f"roster row {line}", "rejected", names))
            continue
        pid = row["person_id"]
        seen.add(pid)
        entries.append(
            RosterEntry(
                pid, row["role"] or None, _split_list(row["case_ids"]), names, row["status"], line
            )
        )
    if problems:
        raise RosterError(
            str(path),
            "; ".join(problems[:20])
            + (f"; and {len(problems) - 20} more" if len(problems) > 20 else "")
            + ". Mend the roster: every row must load (nothing was run)",
        )
    return entries, others


def _roster_problem(
    row, study: Study, roles: set[str], seen: set[str], qda: bool, conflicts: dict[str, str]
):
    """(element, reason) for a roster row that cannot be loaded, or None."""
    bad = row_problem(row)
    if bad:
        return bad
    pid = row["person_id"]
    if not pid:
        return "person_id", "empty person_id"
    if pid in seen:
        return "person_id", conflicts.get(pid, f"duplicate person_id {pid}")
    role = row["role"]
    pending = qda and not role and study.qda.role is not None
    if role not in roles and not pending:
        return "role", f"unknown role; expected one of {sorted(roles)}"
    if row["status"] not in STATUSES:
        return "status", f"expected exactly one of {', '.join(STATUSES)} (lower case)"
    if not _split_list(row["case_ids"]) and not qda:
        return "case_ids", "no case ids (expected e.g. P3 or P1;P2)"
    return None


def read_interviews(
    path: Path,
    study: Study,
    person_ids: set[str],
    rejects: Rejects,
    read_counts: dict[str, int] | None = None,
    spec: InputSpec | None = None,
) -> list[dict]:
    interviews: list[dict] = []
    seen: set[str] = set()
    for line, row in _rows(path, INTERVIEW_COLUMNS, read_counts, rejects, spec):
        iid = row["interview_id"]
        if not iid or iid in seen:
            rejects.add(path, line, "interview_id", "empty or duplicate interview_id")
            continue
        if row["person_id"] not in person_ids:
            rejects.add(path, line, "person_id", "person_id not in the roster")
            continue
        language = row["language"] or study.study.language
        if language not in ("en", "da"):
            rejects.add(path, line, "language", "expected en or da")
            continue
        seen.add(iid)
        interviews.append(
            {
                "interview_id": iid,
                "person_id": row["person_id"],
                "mode": row["mode"],
                "language": language,
            }
        )
    return interviews


def selection_id(coding) -> str:
    """The QDA tool's own id of a coded passage: the selection's GUID (or the
    coding's, for a whole source coded). Stable across re-exports, unlike the
    excerpt id, which numbers codings within an interview."""
    element = coding.element
    if element.startswith("PlainTextSelection "):
        return element.removeprefix("PlainTextSelection ")
    return str(coding.order[-1]) if coding.order else coding.ref


def read_excerpts(
    path: Path,
    study: Study,
    interviews: dict[str, dict],
    person_role: dict[str, str],
    person_cases: dict[str, set[str]],
    withdrawn: set[str],
    rejects: Rejects,
    read_counts: dict[str, int] | None = None,
    spec: InputSpec | None = None,
) -> list[dict]:
    excerpts: list[dict] = []
    seen: set[str] = set()
    for line, row in _rows(path, EXCERPT_COLUMNS, read_counts, rejects, spec):
        eid = row["excerpt_id"]
        if not eid or eid in seen:
            rejects.add(path, line, "excerpt_id", "empty or duplicate excerpt_id")
            continue
        seen.add(eid)
        interview = interviews.get(row["interview_id"])
        if interview is None:
            rejects.add(path, line, "interview_id", "interview_id not in interviews.csv")
            continue
        person = interview["person_id"]
        if person in withdrawn:
            rejects.add(path, line, "excerpt", WITHDRAWN_EXCERPT)
            continue
        case_id = row["case_id"]
        if case_id not in person_cases.get(person, set()):
            rejects.add(
                path,
                line,
                "case_id",
                "case not among the cases this informant speaks about (roster case_ids)",
            )
            continue
        parsed = parse_code(row["code"], study)
        if parsed is None:
            rejects.add(path, line, "code", unmapped_reason(row["code"], study))
            continue
        theme_id, coded = parsed
        stance_col = row["stance"].lower().replace(" ", "_")
        if stance_col:
            if stance_col not in study.theme(theme_id).stances:
                rejects.add(
                    path, line, "stance", f"expected one of {study.theme(theme_id).stances}"
                )
                continue
            coded = stance_col
        try:
            position = int(row["position"])
        except ValueError:
            rejects.add(path, line, "position", "expected a whole number (paragraph or offset)")
            continue
        text = row["text"]
        if not text:
            rejects.add(path, line, "text", "empty excerpt text")
            continue
        if len(text) > MAX_FIELD_CHARS:
            rejects.add(path, line, "text", f"longer than {MAX_FIELD_CHARS} characters")
            continue
        excerpts.append(
            {
                "excerpt_id": eid,
                "interview_id": row["interview_id"],
                "person_id": person,
                "role": person_role[person],
                "case_id": case_id,
                "code": row["code"],
                "theme_id": theme_id,
                "coded_stance": coded,
                "position": position,
                "coder": row["coder"],
                "language": interview["language"],
                "text": text,
            }
        )
    return excerpts


# ---------------------------------------------------------------- the whole study


@dataclass
class _Roster:
    """The roster once roles and cases are settled."""

    entries: list[RosterEntry]
    person_cases: list[dict] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)
    withdrawn: set[str] = field(default_factory=set)
    withdrawn_cases: set[str] = field(default_factory=set)

    @property
    def role(self) -> dict[str, str]:
        return {e.person_id: e.role for e in self.entries if e.role}

    def cases_of(self) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for pc in self.person_cases:
            found.setdefault(pc["person_id"], set()).add(pc["case_id"])
        return found


def _index_role(study: Study) -> str | None:
    """The role whose withdrawal withdraws the case's survey: the peer (or the
    first role interviewed per case)."""
    ids = [r.id for r in study.roles]
    if "peer" in ids:
        return "peer"
    return next((r.id for r in study.roles if r.per_case), None)


def _settle_cases(
    entries: list[RosterEntry], study: Study, roster_path: Path, rejects: Rejects
) -> _Roster:
    """Cases are the case ids of the roles interviewed per case; other roles'
    case ids must be among them."""
    per_case_roles = {r.id for r in study.roles if r.per_case}
    person_cases = [{"person_id": e.person_id, "case_id": c} for e in entries for c in e.cases]
    role = {e.person_id: e.role for e in entries}
    cases = sorted(
        {pc["case_id"] for pc in person_cases if role[pc["person_id"]] in per_case_roles}
    )
    case_set = set(cases)
    for pc in person_cases:
        if pc["case_id"] not in case_set:
            rejects.add(
                roster_path, pc["person_id"], "case_ids", "case id has no peer or supporter"
            )
    person_cases = [pc for pc in person_cases if pc["case_id"] in case_set]
    withdrawn = {e.person_id for e in entries if e.status == "withdrawn"}
    index_role = _index_role(study)
    withdrawn_cases = {
        pc["case_id"]
        for pc in person_cases
        if pc["person_id"] in withdrawn and role[pc["person_id"]] == index_role
    }
    return _Roster(entries, person_cases, cases, withdrawn, withdrawn_cases)


def _read_project(loaded: LoadedStudy, rejects: Rejects) -> QdaProject:
    spec = loaded.input_spec("excerpts")
    path = loaded.input_path("excerpts")
    if spec.format == "refi-qda":
        return read_refi(path, loaded.definition, rejects, allowed=loaded.allowed_folders)
    return read_segments(path, spec, loaded.definition, rejects)


def _settle_roles(entries, infos, study, roster_path, rejects) -> list[RosterEntry]:
    """Fill roles the roster leaves empty from the project; a role the project
    gives must agree with the roster's. Entries left without a role, or
    without cases while interviewed per case, are rejected."""
    found: dict[str, set[str]] = {}
    for info in infos.values():
        if info.person_id and info.role and not info.problem:
            found.setdefault(info.person_id, set()).add(info.role)
    per_case = {r.id for r in study.roles if r.per_case}
    kept = []
    for entry in entries:
        roles = found.get(entry.person_id, set())
        problem = None
        if len(roles) > 1:
            problem = "the project gives this informant's sources different roles"
        elif roles and entry.role and roles != {entry.role}:
            problem = f"the project gives role {next(iter(roles))!r}, the roster {entry.role!r}"
        elif roles and not entry.role:
            entry.role = next(iter(roles))
        if problem:
            for info in infos.values():
                if info.person_id == entry.person_id and not info.problem:
                    info.problem = problem
        if entry.role is None:
            rejects.add(
                roster_path,
                entry.line,
                "role",
                "no role: empty in the roster and not found in the project ([qda] role)",
            )
        elif entry.role in per_case and not entry.cases:
            rejects.add(
                roster_path, entry.line, "case_ids", "no case ids (expected e.g. P3 or P1;P2)"
            )
        else:
            kept.append(entry)
            continue
        for info in infos.values():
            if info.person_id == entry.person_id and not info.problem:
                info.problem = "the informant's roster row was rejected"
    return kept


def _ingest_qda(loaded: LoadedStudy, entries: list[RosterEntry], rejects: Rejects):
    """Interviews and excerpts from a QDA project or coded-segment export."""
    study = loaded.definition
    roster_path = loaded.input_path("roster")
    project = _read_project(loaded, rejects)
    infos = resolve_sources(project, study, {e.person_id for e in entries})
    entries = _settle_roles(entries, infos, study, roster_path, rejects)
    reject_sources(project, infos, rejects)
    roster = _settle_cases(entries, study, roster_path, rejects)
    role = roster.role
    explicit = roster.cases_of()
    ids = interview_ids(project, infos)
    mapped, project_cases, structural = map_codings(
        project,
        study,
        infos,
        ids,
        set(roster.cases),
        explicit,
        parse_code,
        rejects,
        withdrawn=roster.withdrawn,
    )
    # informants speaking about several cases may leave case_ids to the project
    for entry in entries:
        if not entry.cases and entry.person_id not in explicit:
            for case_id in sorted(project_cases.get(entry.person_id, set())):
                roster.person_cases.append({"person_id": entry.person_id, "case_id": case_id})
    allowed = roster.cases_of()
    interviews = []
    for key, interview_id in sorted(ids.items(), key=lambda kv: kv[1]):
        info = infos[key]
        interviews.append(
            {
                "interview_id": interview_id,
                "person_id": info.person_id,
                "mode": info.mode,
                "language": info.language or study.study.language,
            }
        )
    language = {i["interview_id"]: i["language"] for i in interviews}
    excerpts, programme, loaded_codings = [], [], structural
    file = project.file
    for item in mapped:
        coding = item.coding
        if not item.cases:  # programme-level: already listed as an expected reject
            programme.append(_excerpt_row(item, None, item.excerpt_id, role, language))
            continue
        rows = 0
        for case_id in item.cases:
            if case_id not in allowed.get(item.person_id, set()):
                rejects.add(
                    file,
                    coding.ref,
                    coding.element,
                    "case not among the cases this informant speaks about (roster case_ids)",
                )
                continue
            rows += 1
            excerpt_id = item.excerpt_id if len(item.cases) == 1 else f"{item.excerpt_id}.{case_id}"
            excerpts.append(_excerpt_row(item, case_id, excerpt_id, role, language))
        loaded_codings += 1 if rows else 0
    name = file.name
    counts = {
        "loaded": {f"{name} (sources)": len(interviews), f"{name} (codings)": loaded_codings},
        "read": {
            f"{name} (sources)": project.read_sources,
            f"{name} (codings)": project.read_codings,
        },
    }
    return roster, interviews, excerpts, programme, project, counts


def _excerpt_row(item, case_id: str | None, excerpt_id: str, role: dict, language: dict) -> dict:
    """One excerpt row of a mapped coding (case_id None: programme-level evidence)."""
    return {
        "excerpt_id": excerpt_id,
        "interview_id": item.interview_id,
        "person_id": item.person_id,
        "role": role[item.person_id],
        "case_id": case_id,
        "code": item.code,
        "theme_id": item.theme_id,
        "coded_stance": item.coded_stance,
        "position": item.coding.position,
        "coder": item.coding.coder,
        "language": language[item.interview_id],
        "text": item.coding.text,
        "selection_id": selection_id(item.coding),
    }


def _qda_context(
    project: QdaProject, study: Study, roster: _Roster, context: list[dict]
) -> list[dict]:
    """Case variables of the QDA project named in `[qda] context_variables`,
    for cases and variables the survey leaves without a value."""
    if not study.qda.context_variables:
        return context
    have = {(c["case_id"], c["variable_id"]) for c in context}
    extra = []
    values = study.qda.case.values if study.qda.case.source == "qda_case" else {}
    for case_name in sorted(project.case_variables):
        case_id = values.get(case_name, case_name)
        if case_id not in roster.cases or case_id in roster.withdrawn_cases:
            continue
        for variable_id, qda_name in study.qda.context_variables.items():
            value = project.case_variables[case_name].get(qda_name, "")
            if value and (case_id, variable_id) not in have:
                have.add((case_id, variable_id))
                extra.append({"case_id": case_id, "variable_id": variable_id, "value": value})
    return context + extra


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
        excerpts = read_excerpts(
            excerpts_path,
            study,
            {i["interview_id"]: i for i in interviews},
            roster.role,
            roster.cases_of(),
            roster.withdrawn,
            rejects,
            read_counts=read,
            spec=loaded.input_spec("excerpts"),
        )
        counts = {
            "loaded": {interviews_path.name: len(interviews), excerpts_path.name: len(excerpts)},
            "read": {},
        }
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
        notes=(project.notes if project is not None else []) + result.notes,
        **_codebook_fields(project, study),
    )


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

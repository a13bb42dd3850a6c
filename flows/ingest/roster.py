"""The roster: informants, their roles, cases, names and status.

The roster is always a CSV the researcher writes; it drives pseudonymisation.
`read_roster` loads it (a roster with any bad row stops the run:
`RosterError`), merging one-row-per-case rosters into one row per informant;
`_settle_cases` decides the study's cases and which are withdrawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flows.errors import InputFileError
from flows.ingest.rows import _split_list, read_csv_rows, row_problem
from flows.readers.common import Rejects
from flows.readers.tables import EXTRA_SEPARATOR
from flows.study import InputSpec, Study

STATUSES = ("active", "withdrawn")

ROSTER_COLUMNS = ("person_id", "role", "case_ids", "name", "aliases", "status")


@dataclass
class RosterEntry:
    person_id: str
    role: str | None
    cases: list[str]
    names: list[str]
    status: str
    line: int


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
    """The role whose withdrawal withdraws the case's survey: a role with the id
    `peer` (the demo's), else the first role interviewed per case."""
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
    labels = ", ".join(r.label for r in study.roles if r.per_case)
    for pc in person_cases:
        if pc["case_id"] not in case_set:
            rejects.add(
                roster_path,
                pc["person_id"],
                "case_ids",
                f"case id is not a case: no informant of a role interviewed per case ({labels}) "
                "lists it",
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

"""Interviews and excerpts from a QDA project or a coded-segment export.

A REFI-QDA project (`flows.readers.refi`) or a segment spreadsheet
(`flows.readers.segments`) is read, its sources resolved to the roster's
informants (roles the roster leaves empty are taken from the project), and its
codings mapped onto cases and themes by the `[qda]` table
(`flows.readers.qda`). Case variables named in `[qda] context_variables` fill
the context the survey leaves empty.
"""

from __future__ import annotations

from flows.codes import parse_code
from flows.ingest.roster import RosterEntry, _Roster, _settle_cases
from flows.readers.common import Rejects
from flows.readers.qda import (
    QdaProject,
    interview_ids,
    map_codings,
    reject_sources,
    resolve_sources,
)
from flows.readers.refi import read_refi
from flows.readers.segments import read_segments
from flows.study import LoadedStudy, Study


def selection_id(coding) -> str:
    """The QDA tool's own id of a coded passage: the selection's GUID (or the
    coding's, for a whole source coded). Stable across re-exports, unlike the
    excerpt id, which numbers codings within an interview. Empty for a row of
    a coded-segment spreadsheet (the tools give rows no id)."""
    element = coding.element
    if element.startswith("PlainTextSelection "):
        return element.removeprefix("PlainTextSelection ")
    if element.startswith("TextSource "):  # a whole source coded: the coding's GUID
        return str(coding.order[-1]) if coding.order else coding.ref
    return ""  # a segment spreadsheet's row has no id of its own: the excerpt id keys it


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
        staff={
            e.person_id for e in entries if e.role not in {r.id for r in study.roles if r.per_case}
        },
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

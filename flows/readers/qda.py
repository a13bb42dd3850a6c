"""The structure every QDA export shares, and its mapping onto the study.

A REFI-QDA project and a coded-segment spreadsheet both come down to
*sources* (one interview transcript each, with variables and the QDA cases
holding them whole) and *codings* (a code applied to a stretch of a source's
text, by a coder, perhaps assigned to QDA cases). The readers (`refi`,
`segments`) build a `QdaProject`; `resolve_sources` and `map_codings` turn it
into informants, interviews and excerpt rows, following the study file's
`[qda]` table:

- `person`: which roster person speaks in a source;
- `role`: the informant's role where the project records it (it fills an
  empty roster role, and must agree with a filled one);
- `case`: which case a coding speaks about (QDA case selection references,
  whole-source membership, a variable, a code folder, or the roster).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from flows.errors import InputFileError
from flows.readers.common import MAX_FIELD_CHARS, Rejects
from flows.study import Locator, Study
from flows.study.languages import language_code

_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")
PROGRAMME_LEVEL = (
    'expected ([qda] no_case = "programme"): a programme-level selection about no case; '
    "in no case dossier (shown in the index as programme-level evidence)"
)


def unmapped_code(code: str) -> str:
    """The reject reason for a coding whose code is under no theme's code path."""
    from flows.codes import shown_code

    return (
        f"code not mapped to any theme in study.toml: {shown_code(code)} "
        "(add it to a theme's codes; validate lists every such code)"
    )


@dataclass
class QdaSource:
    """One text source (interview transcript) of a QDA project."""

    key: str  # guid (REFI-QDA) or document name (spreadsheets)
    name: str
    row: str  # where it is in the file (for rejects)
    element: str
    variables: dict[str, str] = field(default_factory=dict)
    cases: list[str] = field(default_factory=list)  # QDA cases holding the whole source
    codes: list[str] = field(default_factory=list)  # code paths applied to the whole source
    problem: str | None = None  # why its text cannot be read (its codings are rejected)


@dataclass
class QdaCoding:
    """One code applied to one stretch of a source's text."""

    ref: str  # row or line in the file (for rejects)
    element: str
    source_key: str
    code: str | None  # code path joined by the study's separator; None: unknown
    coder: str
    position: int  # paragraph number (or the tool's own position)
    text: str
    order: tuple = ()
    cases: list[str] = field(default_factory=list)  # QDA cases assigned to this selection
    selection_codes: list[str] = field(default_factory=list)  # codes on the same selection
    notes: list[str] = field(default_factory=list)  # text of notes attached to the selection
    structural: bool = False  # a QDA case duplicated as a code (NVivo): not a theme coding


@dataclass
class QdaProject:
    file: Path
    sources: dict[str, QdaSource] = field(default_factory=dict)
    codings: list[QdaCoding] = field(default_factory=list)
    case_variables: dict[str, dict[str, str]] = field(default_factory=dict)
    read_codings: int = 0
    read_sources: int = 0
    skipped_sources: int = 0
    scheme: str = ""  # position counting used (REFI-QDA)
    scheme_evidence: str = ""
    codebook: list[str] = field(default_factory=list)  # every code path (REFI-QDA: all)
    #: for the researcher (e.g. the code-path separator detected in a segment export)
    notes: list[str] = field(default_factory=list)
    #: the separator a segment export's code column joins paths with
    code_separator: str = ""
    #: source variables that are document groups (ATLAS.ti's `Sets`): shared by
    #: documents, never a person's id
    group_variables: set[str] = field(default_factory=set)


@dataclass
class SourceInfo:
    """What the study file's [qda] table finds for one source."""

    person_id: str | None = None
    role: str | None = None
    language: str | None = None
    mode: str = ""
    problem: str | None = None  # why its codings cannot be loaded
    element: str = ""


def strip_extension(name: str) -> str:
    return _EXTENSION.sub("", name.strip())


def _under(code: str, folder: str, sep: str) -> str | None:
    folder = sep.join(p.strip() for p in folder.split(sep))
    if code.startswith(folder + sep):
        return code[len(folder) + len(sep) :]
    return None


def _pattern_value(pattern: str | None, text: str) -> list[str]:
    if pattern is None:
        return [text] if text else []
    match = re.search(pattern, text)
    if not match:
        return []
    value = match.group("id") if "id" in match.re.groupindex else match.group(1)
    return [value] if value else []


def source_values(locator: Locator, source: QdaSource, sep: str) -> list[str]:
    """The values a locator finds for a whole source, mapped through `values`."""
    kind = locator.source
    if kind == "source_name":
        found = _pattern_value(locator.pattern, strip_extension(source.name))
    elif kind == "variable":
        found = _pattern_value(locator.pattern, source.variables.get(locator.name or "", ""))
    elif kind == "case":
        found = [v for c in source.cases for v in _pattern_value(locator.pattern, c)]
    elif kind == "code_folder":
        leaves = [_under(c, locator.folder or "", sep) for c in source.codes]
        found = [v for leaf in leaves if leaf for v in _pattern_value(locator.pattern, leaf)]
    else:
        found = []
    return sorted({locator.values.get(v, v) for v in found})


def _role_id(value: str, study: Study) -> str | None:
    for role in study.roles:
        if value.strip().lower() in (role.id.lower(), role.label.lower()):
            return role.id
    return None


def check_variable_locators(project: QdaProject, study: Study) -> None:
    """A `[qda]` locator reading a variable names one the project has: else the
    run stops with the key and the variables that exist (a mistyped name would
    otherwise find nothing, silently for `role`)."""
    if not project.sources:
        return
    names = sorted({n for source in project.sources.values() for n in source.variables})
    for key in ("person", "role", "case"):
        locator = getattr(study.qda, key)
        if locator is None or locator.source != "variable" or locator.name in names:
            continue
        raise InputFileError(
            str(project.file),
            f"name = {locator.name!r}: no source has a variable (or column) of that name "
            f"with a value; the project's source variables are: {', '.join(names) or 'none'}. "
            "Set name to one of them",
            where=f"[qda] {key}",
        )


def resolve_sources(
    project: QdaProject, study: Study, person_ids: set[str]
) -> dict[str, SourceInfo]:
    """Per source: its informant, role, language and mode, or why none."""
    check_variable_locators(project, study)
    qda = study.qda
    sep = study.study.code_separator
    infos: dict[str, SourceInfo] = {}
    for key, source in project.sources.items():
        info = SourceInfo(element=source.element)
        infos[key] = info
        if source.problem:
            info.problem = source.problem
            continue
        people = [p for p in source_values(qda.person, source, sep) if p in person_ids]
        if len(people) != 1:
            info.problem = (
                "source not linked to a roster person (see [qda] person)"
                if not people
                else f"source linked to several roster persons ({', '.join(people)})"
            )
            continue
        info.person_id = people[0]
        if qda.role is not None:
            found = source_values(qda.role, source, sep)
            roles = {_role_id(v, study) for v in found}
            if None in roles:
                info.problem = "role found in the project is not a role of study.toml"
                continue
            if len(roles) > 1:
                info.problem = "several roles found in the project for this source"
                continue
            info.role = roles.pop() if roles else None
        if qda.language_variable:
            value = source.variables.get(qda.language_variable, "").strip()
            language = language_code(value) if value else None
            if value and language is None:
                info.problem = (
                    f"language variable {qda.language_variable!r} holds no language: give a "
                    "two-letter code (en, da, nb...) or a name (English, Dansk, Norsk...)"
                )
                continue
            info.language = language
        if qda.mode_variable:
            info.mode = source.variables.get(qda.mode_variable, "")
    return infos


def codebook_report(project: QdaProject, study: Study) -> tuple[list[str], dict[str, int]]:
    """Theme code paths matching no code of the codebook (as `theme: path`), and
    codebook codes mapped to no theme with their number of codings."""
    from flows.codes import parse_code

    sep = study.study.code_separator
    qda = study.qda
    prefix = sep.join(p.strip() for p in qda.code_prefix.split(sep)) if qda.code_prefix else ""
    folders = structural_folders(study)

    def relative(code: str) -> str | None:
        if any(_under(code, f, sep) is not None or code == f for f in folders):
            return None
        return _under(code, prefix, sep) if prefix else code

    codebook = {r for c in project.codebook if (r := relative(c)) is not None}

    def found(path: str) -> bool:  # a segment export lists only codes used, maybe children
        return path in codebook or any(c.startswith(path + sep) for c in codebook)

    missing = [
        f"{t.id}: {code}"
        for t in study.themes
        for code in t.codes
        if not found(sep.join(p.strip() for p in code.split(sep)))
    ]
    counts: dict[str, int] = defaultdict(int)
    for coding in project.codings:
        if coding.code and not coding.structural:
            counts[coding.code] += 1
    mapped = {c for c in codebook if parse_code(c, study) is not None}
    loose = {
        c for c in codebook - mapped if not any(m.startswith(c + sep) for m in mapped)
    }  # not a folder above mapped codes
    unmapped: dict[str, int] = {}
    for code in sorted(loose):
        parts = code.split(sep)
        top = next(
            sep.join(parts[:n]) for n in range(1, len(parts) + 1) if sep.join(parts[:n]) in loose
        )  # the highest unmapped code above it holds its codings
        full = f"{prefix}{sep}{code}" if prefix else code
        unmapped[top] = unmapped.get(top, 0) + counts.get(full, 0)
    return missing, unmapped


def reject_sources(project: QdaProject, infos: dict[str, SourceInfo], rejects: Rejects) -> None:
    """List every source that does not become an interview, with why: a source
    read is either loaded or in the rejects (its codings are listed apart)."""
    for key in sorted(infos, key=lambda k: (_row_order(project.sources[k].row), k)):
        info = infos[key]
        if info.problem:
            source = project.sources[key]
            rejects.add(
                project.file, source.row, source.element, f"source not loaded: {info.problem}"
            )


def _row_order(row: str) -> tuple[int, int, str]:
    """A row or line number in file order ("9" before "12"); other places after."""
    return (0, int(row), "") if row.isdigit() else (1, 0, row)


def interview_ids(project: QdaProject, infos: dict[str, SourceInfo]) -> dict[str, str]:
    """Pseudonymous interview ids: the person id, numbered when a person has
    several sources (in source-name order). Source names often hold names."""
    by_person: dict[str, list[QdaSource]] = defaultdict(list)
    for key, info in infos.items():
        if info.person_id and not info.problem:
            by_person[info.person_id].append(project.sources[key])
    ids = {}
    for person, sources in by_person.items():
        sources.sort(key=lambda s: (s.name, s.key))
        for n, source in enumerate(sources, start=1):
            ids[source.key] = person if len(sources) == 1 else f"{person}-{n}"
    return ids


def coding_cases(locator: Locator, coding: QdaCoding, source: QdaSource, sep: str) -> list[str]:
    """The case names a coding is assigned to, mapped through `values`."""
    kind = locator.source
    if kind == "qda_case":
        found = coding.cases or source.cases
        found = [v for c in found for v in _pattern_value(locator.pattern, c)]
    elif kind == "code_folder":
        leaves = [_under(c, locator.folder or "", sep) for c in coding.selection_codes]
        if not any(leaves):
            leaves = [_under(c, locator.folder or "", sep) for c in source.codes]
        found = [v for leaf in leaves if leaf for v in _pattern_value(locator.pattern, leaf)]
    elif kind == "roster":
        return []
    else:
        return source_values(locator, source, sep)
    return sorted({locator.values.get(v, v) for v in found})


def where_in_project(interview: str, paragraph: int, code: str) -> str:
    """Where to find a passage in the QDA tool, for a reject the researcher acts on:
    NVivo shows no selection GUID, only documents, paragraphs and codes (walk 14)."""
    return f"; in {interview}'s interview, paragraph {paragraph}, coded {code}"


def structural_folders(study: Study) -> list[str]:
    """Code folders the [qda] table reads structure from (not themes)."""
    folders = []
    for locator in (study.qda.person, study.qda.role, study.qda.case):
        if locator is not None and locator.source == "code_folder" and locator.folder:
            folders.append(locator.folder)
    return folders


@dataclass
class MappedCoding:
    """A coding ready to become excerpt rows (one per case)."""

    coding: QdaCoding
    excerpt_id: str
    interview_id: str
    person_id: str
    code: str
    theme_id: str
    coded_stance: str | None
    cases: list[str]


def map_codings(
    project: QdaProject,
    study: Study,
    infos: dict[str, SourceInfo],
    ids: dict[str, str],
    case_set: set[str],
    roster_cases: dict[str, set[str]],
    parse_code,
    rejects: Rejects,
    withdrawn: set[str] | frozenset[str] = frozenset(),
    staff: set[str] | frozenset[str] = frozenset(),
) -> tuple[list[MappedCoding], dict[str, set[str]], int]:
    """Codings mapped to themes and cases; rejects for the rest. A programme-level
    selection (`[qda] no_case = "programme"`) is listed among the rejects as
    expected and also mapped with no case (`cases == []`): it is shown in the
    index as programme-level evidence, never in a case.

    Returns the mapped codings, the cases each person's sources speak about in
    the project (for informants whose roster leaves case_ids empty), and the
    number of codings used as structure (case or role codes) rather than themes.
    A coding by a `withdrawn` informant is listed under that one reason, before
    anything else is checked. A selection with no case goes to the informant's
    one roster case, unless the informant is `staff` (a role not `per_case`) whose
    source names the cases of other passages: then it is about none (a program
    manager's remark on the programme beside her one case-coded passage; walk 13)."""
    from flows.codes import WITHDRAWN_EXCERPT, unmapped_reason

    sep = study.study.code_separator
    qda = study.qda
    prefix = sep.join(p.strip() for p in qda.code_prefix.split(sep)) if qda.code_prefix else ""
    folders = structural_folders(study)
    file = project.file
    mapped: list[MappedCoding] = []
    project_cases: dict[str, set[str]] = defaultdict(set)
    structural = 0
    numbers: dict[str, int] = defaultdict(int)
    codings = sorted(
        project.codings, key=lambda c: (ids.get(c.source_key, ""), c.source_key, c.order, c.ref)
    )
    marking = {  # sources naming a case on some passage
        c.source_key
        for c in codings
        if c.source_key in project.sources
        and coding_cases(qda.case, c, project.sources[c.source_key], sep)
    }
    for coding in codings:
        source = project.sources.get(coding.source_key)
        info = infos.get(coding.source_key)
        if source is None or info is None:
            rejects.add(file, coding.ref, coding.element, "coding of an unknown source")
            continue
        if info.person_id in withdrawn:
            rejects.add(file, coding.ref, coding.element, WITHDRAWN_EXCERPT)
            continue
        if info.problem:
            rejects.add(file, coding.ref, coding.element, info.problem)
            continue
        interview = ids[coding.source_key]
        numbers[interview] += 1
        excerpt_id = f"{interview}.{numbers[interview]}"
        found = [c for c in coding_cases(qda.case, coding, source, sep) if c in case_set]
        project_cases[info.person_id].update(found)
        if coding.structural or (
            coding.code and any(_under(coding.code, f, sep) is not None for f in folders)
        ):
            structural += 1
            continue
        if coding.code is None:
            rejects.add(file, coding.ref, coding.element, "unknown code reference")
            continue
        code = coding.code
        if prefix:
            stripped = _under(code, prefix, sep)
            if stripped is None:
                rejects.add(
                    file, coding.ref, coding.element, "code outside the [qda] code_prefix folder"
                )
                continue
            code = stripped
        parsed = parse_code(code, study)
        if parsed is None:
            reason = unmapped_reason(code, study, project.code_separator)
            rejects.add(file, coding.ref, coding.element, reason)
            continue
        if not coding.text.strip():
            rejects.add(file, coding.ref, coding.element, "empty excerpt text")
            continue
        if len(coding.text) > MAX_FIELD_CHARS:
            rejects.add(
                file, coding.ref, coding.element, f"longer than {MAX_FIELD_CHARS} characters"
            )
            continue
        if not found and not (info.person_id in staff and coding.source_key in marking):
            own = roster_cases.get(info.person_id, set())
            if len(own) == 1:
                found = sorted(own)
        if (
            not found
            and not coding_cases(qda.case, coding, source, sep)
            and qda.no_case == "programme"
        ):
            rejects.add(file, coding.ref, coding.element, PROGRAMME_LEVEL)
            theme_id, coded = parsed  # programme-level evidence: no case (index only)
            mapped.append(
                MappedCoding(
                    coding, excerpt_id, interview, info.person_id, code, theme_id, coded, []
                )
            )
            continue
        if not found:
            named = coding_cases(qda.case, coding, source, sep)
            reason = (
                (
                    f"the project assigns it to {len(named)} QDA case(s) whose names are not "
                    "case ids of the roster: map them to case ids in [qda] case values"
                )
                if named
                else "no case assigned to this selection (see [qda] case), and the informant "
                'has not exactly one case in the roster (if by design: [qda] no_case = "programme")'
            )
            where = where_in_project(interview, coding.position, code)
            rejects.add(file, coding.ref, coding.element, reason + where)
            continue
        theme_id, coded = parsed
        mapped.append(
            MappedCoding(
                coding, excerpt_id, interview, info.person_id, code, theme_id, coded, found
            )
        )
    return mapped, project_cases, structural

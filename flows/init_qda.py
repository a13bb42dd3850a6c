"""The QDA half of `triangulate init` (`flows.init`): what a project says about
themes, informants, roles and cases.

What is guessed (each marked `# check:` in the draft):

- themes from the codebook: a top-level folder named after an ICAMO
  component (Context, Mechanisms, Outcomes, Intervention or Activities,
  Outputs, Actors) gives each of its codes a theme of that component; child
  codes named after a stance (Improved, Barrier, Present...) carry stances;
  codes under no such folder are listed, with their codings, as mapped to
  no theme;
- who speaks in each source: the text variable whose values differ most
  between sources (else the source name, mapped to neutral ids); the role
  (`flows.init_roles`): a variable named like a role or a group (MAXQDA's
  document groups), else words recurring in document names; a role is
  interviewed per case when its sources are held whole by one QDA case
  (without QDA cases: unless one person alone holds it);
- cases: the QDA cases (renamed to neutral ids when a name looks like more
  than an id), their variables as context;
- the survey (`flows.init_survey`): items, context variables, waves, and
  which survey record is which case.

The draft loads as it is; `validate` then lists what still needs a decision.
Names never go into the draft's ids: the roster template leaves `name` and
`aliases` for the researcher to fill in.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from flows.init_direction import better_of, direction_stance, stance_part
from flows.init_roles import (
    GROUP_NAMES,
    ROLE_NAMES,
    RoleGuess,
    role_from_names,
    role_from_variable,
    role_label,
)
from flows.init_survey import slug
from flows.init_words import (  # noqa: F401 (guess_stance: API)
    CASE_FOLDER_WORDS,
    COMPONENT_WORDS,
    LANGUAGE_WORDS,
    MODE_WORDS,
    STANCE_GUESSES,
    guess_stance,
)
from flows.language_notes import guess_language
from flows.readers.common import Rejects
from flows.readers.qda import QdaProject
from flows.study import STANCES_BY_KIND, Study
from flows.study.languages import has_reader, language_code, language_name

PLAIN_ID = re.compile(r"^[A-Za-z]{0,3}[-_]?[0-9]{1,4}[A-Za-z]?$")
#: A document name's first word read as its person's id ("H1-c interview", "PT
#: interview"): letters, digits, - and _ with a digit, or two or three capitals;
#: never a word that could be a first name
ID_WORD = re.compile(r"^(?=[^\s]*\d)[A-Za-z0-9][A-Za-z0-9_-]{0,9}$|^[A-Z]{2,3}$")


def _stance_word(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def _component(name: str) -> str | None:
    """The ICAMO component a folder's name says, by its first or last word
    ("Outcomes", "Activities of the navigators", "Navigator activities")."""
    words = re.findall(r"[^\W\d_]+", name.lower())
    if not words:
        return None
    return COMPONENT_WORDS.get(words[0]) or COMPONENT_WORDS.get(words[-1])


@dataclass
class DraftTheme:
    id: str
    label: str
    component: str
    codes: list[str]
    codings: int
    guessed_component: bool
    #: sub-code name -> stance guessed from its words (drafted as stance_labels)
    labels: dict[str, str] = field(default_factory=dict)
    #: leaf sub-codes whose names read as no stance (kept in codes, to check)
    unread: list[str] = field(default_factory=list)
    #: outcomes: which direction is better, guessed from the label (to check)
    better: str = "higher"
    #: sub-codes naming a direction ("Less", "More") -> stance for this theme alone
    direction_labels: dict[str, str] = field(default_factory=dict)


@dataclass
class QdaDraft:
    path: Path
    format: str
    themes: list[DraftTheme] = field(default_factory=list)
    unmapped: dict[str, int] = field(default_factory=dict)  # code path -> codings
    person_variable: str | None = None
    person_values: dict[str, str] = field(default_factory=dict)  # source name -> id
    role_variable: str | None = None
    role_values: dict[str, str] = field(default_factory=dict)  # value found -> role id
    role_pattern: str | None = None  # roles from words in document names
    role_evidence: str = ""
    roles: dict[str, str] = field(default_factory=dict)  # role id -> label
    per_case: dict[str, bool] = field(default_factory=dict)
    case_values: dict[str, str] = field(default_factory=dict)  # QDA case -> case id
    case_folder: str | None = None  # a code folder naming the cases (from = code_folder)
    cases: list[str] = field(default_factory=list)
    case_variables: dict[str, str] = field(default_factory=dict)  # id -> QDA variable
    mode_variable: str | None = None
    language_variable: str | None = None
    #: the interviews' language (most sources'), and how it was found
    language: str = "en"
    language_note: str = "no source's words read as a language; en or da are machine-read"
    people: dict[str, dict] = field(default_factory=dict)  # person id -> role, cases
    separator: str = "/"
    scheme_evidence: str = ""


def _placeholder_study(path: Path, fmt: str) -> Study:
    """The least study that lets a reader run (auto dialect, '/' paths)."""
    return Study.model_validate(
        {
            "study": {"id": "init", "title": "init"},
            "inputs": {
                "roster": "roster.csv",
                "excerpts": {"path": path.name, "format": fmt},
                "survey": "survey.csv",
            },
            "roles": [{"id": "informant", "label": "Informant"}],
            "themes": [{"id": "t", "label": "t", "components": ["context"], "codes": ["t"]}],
        }
    )


def read_project(path: Path, fmt: str) -> tuple[QdaProject, list[str]]:
    """The project and every codebook path (REFI-QDA: the whole codebook)."""
    from flows.readers.refi import RefiReader
    from flows.readers.segments import read_segments

    study = _placeholder_study(path, fmt)
    if fmt == "refi-qda":
        reader = RefiReader(path, study, Rejects())
        project = reader.read()
        return project, list(dict.fromkeys(reader.codes.values()))
    spec = study.inputs.excerpts
    project = read_segments(path, spec, study, Rejects())
    return project, list(dict.fromkeys(c.code for c in project.codings if c.code))


def _themes(draft: QdaDraft, codes: list[str], counts: Counter) -> None:
    sep = draft.separator
    children: dict[str, list[str]] = {}
    for code in codes:
        parent = code.rpartition(sep)[0]
        children.setdefault(parent, []).append(code)
    used_ids: set[str] = set()
    covered: set[str] = set()

    def add_theme(code: str, component: str, guessed: bool) -> None:
        stances = STANCES_BY_KIND[component]
        family = [code]
        labels: dict[str, str] = {}
        directions: dict[str, str] = {}
        label = code.rpartition(sep)[2]
        better = better_of(label) if component == "outcome" else "higher"
        stack = list(children.get(code, []))
        while stack:
            child = stack.pop(0)
            leaf = child.rpartition(sep)[2]
            if _stance_word(leaf) in stances and child.rpartition(sep)[0] in family:
                covered.add(child)
                continue
            own = child.rpartition(sep)[0] == code and not children.get(child)
            word = stance_part(leaf, label)  # "Less salt" under "Salt": "Less"
            moved = direction_stance(word, better) if component == "outcome" else None
            if own and moved is not None:
                directions[leaf] = moved
                covered.add(child)
                continue
            read_as = guess_stance(word, component) if child.rpartition(sep)[0] == code else None
            if read_as is not None and not children.get(child):
                labels[leaf] = read_as
                covered.add(child)
                continue
            family.append(child)
            stack.extend(children.get(child, []))
        unread = [
            c.rpartition(sep)[2]
            for c in family
            if (labels or directions) and c.rpartition(sep)[0] == code and not children.get(c)
        ]
        covered.update(family)
        ident = slug(label, "theme")
        while ident in used_ids:
            ident += "_2"
        used_ids.add(ident)
        codings = sum(counts[c] for c in covered if c == code or c.startswith(code + sep))
        draft.themes.append(
            DraftTheme(
                ident,
                label,
                component,
                family,
                codings,
                guessed,
                labels,
                unread,
                better,
                directions,
            )
        )

    tops = children.get("", [])
    folders = [(t, _component(t)) for t in tops]
    if any(component for _, component in folders):
        for top, component in folders:
            if component is None:
                continue
            covered.add(top)
            for child in children.get(top, []) or [top]:
                add_theme(child, component, False)
    else:  # no ICAMO folders: every top-level code a theme, component to check
        for top in tops:
            add_theme(top, "context", True)
    for code in codes:
        if code not in covered or (code in tops and counts[code]):
            draft.unmapped[code] = counts[code]


def _text_variables(project: QdaProject) -> dict[str, dict[str, str]]:
    """Variable name -> source key -> value (non-empty), over every source."""
    found: dict[str, dict[str, str]] = {}
    for key, source in project.sources.items():
        for name, value in source.variables.items():
            if value.strip():
                found.setdefault(name, {})[key] = value.strip()
    return found


def _people(draft: QdaDraft, project: QdaProject) -> dict[str, str]:
    """Source key -> person id, choosing the variable (or source names)."""
    variables = _text_variables(project)
    sources = project.sources
    per_case = {n for n in variables if any(n in v for v in project.case_variables.values())}
    candidates = [
        (len(set(values.values())), len(values), name)
        for name, values in variables.items()
        if name not in per_case
        and name not in project.group_variables
        # a variable named like a role or a group ("Informant", "Rolle", MAXQDA's
        # "Document group") holding the same value for two sources is their role, not
        # who speaks (a small project: 3 roles, 4 sources)
        and not (
            (ROLE_NAMES.search(name) or GROUP_NAMES.search(name))
            and len(set(values.values())) < len(values)
        )
        and all(len(v) <= 24 for v in values.values())
    ]
    best = max(candidates, default=None)
    if best and best[0] * 2 > len(sources) and best[1] == len(sources):
        draft.person_variable = best[2]
        return {key: value for key, value in variables[best[2]].items()}
    names = [
        re.sub(r"\.[A-Za-z0-9]{1,5}$", "", n.strip())
        for n in sorted({s.name for s in sources.values()})
    ]
    firsts = [n.split()[0] if n.split() else "" for n in names]
    if len(set(firsts)) == len(names) and all(ID_WORD.match(f) for f in firsts):
        draft.person_values = dict(zip(names, firsts, strict=True))  # "K1 participant interview"
    else:
        draft.person_values = {n: f"S{i:02d}" for i, n in enumerate(names, start=1)}
    return {
        key: draft.person_values[re.sub(r"\.[A-Za-z0-9]{1,5}$", "", s.name.strip())]
        for key, s in sources.items()
    }


def draft_qda(path: Path, fmt: str) -> QdaDraft:
    """Read a QDA project or export and guess the study's QDA side."""
    project, codes = read_project(path, fmt)
    draft = QdaDraft(path, fmt, scheme_evidence=project.scheme_evidence)
    sep = draft.separator
    codes = list(  # every folder above a code used, too (exports list used codes only)
        dict.fromkeys(
            sep.join(code.split(sep)[:n]) for code in codes for n in range(1, code.count(sep) + 2)
        )
    )
    counts = Counter(c.code for c in project.codings if c.code)
    _themes(draft, codes, counts)
    person_of = _people(draft, project)
    variables = _text_variables(project)
    guess = _roles(draft, project, variables)
    for name in sorted(variables):
        values = set(variables[name].values())
        if name in (draft.person_variable, draft.role_variable):
            continue
        if draft.mode_variable is None and MODE_WORDS.search(name):
            draft.mode_variable = name
        elif (
            draft.language_variable is None
            and LANGUAGE_WORDS.search(name)
            and all(language_code(v) for v in values)
        ):
            draft.language_variable = name
    _language(draft, project, variables)
    qda_cases = sorted(project.case_variables)
    plain = all(PLAIN_ID.match(c) or re.fullmatch("[A-Z]", c) for c in qda_cases)
    draft.case_values = {c: (c if plain else f"C{i:02d}") for i, c in enumerate(qda_cases, 1)}
    draft.cases = [draft.case_values[c] for c in qda_cases]
    # a case code folder beside QDA cases holding only some sources whole (QualCoder
    # exports only whole-file cases: staff passages say their case by a code; walk 15)
    coded_cases = _case_folder(draft, codes, project, set(draft.cases) if qda_cases else None)
    for name in sorted({n for v in project.case_variables.values() for n in v}):
        if any(v.get(name, "").strip() for v in project.case_variables.values()):
            draft.case_variables[slug(name)] = name
    uncoded: list[str] = []  # people with a case folder but no case codes of their own
    for key, source in project.sources.items():
        person = person_of.get(key)
        if not person:
            continue
        entry = draft.people.setdefault(person, {"role": "", "cases": set(), "whole": True})
        entry["role"] = guess.of_source.get(key, "informant") if guess else "informant"
        if key in coded_cases:  # the case codes on its passages
            entry["cases"].update(coded_cases[key])
        elif draft.case_folder:  # its one case: the case its id is or begins with (H1-c: H1)
            uncoded.append(person)
        elif not qda_cases:  # a guess the study file asks to check: each person their own case
            entry["cases"].add(person)
        whole = [draft.case_values.get(c, c) for c in source.cases]
        entry["cases"].update(whole)
        entry["whole"] = entry["whole"] and (len(whole) == 1 or not qda_cases)
        # case codes naming another's case (one will do: the program manager's
        # "Case::HT05"): the person speaks about cases, holds none (walk 13)
        entry["whole"] = entry["whole"] and set(coded_cases.get(key, ())) <= {person}
    if draft.case_folder:  # cases no staff member coded (H4) are the cases of their own
        _own_cases(draft, uncoded, [*draft.cases, *person_of.values()], coded_cases)
        draft.cases = sorted({c for e in draft.people.values() for c in e["cases"]})
    for entry in draft.people.values():
        if entry["role"]:
            draft.per_case.setdefault(entry["role"], True)
            draft.per_case[entry["role"]] = draft.per_case[entry["role"]] and entry["whole"]
    found = {ident: value for value, ident in (guess.values if guess else {}).items()}
    draft.roles = {
        e["role"]: role_label(e["role"], found.get(e["role"]))
        for e in draft.people.values()
        if e["role"]
    }
    draft.roles = dict(sorted(draft.roles.items())) or {"informant": "Informant"}
    if guess is not None and not draft.cases:
        _single_person_roles(draft)
    return draft


def _language(draft: QdaDraft, project: QdaProject, variables: dict) -> None:
    """The study's language: most sources' by the language variable, else by the
    words of their coded passages (decision 0330); the note says what was found."""
    found: Counter = Counter()
    if draft.language_variable:
        for value in variables[draft.language_variable].values():
            found[language_code(value)] += 1
        how = f"the variable {draft.language_variable!r}"
    else:
        texts: dict[str, list[str]] = {}
        for coding in project.codings:
            texts.setdefault(coding.source_key, []).append(coding.text)
        for parts in texts.values():
            guessed = guess_language(" ".join(parts))
            found[guessed.split("/")[0] if guessed else None] += 1
        found.pop(None, None)
        how = "their words"
    if not found:
        return
    draft.language = max(sorted(found), key=lambda code: found[code])
    counts = ", ".join(f"{n} {language_name(c)}" for c, n in found.most_common())
    unread = (
        ""
        if has_reader(draft.language)
        else (
            "; the stance reader reads en and da only: the others are loaded and their "
            "uncoded excerpts left unclear for review"
        )
    )
    mixed = (
        ""
        if len(found) == 1 or draft.language_variable
        else (
            "; interviews in several languages: give each its language in a source variable "
            "and set [qda] language_variable"
        )
    )
    draft.language_note = f"sources by {how}: {counts}{unread}{mixed}"


def _own_cases(
    draft: QdaDraft, people: list[str], known: list[str], coded_cases: dict[str, set]
) -> None:
    """Each person without case codes speaks about the case their id is or
    begins with (H1-c: H1; H4, whom no staff member coded, about H4) when that
    case is coded or someone of their role has a coded case as theirs; otherwise
    (a practice manager "PM1" among patients "SP01"...) about no case of their
    own: their passages are the programme's or need a case code (decision 0368)."""
    coded = {c for cases in coded_cases.values() for c in cases}
    owning = {e["role"] for p, e in draft.people.items() if _own_case(p, known) in coded}
    for person in dict.fromkeys(people):
        entry = draft.people[person]
        own = _own_case(person, known)
        if not owning or own in coded or own != person or entry["role"] in owning:
            entry["cases"].add(own)
        else:
            entry["whole"] = False


def _own_case(person: str, cases: list[str]) -> str:
    """The case a person id names ("H1" or "H1-c": H1), else the id itself."""
    found = (c for c in cases if re.fullmatch(rf"{re.escape(c)}[-_.].+", person))
    return next(found, person)


def _case_folder(
    draft: QdaDraft, codes: list[str], project: QdaProject, qda_cases: set[str] | None = None
) -> dict[str, set]:
    """A top-level folder of case codes (`Case/K1`...) whose sub-codes all read
    as ids (and, beside QDA cases, all name one) says which case each passage is
    about. Sets the draft's cases and takes the folder out of the unmapped codes;
    returns each source's case codes."""
    sep = draft.separator
    for top in (c for c in codes if sep not in c):
        kids = [c.rpartition(sep)[2] for c in codes if c.rpartition(sep)[0] == top]
        if top.strip().casefold() not in CASE_FOLDER_WORDS or not kids:
            continue
        if not all(PLAIN_ID.match(k) for k in kids) or not set(kids) <= (qda_cases or set(kids)):
            continue
        draft.case_folder = top
        if qda_cases is None:
            draft.cases = sorted(kids)
            draft.case_values = {k: k for k in draft.cases}
        for code in list(draft.unmapped):
            if code == top or code.startswith(top + sep):
                del draft.unmapped[code]
        found: dict[str, set] = {}
        for coding in project.codings:
            if coding.code and coding.code.startswith(top + sep):
                found.setdefault(coding.source_key, set()).add(coding.code.rpartition(sep)[2])
        return found
    return {}


def _roles(draft: QdaDraft, project: QdaProject, variables: dict) -> RoleGuess | None:
    """Each source's role: from a role or group variable, else from words
    recurring in document names (`flows.init_roles`); None: one "informant"."""
    candidates = {n: v for n, v in variables.items() if n != draft.person_variable}
    guess = role_from_variable(candidates, list(project.sources))
    if guess is None:
        guess = role_from_names({k: s.name for k, s in project.sources.items()})
    if guess is None:
        return None
    draft.role_variable, draft.role_pattern = guess.variable, guess.pattern
    draft.role_values, draft.role_evidence = guess.values, guess.evidence
    return guess


def _single_person_roles(draft: QdaDraft) -> None:
    """Without QDA cases: a role one person holds, beside roles several hold
    (a physiotherapist beside participants and coaches), speaks about several
    cases (per_case false, case_ids left to fill in)."""
    holders: dict[str, int] = {}
    for entry in draft.people.values():
        holders[entry["role"]] = holders.get(entry["role"], 0) + 1
    if max(holders.values(), default=0) < 2:
        return
    for role, count in holders.items():
        if count == 1 and role != "informant":
            draft.per_case[role] = False

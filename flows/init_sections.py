"""The draft study file's roles, themes, survey items and context variables
(`triangulate init`), each guess with its `# check:` comment. Part of
`flows.init`, which writes the rest of the file."""

from __future__ import annotations

import json

from flows.init_direction import item_better
from flows.init_domains import _domain
from flows.init_qda import QdaDraft
from flows.init_survey import SurveyDraft


def q(value: str) -> str:
    """A TOML basic string."""
    return json.dumps(value, ensure_ascii=False)


def inline(mapping: dict[str, str]) -> str:
    return "{ " + ", ".join(f"{q(k)} = {q(v)}" for k, v in mapping.items()) + " }"


def _render_roles(qda: QdaDraft) -> list[str]:
    lines = []
    for ident, label in qda.roles.items():
        per_case = qda.per_case.get(ident, True)
        why = (
            "sources held whole by one QDA case"
            if per_case
            else "speaks about others' cases, or the programme, not a case of their own"
        )
        if not qda.cases:
            why = "no QDA cases" if per_case else "one person alone holds it"
        lines += [
            "",
            "[[roles]]",
            f"id = {q(ident)}  # check: a short id for the role",
            f"label = {q(label)}",
            f"per_case = {str(per_case).lower()}  # check: interviewed for each case ({why})",
        ]
    return lines


def _render_themes(qda: QdaDraft, survey: SurveyDraft | None) -> list[str]:
    outcomes = [t for t in qda.themes if t.component == "outcome"]
    domains = set()
    if survey is not None and outcomes:
        domains = {_domain(f"{i.label} {i.column}", outcomes)[0] for i in survey.items}
    shared = shared_stance_labels(qda)
    lines = []
    if any(shared.values()):
        lines += [
            "",
            "# check: sub-code names read as stances (your words -> the scheme's), per component",
            "[stance_labels]",
        ]
        for component, labels in shared.items():
            if labels:
                pairs = ", ".join(f"{q(k)} = {q(v)}" for k, v in labels.items())
                lines.append(f"{component} = {{ {pairs} }}")
    for theme in qda.themes:
        where = "a guess: no ICAMO folder" if theme.guessed_component else "from the folder name"
        lines += [
            "",
            "[[themes]]",
            f"id = {q(theme.id)}",
            f"label = {q(theme.label)}  # {theme.codings} codings",
            f'components = ["{theme.component}"]  # check: ICAMO component(s), {where}',
            f"codes = [{', '.join(q(c) for c in theme.codes)}]",
        ]
        own = {k: v for k, v in theme.labels.items() if shared.get(theme.component, {}).get(k) != v}
        own |= dict(sorted(theme.direction_labels.items()))
        if own:
            why = "sub-code names read as stances"
            if theme.direction_labels:
                why += (
                    f"; {', '.join(theme.direction_labels)} read with better = "
                    f"{q(theme.better)}: swap them if the other direction is better"
                )
            lines.append(
                f"stance_labels = {{ {', '.join(f'{q(k)} = {q(v)}' for k, v in own.items())} }}"
                f"  # check: {why}"
            )
        if theme.component == "outcome":  # an own outcome theme without it gets a hint
            lines.append(f"better = {q(theme.better)}  # check: {_better_note(theme.better)}")
        if theme.unread:
            lines.append(
                f"# check: sub-codes read as no stance: {', '.join(theme.unread)}; give them a "
                "stance in stance_labels and take them out of codes (else the stance is suggested)"
            )
        if theme.component == "intervention":
            lines.append("activity = true  # check: an activity delivered to the case")
        if theme.id in domains:
            lines.append(f"survey_domain = {q(theme.id)}  # check: survey items measuring it")
        lines.append(
            "examples = {}  # check: { name = [cue words] }: sources naming the same example "
            "agree, otherwise at most partial agreement"
        )
    if qda.unmapped:
        lines += ["", "# check: codes mapped to no theme (codings): add them to a theme's codes"]
        lines += [f"#   {code} ({n})" for code, n in sorted(qda.unmapped.items())]
    return lines


def _better_note(better: str) -> str:
    if better == "lower":
        return "less is better (a guess: the label names something to reduce)"
    return "higher or lower is better (a guess)"


def shared_stance_labels(qda: QdaDraft) -> dict[str, dict[str, str]]:
    """Per component, the sub-code labels every theme of it reads alike (a
    name read differently by two themes stays with each theme)."""
    shared: dict[str, dict[str, str]] = {}
    clash: set[tuple[str, str]] = set()
    for theme in qda.themes:
        table = shared.setdefault(theme.component, {})
        for name, stance in theme.labels.items():
            if table.get(name, stance) != stance:
                clash.add((theme.component, name))
            table.setdefault(name, stance)
    return {
        component: {k: v for k, v in sorted(labels.items()) if (component, k) not in clash}
        for component, labels in shared.items()
    }


def _render_items(qda: QdaDraft, survey: SurveyDraft | None, taken: set[str]) -> list[str]:
    lines = []
    outcomes = [t for t in qda.themes if t.component == "outcome"]
    if survey is not None:
        for item in survey.items if outcomes else []:
            domain, matched = _domain(f"{item.label} {item.column}", outcomes)
            how = "its label shares words with the theme" if matched else "a guess"
            better, better_note = item_better(item.label, item.value_labels)
            lines += [
                "",
                "[[survey_items]]",
                f"id = {q(item.id)}",
                f"label = {q(item.label)}",
                f"domain = {q(domain)}  # check: the outcome theme it measures ({how})",
                f"better = {q(better)}  # check: {better_note}",
                f"mcid = {item.mcid:g}  # check: the smallest change that counts ({item.mcid_note}); "
                "prefer a published value",
                "# check: example = one of the theme's examples this item measures (its change "
                "is compared with the interviews' claims)",
            ]
        if survey.items and not outcomes:
            lines.append(
                "# check: no outcome theme, so no survey items: "
                + ", ".join(i.column for i in survey.items)
            )
        for variable in survey.variables:
            taken.add(variable.id)
            lines += [
                "",
                "[[context_variables]]",
                f"id = {q(variable.id)}",
                f"label = {q(variable.label)}",
            ]
    for ident, name in qda.case_variables.items():
        if ident in {v.id for v in (survey.variables if survey else [])}:
            continue
        lines += ["", "[[context_variables]]", f"id = {q(ident)}", f"label = {q(name)}"]
    return lines

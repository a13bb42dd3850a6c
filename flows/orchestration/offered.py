"""The studies the UI form offers: chosen from a list, checked before Prefect sees one.

Prefect's server stores a flow run's parameters the moment the UI's Run button
(or the API) creates the run, before any of the project's code can look at
them. A free-text field (a study folder, an output folder, a case to rebuild)
that a researcher fills with a name therefore reached Prefect's database
(docs/data-protection.md, decision 0245). So the form has no free text:
`triangulate serve` is given the study folders to offer, checks each one
(its folder, its study id, its output folder and its case ids) against every
offered study's roster and identifiers names, and offers only what names no
one, as choices (a JSON-schema `enum`) that the server enforces before it
stores a run. A study or case left out is reported by its position, never by
its text.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from flows.orchestration.settings import PROJECT_ROOT

OUT_ROOT_VARIABLE = "TRIANGULATE_UI_OUT"  # the served runs' output root, for the runner's runs
CHOICES_VARIABLE = "TRIANGULATE_UI_CHOICES"  # the offered studies and cases, as JSON


@dataclass(frozen=True)
class Offer:
    """What the form offers: study choices (form value -> folder), case choices,
    and why the rest was left out."""

    studies: dict[str, Path]
    cases: tuple[str, ...]
    out_root: Path
    left_out: list[str] = field(default_factory=list)


def form_value(folder: Path) -> str:
    """A study's value in the form: its folder, relative to the project when inside it."""
    resolved = folder.resolve()
    try:
        return str(resolved.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(resolved)


def out_root() -> Path:
    """Where served runs publish: `out/` of the project, or `triangulate serve --out-root`."""
    chosen = os.environ.get(OUT_ROOT_VARIABLE)
    return Path(chosen) if chosen else PROJECT_ROOT / "out"


def hand_down(choices: Offer) -> None:
    """Put the choices in the environment, where the runner's runs (its
    subprocesses) find them: `out_root` and `is_offered`."""
    os.environ[OUT_ROOT_VARIABLE] = str(choices.out_root)
    os.environ[CHOICES_VARIABLE] = json.dumps(
        {"studies": list(choices.studies), "cases": list(choices.cases)}
    )


def is_offered(study: str, cases: list[str]) -> bool:
    """Whether a served run's study and cases are among the choices (a run sent
    with the server's schema check off may carry anything). Outside a served
    deployment (no choices handed down) every request is."""
    handed = os.environ.get(CHOICES_VARIABLE)
    if handed is None:
        return True
    choices = json.loads(handed)
    return study in choices["studies"] and set(cases) <= set(choices["cases"])


def offer(folders: list[Path], root: Path) -> Offer:
    """Check each study folder and its cases; offer only what names no one.

    A study is left out when it cannot be loaded, or its folder, study id or
    output folder (`root`/<study id>) holds a name of any offered study; a case
    id when it holds one. Positions, never text, say what was left out."""
    from flows.errors import TriangulateError
    from flows.privacy.audit import screen_for
    from flows.privacy.preflight import names_of, roster_cases
    from flows.study import load_study

    loaded, left_out = [], []
    for number, folder in enumerate(folders, 1):
        try:
            folder = Path(folder).resolve()
            study = load_study(folder)
            loaded.append((number, folder, study, names_of(study)))
        except (TriangulateError, OSError):
            left_out.append(
                f"study {number}: it cannot be loaded (`triangulate validate` says why)"
            )
    screens = [screen_for(names) for *_, names in loaded if names]

    def named(text: str) -> bool:
        return any(screen.holds_name(text) for screen in screens)

    studies: dict[str, Path] = {}
    cases: set[str] = set()
    for number, folder, study, _ in loaded:
        study_id = study.definition.study.id
        value = form_value(folder)
        if named(str(folder)) or named(study_id) or named(str(root / study_id)):
            left_out.append(
                f"study {number}: its folder, study id or output folder holds a roster name"
            )
            continue
        if value in studies:
            left_out.append(f"study {number}: offered already")
            continue
        studies[value] = folder
        ids = sorted(set(roster_cases(study)))
        hidden = [case for case in ids if named(case)]
        cases.update(case for case in ids if case not in hidden)
        if hidden:
            left_out.append(f"study {number}: {len(hidden)} case id(s) hold a roster name")
    return Offer(studies, tuple(sorted(cases)), root, left_out)


def form_schema(schema: dict, offered: Offer) -> dict:
    """The deployment's parameter schema with the choices as enums: the server
    refuses (409) a run whose study or case is not one of them, before storing it."""
    request = schema["definitions"]["RunRequest"]["properties"]
    request["study_dir"]["enum"] = list(offered.studies)
    request["study_dir"]["default"] = next(iter(offered.studies))
    if offered.cases:
        request["cases"]["items"] = {"type": "string", "enum": list(offered.cases)}
    else:
        request["cases"]["maxItems"] = 0
    return schema

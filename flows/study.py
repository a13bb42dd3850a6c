"""The study definition (`study.toml`): roles, themes, survey items and rules.

`load_study(path)` parses and validates the file and raises `StudyFileError`
naming the file and the key at fault.
"""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from flows.errors import StudyFileError

Component = Literal["intervention", "context", "actor", "mechanism", "output", "outcome"]

#: Stances allowed for a theme, decided by its first ICAMO component.
STANCES_BY_KIND: dict[str, tuple[str, ...]] = {
    "outcome": ("improved", "no_change", "worsened", "not_stated"),
    "context": ("facilitator", "barrier"),
    "intervention": ("present", "absent"),
    "mechanism": ("present", "absent"),
    "output": ("present", "absent"),
    "actor": ("present", "absent"),
}

_ID = r"^[a-z][a-z0-9_]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StudyInfo(_Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str
    language: Literal["en", "da"] = "en"
    code_separator: str = "/"


class Inputs(_Strict):
    roster: str
    interviews: str
    excerpts: str
    survey: str


class SurveyLayout(_Strict):
    case_column: str = "case_id"
    wave_column: str = "wave"
    baseline: str = "baseline"
    followup: str = "followup"


class Role(_Strict):
    id: str = Field(pattern=_ID)
    label: str
    per_case: bool = True


class Theme(_Strict):
    id: str = Field(pattern=_ID)
    label: str
    components: list[Component] = Field(min_length=1)
    codes: list[str] = Field(min_length=1)
    activity: bool = False
    survey_domain: str | None = None
    examples: dict[str, list[str]] = Field(default_factory=dict)

    @property
    def kind(self) -> str:
        """The component that decides which stances apply."""
        return self.components[0]

    @property
    def stances(self) -> tuple[str, ...]:
        return STANCES_BY_KIND[self.kind]


class SurveyItem(_Strict):
    id: str = Field(pattern=_ID)
    label: str
    domain: str
    unit: str = ""
    better: Literal["higher", "lower"]
    mcid: float = Field(gt=0)
    example: str | None = None


class ContextVariable(_Strict):
    id: str = Field(pattern=_ID)
    label: str


class Rules(_Strict):
    min_roles_corroborating: int = Field(default=1, ge=0)
    min_roles_without_survey: int = Field(default=2, ge=1)
    min_outcome_themes: int = Field(default=1, ge=1)


class Study(_Strict):
    study: StudyInfo
    inputs: Inputs
    survey: SurveyLayout = SurveyLayout()
    roles: list[Role] = Field(min_length=1)
    themes: list[Theme] = Field(min_length=1)
    survey_items: list[SurveyItem] = Field(default_factory=list)
    context_variables: list[ContextVariable] = Field(default_factory=list)
    rules: Rules = Rules()

    @field_validator("roles", "themes", "survey_items", "context_variables")
    @classmethod
    def _unique_ids(cls, items: list) -> list:
        seen: set[str] = set()
        for item in items:
            if item.id in seen:
                raise ValueError(f"duplicate id {item.id!r}")
            seen.add(item.id)
        return items

    @model_validator(mode="after")
    def _cross_references(self) -> Study:
        codes: dict[str, str] = {}
        for i, theme in enumerate(self.themes):
            for code in theme.codes:
                if code in codes:
                    raise ValueError(
                        f"themes[{i}].codes: code {code!r} is mapped to both "
                        f"{codes[code]!r} and {theme.id!r}"
                    )
                codes[code] = theme.id
        domains = {t.survey_domain for t in self.themes if t.survey_domain}
        for i, item in enumerate(self.survey_items):
            if item.domain not in domains:
                raise ValueError(
                    f"survey_items[{i}].domain: {item.domain!r} is not the survey_domain "
                    f"of any theme (known: {sorted(domains)})"
                )
            theme = next(t for t in self.themes if t.survey_domain == item.domain)
            if item.example is not None and item.example not in theme.examples:
                raise ValueError(
                    f"survey_items[{i}].example: {item.example!r} is not an example of "
                    f"theme {theme.id!r} (known: {sorted(theme.examples)})"
                )
        return self

    # -- lookups ---------------------------------------------------------
    def theme(self, theme_id: str) -> Theme:
        return next(t for t in self.themes if t.id == theme_id)

    def code_map(self) -> dict[str, str]:
        """Codebook path -> theme id."""
        return {code: t.id for t in self.themes for code in t.codes}


class LoadedStudy(BaseModel):
    """A validated study plus where it came from."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    definition: Study
    path: Path
    sha256: str

    @property
    def root(self) -> Path:
        return self.path.parent

    def input_path(self, name: str) -> Path:
        return self.root / getattr(self.definition.inputs, name)


def _location(error: dict) -> str:
    return ".".join(str(p) for p in error["loc"]) or "(top level)"


def load_study(path: str | Path) -> LoadedStudy:
    """Read and validate a study file; a directory means its `study.toml`."""
    path = Path(path)
    if path.is_dir():
        path = path / "study.toml"
    if not path.is_file():
        raise StudyFileError(str(path), "(file)", "no study file here (expected study.toml)")
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise StudyFileError(str(path), "(file)", f"not UTF-8 text: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise StudyFileError(str(path), "(syntax)", str(exc)) from None
    try:
        study = Study.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        others = "; ".join(f"{_location(e)}: {e['msg']}" for e in errors[1:6])
        more = f" (also {others}" + (" ..." if len(errors) > 6 else "") + ")" if others else ""
        raise StudyFileError(str(path), _location(errors[0]), errors[0]["msg"] + more) from None
    for name in Inputs.model_fields:
        target = path.parent / getattr(study.inputs, name)
        if not target.is_file():
            raise StudyFileError(str(path), f"inputs.{name}", f"file not found: {target}")
    return LoadedStudy(definition=study, path=path, sha256=hashlib.sha256(raw).hexdigest())

"""Roles, themes and their stances, survey items and context variables.

A theme's first ICAMO component decides its stances (`STANCES_BY_KIND`); the
researcher's sub-code names map onto them (`[stance_labels]`, a theme's own
`stance_labels`), checked by `_check_labels`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from flows.study.strict import _ID, _Strict

Component = Literal["intervention", "context", "actor", "mechanism", "output", "outcome"]

#: Stances allowed for a theme, decided by its first ICAMO component.
STANCES_BY_KIND: dict[str, tuple[str, ...]] = {
    "outcome": ("improved", "no_change", "worsened", "not_stated"),
    "context": ("facilitator", "barrier", "not_stated"),
    "intervention": ("present", "absent", "not_stated"),
    "mechanism": ("present", "absent", "not_stated"),
    "output": ("present", "absent", "not_stated"),
    "actor": ("present", "absent", "not_stated"),
}

#: The stance labels of one component or theme: sub-code name -> scheme stance.
StanceLabels = dict[str, str]


def _label_key(name: str) -> str:
    """How sub-code names are compared: case, spacing, '-' and '_' aside."""
    return " ".join(name.replace("_", " ").replace("-", " ").split()).casefold()


def _check_labels(labels: StanceLabels, stances: tuple[str, ...], where: str) -> None:
    seen: dict[str, str] = {}
    for name, stance in labels.items():
        if stance not in stances:
            raise ValueError(f"{where}: {name!r} maps to {stance!r}, expected one of {stances}")
        key = _label_key(name)
        if not key:
            raise ValueError(f"{where}: an empty sub-code name")
        if key in seen and seen[key] != stance:
            raise ValueError(f"{where}: {name!r} is given two stances")
        seen[key] = stance


class StanceLabelsByComponent(_Strict):
    """`[stance_labels]`: per ICAMO component, the researcher's sub-code names
    (any language) -> the scheme's stances, e.g.
    `intervention = { "Delivered" = "present", "Not delivered" = "absent" }`.
    A theme's own `stance_labels` come first; the scheme's words always work."""

    intervention: StanceLabels = Field(default_factory=dict)
    context: StanceLabels = Field(default_factory=dict)
    actor: StanceLabels = Field(default_factory=dict)
    mechanism: StanceLabels = Field(default_factory=dict)
    output: StanceLabels = Field(default_factory=dict)
    outcome: StanceLabels = Field(default_factory=dict)


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
    #: an outcome theme counted towards rules.min_outcome_themes (false: shown, not counted)
    counts_as_outcome: bool = True
    survey_domain: str | None = None
    examples: dict[str, list[str]] = Field(default_factory=dict)
    #: the researcher's sub-code names -> this theme's stances (over [stance_labels])
    stance_labels: StanceLabels = Field(default_factory=dict)
    #: the stance scheme's theme this one is (docs/stance-scheme.md); default: its id.
    #: A theme that is no scheme theme is read from its examples and `better`.
    behaviour: str | None = Field(default=None, pattern=_ID)
    #: which direction of the behaviour is better (outcomes; "lower" for breathlessness)
    better: Literal["higher", "lower"] | None = None

    @model_validator(mode="after")
    def _outcome_flag(self) -> Theme:
        if not self.counts_as_outcome and self.kind != "outcome":
            raise ValueError(
                "counts_as_outcome = false only applies to an outcome theme "
                f"(its first component is {self.kind!r}, not 'outcome'); remove the key"
            )
        return self

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

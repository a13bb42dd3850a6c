"""The whole study definition (`Study`): `[study]`, the tables of the other
modules, `[rules]` and `[privacy]`, and the checks across tables (codes mapped
to one theme, survey domains, ids the mappings name, stance labels, outcome
themes counted) whose messages name the key at fault.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from flows.study.inputs import Inputs, SurveyLayout
from flows.study.languages import language_code, tool_language
from flows.study.qda import QdaMapping, SegmentColumns
from flows.study.strict import _Strict
from flows.study.themes import (
    STANCES_BY_KIND,
    ContextVariable,
    Role,
    StanceLabelsByComponent,
    SurveyItem,
    Theme,
    _check_labels,
    _label_key,
)


class StudyInfo(_Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str
    #: the interviews' language: en and da are machine-read; any other (nb, sv...)
    #: is loaded and shown, its uncoded excerpts unclear until reviewed (decision 0330)
    language: str = "en"
    code_separator: str = "/"

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        code = language_code(value)
        if code is None:
            raise ValueError(
                f"{value!r} is no language: give its two-letter code (en, da, nb, sv, de...) "
                "or its name (English, Dansk, Norsk...)"
            )
        return code

    @property
    def tool_language(self) -> str:
        """The word lists' language (pseudonymiser, tokenizer): `languages.tool_language`."""
        return tool_language(self.language)


class Rules(_Strict):
    """Thresholds of the case classification and the QCA (docs/methods.md, docs/qca.md)."""

    min_roles_corroborating: int = Field(default=1, ge=0)
    #: 0 switches the no-survey route off (an outcome needs the survey's improvement)
    min_roles_without_survey: int = Field(default=2, ge=0)
    min_outcome_themes: int = Field(default=1, ge=1)
    # a machine suggestion below this confidence never creates a dissonance on its own
    min_suggestion_confidence: float = Field(default=0.0, ge=0, le=1)
    # a dissonance or discordant fit whose side's stance rests only on unreviewed machine
    # readings needs at least this many of them behind it; else it is held back for review
    # (decision 0137: 2, so one machine reading never makes a dissonance; 1: off)
    min_machine_readings: int = Field(default=2, ge=1)
    # crisp-set QCA: conditions (default: every context theme + activities), thresholds
    qca_condition_ids: list[str] | None = None
    qca_min_activities: int = Field(default=2, ge=1)
    qca_consistency_threshold: float = Field(default=1.0, gt=0, le=1)
    qca_consistency_threshold_0: float = Field(default=0.0, ge=0, lt=1)
    qca_min_cases: int = Field(default=1, ge=1)
    #: show QCA solutions although the cases are below the benchmark for the conditions
    qca_solutions_below_benchmark: bool = False


class Privacy(_Strict):
    """Extra de-identification and who may read the outputs."""

    # a CSV of places, institutions and other identifying words: kind,name,aliases
    identifiers: str | None = None
    # "owner": folders 0700, files 0600; "group": 0750 / 0640 (a shared project group)
    output_permissions: Literal["owner", "group"] = "owner"
    # one-word aliases that are common words in this study (besides the built-in list):
    # replaced only where they read as a name (docs/data-protection.md)
    common_words: list[str] = []
    # folders outside the study folder that input files (and REFI-QDA sources) may come from
    allow_files_from: list[str] = []
    # names nobody put on the roster (flows/privacy/unknown_names.py): "replace" them by
    # [person], or "review": list them and publish only once names_reviewed marks each
    unknown_names: Literal["replace", "review"] = "replace"
    names_reviewed: str = "names-reviewed.csv"


class Study(_Strict):
    study: StudyInfo
    inputs: Inputs
    survey: SurveyLayout = SurveyLayout()
    qda: QdaMapping = QdaMapping()
    segments: SegmentColumns = SegmentColumns()
    roles: list[Role] = Field(min_length=1)
    themes: list[Theme] = Field(min_length=1)
    survey_items: list[SurveyItem] = Field(default_factory=list)
    context_variables: list[ContextVariable] = Field(default_factory=list)
    rules: Rules = Rules()
    privacy: Privacy = Privacy()
    stance_labels: StanceLabelsByComponent = StanceLabelsByComponent()

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
        self._check_mappings()
        for component, labels in self.stance_labels.model_dump().items():
            _check_labels(labels, STANCES_BY_KIND[component], f"stance_labels.{component}")
        for i, theme in enumerate(self.themes):
            _check_labels(theme.stance_labels, theme.stances, f"themes[{i}].stance_labels")
        self._check_outcome_count()
        return self

    def _check_outcome_count(self) -> None:
        """rules.min_outcome_themes can be reached by the outcome themes counted."""
        counted = [t.id for t in self.themes if t.kind == "outcome" and t.counts_as_outcome]
        left_out = [t.id for t in self.themes if t.kind == "outcome" and not t.counts_as_outcome]
        if left_out and len(counted) < self.rules.min_outcome_themes:
            raise ValueError(
                f"rules.min_outcome_themes: {self.rules.min_outcome_themes} outcome themes must be "
                f"achieved, but only {len(counted)} count ({', '.join(counted) or 'none'}; "
                f"counts_as_outcome = false on {', '.join(left_out)}): lower it or count more themes"
            )

    def _check_mappings(self) -> None:
        """The [survey], [qda] and [segments] tables refer to ids that exist."""
        items = {i.id for i in self.survey_items}
        variables = {v.id for v in self.context_variables}
        for key in self.survey.columns:
            if key not in items | variables:
                raise ValueError(
                    f"survey.columns: {key!r} is not a survey item or context variable id "
                    f"(known: {sorted(items | variables)})"
                )
            if key in variables and isinstance(self.survey.columns[key], dict):
                raise ValueError(
                    f"survey.columns.{key}: a context variable is read from one column "
                    "(its baseline answer); give one column name"
                )
        if self.survey.layout == "waves_in_columns":
            for item in self.survey_items:
                if self.survey.wave_column_of(item.id) is None:
                    raise ValueError(
                        f'survey.columns.{item.id}: with layout = "waves_in_columns", give '
                        "wave_suffixes (or wave_prefixes), or this item's column per wave: "
                        f'{item.id} = {{ baseline = "...", followup = "..." }}'
                    )
        for key in self.qda.context_variables:
            if key not in variables:
                raise ValueError(
                    f"qda.context_variables: {key!r} is not a context variable id "
                    f"(known: {sorted(variables)})"
                )
        if self.qda.role is not None:
            roles = {r.id for r in self.roles}
            for value, role in self.qda.role.values.items():
                if role not in roles:
                    raise ValueError(
                        f"qda.role.values: {value!r} maps to {role!r}, which is not a role id "
                        f"(known: {sorted(roles)})"
                    )
        if self.inputs.excerpts.format == "segments":
            for column in ("document", "code", "text"):
                if not getattr(self.segments, column):
                    raise ValueError(
                        f"segments.{column}: required for excerpts in format 'segments' "
                        "(name the spreadsheet column)"
                    )

    # -- lookups ---------------------------------------------------------
    def theme(self, theme_id: str) -> Theme:
        return next(t for t in self.themes if t.id == theme_id)

    def stance_label(self, theme_id: str, sub_code: str) -> str | None:
        """The stance a sub-code under a theme's code names: the theme's own
        `stance_labels`, then its component's, then the scheme's words
        ("Improved", "No change", "Present"...); None when none matches."""
        theme = self.theme(theme_id)
        key = _label_key(sub_code)
        for labels in (theme.stance_labels, getattr(self.stance_labels, theme.kind)):
            for name, stance in labels.items():
                if _label_key(name) == key:
                    return stance
        word = key.replace(" ", "_")
        return word if word in theme.stances else None

    def code_map(self) -> dict[str, str]:
        """Codebook path -> theme id."""
        return {code: t.id for t in self.themes for code in t.codes}

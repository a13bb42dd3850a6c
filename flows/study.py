"""The study definition (`study.toml`): roles, themes, survey items and rules.

`load_study(path)` parses and validates the file and raises `StudyFileError`
naming the file and the key at fault.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from flows.errors import StudyFileError

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

_ID = r"^[a-z][a-z0-9_]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StudyInfo(_Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str
    language: Literal["en", "da"] = "en"
    code_separator: str = "/"


#: The formats each input may have (the first is the default for a .csv/.xlsx file).
INPUT_FORMATS: dict[str, tuple[str, ...]] = {
    "roster": ("native",),
    "interviews": ("native", "refi-qda", "qualcoder", "maxqda", "dedoose", "segments"),
    "excerpts": ("native", "refi-qda", "qualcoder", "maxqda", "dedoose", "segments"),
    "survey": ("native", "spss", "stata", "redcap"),
}
#: The file name endings each format reads.
FORMAT_SUFFIXES: dict[str, tuple[str, ...]] = {
    "native": (".csv", ".tsv", ".txt", ".xlsx"),
    "refi-qda": (".qdpx", ".qde"),
    "qualcoder": (".csv", ".tsv", ".txt", ".xlsx"),
    "maxqda": (".csv", ".tsv", ".txt", ".xlsx"),
    "dedoose": (".csv", ".tsv", ".txt", ".xlsx"),
    "segments": (".csv", ".tsv", ".txt", ".xlsx"),
    "spss": (".sav", ".zsav"),
    "stata": (".dta",),
    "redcap": (".csv",),
}
_SUFFIX_DEFAULTS = {
    ".qdpx": "refi-qda",
    ".qde": "refi-qda",
    ".sav": "spss",
    ".zsav": "spss",
    ".dta": "stata",
}
QDA_FORMATS = ("refi-qda", "qualcoder", "maxqda", "dedoose", "segments")


def infer_format(path: str) -> str:
    """The format a file name suggests when the study file does not say."""
    return _SUFFIX_DEFAULTS.get(Path(path).suffix.lower(), "native")


class InputSpec(_Strict):
    """One input file: where it is and what wrote it.

    In study.toml either a path (`survey = "survey.csv"`) or an inline table
    (`survey = { path = "export.csv", format = "redcap", dictionary = "dict.csv" }`).
    It behaves as a path (`os.PathLike`), so code that joins or hashes input
    paths needs no change."""

    path: str = Field(min_length=1)
    format: str | None = None
    encoding: str = "utf-8"
    delimiter: str | None = Field(default=None, min_length=1, max_length=1)
    sheet: str | None = None
    dictionary: str | None = None

    def __fspath__(self) -> str:
        return self.path

    def __str__(self) -> str:
        return self.path


class Inputs(_Strict):
    roster: InputSpec
    interviews: InputSpec
    excerpts: InputSpec
    survey: InputSpec
    #: a filled review sheet (review/stances.xlsx or .csv): the researcher's stances
    stance_reviews: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _interviews_from_qda(cls, data):
        """Without `interviews`, a QDA project or export supplies them."""
        if isinstance(data, dict) and "interviews" not in data and "excerpts" in data:
            excerpts = data["excerpts"]
            spec = {"path": excerpts} if isinstance(excerpts, str) else excerpts
            if isinstance(spec, dict) and isinstance(spec.get("path"), str):
                fmt = spec.get("format") or infer_format(spec["path"])
                if fmt != "native":
                    data = {**data, "interviews": excerpts}
        return data

    @field_validator("roster", "interviews", "excerpts", "survey", mode="before")
    @classmethod
    def _plain_path(cls, value):
        return {"path": value} if isinstance(value, str) else value

    @field_validator("roster", "interviews", "excerpts", "survey")
    @classmethod
    def _format(cls, spec: InputSpec, info) -> InputSpec:
        name = info.field_name
        fmt = spec.format or infer_format(spec.path)
        allowed = INPUT_FORMATS[name]
        if fmt not in allowed:
            raise ValueError(f"format {fmt!r} cannot be read as {name}; expected one of {allowed}")
        suffix = Path(spec.path).suffix.lower()
        if suffix not in FORMAT_SUFFIXES[fmt]:
            raise ValueError(
                f"a {fmt} file should end in {' or '.join(FORMAT_SUFFIXES[fmt])}, not {suffix or '(none)'!r}"
            )
        if fmt == "redcap" and not spec.dictionary:
            raise ValueError("format 'redcap' needs its data dictionary: dictionary = '<file>.csv'")
        if spec.dictionary and fmt != "redcap":
            raise ValueError("dictionary is only read with format 'redcap'")
        try:
            "".encode(spec.encoding)
        except LookupError:
            raise ValueError(f"unknown text encoding {spec.encoding!r}") from None
        return spec.model_copy(update={"format": fmt})

    @model_validator(mode="after")
    def _interviews_match_excerpts(self) -> Inputs:
        if self.excerpts.format in QDA_FORMATS:
            if (self.interviews.path, self.interviews.format) != (
                self.excerpts.path,
                self.excerpts.format,
            ):
                raise ValueError(
                    "interviews: with excerpts from a QDA project or export, its sources are "
                    "the interviews; leave interviews out (or point it at the same file)"
                )
        elif self.interviews.format != "native":
            raise ValueError(
                "interviews: a QDA file supplies interviews only with its own excerpts"
            )
        return self

    def files(self) -> dict[str, str]:
        """Every file the inputs name, keyed by the study-file key that names it."""
        files = {
            name: getattr(self, name).path
            for name in ("roster", "interviews", "excerpts", "survey")
        }
        if self.survey.dictionary:
            files["survey.dictionary"] = self.survey.dictionary
        if self.stance_reviews:
            files["stance_reviews"] = self.stance_reviews
        return files


class SurveyLayout(_Strict):
    """How the survey file is laid out. For REDCap, `case_column`, `wave_column`,
    `baseline` and `followup` default to REDCap's conventions (`record_id`,
    `redcap_event_name`, events named `baseline...` and `follow...up...`)."""

    case_column: str = "case_id"
    wave_column: str = "wave"
    baseline: str = "baseline"
    followup: str = "followup"
    layout: Literal["wide", "long"] = "wide"
    item_column: str = "item_id"
    value_column: str = "value"
    #: survey item or context variable id -> the column (REDCap field) holding it
    columns: dict[str, str] = Field(default_factory=dict)
    #: value in the case column -> case id (default: the value is the case id)
    case_ids: dict[str, str] = Field(default_factory=dict)
    #: values that mean "missing" (e.g. "-99", "UNK"): loaded as missing, not rejected
    missing_codes: list[str] = Field(default_factory=list)
    #: columns the survey holds but the study does not use (not listed as rejects)
    ignore_columns: list[str] = Field(default_factory=list)

    def for_format(self, fmt: str) -> SurveyLayout:
        """The layout with the defaults of a format filled in where not set."""
        if fmt != "redcap":
            return self
        update = {}
        if "case_column" not in self.model_fields_set:
            update["case_column"] = "record_id"
        if "wave_column" not in self.model_fields_set:
            update["wave_column"] = "redcap_event_name"
        return self.model_copy(update=update)


Source = Literal["source_name", "variable", "case", "code_folder", "qda_case", "roster"]


class Locator(_Strict):
    """Where in a QDA project a value is found (an informant, a role, a case).

    - `source_name`: the source (document) name without its extension, or the
      first group of `pattern` (a regular expression) matched against it;
    - `variable`: the value of the source variable `name` (REFI-QDA: on the
      source, or on a case holding the whole source; spreadsheets: a column);
    - `case`: the names of the QDA cases holding the whole source;
    - `code_folder`: the codes under the folder `folder` applied in the source
      (for `case`: on the same selection), named relative to the folder;
    - `qda_case` (cases only): the QDA cases referring to the selection
      (SelectionRef), else to its whole source (SourceRef);
    - `roster` (cases only): the informant's one case in the roster.

    `values` maps what is found to our ids (others pass through unchanged).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    source: Source = Field(alias="from")
    name: str | None = None
    pattern: str | None = None
    folder: str | None = None
    values: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _complete(self) -> Locator:
        if self.source == "variable" and not self.name:
            raise ValueError("from = 'variable' needs name = '<variable or column>'")
        if self.source == "code_folder" and not self.folder:
            raise ValueError("from = 'code_folder' needs folder = '<code path>'")
        if self.pattern is not None:
            try:
                compiled = re.compile(self.pattern)
            except re.error as exc:
                raise ValueError(f"pattern is not a regular expression: {exc}") from None
            if compiled.groups < 1:
                raise ValueError("pattern needs a group, e.g. '^(P[0-9]+)_' or '(?P<id>...)'")
        return self


class QdaMapping(_Strict):
    """How a QDA project's structure maps onto informants, roles and cases."""

    #: position counting: auto (detected from the file) or the tool that wrote it
    dialect: Literal["auto", "standard", "qualcoder", "maxqda", "nvivo", "atlasti"] = "auto"
    #: keep a set dialect although the file's origin or its positions say otherwise
    dialect_override: bool = False
    #: which roster person speaks in each source
    person: Locator = Locator(source="source_name")
    #: the informant's role, where the project records it (checked against the roster)
    role: Locator | None = None
    #: which case each coded selection speaks about
    case: Locator = Locator(source="qda_case")
    #: source variables giving an interview's language (en/da) and mode
    language_variable: str | None = None
    mode_variable: str | None = None
    #: selections about no case: "reject" (listed as rejects) or "programme"
    #: (programme-level remarks by design: still listed, but expected by validate)
    no_case: Literal["reject", "programme"] = "reject"
    #: a code folder the themes' code paths are relative to (stripped from paths)
    code_prefix: str = ""
    #: context variable id -> QDA case variable, for case context the survey lacks
    context_variables: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _locators(self) -> QdaMapping:
        if self.person.source in ("qda_case", "roster"):
            raise ValueError(f"person: from = {self.person.source!r} only applies to case")
        if self.role is not None and self.role.source in ("qda_case", "roster"):
            raise ValueError(f"role: from = {self.role.source!r} only applies to case")
        return self


class SegmentColumns(_Strict):
    """Columns of a coded-segment spreadsheet (format `segments`), or overrides
    of a tool layout's column names (formats qualcoder, maxqda, dedoose)."""

    document: str | None = None
    code: str | None = None
    text: str | None = None
    position: str | None = None
    coder: str | None = None
    case: str | None = None
    #: how the code column joins a code path (default: the study's code_separator)
    code_separator: str | None = None


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
    #: the stance scheme's theme this one is (docs/stance-scheme.md); default: its id.
    #: A theme that is no scheme theme is read from its examples and `better`.
    behaviour: str | None = Field(default=None, pattern=_ID)
    #: which direction of the behaviour is better (outcomes; "lower" for breathlessness)
    better: Literal["higher", "lower"] | None = None

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
    """Thresholds of the case classification and the QCA (docs/methods.md, docs/qca.md)."""

    min_roles_corroborating: int = Field(default=1, ge=0)
    min_roles_without_survey: int = Field(default=2, ge=1)
    min_outcome_themes: int = Field(default=1, ge=1)
    # a machine suggestion below this confidence never creates a dissonance on its own
    min_suggestion_confidence: float = Field(default=0.0, ge=0, le=1)
    # crisp-set QCA: conditions (default: every context theme + activities), thresholds
    qca_condition_ids: list[str] | None = None
    qca_min_activities: int = Field(default=2, ge=1)
    qca_consistency_threshold: float = Field(default=1.0, gt=0, le=1)
    qca_consistency_threshold_0: float = Field(default=0.0, ge=0, lt=1)
    qca_min_cases: int = Field(default=1, ge=1)


class Privacy(_Strict):
    """Extra de-identification and who may read the outputs."""

    # a CSV of places, institutions and other identifying words: kind,name,aliases
    identifiers: str | None = None
    # "owner": folders 0700, files 0600; "group": 0750 / 0640 (a shared project group)
    output_permissions: Literal["owner", "group"] = "owner"


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
        return self

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
        """The file of an input (`roster`, `interviews`, `excerpts`, `survey`), or
        of another file an input names (`survey.dictionary`)."""
        return self.root / self.definition.inputs.files()[name]

    def input_spec(self, name: str) -> InputSpec:
        return getattr(self.definition.inputs, name)


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
    for key, name in study.inputs.files().items():
        if key == "interviews" and study.inputs.interviews == study.inputs.excerpts:
            continue  # the QDA file that supplies both: reported as excerpts
        target = path.parent / name
        if not target.is_file():
            raise StudyFileError(str(path), f"inputs.{key}", f"file not found: {target}")
    return LoadedStudy(definition=study, path=path, sha256=hashlib.sha256(raw).hexdigest())

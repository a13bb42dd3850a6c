"""`[inputs]` and `[survey]`: the files a study reads, the format of each
(inferred from the file name unless the study file says), and how the survey
file is laid out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from flows.study.strict import _Strict

#: The formats of interviews and excerpts: native files, a QDA project or a segment export.
_PASSAGE_FORMATS: tuple[str, ...] = (
    "native",
    "refi-qda",
    "qualcoder",
    "maxqda",
    "dedoose",
    "taguette",
    "atlasti",
    "segments",
)

#: The formats each input may have (the first is the default for a .csv/.xlsx file).
INPUT_FORMATS: dict[str, tuple[str, ...]] = {
    "roster": ("native",),
    "interviews": _PASSAGE_FORMATS,
    "excerpts": _PASSAGE_FORMATS,
    "survey": ("native", "spss", "stata", "redcap"),
}
#: The file name endings each format reads.
FORMAT_SUFFIXES: dict[str, tuple[str, ...]] = {
    "native": (".csv", ".tsv", ".txt", ".xlsx"),
    "refi-qda": (".qdpx", ".qde"),
    "qualcoder": (".csv", ".tsv", ".txt", ".xlsx"),
    "maxqda": (".csv", ".tsv", ".txt", ".xlsx"),
    "dedoose": (".csv", ".tsv", ".txt", ".xlsx"),
    "taguette": (".csv", ".tsv", ".txt", ".xlsx"),
    "atlasti": (".csv", ".tsv", ".txt", ".xlsx"),
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
#: The two waves a survey compares (keys of per-wave tables).
WAVES = ("baseline", "followup")
QDA_FORMATS = ("refi-qda", "qualcoder", "maxqda", "dedoose", "taguette", "atlasti", "segments")


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
    #: "long": one row per case and wave, a column per item (as SPSS and REDCap
    #: name it); "stacked": one row per case, wave and item. "wide" is read as
    #: "long" and "long" with item and value columns as "stacked", each with a
    #: deprecation note (`deprecations`); "waves_in_columns": one row per case,
    #: each item in one column per wave (`walk_t0`, `walk_t1`; SPSS's "wide")
    layout: Literal["long", "stacked", "wide", "waves_in_columns"] = "long"
    item_column: str = "item_id"
    value_column: str = "value"
    #: survey item or context variable id -> the column (REDCap field) holding it;
    #: waves_in_columns: an item's column stem, or its column per wave
    #: (`{ baseline = "walk_t0", followup = "walk_t1" }`)
    columns: dict[str, str | dict[str, str]] = Field(default_factory=dict)
    #: waves_in_columns: what ends each item's column at each wave
    #: (`{ baseline = "_t0", followup = "_t1" }`)
    wave_suffixes: dict[str, str] = Field(default_factory=dict)
    #: waves_in_columns: what starts each item's column at each wave
    #: (`{ baseline = "t0_", followup = "t1_" }`)
    wave_prefixes: dict[str, str] = Field(default_factory=dict)
    #: value in the case column -> case id (default: the value is the case id)
    case_ids: dict[str, str] = Field(default_factory=dict)
    #: values that mean "missing" (e.g. "-99", "UNK"): loaded as missing, not rejected
    missing_codes: list[str] = Field(default_factory=list)
    #: columns the survey holds but the study does not use (not listed as rejects)
    ignore_columns: list[str] = Field(default_factory=list)
    #: long and stacked: the wave whose rows hold the context variables when that
    #: is not the baseline (a REDCap enrolment event); its rows give context only
    context_wave: str | None = None

    @model_validator(mode="after")
    def _waves_in_columns(self) -> SurveyLayout:
        """Wave suffixes, prefixes and per-wave columns go with waves_in_columns
        only, each naming exactly the two waves."""
        per_wave = {k for k, v in self.columns.items() if isinstance(v, dict)}
        if self.layout != "waves_in_columns":
            if self.wave_suffixes or self.wave_prefixes or per_wave:
                key = "wave_suffixes" if self.wave_suffixes else "wave_prefixes"
                if per_wave:
                    key = f"columns.{sorted(per_wave)[0]}"
                raise ValueError(
                    f'{key}: a column per wave is read with layout = "waves_in_columns" only'
                )
            return self
        if self.wave_suffixes and self.wave_prefixes:
            raise ValueError("give wave_suffixes or wave_prefixes, not both")
        tables = {"wave_suffixes": self.wave_suffixes, "wave_prefixes": self.wave_prefixes}
        tables |= {f"columns.{k}": self.columns[k] for k in sorted(per_wave)}
        for key, table in tables.items():
            if table and set(table) != set(WAVES):
                raise ValueError(
                    f"{key}: expected exactly the keys baseline and followup, got {sorted(table)}"
                )
            if table and any(not str(v).strip() for v in table.values()):
                raise ValueError(f"{key}: a wave's column, suffix or prefix is empty")
            if table and table["baseline"] == table["followup"]:
                raise ValueError(f"{key}: baseline and followup are the same")
        return self

    def wave_column_of(self, ident: str) -> dict[str, str] | None:
        """waves_in_columns: an item's column at each wave ("baseline",
        "followup"), or None when neither the item nor the layout says."""
        given = self.columns.get(ident, ident)
        if isinstance(given, dict):
            return dict(given)
        if self.wave_suffixes:
            return {wave: given + self.wave_suffixes[wave] for wave in WAVES}
        if self.wave_prefixes:
            return {wave: self.wave_prefixes[wave] + given for wave in WAVES}
        return None

    def shape(self, header: list[str]) -> str:
        """The layout to read: "long", "stacked" or "waves_in_columns",
        resolving the old names against the file's header (see `layout_note`)."""
        if self.layout in ("stacked", "waves_in_columns"):
            return self.layout
        if self.layout == "long" and self.item_column in header and self.value_column in header:
            return "stacked"
        return "long"

    def layout_note(self, header: list[str]) -> str | None:
        """A deprecation note when the study file uses an old layout name."""
        if self.layout == "wide":
            return (
                '[survey] layout = "wide" is read as "long" (one row per case and wave, '
                'a column per item), the name SPSS and REDCap use: write layout = "long"'
            )
        if self.shape(header) == "stacked" and self.layout == "long":
            return (
                f'[survey] layout = "long" with {self.item_column!r} and {self.value_column!r} '
                'columns is read as "stacked" (one row per case, wave and item); "long" now '
                'means one row per case and wave: write layout = "stacked"'
            )
        return None

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

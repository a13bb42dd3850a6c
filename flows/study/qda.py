"""`[qda]` and `[segments]`: how a QDA project or coded-segment spreadsheet maps
onto informants, roles and cases (`Locator`: where in the project a value is
found), and the columns of a segment spreadsheet.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import ConfigDict, Field, model_validator

from flows.study.strict import _Strict

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
    #: (programme-level remarks by design: still listed, but expected by validate,
    #: and shown in the index as programme-level evidence)
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
    of a tool layout's column names (formats qualcoder, maxqda, dedoose, taguette,
    atlasti)."""

    document: str | None = None
    code: str | None = None
    text: str | None = None
    position: str | None = None
    coder: str | None = None
    case: str | None = None
    #: how the code column joins a code path (default: the study's code_separator)
    code_separator: str | None = None

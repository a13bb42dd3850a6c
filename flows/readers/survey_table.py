"""A survey file read into text cells plus value labels (`SurveyTable`), whatever
wrote it: the shape `flows.readers.surveys` and its readers share."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class SurveyTable:
    file: Path
    header: list[str]
    rows: list[tuple[str, dict[str, str]]]
    #: column -> raw value -> label
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    #: columns that are bookkeeping, never "undeclared" (REDCap's own)
    system_columns: set[str] = field(default_factory=set)
    #: column -> why the file's own metadata says it cannot hold a number
    not_numeric: dict[str, str] = field(default_factory=dict)
    #: what the reader read otherwise than as answers (Qualtrics's header rows)
    notes: list[str] = field(default_factory=list)
    #: column -> its label from the file's own header rows (Qualtrics's question texts)
    column_labels: dict[str, str] = field(default_factory=dict)
    #: columns the file's own metadata says hold free text (REDCap notes,
    #: Qualtrics text entry): `init` never drafts them as context
    free_text: set[str] = field(default_factory=set)

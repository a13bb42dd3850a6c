"""The study definition (`study.toml`): roles, themes, survey items and rules.

`load_study(path)` parses and validates the file and raises `StudyFileError`
naming the file and the key at fault.

The models are split by table: `flows.study.inputs` ([inputs], [survey]),
`flows.study.qda` ([qda], [segments]), `flows.study.themes` (roles, themes,
stances, survey items, context variables), `flows.study.definition` (the whole
`Study`, [rules], [privacy]) and `flows.study.loading` (`load_study`). Every
name is importable from `flows.study`.
"""

from flows.study.definition import Privacy, Rules, Study, StudyInfo
from flows.study.inputs import (
    FORMAT_SUFFIXES,
    INPUT_FORMATS,
    QDA_FORMATS,
    Inputs,
    InputSpec,
    SurveyLayout,
    infer_format,
)
from flows.study.loading import LoadedStudy, inside, load_study
from flows.study.qda import Locator, QdaMapping, SegmentColumns, Source
from flows.study.themes import (
    STANCES_BY_KIND,
    Component,
    ContextVariable,
    Role,
    StanceLabels,
    StanceLabelsByComponent,
    SurveyItem,
    Theme,
)

__all__ = [
    "FORMAT_SUFFIXES",
    "INPUT_FORMATS",
    "QDA_FORMATS",
    "STANCES_BY_KIND",
    "Component",
    "ContextVariable",
    "InputSpec",
    "Inputs",
    "LoadedStudy",
    "Locator",
    "Privacy",
    "QdaMapping",
    "Role",
    "Rules",
    "SegmentColumns",
    "Source",
    "StanceLabels",
    "StanceLabelsByComponent",
    "Study",
    "StudyInfo",
    "SurveyItem",
    "SurveyLayout",
    "Theme",
    "infer_format",
    "inside",
    "load_study",
]

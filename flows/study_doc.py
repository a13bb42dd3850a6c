"""docs/study-file.md, generated from the study file's pydantic models.

`python -m flows.study_doc` rewrites the reference; `tests/test_study_doc.py`
fails when a model gains a key without a description here, or when the file
differs from what the models give (type and default come from the models,
so they cannot drift).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from flows import study as s

DOC = Path(__file__).resolve().parent.parent / "docs" / "study-file.md"

#: (heading, model, what the table is) in the order of the file.
TABLES: list[tuple[str, type[BaseModel], str]] = [
    ("[study]", s.StudyInfo, "the study itself"),
    ("[inputs]", s.Inputs, "the files read; each a path or an inline table (next)"),
    ("an input", s.InputSpec, "`{ path = ..., format = ... }` for any input"),
    ("[survey]", s.SurveyLayout, "how the survey file is laid out"),
    ("[qda]", s.QdaMapping, "how a QDA project maps onto informants, roles and cases"),
    ("a locator", s.Locator, "`person`, `role` and `case` of [qda]: where a value is found"),
    ("[segments]", s.SegmentColumns, "columns of a coded-segment spreadsheet"),
    (
        "[stance_labels]",
        s.StanceLabelsByComponent,
        "the researcher's sub-code names -> the scheme's stances, per ICAMO component",
    ),
    ("[[roles]]", s.Role, "one per informant type"),
    ("[[themes]]", s.Theme, "one per theme of the convergence matrix"),
    ("[[survey_items]]", s.SurveyItem, "one per survey question compared before and after"),
    ("[[context_variables]]", s.ContextVariable, "baseline context shown per case"),
    ("[rules]", s.Rules, "thresholds of the classification and the QCA"),
    ("[privacy]", s.Privacy, "extra de-identification and output permissions"),
]

#: model.key -> what it changes in the results.
WHAT: dict[str, str] = {
    "StudyInfo.id": "names the output folder (`out/<id>`) and the Prefect run",
    "StudyInfo.title": "the title of every page",
    "StudyInfo.language": "the language of interviews without their own: a code or name "
    "(en, da, nb, sv, Norsk, English...); en and da are machine-read, excerpts in any other "
    "language are loaded and stay unclear until coded or reviewed (decision 0330)",
    "StudyInfo.code_separator": "joins codebook paths (`Outcome/Eating habits`)",
    "Inputs.roster": "people, roles, cases, names and aliases (names only drive pseudonymisation)",
    "Inputs.interviews": "interviews (native layout); left out when a QDA file gives them",
    "Inputs.excerpts": "coded excerpts: native CSV, a REFI-QDA project or a segment export",
    "Inputs.survey": "the baseline and follow-up survey",
    "Inputs.stance_reviews": "a filled stance review sheet (review/stances.xlsx or .csv): "
    "the researcher's stances, counted as coded",
    "InputSpec.path": "the file, relative to study.toml",
    "InputSpec.format": "the reader; default from the file name ending",
    "InputSpec.encoding": "text encoding of CSV files",
    "InputSpec.delimiter": "CSV delimiter; default sniffed",
    "InputSpec.sheet": "XLSX sheet; default the first",
    "InputSpec.dictionary": "the REDCap data dictionary (format redcap only)",
    "SurveyLayout.case_column": "the column naming the case (REDCap: record_id)",
    "SurveyLayout.wave_column": "the column naming the wave (REDCap: redcap_event_name)",
    "SurveyLayout.baseline": "the wave value read as baseline",
    "SurveyLayout.followup": "the wave value read as follow-up",
    "SurveyLayout.layout": "long: a row per case and wave, a column per item (SPSS/REDCap "
    "long); stacked: a row per case, wave and item; waves_in_columns: a row per case, a "
    "column per item and wave (`walk_t0`, `walk_t1`: what SPSS calls wide); wide: old name "
    "of long (deprecated)",
    "SurveyLayout.item_column": "stacked layout: the column naming the item",
    "SurveyLayout.value_column": "stacked layout: the column holding the answer",
    "SurveyLayout.columns": "item or context variable id -> its column, when they differ; "
    "waves_in_columns: an item's column stem, or its column per wave "
    '(`walk = { baseline = "walk_t0", followup = "walk_t1" }`)',
    "SurveyLayout.wave_suffixes": "waves_in_columns: what ends an item's column at each wave "
    '(`{ baseline = "_t0", followup = "_t1" }`)',
    "SurveyLayout.wave_prefixes": "waves_in_columns: what starts an item's column at each wave "
    '(`{ baseline = "pre_", followup = "post_" }`)',
    "SurveyLayout.case_ids": "survey id -> case id, when the survey uses its own ids",
    "SurveyLayout.missing_codes": "values loaded as missing (never as numbers); a value the "
    'file labels as no answer ("Missing", "Don\'t know") but does not declare missing is '
    "loaded as missing and listed in the rejects until it is named here (`init` drafts "
    "them; decision 0425)",
    "SurveyLayout.ignore_columns": "columns the study does not use: not listed as rejects",
    "SurveyLayout.context_wave": "long and stacked: the wave whose rows hold the context variables, when not the baseline (e.g. a REDCap enrolment event); its rows give context only",
    "QdaMapping.dialect": "how positions were counted; auto detects (see validate)",
    "QdaMapping.dialect_override": "keep a set dialect the file's origin or positions contradict",
    "QdaMapping.person": "which roster person speaks in each source",
    "QdaMapping.role": "each informant's role from the project (values matched to role ids or labels)",
    "QdaMapping.case": "which case each coded selection speaks about",
    "QdaMapping.language_variable": "source variable giving an interview's language (a code "
    "or a name: en, Norsk, Engelsk, dansk...)",
    "QdaMapping.mode_variable": "source variable giving an interview's mode",
    "QdaMapping.no_case": 'selections about no case: "reject", or "programme" (expected by '
    "validate, shown in the index as programme-level evidence)",
    "QdaMapping.code_prefix": "a code folder stripped from paths before matching themes",
    "QdaMapping.context_variables": "context variable id -> QDA case variable",
    "Locator.source": "from: source_name, variable, case, code_folder, qda_case, roster",
    "Locator.name": "the variable (from = variable)",
    "Locator.pattern": "a regular expression whose first group is the value",
    "Locator.folder": "the code folder (from = code_folder)",
    "Locator.values": "what is found -> our id (others pass unchanged)",
    "SegmentColumns.document": "the column naming the source document",
    "SegmentColumns.code": "the column holding the code path",
    "SegmentColumns.text": "the column holding the coded text",
    "SegmentColumns.position": "the column holding the position",
    "SegmentColumns.coder": "the column naming the coder",
    "SegmentColumns.case": "the column naming the case",
    "SegmentColumns.code_separator": "how the code column joins a path (default: the "
    "layout's, else the one separator found in the file; see docs/input-formats.md)",
    "Role.id": "the role's id (roster role column, export column names)",
    "Role.label": "shown on pages; also matched by [qda] role values",
    "Role.per_case": "interviewed for each case (its case ids define the cases)",
    "Privacy.common_words": "aliases that are also common words (e.g. Will, May): replaced only where they read as a name",
    "Privacy.allow_files_from": "folders outside the study folder that input files (and REFI-QDA sources) may come from; nothing else outside the study folder is ever read",
    "Theme.id": "the theme's id in exports",
    "Theme.label": "shown on pages",
    "Theme.components": "ICAMO components; the first decides the stances",
    "Theme.codes": "codebook paths mapped to the theme (child codes named after a stance, "
    "or in stance_labels, carry it)",
    "Theme.activity": "an intervention activity: counted for the activities delivered",
    "Theme.counts_as_outcome": "false: an outcome theme shown per case but left out of "
    "rules.min_outcome_themes (e.g. healthcare use)",
    "Theme.behaviour": "which built-in stance profile reads this theme (a theme id of docs/stance-scheme.md, e.g. medication_adherence); default: the theme's id, and a theme that is no scheme theme is read from its examples and `better`",
    "Theme.better": "outcomes: which direction of the behaviour is better. `lower` (breathlessness, smoking, readmissions) makes the theme's example and label words things of which less is better: QUANTITY words about them turn (more/less, fewer, cut down, quit, gone up, numbers rising or falling: 'more breathless' is worsened, 'from twenty a day to five' improved), EVALUATIVE words never do ('my breathing is better', 'easier', 'worse', 'sværere' keep their sense); beside an activity ('I can walk further') a quantity word is about the activity (docs/nlp-evaluation.md, Own themes); an own theme's excerpts are read at both times too: 'none, either before or since' is no change, a count since the start ('twice since she started', 'to gange, siden vi startede') or a first time is worsened, a past season ('last winter', 'sidste vinter') is the baseline, 'from full sick leave to a partial return' is improved (docs/nlp-evaluation.md, Own themes, ninth pass); a count of the object with nothing to compare it with ('twice this year', 'et par gange i år') is not_stated, 'more often than last year' ('oftere ..., end sidste år') is compared with the baseline, and none before with a count now is worsened also where the count names the object by a pronoun ('og nu er det sket tre gange') (tenth pass); 'That's new' said after the object, or 'never before' after a count now, is worsened, and a plan alone ('I'm going to start a fluid diary') is not_stated (eleventh pass); 'went to the emergency room twice' is a count (not_stated), 'Less takeaway, more home cooking' (two of its words opposite ways: a group of what helps with no help word) is unclear, and where more is better a return now ('back full time', 'tilbage på arbejdet') or a level reached ('nu oppe på tre dage om ugen') is improved (thirteenth pass); an own outcome theme without it is read as higher is better, and `triangulate validate` says so in a hint",
    "Theme.survey_domain": "the survey domain compared with the interviews on this theme",
    "Theme.stance_labels": "sub-code name -> stance for this theme (before [stance_labels])",
    "StanceLabelsByComponent.intervention": "e.g. Delivered = present, Not delivered = absent",
    "StanceLabelsByComponent.context": "sub-code name -> facilitator or barrier",
    "StanceLabelsByComponent.actor": "sub-code name -> present or absent",
    "StanceLabelsByComponent.mechanism": "sub-code name -> present or absent",
    "StanceLabelsByComponent.output": "sub-code name -> present or absent",
    "StanceLabelsByComponent.outcome": "sub-code name -> improved, no_change, worsened, not_stated",
    "Theme.examples": "example -> cue words: sources naming the same example agree; "
    "without a shared example agreement is at most partial; the stance reader takes the cue "
    "words (and the label's words) as the theme's topic words, and as its object where "
    '`better = "lower"`; keep words of what helps against that object in a group of their '
    'own (loneliness: company = ["friends", "club"] beside isolation = ["lonely", "alone"]: '
    "a group with a help word and no hindrance word is a thing of which more is better, and "
    'so is a group of what the object lacks: sleep = ["sleep", "søvn"] beside sleepless = '
    '["sleepless", "søvnløs"], or a label "Nights without sleep", and a group holding what a '
    'cue of the object negates: getting_out = ["go out", "går ud"] beside housebound = '
    '["stay in", "går ikke ud"], or a label "Days not leaving the home"; validate names such '
    "groups); "
    "give each language's forms (`fall`, `fell`, `faldt`, `faldet`), compounds and the "
    "everyday words informants use, and phrases of several words (`in bed`, `been in`); "
    "`triangulate validate` hints at an own theme whose excerpts in a language often name "
    "none of these words (docs/nlp-evaluation.md, Own themes, eighth and ninth pass); a "
    "label's noun of a quality names its adjective too ('Loneliness': 'lonely'), and an own "
    "context theme whose label or words name a hindrance ('Side effects ...', 'symptoms', "
    "'træt') reads that hindrance as a barrier, and what it keeps someone from ('it holds "
    "him back', 'so I don't feel like going out') too (fourteenth pass)",
    "SurveyItem.id": "the item's id (and its column unless [survey.columns] says)",
    "SurveyItem.label": "shown on pages",
    "SurveyItem.domain": "the theme's survey_domain it measures",
    "SurveyItem.unit": "shown with values",
    "SurveyItem.better": "which direction is improvement",
    "SurveyItem.mcid": "the smallest change that counts as improved or worsened",
    "SurveyItem.example": "the theme example it measures (compared with interview claims)",
    "ContextVariable.id": "the variable's id (and its survey column unless mapped)",
    "ContextVariable.label": "shown in the context profile",
    "Rules.min_roles_corroborating": "roles that must back an outcome the survey confirms",
    "Rules.min_roles_without_survey": "roles that must agree on an outcome without survey "
    "(0: no outcome without the survey)",
    "Rules.min_outcome_themes": "outcome themes achieved (among those counted) for a case to achieve outcomes",
    "Rules.min_suggestion_confidence": "a machine suggestion below this confidence never "
    "creates a dissonance on its own",
    "Rules.min_machine_readings": "a dissonance (or a discordant fit) whose side rests only on "
    "unreviewed machine readings needs this many behind that side's stance; with fewer it is "
    "held back for review (docs/methods.md; 1: off)",
    "Rules.qca_condition_ids": "QCA conditions (default: context themes + activities)",
    "Rules.qca_min_activities": "activities delivered for the QCA activities condition",
    "Rules.qca_consistency_threshold": "truth-table rows at or above: outcome 1",
    "Rules.qca_consistency_threshold_0": "rows at or below: outcome 0 (between: contradictory)",
    "Rules.qca_min_cases": "cases a truth-table row needs to enter minimisation",
    "Rules.qca_solutions_below_benchmark": "true: show QCA solutions although the cases are "
    "below the limited-diversity benchmark for the conditions (docs/qca.md)",
    "Privacy.identifiers": "a CSV of places and other identifying words to replace",
    "Privacy.output_permissions": "owner (0700/0600) or group (0750/0640) outputs",
    "Privacy.unknown_names": "names nobody put on the roster: replace by [person], or review",
    "Privacy.names_reviewed": "the researcher's decisions on listed names (word, decision)",
}


def _type(annotation) -> str:
    text = re.sub(r"flows\.study\.(\w+\.)*", "", str(annotation).replace("typing.", ""))
    return text.replace("<class '", "").replace("'>", "").replace("|", "or")


def _default(field) -> str:
    if field.default is PydanticUndefined and field.default_factory is None:
        return "required"
    value = field.default_factory() if field.default_factory else field.default
    if isinstance(value, BaseModel):
        return "see below" if not value.model_fields_set else repr(value.model_dump(by_alias=True))
    return "none" if value is None else f"`{value!r}`"


def render() -> str:
    lines = [
        "# The study file (`study.toml`): every key",
        "",
        "Generated from the models in `flows/study/` by `python -m flows.study_doc`;",
        "a test fails when the two differ. `triangulate init` drafts a study file,",
        "`triangulate validate` checks one. Paths are relative to study.toml.",
    ]
    for heading, model, what in TABLES:
        lines += ["", f"## {heading}", "", what[0].upper() + what[1:] + ".", ""]
        lines += ["| key | type | default | what it changes |", "|---|---|---|---|"]
        for name, field in model.model_fields.items():
            key = field.alias or name
            text = WHAT[f"{model.__name__}.{name}"]
            lines.append(f"| `{key}` | {_type(field.annotation)} | {_default(field)} | {text} |")
    return "\n".join(lines) + "\n"


def missing() -> list[str]:
    """Model keys without a description here."""
    return [
        f"{model.__name__}.{name}"
        for _, model, _ in TABLES
        for name in model.model_fields
        if f"{model.__name__}.{name}" not in WHAT
    ]


if __name__ == "__main__":
    if missing():
        sys.exit(f"no description for: {', '.join(missing())}")
    DOC.write_text(render(), encoding="utf-8")
    print(f"wrote {DOC}")

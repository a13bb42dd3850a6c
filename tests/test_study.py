"""Validation of the study file: errors name the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests_support import replace_once

from flows.errors import StudyFileError
from flows.study import load_study


def test_demo_study_loads(demo_dir):
    study = load_study(demo_dir)
    definition = study.definition
    assert definition.study.id == "together-on-diabetes-demo"
    assert [r.id for r in definition.roles] == ["peer", "supporter", "manager", "nurse"]
    assert sum(t.activity for t in definition.themes) == 3
    assert definition.theme("energy").components == ["context", "mechanism"]
    assert len(study.sha256) == 64


@pytest.mark.parametrize(
    ("old", "new", "key", "problem"),
    [
        (
            'components = ["intervention"]\nactivity',
            'components = ["intermission"]\nactivity',
            "themes.0.components.0",
            "Input should be",
        ),
        ('id = "tiny"', 'id = "Tiny Study"', "study.id", "should match pattern"),
        (
            'domain = "activity"\nbetter = "higher"',
            'domain = "sport"\nbetter = "higher"',
            "(top level)",
            "'sport' is not the survey_domain",
        ),
        ("mcid = 60", "mcid = -1", "survey_items.0.mcid", "greater than 0"),
        (
            'codes = ["Context/Energy"]',
            'codes = ["Intervention/Walking"]',
            "(top level)",
            "mapped to both",
        ),
        ('[[roles]]\nid = "nurse"', '[[roles]]\nid = "peer"', "roles", "duplicate id 'peer'"),
        (
            'title = "Tiny test study"',
            'title = "Tiny"\ncolour = "blue"',
            "study.colour",
            "Extra inputs",
        ),
    ],
)
def test_invalid_study_names_file_and_key(make_study, old, new, key, problem):
    from conftest import TINY_STUDY

    folder = make_study([], study_toml=replace_once(TINY_STUDY, old, new))
    with pytest.raises(StudyFileError) as raised:
        load_study(folder)
    assert raised.value.path.endswith("study.toml")
    assert raised.value.key == key
    assert problem in raised.value.problem
    assert str(folder / "study.toml") in str(raised.value)


def test_toml_syntax_error(make_study):
    folder = make_study([], study_toml="[study\nid=")
    with pytest.raises(StudyFileError, match=r"study.toml: \(syntax\)"):
        load_study(folder)


def test_missing_input_file(make_study):
    folder = make_study([])
    (folder / "survey.csv").unlink()
    with pytest.raises(StudyFileError, match=r"inputs.survey: file not found: .*survey.csv"):
        load_study(folder)


def test_missing_study_file(tmp_path):
    with pytest.raises(StudyFileError, match="no study file here"):
        load_study(tmp_path)


# ---------------------------------------------------------------- inputs and mappings


def test_inputs_are_paths_with_formats(demo_dir):
    inputs = load_study(demo_dir).definition.inputs
    assert Path(inputs.survey).name == "survey.csv"  # an input is os.PathLike
    assert {getattr(inputs, n).format for n in ("roster", "interviews", "excerpts")} == {"native"}


def test_qda_project_supplies_the_interviews(make_study):
    from conftest import TINY_STUDY

    toml = replace_once(
        replace_once(TINY_STUDY, 'interviews = "interviews.csv"\n', ""),
        'excerpts = "excerpts.csv"',
        'excerpts = "project.qdpx"',
    )
    folder = make_study([], study_toml=toml)
    (folder / "project.qdpx").write_bytes(b"")
    inputs = load_study(folder).definition.inputs
    assert inputs.excerpts.format == "refi-qda"
    assert inputs.interviews == inputs.excerpts


@pytest.mark.parametrize(
    ("old", "new", "key", "problem"),
    [
        (
            'excerpts = "excerpts.csv"',
            'excerpts = { path = "excerpts.csv", format = "nvivo" }',
            "inputs.excerpts",
            "format 'nvivo' cannot be read as excerpts",
        ),
        (
            'survey = "survey.csv"',
            'survey = { path = "survey.csv", format = "spss" }',
            "inputs.survey",
            "a spss file should end in .sav or .zsav, not '.csv'",
        ),
        (
            'roster = "roster.csv"',
            'roster = { path = "roster.csv", format = "redcap" }',
            "inputs.roster",
            "cannot be read as roster",
        ),
        (
            'survey = "survey.csv"',
            'survey = { path = "survey.csv", dictionary = "d.csv" }',
            "inputs.survey",
            "dictionary is only read with format 'redcap'",
        ),
        (
            'survey = "survey.csv"',
            'survey = { path = "survey.csv", encoding = "klingon" }',
            "inputs.survey",
            "unknown text encoding 'klingon'",
        ),
        (
            'survey = "survey.csv"',
            'survey = { path = "survey.csv", colour = "blue" }',
            "inputs.survey.colour",
            "Extra inputs",
        ),
        ('interviews = "interviews.csv"\n', "", "inputs.interviews", "Field required"),
        (
            'excerpts = "excerpts.csv"',
            'excerpts = { path = "excerpts.csv", format = "maxqda" }',
            "inputs",
            "leave interviews out",
        ),
        (
            "[rules]",
            '[qda]\nperson = { from = "variable" }\n\n[rules]',
            "qda.person",
            "from = 'variable' needs name",
        ),
        (
            "[rules]",
            '[qda]\nperson = { from = "source_name", pattern = "P[0-9" }\n\n[rules]',
            "qda.person",
            "pattern is not a regular expression",
        ),
        (
            "[rules]",
            '[qda]\nperson = { from = "source_name", pattern = "P[0-9]+" }\n\n[rules]',
            "qda.person",
            "pattern needs a group",
        ),
        (
            "[rules]",
            '[qda]\nperson = { from = "roster" }\n\n[rules]',
            "qda",
            "person: from = 'roster' only applies to case",
        ),
        (
            "[rules]",
            '[qda]\ncase = { from = "anywhere" }\n\n[rules]',
            "qda.case.from",
            "Input should be",
        ),
        ("[rules]", '[qda]\ndialect = "word"\n\n[rules]', "qda.dialect", "Input should be"),
        (
            "[rules]",
            '[qda]\nrole = { from = "variable", name = "Type", values = { "RN" = "doctor" } }\n\n[rules]',
            "(top level)",
            "qda.role.values: 'RN' maps to 'doctor', which is not a role id",
        ),
        (
            "[rules]",
            '[survey]\ncolumns = { shoe_size = "shoes" }\n\n[rules]',
            "(top level)",
            "survey.columns: 'shoe_size' is not a survey item or context variable id",
        ),
        ("[rules]", '[survey]\nlayout = "diagonal"\n\n[rules]', "survey.layout", "Input should be"),
        (
            "[rules]",
            '[qda]\ncontext_variables = { age = "Age" }\n\n[rules]',
            "(top level)",
            "qda.context_variables: 'age' is not a context variable id",
        ),
    ],
)
def test_invalid_inputs_and_mappings_name_the_key(make_study, old, new, key, problem):
    from conftest import TINY_STUDY

    folder = make_study([], study_toml=replace_once(TINY_STUDY, old, new))
    with pytest.raises(StudyFileError) as raised:
        load_study(folder)
    assert raised.value.key == key
    assert problem in raised.value.problem


def test_missing_qda_project_names_the_input(make_study):
    from conftest import TINY_STUDY

    toml = replace_once(TINY_STUDY, 'excerpts = "excerpts.csv"', 'excerpts = "project.qdpx"')
    toml = replace_once(toml, 'interviews = "interviews.csv"\n', "")
    folder = make_study([], study_toml=toml)
    with pytest.raises(StudyFileError, match=r"inputs.excerpts: file not found: .*project.qdpx"):
        load_study(folder)


def test_qca_settings_live_in_the_rules(make_study):
    from conftest import TINY_STUDY

    text = replace_once(
        TINY_STUDY,
        "min_outcome_themes = 1",
        'min_outcome_themes = 1\nqca_condition_ids = ["energy"]',
    )
    rules = load_study(make_study([], study_toml=text)).definition.rules
    assert rules.qca_condition_ids == ["energy"] and rules.qca_consistency_threshold == 1.0
    bad = replace_once(TINY_STUDY, "min_outcome_themes = 1", "qca_consistency_threshold = 1.5")
    with pytest.raises(StudyFileError) as raised:
        load_study(make_study([], study_toml=bad))
    assert raised.value.key == "rules.qca_consistency_threshold"


@pytest.mark.parametrize(
    ("codes", "problem"),
    [
        ("Context/Energy", "themes.1: .*only applies to an outcome theme"),
        (
            "Outcome/Activity",
            "min_outcome_themes: 1 outcome themes must be achieved, but only 0 count",
        ),
    ],
)
def test_counts_as_outcome_checked(tmp_path, codes, problem):
    """Only an outcome theme may be left out of the count, and the rule stays reachable."""
    from conftest import TINY_STUDY

    old = f'codes = ["{codes}"]\n'
    bad = replace_once(TINY_STUDY, old, old + "counts_as_outcome = false\n")
    path = tmp_path / "study.toml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(StudyFileError, match=problem):
        load_study(path)

"""Validation of the study file: errors name the file and the key."""

from __future__ import annotations

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

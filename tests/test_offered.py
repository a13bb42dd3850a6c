"""The UI form's choices (flows/orchestration/offered.py, decision 0245), called
directly: which studies and cases `triangulate serve` offers, what it leaves out
and how it says so, the schema's enums, and the served run's own check. No
Prefect (tests/test_privacy_redteam_ui.py drives a real server)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROSTER, TINY_STUDY

from flows.orchestration import offered
from flows.orchestration.offered import (
    CHOICES_VARIABLE,
    OUT_ROOT_VARIABLE,
    Offer,
    form_schema,
    form_value,
    hand_down,
    is_offered,
    offer,
)
from flows.orchestration.settings import PROJECT_ROOT

BASE = [["E0", "I2", "A", "Intervention/Walking/Present", "", "1", "AK", "We walk."]]


@pytest.fixture
def no_choices(monkeypatch):
    monkeypatch.delenv(OUT_ROOT_VARIABLE, raising=False)
    monkeypatch.delenv(CHOICES_VARIABLE, raising=False)


def test_a_studys_form_value_is_its_folder_relative_to_the_project_when_inside(tmp_path):
    assert form_value(PROJECT_ROOT / "data" / "demo") == "data/demo"
    assert form_value(PROJECT_ROOT / "data" / "x" / ".." / "demo") == "data/demo"
    assert form_value(tmp_path / "a" / ".." / "s") == str((tmp_path / "s").resolve())


def test_served_runs_publish_under_out_or_the_root_handed_down(no_choices, monkeypatch):
    assert offered.out_root() == PROJECT_ROOT / "out"
    monkeypatch.setenv(OUT_ROOT_VARIABLE, "")
    assert offered.out_root() == PROJECT_ROOT / "out"
    monkeypatch.setenv(OUT_ROOT_VARIABLE, "/srv/runs")
    assert offered.out_root() == Path("/srv/runs")


def test_the_choices_handed_down_decide_what_a_served_run_may_be(no_choices, tmp_path):
    assert is_offered("anything/at all", ["Karen"])  # outside a served deployment
    choices = Offer({"data/demo": Path("/p/data/demo"), "s2": Path("/s2")}, ("A", "B"), tmp_path)
    hand_down(choices)
    assert offered.out_root() == tmp_path
    import os

    assert json.loads(os.environ[CHOICES_VARIABLE]) == {
        "studies": ["data/demo", "s2"],
        "cases": ["A", "B"],
    }
    assert is_offered("data/demo", []) and is_offered("s2", ["B", "A"])
    assert not is_offered("data/demo", ["A", "C"])
    assert not is_offered("/p/data/demo", [])
    assert not is_offered("data", ["A"])  # no substring of a choice


def _study(make_study, tmp_path: Path, where: str, roster=None, toml=TINY_STUDY) -> Path:
    base = tmp_path / where
    base.mkdir(parents=True)
    return make_study(BASE, roster=roster, study_toml=toml, base=base)


def test_offer_leaves_out_by_position_what_names_anyone(make_study, tmp_path):
    first = _study(make_study, tmp_path, "s1")
    roster = [list(row) for row in ROSTER]
    roster[4][2] = "B;C;Karen"  # a case id that is a name of the first study's roster
    folders = [
        first,
        tmp_path / "missing",  # cannot be loaded
        _study(make_study, tmp_path, "Karen Lund"),  # its folder names her
        _study(make_study, tmp_path, "s4", toml=TINY_STUDY.replace('id = "tiny"', 'id = "holm"')),
        tmp_path / "s1" / ".." / "s1" / "study",  # the first again
        _study(make_study, tmp_path, "s6", roster=roster),
    ]
    choices = offer(folders, tmp_path / "out")
    last = folders[-1].resolve()
    assert choices.studies == {form_value(first): first.resolve(), form_value(last): last}
    assert choices.cases == ("A", "B", "C")
    assert choices.out_root == tmp_path / "out"
    assert choices.left_out == [
        "study 2: it cannot be loaded (`triangulate validate` says why)",
        "study 3: its folder, study id or output folder holds a roster name",
        "study 4: its folder, study id or output folder holds a roster name",
        "study 5: offered already",
        "study 6: 1 case id(s) hold a roster name",
    ]
    text = json.dumps([*choices.left_out, *choices.cases]).lower()
    assert "karen" not in text and "holm" not in text


def test_offer_leaves_out_every_study_whose_output_folder_names_someone(make_study, tmp_path):
    folder = _study(make_study, tmp_path, "s1")
    choices = offer([folder], tmp_path / "Mette")
    assert choices.studies == {} and choices.cases == ()
    assert choices.left_out == [
        "study 1: its folder, study id or output folder holds a roster name"
    ]
    assert offer([folder], tmp_path / "out").studies == {form_value(folder): folder.resolve()}


def _schema() -> dict:
    properties = {"study_dir": {"type": "string"}, "cases": {"type": "array"}}
    return {"definitions": {"RunRequest": {"properties": properties}}}


def test_the_form_schema_carries_the_choices_as_enums(tmp_path):
    choices = Offer({"data/demo": Path("/d"), "s2": Path("/s")}, ("A", "B"), tmp_path)
    request = form_schema(_schema(), choices)["definitions"]["RunRequest"]["properties"]
    assert request["study_dir"] == {
        "type": "string",
        "enum": ["data/demo", "s2"],
        "default": "data/demo",
    }
    assert request["cases"] == {"type": "array", "items": {"type": "string", "enum": ["A", "B"]}}
    none = form_schema(_schema(), Offer({"s2": Path("/s")}, (), tmp_path))
    cases = none["definitions"]["RunRequest"]["properties"]["cases"]
    assert cases == {"type": "array", "maxItems": 0}

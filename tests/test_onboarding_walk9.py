"""Onboarding walk 9 (docs/onboarding-walk.md): a physiotherapy study read from a
Taguette highlights export and a longitudinal REDCap project. What the walk
found in `triangulate init`, the run form and the provenance line."""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path

from tests_support import drafted_roster
from typer.testing import CliRunner

from flows.cli import app
from flows.init import init_study
from flows.init_direction import better_of, direction_stance
from flows.orchestration.deployment import RunRequest
from flows.study import load_study

TAGS = [
    ("K1 participant interview", "Outcomes\\Knee pain\\Less", "The pain is much less now."),
    ("K1 participant interview", "Outcomes\\Getting about\\More", "I walk more now."),
    ("K2 participant interview", "Outcomes\\Knee pain\\More", "It hurts more than before."),
    ("K2 participant interview", "Outcomes\\Getting about\\Less", "I go out less."),
    ("K2 participant interview", "Outcomes\\Getting about\\Better", "Stairs are better."),
    ("K2 participant interview", "Activities\\Group sessions\\Delivered", "I went weekly."),
]


def highlights(path: Path) -> Path:
    """A Taguette 1.5 highlights export (`id,document,tag,content`, CRLF)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["id", "document", "tag", "content"])
        writer.writerows((n, *row) for n, row in enumerate(TAGS, start=1))
    return path


def test_less_and_more_are_read_per_theme_by_which_direction_is_better(tmp_path):
    """ "Less" knee pain is an improvement, "Less" getting about a decline: init
    used to map Less to worsened and More to improved for every outcome theme."""
    path = init_study(tmp_path / "draft", segments=highlights(tmp_path / "h.csv"), fmt="taguette")
    drafted = tomllib.loads(path.read_text(encoding="utf-8"))
    themes = {t["id"]: t for t in drafted["themes"]}
    assert themes["knee_pain"]["better"] == "lower"
    assert themes["knee_pain"]["stance_labels"] == {"Less": "improved", "More": "worsened"}
    assert themes["getting_about"]["stance_labels"] == {"Less": "worsened", "More": "improved"}
    assert "better" not in themes["group_sessions"]
    shared = drafted["stance_labels"]["outcome"]
    assert shared == {"Better": "improved"}  # no direction word in the shared table
    assert "swap them if the other direction is better" in path.read_text(encoding="utf-8")
    load_study(path.parent)  # the draft loads as it is


def test_which_direction_is_better_guessed_from_labels():
    assert better_of("Knee pain, average last week (0-10)") == "lower"
    assert better_of("Tampa Scale of Kinesiophobia (TSK-11)") == "lower"
    assert better_of("Fear of movement") == "lower"
    assert better_of("30-second chair stand (stands)") == "higher"
    assert better_of("Days a week with exercise") == "higher"
    assert direction_stance("Fewer", "lower") == "improved"
    assert direction_stance("More", "lower") == "worsened"
    assert direction_stance("Better", "lower") is None


def test_survey_item_better_guessed_lower_for_pain(tmp_path):
    survey = tmp_path / "survey.csv"
    survey.write_text(
        "record,wave,pain_score,chair_stands\n1,baseline,6,8\n1,followup,3,12\n"
        "2,baseline,5,9\n2,followup,5,9\n",
        encoding="utf-8",
    )
    path = init_study(
        tmp_path / "draft",
        segments=highlights(tmp_path / "h.csv"),
        fmt="taguette",
        survey=survey,
    )
    items = {i["id"]: i for i in tomllib.loads(path.read_text(encoding="utf-8"))["survey_items"]}
    assert items["pain_score"]["better"] == "lower"
    assert items["chair_stands"]["better"] == "higher"


def test_init_header_names_the_folder_as_typed(tmp_path, monkeypatch):
    """The header said `validate <folder name>`, wrong from where init was run
    when --out has more than one part; now the path as given, as the CLI says."""
    monkeypatch.chdir(tmp_path)
    highlights(tmp_path / "h.csv")
    result = CliRunner().invoke(
        app, ["init", "--segments", "h.csv", "--format", "taguette", "--out", "studies/my knee"]
    )
    assert result.exit_code == 0, result.output
    header = (tmp_path / "studies" / "my knee" / "study.toml").read_text(encoding="utf-8")
    assert "# `triangulate validate 'studies/my knee'`." in header
    assert "then: triangulate validate 'studies/my knee'" in result.output


def test_run_form_names_no_demo_case():
    """No demo case id in the form's help (the form offers the studies
    `make serve STUDY=...`/`STUDIES=...` names: tests/test_privacy_redteam_ui.py)."""
    cases = RunRequest.model_fields["cases"].description
    assert "P3" not in cases and "roster" in cases


def test_serve_refuses_a_folder_without_study_file(tmp_path):
    result = CliRunner().invoke(app, ["serve", str(tmp_path / "nothing")])
    assert result.exit_code == 2
    assert "no study.toml there" in result.output and "make serve STUDY=" in result.output


STAFF = [
    ("L1 peer leader interview", "Outcomes\\Knee pain\\Less", "Her pain went down."),
    ("L1 peer leader interview", "Case\\K1", "Her pain went down."),
    ("L1 peer leader interview", "Outcomes\\Knee pain\\Same", "His pain stayed."),
    ("L1 peer leader interview", "Case\\K2", "His pain stayed."),
    ("L2 peer leader interview", "Outcomes\\Knee pain\\Less", "Less pain for him."),
    ("L2 peer leader interview", "Case\\K3", "Less pain for him."),
    ("K3 participant interview", "Outcomes\\Knee pain\\Less", "Less pain."),
    ("K4 participant interview", "Outcomes\\Knee pain\\Same", "Same pain."),
]


def test_case_codes_and_ids_in_document_names_drafted(tmp_path):
    """Taguette has no cases: a staff member's highlight carries a second tag
    `Case\\K2`. init used to draft each informant their own case (`S07` ->
    case `S07`) and list the case tags as codes mapped to no theme."""
    export = tmp_path / "h.csv"
    with export.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["id", "document", "tag", "content"])
        ids = {}
        for document, tag, text in STAFF:  # the case tag rides on its highlight
            number = ids.setdefault((document, text), len(ids) + 1)
            writer.writerow([number, document, tag, text])
    path = init_study(tmp_path / "draft", segments=export, fmt="taguette")
    text = path.read_text(encoding="utf-8")
    assert 'case = { from = "code_folder", folder = "Case" }' in text
    assert "Case/K1" not in text  # not listed as a code mapped to no theme
    drafted = tomllib.loads(text)
    assert drafted["qda"]["person"]["values"]["L1 peer leader interview"] == "L1"
    assert drafted_roster(path.parent) == {
        "K3": ("participant", "K3"),
        "K4": ("participant", "K4"),
        "L1": ("peer_leader", "K1;K2"),
        "L2": ("peer_leader", "K3"),
    }


def test_make_ui_tells_the_prefect_ui_where_its_api_is():
    """`make ui UI_PORT=4291` served the UI on 4291, whose page then called the
    API on 4200 ("Can't connect to Server API at http://127.0.0.1:4200/api")."""
    import subprocess

    root = Path(__file__).resolve().parent.parent
    dry = subprocess.run(
        ["make", "-n", "ui", "UI_PORT=4291"], cwd=root, capture_output=True, text=True, check=True
    ).stdout
    assert "PREFECT_UI_API_URL=http://127.0.0.1:4291/api" in dry


def test_dossier_without_context_variables_says_so(make_study, tmp_path):
    """A study declaring no context variables showed an empty table under
    "Context profile (baseline)": a header row and nothing else."""
    from conftest import TINY_STUDY
    from tests_support import TWO_CASES, replace_once

    from flows import stages

    toml = replace_once(TINY_STUDY, '[[context_variables]]\nid = "sex"\nlabel = "Sex"\n', "")
    out = tmp_path / "out"
    stages.run_direct(make_study(TWO_CASES, study_toml=toml), out)
    page = (out / "cases" / "A.html").read_text(encoding="utf-8")
    assert "the study file declares no context variables" in page
    assert "Baseline characteristics of case" not in page

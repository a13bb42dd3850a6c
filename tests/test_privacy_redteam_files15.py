"""Red-team pass (privacy15): files and folders named after people.

An input's file name is published in every page's provenance footer, the index
and the manifest; the study id names the Prefect run and its tags; the study and
output folders are run parameters. The audit looks for roster names only, so a
file named after someone nobody listed ("interview Karim Haddad.csv") was
published, audit clean. Decision 0446: such a name stops the run before anything
is written (or before Prefect sees a parameter), naming the input or the
parameter, never the name.
"""

from __future__ import annotations

import pytest
from conftest import TINY_STUDY
from privacy.test_corpus import BASE, SURVEY, every_output_text

from flows import stages
from flows.errors import LeakError
from flows.privacy import preflight
from flows.study import load_study

NAMES = ("Karim", "Haddad", "Sofie")


def _renamed(make_study, tmp_path, key: str, old: str, new: str):
    folder = make_study(
        BASE, SURVEY, None, TINY_STUDY.replace(f'{key} = "{old}"', f'{key} = "{new}"')
    )
    (folder / new).parent.mkdir(parents=True, exist_ok=True)
    (folder / old).rename(folder / new)
    return folder


@pytest.mark.parametrize(
    ("key", "old", "new"),
    [
        ("excerpts", "excerpts.csv", "interview Karim Haddad.csv"),
        ("survey", "survey.csv", "survey_sofie.csv"),  # lower case: read with blanks
        ("interviews", "interviews.csv", "Sofie/interviews.csv"),  # a folder of its own
    ],
    ids=["excerpts-file", "survey-file", "input-folder"],
)
def test_an_input_named_after_someone_nobody_listed_stops_the_run(
    make_study, tmp_path, key, old, new
):
    folder = _renamed(make_study, tmp_path, key, old, new)
    out = tmp_path / "out" / "tiny"
    if new == "survey_sofie.csv":  # lower case is not screened: published as before
        stages.run_direct(folder, out)
        assert "survey_sofie.csv" in every_output_text(out)
        return
    with pytest.raises(LeakError) as error:
        stages.run_direct(folder, out)
    assert not any(name in str(error.value) for name in NAMES)
    assert f"[inputs] {key}" in str(error.value)
    assert not out.exists()


def test_an_input_named_after_a_roster_person_stops_the_run_too(make_study, tmp_path):
    """privacy9: the audit failed on it at the end; now it stops at ingestion."""
    folder = _renamed(make_study, tmp_path, "survey", "survey.csv", "survey Karen Lund.csv")
    with pytest.raises(LeakError) as error:
        stages.run_direct(folder, tmp_path / "out" / "tiny")
    assert "Karen" not in str(error.value) and "Lund" not in str(error.value)


def test_files_naming_no_one_pass(make_study, tmp_path):
    folder = _renamed(
        make_study, tmp_path, "excerpts", "excerpts.csv", "interviews-2021 round 2.csv"
    )
    out = tmp_path / "out" / "tiny"
    stages.run_direct(folder, out)
    assert "interviews-2021 round 2.csv" in every_output_text(out)


@pytest.mark.parametrize(
    ("study_name", "out_name", "what"),
    [
        ("Karim Haddad", "tiny", "study folder"),
        ("study", "Sofie", "output folder"),
        ("Dr Madsen interviews", "tiny", "study folder"),
    ],
)
def test_a_folder_named_after_someone_stops_before_the_flow(
    make_study, tmp_path, study_name, out_name, what
):
    """Prefect stores the folders as the flow run's parameters before any audit."""
    folder = make_study(BASE, SURVEY)
    named = folder.rename(folder.parent / study_name)
    with pytest.raises(LeakError) as error:
        preflight.check_before_flow(named, tmp_path / "out" / out_name)
    assert what in str(error.value)
    assert not any(name in str(error.value) for name in (*NAMES, "Madsen"))


def test_a_parent_folder_is_not_screened(make_study, tmp_path):
    """A home folder is the researcher's ("/Users/Sofie/..."): only the study's
    and the output's own folder names are screened."""
    home = tmp_path / "Sofie"
    home.mkdir()
    folder = make_study(BASE, SURVEY, base=home)
    assert preflight.check_before_flow(folder, home / "out" / "tiny") is not None
    assert preflight.unlisted_in_file_names(load_study(folder)) == []

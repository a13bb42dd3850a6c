"""The name a run started from the UI's form is given once its study is checked
(decision 0426), without a server: what the Runs list is searched by
(`tests/test_ui_run.py` reads it back from a real Prefect server)."""

from __future__ import annotations

from flows.orchestration.deployment import ui_run_name


def test_a_ui_run_is_named_by_its_study_like_the_run_inside_it():
    assert ui_run_name("together-on-diabetes-demo") == (
        "triangulate together-on-diabetes-demo (from the UI)"
    )

"""Red-team pass (privacy12): a researcher's error whose text names someone, run
through Prefect, then every record Prefect's server holds read back over its API
(tests/prefect_readback.py) and screened.

Found here (decision 0364): a sealed error (decision 0250) kept its file and
element as they were, so a survey file named after a participant ("survey Karen
Lund.csv") with a broken header reached Prefect's log lines and state messages
with the name, though the problem's text was withheld; and a problem text naming
someone nobody listed (a workbook's sheets, one per interviewee: "Sofie",
"Zbigniew") passed as it was, screened for roster names only."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from prefect_readback import stored_texts
from privacy.test_corpus import BASE, SURVEY
from test_flow import prefect_server  # noqa: F401 - the module's Prefect server

NAMES = ("karen", "lund", "sofie", "zbigniew")


def _stored_names(api: str, since: datetime) -> list[tuple[str, str]]:
    found = []
    for collection, text in stored_texts(api.rstrip("/"), since):
        found += [(collection, n) for n in NAMES if re.search(rf"\b{n}", text.lower())]
    return found


def _broken_header_in_a_named_file(folder):
    """A survey file named after a participant, its header with a column twice."""
    survey = (folder / "survey.csv").read_text(encoding="utf-8")
    header, rest = survey.split("\n", 1)
    (folder / "survey Karen Lund.csv").write_text(f"{header},sex\n{rest}", encoding="utf-8")
    (folder / "survey.csv").unlink()
    toml = (folder / "study.toml").read_text(encoding="utf-8")
    (folder / "study.toml").write_text(
        toml.replace('"survey.csv"', '"survey Karen Lund.csv"'), encoding="utf-8"
    )


def _workbook_with_a_sheet_per_interviewee(folder):
    """The survey in a workbook whose sheets are named after interviewees nobody
    put on the roster; the study file names a sheet it lacks."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Sofie"
    book.create_sheet("Zbigniew")
    book.save(folder / "survey.xlsx")
    toml = (folder / "study.toml").read_text(encoding="utf-8")
    (folder / "study.toml").write_text(
        toml.replace('"survey.csv"', '{ path = "survey.xlsx", sheet = "survey" }'),
        encoding="utf-8",
    )


ATTACKS = {
    "file-named-after-a-participant": _broken_header_in_a_named_file,
    "sheets-named-after-interviewees": _workbook_with_a_sheet_per_interviewee,
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_an_input_error_naming_someone_reaches_prefect_without_the_name(
    prefect_server,  # noqa: F811
    make_study,
    tmp_path,
    attack,
):
    from flows.orchestration import pipeline

    folder = make_study(BASE, SURVEY)
    ATTACKS[attack](folder)
    out = tmp_path / "out" / "tiny"
    since = datetime.now(UTC)
    state = pipeline.triangulate_study(study_dir=folder, out_dir=out, return_state=True)
    assert state.is_failed() and not out.exists()
    assert "withheld" in str(state.message)
    assert _stored_names(prefect_server["api"], since) == []

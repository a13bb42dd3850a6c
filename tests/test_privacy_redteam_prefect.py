"""Red-team pass (privacy9): names planted where a researcher could put them, run
through Prefect, then every record Prefect's server holds read back over its API
(flow and task runs with their parameters, names, tags and state messages, log
lines, artifacts, events; tests/prefect_readback.py) and screened.

A run either publishes with the name replaced, or fails closed at the audit;
in both cases Prefect must hold no name. Found here: a `--case` value that is
no case id ("Sofie", a name nobody listed) was stored as a run parameter
(decision 0246); a code holding a first name nobody listed ("Family/Sofie") was
published in rejects.csv and the index (decision 0247)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from prefect_readback import landed, stored_texts_once
from privacy.test_corpus import BASE, SURVEY, every_output_text
from test_flow import _cli, prefect_server  # noqa: F401 - the module's Prefect server

from flows import stages
from flows.codes import CODE_WITHHELD, NOT_MAPPED, unmapped_reason
from flows.errors import LeakError
from flows.privacy.matching import NameSet
from flows.privacy.preflight import check_before_flow
from flows.readers.qda import unmapped_code

NAMES = ("henrik", "sørensen", "karen", "lund", "mette", "krogh", "birgitte", "holm", "sofie")
SOFIE = ["X1", "I2", "A", "Family/Sofie", "", "1", "AK", "We walk."]


def _no_name_stored(api: str, since: datetime | None = None) -> set[str]:
    texts = stored_texts_once(
        api.rstrip("/"), since, landed("flow_runs", "task_runs", "logs", "events")
    )
    for collection, text in texts:
        found = [n for n in NAMES if re.search(rf"\b{n}", text.lower())]
        assert not found, (collection, found, text[:400])
    return {collection for collection, _ in texts}


PLACEMENTS = {
    # each stops at the audit or is replaced; none may reach Prefect first
    "excerpt-file-named": {"rename": ("excerpts.csv", "Karen Lund excerpts.csv")},
    "survey-header-named": {"header": ("sex", "karen_sex")},
    "coder-named": {"row": ["X2", "I2", "A", "Intervention/Walking/Present", "", "1", "Mette"]},
    "code-named": {"row": ["X3", "I2", "A", "Henrik/Walking", "", "1", "AK"]},
    "text-spellings": {"row": ["X4", "I3", "B", "Context/Energy/Barrier", "", "1", "AK"]},
    "code-first-name": {"row": SOFIE[:7]},
}
TEXT = "SOERENSEN said Kâren's legs and Birgitte-Holm's are so tired; Sofie too."


@pytest.mark.parametrize("placement", sorted(PLACEMENTS))
def test_a_planted_name_never_reaches_prefect(prefect_server, make_study, tmp_path, placement):  # noqa: F811
    from flows.orchestration import pipeline

    spec = PLACEMENTS[placement]
    rows = [*spec["row"], TEXT] if "row" in spec else []
    folder = make_study([*BASE, *([rows] if rows else [])], SURVEY)
    if "rename" in spec:
        old, new = spec["rename"]
        (folder / old).rename(folder / new)
        toml = (folder / "study.toml").read_text(encoding="utf-8")
        (folder / "study.toml").write_text(toml.replace(f'"{old}"', f'"{new}"'), encoding="utf-8")
    if "header" in spec:
        survey = (folder / "survey.csv").read_text(encoding="utf-8")
        (folder / "survey.csv").write_text(survey.replace(*spec["header"], 1), encoding="utf-8")
    out = tmp_path / "out" / "tiny"
    since = datetime.now(UTC)
    state = pipeline.triangulate_study(study_dir=folder, out_dir=out, return_state=True)
    if state.is_completed():
        text = every_output_text(out).lower()
        assert not [n for n in NAMES if re.search(rf"\b{n}", text)]
    else:
        assert not out.exists()
    read = _no_name_stored(prefect_server["api"], since)
    assert {"flow_runs", "task_runs", "logs", "events"} <= read


def test_a_case_to_rebuild_that_is_no_case_id_stops_before_prefect(make_study, tmp_path):
    """`--case Sofie` (a name nobody listed, no case id) was stored as the flow
    run's parameter `rebuild_cases` and the run went on. Now any value that is
    not a roster case id stops the run before a flow run is made, by position."""
    folder = make_study(BASE, SURVEY)
    assert check_before_flow(folder, tmp_path / "out", ["A", "B"]) is not None
    with pytest.raises(LeakError, match=r"value\(s\) 2 are not case ids of the roster") as e:
        check_before_flow(folder, tmp_path / "out", ["A", "Sofie"])
    assert "sofie" not in str(e.value).lower()
    result, text = _cli("run", str(folder), "--out", str(tmp_path / "o"), "--case", "Sofie")
    assert result.exit_code == 2, text
    assert "not case ids of the roster" in text and "sofie" not in text.lower()
    assert not (tmp_path / "o").exists()


def test_an_unmapped_code_holding_a_first_name_is_withheld(make_study, tmp_path):
    """A code "Family/Sofie" maps to no theme: its reject reason quoted it in
    rejects.csv, the database and the index, and the audit (roster names only)
    let it through. Now a code with a gazetteer first name or surname is withheld;
    the reject's file and row say where it is."""
    assert "Family/Outings" in unmapped_code("Family/Outings")
    assert CODE_WITHHELD in unmapped_code("Family/Sofie")
    folder = make_study([*BASE, SOFIE], SURVEY)
    study = stages.ingest(folder).study.definition
    assert "Sofie" not in unmapped_reason("Family/Sofie", study)
    assert "Family/Walks" in unmapped_reason("Family/Walks", study)
    out = tmp_path / "out" / "tiny"
    stages.run_direct(folder, out)
    text = every_output_text(out)
    assert "sofie" not in text.lower()
    rejects = (out / "rejects.csv").read_text(encoding="utf-8")
    assert f"excerpts.csv,{len(BASE) + 2},code,{NOT_MAPPED}: {CODE_WITHHELD}" in rejects


@pytest.mark.parametrize(
    ("run_name", "tags", "holds"),
    [
        ("wise-robin", ["triangulate"], False),  # Prefect's own name
        ("rerun after the withdrawal", ["triangulate", "study:tiny"], False),
        ("Karen Lund follow-up", [], True),  # a roster name
        ("SOERENSEN rerun", [], True),  # in a spelling the audit knows
        ("rerun", ["Henrk"], True),  # misspelt (decision 0326)
        ("interview with Dr Madsen", [], True),  # a name nobody listed, after a title
        ("Sofie's case", [], True),  # a gazetteer name
    ],
)
def test_a_run_name_or_tag_holding_a_name_is_found(run_name, tags, holds):
    """Decision 0327: the check the UI's runs make of their own name and tags."""
    from conftest import ROSTER

    from flows.privacy.audit import distinct_names
    from flows.privacy.preflight import run_label_holds_name

    names = NameSet(distinct_names([(r[0], r[1], [r[3], *r[4].split(";")]) for r in ROSTER[1:]]))
    assert run_label_holds_name(names, run_name, tags) is holds

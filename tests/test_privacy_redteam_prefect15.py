"""Red-team pass (privacy15): privacy14's attacks, and this pass's, through a real
flow (`pipeline.run_study`, the path of `triangulate run`) against a Prefect
server, then every record the server holds read back over its API
(`tests/prefect_readback.py`: flow and task runs with names, parameters, tags and
state messages, log lines, artifacts, events) and screened for the names.

Each run publishes with the name replaced or withheld, or stops with nothing
published; in every case Prefect holds no name."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from conftest import INTERVIEWS, ROSTER, TINY_STUDY, write_csv
from prefect_readback import landed, stored_texts_once
from privacy.test_corpus import BASE, SURVEY, excerpt
from test_flow import prefect_server  # noqa: F401 - the module's Prefect server
from test_privacy_redteam import deep_text
from test_privacy_redteam_qdpx import _plant
from test_privacy_redteam_qdpx14 import PLACEMENTS as GUIDS

from flows.errors import TriangulateError

EXTRA_PEOPLE = [
    ["A-b", "supporter", "A", "Lars Nielsen", "", "active"],
    ["B-c", "supporter", "B", "Mohammad Rahimi", "", "active"],
    ["B-d", "supporter", "B", "Jens Hansen", "", "active"],
]
#: every name planted below, as the screen of the read-back looks for it
NAMES = (
    *("lars", "nielsen", "rahimi", "mohammad", "jens", "hansen", "hodan", "mehmet"),
    *("fatima", "karim", "haddad", "sofie", "tharshan"),
)


def _no_name_stored(api: str, since: datetime) -> set[str]:
    texts = stored_texts_once(api.rstrip("/"), since, landed("flow_runs", "logs", "events"))
    for collection, text in texts:
        found = [n for n in NAMES if re.search(rf"\b{n}", text.lower())]
        assert not found, (collection, found, text[:400])
    return {collection for collection, _ in texts}


def _tiny(tmp_path, excerpts, interviews=INTERVIEWS, survey=SURVEY, toml=TINY_STUDY):
    folder = tmp_path / "study"
    folder.mkdir(parents=True)
    (folder / "study.toml").write_text(toml, encoding="utf-8")
    write_csv(folder / "roster.csv", [*ROSTER, *EXTRA_PEOPLE])
    write_csv(folder / "interviews.csv", interviews)
    from conftest import EXCERPT_HEADER, SURVEY_HEADER

    write_csv(folder / "excerpts.csv", [EXCERPT_HEADER, *BASE, *excerpts])
    write_csv(folder / "survey.csv", [SURVEY_HEADER, *survey])
    return folder


def _run(folder, out) -> str:
    from flows.orchestration import pipeline

    try:
        pipeline.run_study(folder, out)
    except TriangulateError:
        assert not out.exists()
        return "stopped"
    return "published"


SPELLINGS = (
    "Larses cykel stod der. LARSES hund og Jenses bil. M. Rahimi came, "
    "M Rahimi too, and J.H. Hansen said so."
)


@pytest.mark.parametrize(
    ("pid", "excerpts", "interviews", "expected"),
    [
        ("genitive-and-initials", [excerpt("S1", SPELLINGS)], INTERVIEWS, "published"),
        ("excerpt-id", [excerpt("E-Hodan-1", "We walk.")], INTERVIEWS, "stopped"),
        (
            "interview-id",
            [excerpt("E9", "We walk.", "I-Mehmet")],
            [*INTERVIEWS, ["I-Mehmet", "A-a", "in person", "en"]],
            "stopped",
        ),
    ],
    ids=["genitive-and-initials", "excerpt-id", "interview-id"],
)
def test_privacy14_attacks_leave_no_name_in_prefect(
    prefect_server,  # noqa: F811
    tmp_path,
    pid,
    excerpts,
    interviews,
    expected,
):
    folder = _tiny(tmp_path, excerpts, interviews)
    out = tmp_path / "out" / "tiny"
    since = datetime.now(UTC)
    assert _run(folder, out) == expected
    if expected == "published":
        published = [p for p in out.rglob("*") if p.is_file()]
        text = "\n".join(deep_text(p) for p in published).lower()
        assert not [n for n in NAMES if re.search(rf"\b{n}", text)]
    read = _no_name_stored(prefect_server["api"], since)
    assert {"flow_runs", "logs", "events"} <= read


@pytest.mark.parametrize(("pid", "pattern", "replacement"), GUIDS, ids=[p[0] for p in GUIDS])
def test_qdpx_guids_holding_names_leave_no_name_in_prefect(
    prefect_server,  # noqa: F811
    tmp_path,
    pid,
    pattern,
    replacement,
):
    study = _plant(tmp_path, pattern, replacement)
    since = datetime.now(UTC)
    _run(study, tmp_path / "out" / "w")
    _no_name_stored(prefect_server["api"], since)


def test_privacy15_attacks_leave_no_name_in_prefect(prefect_server, tmp_path):  # noqa: F811
    """A survey's free text with an e-mail address, an input file named after
    someone nobody listed, a study folder named so."""
    other = '\n[[context_variables]]\nid = "other"\nlabel = "Other, please say"\n'
    survey = [[*row, "mail tharshan.k@gmail.com, Sofie"] for row in SURVEY]
    toml = TINY_STUDY + other
    since = datetime.now(UTC)
    folder = _tiny(tmp_path / "a", [], survey=[[*r] for r in survey], toml=toml)
    header = (folder / "survey.csv").read_text(encoding="utf-8").splitlines()
    header[0] += ",other"
    (folder / "survey.csv").write_text("\n".join(header) + "\n", encoding="utf-8")
    assert _run(folder, tmp_path / "a" / "out" / "tiny") == "published"
    named = _tiny(tmp_path / "b", [])
    (named / "excerpts.csv").rename(named / "interview Karim Haddad.csv")
    toml_b = TINY_STUDY.replace('"excerpts.csv"', '"interview Karim Haddad.csv"')
    (named / "study.toml").write_text(toml_b, encoding="utf-8")
    assert _run(named, tmp_path / "b" / "out" / "tiny") == "stopped"
    folder_c = _tiny(tmp_path / "c", []).rename(tmp_path / "c" / "Karim Haddad")
    assert _run(folder_c, tmp_path / "c" / "out" / "tiny") == "stopped"
    _no_name_stored(prefect_server["api"], since)

"""Shared fixtures: the demo study, and a builder for tiny hand-made studies."""

from __future__ import annotations

import atexit
import csv
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

# Unit tests must never orchestrate by accident: Prefect may not start a temporary
# server (tests/test_flow.py allows it, for its module only, and runs on that server).
os.environ["PREFECT_SERVER_ALLOW_EPHEMERAL_MODE"] = "false"
# Each test session gets its own Prefect home: cached task results (kept under
# PREFECT_HOME/storage) must not leak from one session, or another checkout, into the next.
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="triangulate-prefect-")
# ... and removes it when it ends (every session and xdist worker left one in /tmp:
# 1,317 after an evening of test and mutation runs).
atexit.register(shutil.rmtree, os.environ["PREFECT_HOME"], ignore_errors=True)
# Tests never report to a `make ui` server that happens to be running.
os.environ["TRIANGULATE_UI_PROBE"] = "off"

# One hypothesis profile for every property test: no deadline (2 shared cores),
# and in CI (CI=true) derandomised, so a run is reproducible and a failure there
# fails the same way on a developer's machine; locally examples vary between runs
# and a failure prints the blob that replays it (@reproduce_failure).
settings.register_profile(
    "triangulate",
    deadline=None,
    derandomize=os.environ.get("CI") == "true",
    print_blob=True,
)
settings.load_profile("triangulate")

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "demo"

TINY_STUDY = """
[study]
id = "tiny"
title = "Tiny test study"

[inputs]
roster = "roster.csv"
interviews = "interviews.csv"
excerpts = "excerpts.csv"
survey = "survey.csv"

[[roles]]
id = "peer"
label = "Peer"

[[roles]]
id = "supporter"
label = "Peer supporter"

[[roles]]
id = "nurse"
label = "Diabetes nurse"
per_case = false

[[themes]]
id = "walking_support"
label = "Walking together"
components = ["intervention"]
activity = true
codes = ["Intervention/Walking"]
examples = { walks = ["walk"], swims = ["swim"] }

[[themes]]
id = "energy"
label = "Energy"
components = ["context", "mechanism"]
codes = ["Context/Energy"]
examples = { tired = ["tired"] }

[[themes]]
id = "activity"
label = "Physical activity"
components = ["outcome"]
codes = ["Outcome/Activity"]
survey_domain = "activity"
examples = { walking = ["walk", "walking"], sitting = ["sofa"] }

[[survey_items]]
id = "walk_min"
label = "Minutes walking per week"
domain = "activity"
better = "higher"
mcid = 60
example = "walking"

[[survey_items]]
id = "sit_hours"
label = "Hours sitting per day"
domain = "activity"
better = "lower"
mcid = 2
example = "sitting"

[[context_variables]]
id = "sex"
label = "Sex"

[rules]
min_roles_corroborating = 1
min_roles_without_survey = 2
min_outcome_themes = 1
"""

ROSTER = [
    ["person_id", "role", "case_ids", "name", "aliases", "status"],
    ["A", "peer", "A", "Henrik Sørensen", "Henrik;Henne", "active"],
    ["A-a", "supporter", "A", "Birgitte Holm", "Birgitte", "active"],
    ["B", "peer", "B", "Karen Lund", "Karen", "active"],
    ["B-a", "supporter", "B", "Ole Dam", "Ole", "active"],
    ["B-b", "supporter", "B", "Mette Krogh", "Mette", "active"],
    ["N", "nurse", "A;B", "Lone Berg", "Lone", "active"],
]
INTERVIEWS = [
    ["interview_id", "person_id", "mode", "language"],
    ["I1", "A", "in person", "en"],
    ["I2", "A-a", "in person", "en"],
    ["I3", "B", "telephone", "en"],
    ["I4", "B-a", "in person", "en"],
    ["I5", "B-b", "in person", "en"],
    ["I6", "N", "in person", "en"],
]
EXCERPT_HEADER = [
    "excerpt_id",
    "interview_id",
    "case_id",
    "code",
    "stance",
    "position",
    "coder",
    "text",
]
SURVEY_HEADER = ["case_id", "wave", "walk_min", "sit_hours", "sex"]


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


@pytest.fixture
def make_study(tmp_path: Path):
    """Write a tiny study; pass excerpt and survey rows (without headers) to vary it."""

    def build(
        excerpts: list[list[str]],
        survey: list[list[str]] | None = None,
        roster: list[list[str]] | None = None,
        study_toml: str = TINY_STUDY,
        base: Path | None = None,
    ) -> Path:
        folder = (base or tmp_path) / "study"
        folder.mkdir(exist_ok=True)
        (folder / "study.toml").write_text(study_toml, encoding="utf-8")
        write_csv(folder / "roster.csv", roster or ROSTER)
        write_csv(folder / "interviews.csv", INTERVIEWS)
        write_csv(folder / "excerpts.csv", [EXCERPT_HEADER, *excerpts])
        write_csv(folder / "survey.csv", [SURVEY_HEADER, *(survey or [])])
        return folder

    return build


@pytest.fixture(scope="session")
def demo_dir() -> Path:
    return DEMO


@pytest.fixture(scope="session")
def demo_out(tmp_path_factory, demo_dir) -> Path:
    """The demo study run once per test process (`stages.run_direct`, no Prefect):
    its pages, exports and database, read by every test that only looks at the
    demo's outputs. Read only: a test that changes outputs runs its own."""
    from flows import stages

    out = tmp_path_factory.mktemp("demo-run") / "demo"
    stages.run_direct(demo_dir, out)
    return out


@pytest.fixture
def tiny_roster() -> list[list[str]]:
    """A fresh copy of the tiny study's roster, to edit in a test."""
    return [list(row) for row in ROSTER]


# `make test` runs the suite on two workers (pytest-xdist, `--dist loadfile`).
# Each test file is one unit of work, so a module's fixtures (a Prefect server,
# a browser, a pipeline run) are built once, on one worker; JOINED puts a test
# in another file's unit when it must run after that file in the same process.
# The slowest files go first (SLOW_FIRST), so that neither worker is left with
# a long file at the end while the other idles.
JOINED = {
    # checks the guard of this conftest holds again once test_flow's server is gone
    "tests/test_orchestration.py::test_ephemeral_guard_holds_outside_the_flow_harness": (
        "tests/test_flow.py"
    ),
}
# Longest first, by measured cost (docs/testing.md, "Two workers"): the served
# Prefect server with its four runs, then the flow module on its temporary server,
# each alone on one worker at the start; the rest fill in as workers free up.
SLOW_FIRST = [
    "tests/test_ui_run.py",
    "tests/test_flow.py",
    "tests/privacy/test_corpus.py",
    "tests/test_incremental.py",
    "tests/test_browser.py",
    "tests/test_review_sheet_fragments.py",
    "tests/test_review.py",
    "tests/test_privacy.py",
    "tests/test_audit_outputs.py",
    "tests/test_bench_smoke.py",
    "tests/test_render.py",
    "tests/test_readers_surveys.py",
    "tests/test_pdf.py",
]


def work_unit(nodeid: str) -> str:
    """The file a test runs with (JOINED's for a joined test)."""
    nodeid = nodeid.split("@")[0]
    return JOINED.get(nodeid, nodeid.split("::")[0])


def pytest_collection_modifyitems(config, items) -> None:
    """SLOW_FIRST's files first, each with the tests JOINED to it; the rest after."""

    def rank(item) -> int:
        unit = work_unit(item.nodeid)
        return SLOW_FIRST.index(unit) if unit in SLOW_FIRST else len(SLOW_FIRST)

    items.sort(key=rank)  # stable: within a file the order stays


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: fine without it
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadfile`, with JOINED's tests in their file's unit. (Not xdist's
    `loadgroup`: it renames node ids, which pytest 9 no longer lets it do.)"""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class FileUnits(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    return FileUnits(config, log)


#: the labels of the stand-in models of the reader tests, per family
OUTCOME_LABELS = ("improved", "no_change", "worsened", "not_stated")
CONTEXT_LABELS = ("barrier", "facilitator", "not_stated")
_FAMILY_LABELS = {"outcome": OUTCOME_LABELS, "context": CONTEXT_LABELS}


def outcome_model(top: str, probability: float, family: str = "outcome", threshold=0.89):
    """A stance model of one family that knows no feature and says `top` at this
    probability (the rest shared evenly): what the reader does with a model's
    answer, without one."""
    import math

    from flows.nlp.model import FamilyModel, StanceModel

    labels = _FAMILY_LABELS[family]
    rest = (1 - probability) / (len(labels) - 1)
    bias = [math.log(probability if label == top else rest) for label in labels]
    return StanceModel({family: FamilyModel(labels, bias, {}, threshold=threshold)})


def own_reader(
    examples: dict,
    language: str,
    model=False,
    better: str | None = "lower",
    component: str = "outcome",
    beside: str = "healthcare_use",
):
    """A reader of own themes of one component (`examples`: language -> theme ->
    example groups), with the scheme theme `beside` next to them."""
    from flows.nlp.reader import StanceReader, profile_for

    named = examples[language]
    profiles = {
        theme: profile_for(theme, language, component, groups, None, better)
        for theme, groups in named.items()
    }
    profiles[beside] = profile_for(beside, language, component)
    return StanceReader(language, profiles, named, model=model)


def rules_reader(language: str, theme: str, component: str | None = None):
    """The rules alone (no model) reading one scheme theme."""
    from flows.nlp.reader import StanceReader, profile_for

    return StanceReader(language, {theme: profile_for(theme, language, component)}, model=False)


def rule_label(language: str, theme: str, text: str) -> str:
    """What the rules alone read in `text` for one scheme theme."""
    return rules_reader(language, theme).read(text, theme).rule_label


def assert_rule_label(reading, expected: str) -> None:
    """The rules' label is `expected`, or, written "not LABEL", anything but LABEL."""
    if expected.startswith("not "):
        assert reading.rule_label != expected[4:]
    else:
        assert reading.rule_label == expected

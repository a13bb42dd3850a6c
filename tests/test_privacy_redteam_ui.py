"""Red-team pass (privacy9): what the UI form could put into Prefect's database.

Prefect's server stores a flow run's parameters when the Run button (the API's
`create_flow_run`) makes the run, before any project code runs. The form used
to take a study folder, an output folder and case ids as free text: a folder
"…/Karen Lund/study" was stored as the run's parameters, and only then did the
run stop on it (decision 0245). Now the form offers checked choices and the
server refuses anything else before storing it. A real server and
`triangulate serve` as processes; everything the server holds is read back
over its API (tests/prefect_readback.py)."""

from __future__ import annotations

import json
import urllib.error

import pytest
from prefect_readback import call, stored_texts, stored_texts_once
from test_ui_run import _wait_for_run, served_deployment
from tests_support import tiny_study

from flows import stages
from flows.privacy.audit import NameScreen

NAMES = ("henrik", "sørensen", "soerensen", "karen", "lund", "birgitte", "holm", "mette")
ROWS = [
    # names an interviewee says, in several spellings: pseudonymised before Prefect
    ["E1", "I1", "A", "Intervention/Walking/Present", "", "1", "AK", "SOERENSEN and I walk."],
    ["E2", "I3", "B", "Context/Energy/Barrier", "", "1", "AK", "Kâren's legs are so tired."],
]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The deployment offered a clean study and one in a folder named after a
    participant (`triangulate serve CLEAN NAMED --out-root OUT`)."""
    base = tmp_path_factory.mktemp("ui-redteam")
    clean, named = tiny_study(base / "clean", ROWS), tiny_study(base / "Karen Lund", ROWS)
    home, out = base / "prefect-home", base / "published"
    home.mkdir()
    with served_deployment(home, clean, named, out_root=out) as (api, deployment):
        yield {
            "api": api,
            "deployment": deployment,
            "clean": clean,
            "named": named,
            "out": out,
            "base": base,
            "logs": home / "logs",
            "screen": NameScreen(stages.ingest(clean).name_set()),
        }


def _create(served, request: dict):
    path = f"deployments/{served['deployment']['id']}/create_flow_run"
    return call(served["api"], path, {"parameters": {"request": request}})


def _no_name_stored(served) -> set[str]:
    """Screen every record the server holds; returns the collections read."""
    screen = served["screen"]
    texts = stored_texts(served["api"])
    for collection, text in texts:
        assert not screen.holds_name(text), (collection, text[:400])
        assert not any(name in text.lower() for name in NAMES), (collection, text[:400])
    return {collection for collection, _ in texts}


def test_the_form_offers_only_studies_and_cases_that_name_no_one(served):
    schema = served["deployment"]["parameter_openapi_schema"]
    fields = schema["definitions"]["RunRequest"]["properties"]
    assert set(fields) == {"study_dir", "cases", "force", "pdf"}  # no free-text folder
    assert fields["study_dir"]["enum"] == [str(served["clean"])]
    assert fields["cases"]["items"]["enum"] == ["A", "B"]
    assert served["deployment"]["enforce_parameter_schema"] is True
    said = (served["logs"] / "serve.log").read_text(encoding="utf-8")
    assert "left out of the form: study 2: its folder, study id or output folder" in said
    assert "karen" not in said.lower()


@pytest.mark.parametrize(
    "request_",
    [
        {"study_dir": "NAMED"},  # a study folder whose path holds a roster name
        {"study_dir": "CLEAN", "cases": ["Karen"]},  # a case to rebuild typed as a name
        {"study_dir": "CLEAN", "out_dir": "BASE/Henrik Sørensen"},  # an output folder typed
        {"study_dir": "BASE/henrik/study"},  # any folder nobody offered
    ],
    ids=["named-folder", "named-case", "named-out-dir", "unoffered-folder"],
)
def test_a_name_typed_in_the_form_is_refused_before_prefect_stores_it(served, request_):
    # folders typed in the form lie in the test's own temporary folder (BASE), so
    # that a form that wrongly accepted one writes nowhere else on the machine
    def typed(value):
        if value in ("NAMED", "CLEAN"):
            return str(served[value.lower()])
        return value.replace("BASE", str(served["base"])) if isinstance(value, str) else value

    request = {key: typed(value) for key, value in request_.items()}
    with pytest.raises(urllib.error.HTTPError) as refused:
        _create(served, request)
    assert refused.value.code == 409
    _no_name_stored(served)


def test_a_run_of_an_offered_study_stores_no_name_anywhere(served):
    """The offered study, its excerpts holding names in other spellings: the run
    completes, publishes to OUT/tiny, and nothing the server holds (runs,
    parameters, task runs, logs, artifacts, events) names anyone."""
    run = _create(served, {"study_dir": str(served["clean"]), "cases": ["B"], "force": True})
    run = _wait_for_run(served, run["id"], 300)
    assert run["state"]["type"] == "COMPLETED", run["state"]
    published = served["out"] / "tiny"
    assert json.loads((published / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(p.name for p in (published / "cases").glob("*.html")) == ["A.html", "B.html"]
    read = _no_name_stored(served)
    assert {"flow_runs", "task_runs", "logs", "artifacts", "events", "deployments"} <= read


def test_with_validate_parameters_off_the_run_repeats_nothing_it_was_sent(served):
    """The Prefect UI's custom run has a "Validate parameters" switch (and the API a
    flag): with it off the server stores whatever was typed, before any project
    code runs; that cannot be prevented here (docs/data-protection.md). The run
    then refuses at once, and its state, logs and events repeat none of it.
    Runs last: it leaves the typed name in the stored parameters."""
    request = {"study_dir": str(served["named"]), "cases": ["Karen"]}
    path = f"deployments/{served['deployment']['id']}/create_flow_run"
    body = {"parameters": {"request": request}, "enforce_parameter_schema": False}
    run = call(served["api"], path, body)
    run = _wait_for_run(served, run["id"], 300)
    assert run["state"]["type"] == "FAILED"
    assert run["state"]["message"].startswith("Nothing was run: the study or a case is not one")
    screen = served["screen"]
    held = [(c, t) for c, t in stored_texts(served["api"]) if screen.holds_name(t)]
    assert [c for c, _ in held] == ["flow_runs"], [(c, t[:300]) for c, t in held]
    stored = json.loads(held[0][1])
    assert stored["parameters"] == {"request": request}
    del stored["parameters"]
    assert not screen.holds_name(json.dumps(stored, ensure_ascii=False))


def test_a_run_named_after_a_participant_refuses_and_is_renamed(served):
    """privacy11 (decision 0327): the custom-run page's free "Run Name" field (and
    its tags) with a participant's name, the parameters valid. Before, the run
    went on, published, and the name stayed in its record and every event and
    log line naming the run. Now it stops before any task, publishes nothing,
    and renames itself; what Prefect stored before any project code ran keeps
    the name: the events of its first states and the engine's "Beginning flow
    run" log line. Runs after the validate-off test: it reads only what is made
    from its start."""
    from datetime import UTC, datetime

    since = datetime.now(UTC)
    published = served["out"] / "tiny" / "manifest.json"
    before = published.read_bytes() if published.exists() else None
    path = f"deployments/{served['deployment']['id']}/create_flow_run"
    body = {
        "parameters": {"request": {"study_dir": str(served["clean"]), "force": True}},
        "name": "Karen Lund follow-up",
        "tags": ["interview with Dr Madsen"],
    }
    run = _wait_for_run(served, call(served["api"], path, body)["id"], 300)
    assert run["state"]["type"] == "FAILED"
    assert run["state"]["message"].startswith("Nothing was run: the run's name or a tag")
    assert run["name"] == "triangulate tiny (refused)" and run["tags"] == ["triangulate"]
    assert (published.read_bytes() if published.exists() else None) == before
    screen = served["screen"]
    texts = _once_events_landed(served["api"], since, screen)
    assert not [c for c, t in texts if c == "task_runs"]  # no task ran
    held = [(c, t) for c, t in texts if screen.holds_name(t) or "Madsen" in t]
    logs = [json.loads(t)["message"] for c, t in held if c == "logs"]
    assert "events" in {c for c, _ in held} and {c for c, _ in held} <= {"events", "logs"}, held
    # Prefect's engine logs the run's name as it starts, before the flow's code runs;
    # its log worker sends the line in a batch that may land after the run ended
    assert logs in (
        [],
        [f"Beginning flow run '{body['name']}' for flow 'triangulate (from the UI)'"],
    )


def _once_events_landed(api: str, since, screen) -> list[tuple[str, str]]:
    """The server's records once an event holding the run's name is among them."""
    return stored_texts_once(
        api,
        since,
        lambda texts: any(
            c == "events" and (screen.holds_name(t) or "Madsen" in t) for c, t in texts
        ),
    )

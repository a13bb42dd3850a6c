"""Orchestration pieces that need no flow run: the UI server probe, the
deployment's form model, task runners, retries, the dossier server. (The
fallback to a temporary server, when no server is up, is the server of
tests/test_flow.py: its module fixture takes that path.)"""

from __future__ import annotations

import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from flows.orchestration import settings


class _Health(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - stdlib name
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"true")

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_prefect_server():
    server = HTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()


def test_runs_report_to_a_running_ui_server(monkeypatch, fake_prefect_server):
    monkeypatch.setenv("PREFECT_API_URL", "restored-after-the-test")
    monkeypatch.delenv("PREFECT_API_URL")
    monkeypatch.setenv("TRIANGULATE_UI_PROBE", "on")
    monkeypatch.setenv("UI_PORT", str(fake_prefect_server))
    settings.configure()
    import os

    assert os.environ["PREFECT_API_URL"] == f"http://127.0.0.1:{fake_prefect_server}/api"


def test_deployment_form_is_a_typed_model():
    from prefect.utilities.callables import parameter_schema

    from flows.orchestration.deployment import RunRequest, triangulate_request

    schema = parameter_schema(triangulate_request).model_dump_for_openapi()
    assert list(schema["properties"]) == ["request"]
    model = schema["definitions"]["RunRequest"]["properties"]
    assert set(model) == {"study_dir", "cases", "force", "pdf"}  # no free-text output folder
    assert model["force"]["type"] == "boolean"
    assert RunRequest().study_dir == "data/demo"
    with pytest.raises(ValueError):
        RunRequest(study_dir="data/demo", colour="blue")
    assert RunRequest(cases=["P3"], force=True).model_dump()["cases"] == ["P3"]


def test_task_runners():
    from prefect.task_runners import ThreadPoolTaskRunner

    from flows.errors import TriangulateError
    from flows.orchestration.pipeline import default_workers, task_runner

    runner = task_runner("threads")
    assert isinstance(runner, ThreadPoolTaskRunner)
    assert 2 <= default_workers() <= 8
    dask = task_runner("dask", dask_address="tcp://127.0.0.1:8786")
    assert type(dask).__name__ == "DaskTaskRunner"
    with pytest.raises(TriangulateError, match="unknown runner"):
        task_runner("spark")


def test_no_retry_on_validation_errors():
    from prefect.states import Failed

    from flows.errors import InputFileError
    from flows.orchestration.pipeline import retry_unless_invalid

    invalid = Failed(data=InputFileError("x.csv", "bad header"))
    flaky = Failed(data=OSError("file busy"))
    assert retry_unless_invalid(None, None, invalid) is False
    assert retry_unless_invalid(None, None, flaky) is True


def test_dossier_server_serves_loopback_only(tmp_path):
    from flows.orchestration import servers

    (tmp_path / "index.html").write_text("<p>hello</p>", encoding="utf-8")
    server = servers.make_server(tmp_path, 0)
    port = server.server_address[1]
    assert server.server_address[0] == "127.0.0.1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=5) as response:
            assert response.read() == b"<p>hello</p>"
            assert response.headers["Cache-Control"] == "no-store"
        assert servers.is_up(port)
    finally:
        server.shutdown()
        server.server_close()


def test_dossier_link_follows_the_dossier_port(tmp_path, monkeypatch):
    """`make ui DOSSIER_PORT=...`: the run summary links to that server."""
    from flows.orchestration import artifacts, servers

    server = servers.make_server(tmp_path, 0)
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.delenv(artifacts.DOSSIER_URL_ENV, raising=False)
    try:
        monkeypatch.setenv("DOSSIER_PORT", str(port))
        url = artifacts.dossier_index_url(str(tmp_path / "demo"))
        assert url == f"http://127.0.0.1:{port}/demo/index.html"
    finally:
        server.shutdown()
        server.server_close()
    assert artifacts.dossier_index_url(str(tmp_path / "demo")) is None  # nothing there now


def test_artifact_texts_hold_counts_only(demo_dir, demo_out):
    from flows import stages
    from flows.orchestration import artifacts

    overview = stages.case_overview(demo_out / stages.DB_NAME)
    summary = {
        "study_id": "demo",
        "cases": 9,
        "rendered": ["P1"],
        "reused": ["P2"],
        "loaded": {"a.csv": 3},
        "read": {"a.csv": 4},
        "rejected": 1,
        "words": 10,
        "names_replaced": 2,
        "out_dir": str(demo_out),
        **stages.review_counts(demo_out / stages.DB_NAME, stages.ingest(demo_dir)),
    }
    texts = artifacts.texts(summary, overview)
    assert "| a.csv | 4 | 3 |" in texts["run-summary"]
    assert "**Provisional verdicts**" in texts["run-summary"]
    assert "Warning" in texts["run-summary"]
    table = json.loads(texts["case-classification"])
    assert len(table) == 9 and set(table[0]) == {
        "case",
        "classification",
        "activities delivered",
        "agreement",
        "partial agreement",
        "silence",
        "dissonance",
        "dissonance held back for review",
        "provisional verdicts",
        "classification provisional",
        "stances reviewed / machine-read",
    }
    assert all(
        row["classification provisional"] for row in table
    )  # the demo leaves 16-20 unreviewed


def test_expected_rejects_are_no_warning():
    """A withdrawn participant's rows and programme-level remarks are expected:
    the run summary counts them and warns only about the others."""
    from flows.codes import WITHDRAWN_EXCERPT, expected_rejects
    from flows.orchestration import artifacts
    from flows.readers.qda import PROGRAMME_LEVEL

    assert expected_rejects([WITHDRAWN_EXCERPT, PROGRAMME_LEVEL, "not a number"]) == 2
    summary = {"study_id": "s", "cases": 1, "rendered": [], "reused": ["F1"], "loaded": {}}
    summary |= {"read": {}, "words": 1, "names_replaced": 0, "out_dir": "/nowhere"}
    expected = artifacts.summary_markdown(summary | {"rejected": 2, "expected_rejected": 2})
    assert "**Rejected rows or cells**: 2, 2 expected (declared in study.toml)" in expected
    assert "Warning" not in expected
    assert "Warning" in artifacts.summary_markdown(
        summary | {"rejected": 3, "expected_rejected": 2}
    )


def test_ephemeral_guard_holds_outside_the_flow_harness():
    """conftest forbids a temporary Prefect server, so a flow started by accident
    in a unit test fails at once. tests/test_flow.py's temporary server is
    module-scoped: this test runs after that module in the same process (JOINED
    in conftest) and checks that it left no API URL behind and the guard holds
    again."""
    import os

    from prefect import flow
    from prefect.settings import PREFECT_API_URL

    assert os.environ["PREFECT_SERVER_ALLOW_EPHEMERAL_MODE"] == "false"
    assert not PREFECT_API_URL.value()

    @flow
    def accidental() -> int:
        return 1

    with pytest.raises(ValueError, match="No Prefect API URL"):
        accidental()


def test_render_progress_calls_the_server_sparingly(monkeypatch):
    """One chunk or none to render (a re-run): the artifact is created once, at the
    end, with the final count. Several chunks: created at the start, updated at most
    every INTERVAL seconds and at the end; the CLI's hook sees every chunk."""
    from flows.orchestration import artifacts

    calls, hooked = [], []

    def create(progress, key, description):
        calls.append(("create", progress, key))
        return "id"

    def update(artifact_id, progress):
        calls.append(("update", progress))

    def hook(done, total):
        hooked.append(done)

    rerun = artifacts.RenderProgress(999, 1000, False, create, update, hook)
    rerun.advance(1)
    rerun.finish()
    assert calls == [("create", 100.0, "render-progress")]
    assert hooked == [999, 1000]

    calls.clear()
    clock = iter([0.0, 0.5, 1.0, 5.0, 5.0, 5.5, 5.6])
    monkeypatch.setattr(artifacts.RenderProgress, "clock", staticmethod(lambda: next(clock)))
    cold = artifacts.RenderProgress(0, 100, True, create, update)
    for _ in range(4):
        cold.advance(25)
    cold.finish()
    assert calls == [("create", 0.0, "render-progress"), ("update", 75.0), ("update", 100.0)]

    monkeypatch.undo()
    calls.clear()
    nothing = artifacts.RenderProgress(5, 5, False, create, update)
    nothing.finish()
    assert calls == [("create", 100.0, "render-progress")]


def test_render_tasks_group_the_workers_chunks():
    """Decision 0323: the worker-sized chunks (at most 50 cases, about four per
    worker) are grouped four to a task, so a cold 1,000-case run makes 5 render
    task runs instead of 20; every case once, in order, labelled by its ends."""
    from flows.orchestration.pipeline import CHUNKS_PER_TASK, render_tasks
    from flows.render import dossiers

    def jobs(n):
        return [dossiers.CaseJob(f"P{i:04d}", "k", f"cases/P{i:04d}.html") for i in range(1, n + 1)]

    cold = render_tasks(jobs(1000), workers=2)
    assert len(cold) == 5 and CHUNKS_PER_TASK == 4
    assert all(len(part) == dossiers.MAX_CHUNK for task in cold for part in task.parts)
    assert [j.case_id for task in cold for j in task.jobs] == [j.case_id for j in jobs(1000)]
    assert cold[0].label == "P0001 to P0200" and cold[-1].label == "P0801 to P1000"
    small = render_tasks(jobs(9), workers=2)  # chunks of 2 cases: 5 chunks, 2 tasks
    assert [len(t.parts) for t in small] == [4, 1] and small[1].label == "P0009"
    assert [t.label for t in render_tasks(jobs(1), workers=2)] == ["P0001"]
    assert render_tasks([], workers=2) == []

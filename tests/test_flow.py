"""The Prefect flow end to end, on the temporary server Prefect falls back to
when no server is up (a user's run without `make ui`), shared by the module."""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from prefect_readback import stored_texts
from tests_support import TWO_CASES

from flows import stages
from flows.errors import LeakError
from flows.privacy.audit import NameScreen


def _dead_port() -> int:
    import socket

    with socket.socket() as sock:  # a loopback port where nothing listens
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _drain() -> None:
    """Flush the log and event workers to the server (as Prefect's test harness
    does on exit)."""
    import inspect

    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker
    from prefect.utilities.asyncutils import run_coro_as_sync

    async def drain() -> None:
        try:
            drained = APILogWorker.instance().drain()
            if inspect.isawaitable(drained):
                await drained
        except RuntimeError:  # never started
            pass
        drained = EventsWorker.drain_all()
        if inspect.isawaitable(drained):
            await drained

    run_coro_as_sync(drain())


def _drain_and_stop(server) -> None:
    """Flush the log and event workers to the server, then stop it."""
    _drain()
    server.stop()


@pytest.fixture(scope="module")
def prefect_server():
    """The real path of a run with no `make ui` server, and the module's server:
    settings.configure() (what importing the pipeline runs) probes the UI port,
    nothing answers there, so no API URL is set and the project's defaults
    (telemetry off) apply; the first flow then gets the temporary loopback server
    Prefect starts for it. Every flow of this module reports to that one server
    (its URL pinned, so Dask's worker processes find it too). On exit the server
    stops and the guard of conftest (no temporary server, no API URL) holds again
    for every later test (test_orchestration checks it)."""
    from prefect import flow, get_client
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_SERVER_ALLOW_EPHEMERAL_MODE,
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
        temporary_settings,
    )

    from flows.orchestration import settings

    @flow
    def where() -> str:
        return str(get_client().api_url)

    dead_port = _dead_port()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TRIANGULATE_UI_PROBE", "on")
        env.setenv("UI_PORT", str(dead_port))
        env.delenv("PREFECT_API_URL", raising=False)
        env.delenv("PREFECT_SERVER_ANALYTICS_ENABLED", raising=False)
        settings.configure()
        seen = {"dead_port": dead_port, "api_url_set": "PREFECT_API_URL" in os.environ}
        fallback = {PREFECT_SERVER_ALLOW_EPHEMERAL_MODE: True}
        fallback[PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS] = 120  # 2 busy cores
        with temporary_settings(updates=fallback):
            seen["api"] = where()
            server = SubprocessASGIServer._instances[None]
            try:
                environ = Path(f"/proc/{server.server_process.pid}/environ").read_bytes()
                seen["server_env"] = dict(
                    item.split("=", 1) for item in environ.decode().split("\0") if "=" in item
                )
                with temporary_settings(updates={PREFECT_API_URL: seen["api"]}):
                    yield seen
            finally:
                _drain_and_stop(server)


def test_without_a_server_runs_fall_back_to_a_temporary_one(prefect_server):
    """No `make ui` server (nothing at the UI port): no API URL was set, and the
    flow ran against a temporary server Prefect started on loopback, with the
    project's defaults in its environment (telemetry off)."""
    api = prefect_server["api"]
    assert not prefect_server["api_url_set"]
    assert api.startswith("http://127.0.0.1:") and api.rstrip("/").endswith("/api"), api
    assert f":{prefect_server['dead_port']}/" not in api
    assert prefect_server["server_env"]["PREFECT_SERVER_ANALYTICS_ENABLED"].lower() == "false"


@pytest.fixture(scope="module")
def flow_run(prefect_server, demo_dir, tmp_path_factory):
    from flows.orchestration.pipeline import triangulate_study

    out = tmp_path_factory.mktemp("flow") / "demo"
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Collect(level=logging.DEBUG)
    logging.getLogger("prefect").addHandler(handler)
    try:
        summary = triangulate_study(study_dir=demo_dir, out_dir=out)
    finally:
        logging.getLogger("prefect").removeHandler(handler)
    return summary, out, records


def test_flow_publishes_dossiers_and_manifest(flow_run):
    summary, out, _ = flow_run
    assert summary["cases"] == 9
    assert sorted(p.name for p in (out / "cases").glob("*.html")) == [
        f"P{i}.html" for i in range(1, 10)
    ]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["loaded"]["excerpts.csv"] == 295
    assert set(manifest["timings_seconds"]) == {"ingest", "nlp", "sql", "render", "audit"}
    assert not any((stages.private_dir(out) / "staging").glob("*"))
    assert manifest["run_id"]


def test_flow_output_matches_direct_run(flow_run, demo_out):
    _, out, _ = flow_run
    direct = demo_out  # the session's run of the demo without Prefect
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".csv"):
            assert path.read_bytes() == (direct / path.relative_to(out)).read_bytes(), path


def test_flow_logs_hold_no_names_or_excerpt_text(flow_run, demo_dir):
    _, _, records = flow_run
    ingested = stages.ingest(demo_dir)
    pattern = stages.name_pattern(ingested.data.roster_names)
    messages = [r.getMessage() for r in records]
    assert any("excerpts annotated" in m for m in messages)
    assert not [m for m in messages if pattern.search(m)]
    texts = set(ingested.data.excerpts["text"])
    assert not [m for m in messages if any(t[:40] in m for t in texts)]
    # ids and counts only: inputs by their role, never by file name; task names too
    files = [Path(p).name for p in ingested.study.definition.inputs.files().values()]
    assert any(m.startswith("input 1 (roster)") for m in messages)
    assert not [m for m in messages if any(f in m for f in files)]
    screen = NameScreen(ingested.name_set())
    assert not [m for m in messages if screen.holds_name(m)]
    tasks = [getattr(r, "task_run_name", "") or "" for r in records]
    assert not [t for t in tasks if screen.holds_name(t)]


def test_rerun_after_one_case_change_rerenders_only_that_case(prefect_server, make_study, tmp_path):
    """Five runs of a two-case study through the flow: the first renders both, the
    second reuses both, a changed excerpt of B re-renders B alone, a cached page
    whose stored file is gone is rebuilt, and `force` renders both again."""
    import csv

    from flows.orchestration.pipeline import triangulate_study

    study = make_study(TWO_CASES)
    out = tmp_path / "out"
    # forced: other tests of this session may have cached these very dossiers already
    first = triangulate_study(study_dir=study, out_dir=out, force=True)
    assert first["rendered"] == ["A", "B"]

    second = triangulate_study(study_dir=study, out_dir=out)
    assert second["rendered"] == [] and second["reused"] == ["A", "B"]

    rows = list(csv.DictReader((study / "excerpts.csv").open(encoding="utf-8")))
    target = next(r for r in rows if r["case_id"] == "B")
    target["text"] = target["text"] + " That is how it was."
    with (study / "excerpts.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    before = {p.name: p.read_bytes() for p in (out / "cases").glob("*.html")}
    third = triangulate_study(study_dir=study, out_dir=out)
    assert third["rendered"] == ["B"]
    after = {p.name: p.read_bytes() for p in (out / "cases").glob("*.html")}
    assert [name for name in sorted(before) if before[name] != after[name]] == ["B.html"]
    # the cache holds exactly this run's pages (B's old page is gone), owner-only
    store = stages.store_dir(out)
    stored = sorted((store / "dossiers").glob("*"))
    assert len(stored) == 2 and all(p.stat().st_mode & 0o777 == 0o600 for p in stored)
    assert (store / "annotations.marshal").stat().st_mode & 0o777 == 0o600

    # a cached dossier whose stored file is gone is rebuilt
    for stored in (stages.store_dir(out) / "dossiers").glob("*.html"):
        stored.unlink()
    fourth = triangulate_study(study_dir=study, out_dir=out, rebuild_cases=["A"])
    assert sorted(p.name for p in (out / "cases").glob("*.html")) == sorted(after)
    assert "A" in fourth["rendered"]
    assert {p.name: p.read_bytes() for p in (out / "cases").glob("*.html")} == after

    forced = triangulate_study(study_dir=study, out_dir=out, force=True)
    assert forced["rendered"] == ["A", "B"]


def test_artifacts_hold_counts_not_names(flow_run, demo_dir):
    """The demo run's artifacts (other runs of this module report to the same
    server: only the flow run that published `flow_run`'s folder is read)."""
    import asyncio

    from prefect.client.orchestration import get_client

    _, out, _ = flow_run

    async def read():
        async with get_client() as client:
            runs = await client.read_flow_runs()
            (run,) = [r for r in runs if r.parameters.get("out_dir") == str(out)]
            return [a for a in await client.read_artifacts() if a.flow_run_id == run.id]

    found = {a.key: a for a in asyncio.run(read()) if a.key}
    assert {"run-summary", "case-classification", "render-progress"} <= set(found)
    ingested = stages.ingest(demo_dir)
    pattern = stages.name_pattern(ingested.data.roster_names)
    for artifact in found.values():
        assert not pattern.search(str(artifact.data)), artifact.key
    assert "9 dossiers" in str(found["run-summary"].data)


def test_dask_cluster_gives_identical_dossiers(prefect_server, flow_run, demo_dir, tmp_path):
    """The demo on a Dask cluster (one worker process: the per-case tasks are
    pickled, run and returned across processes) gives the thread runner's bytes."""
    from distributed import LocalCluster

    from flows.orchestration.pipeline import run_study

    _, threads_out, _ = flow_run
    out = tmp_path / "dask"
    cluster = LocalCluster(
        n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None
    )
    with cluster:
        summary = run_study(
            demo_dir, out, force=True, runner="dask", dask_address=cluster.scheduler_address
        )
    assert summary["rendered"] == [f"P{i}" for i in range(1, 10)]
    for path in threads_out.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".csv"):
            assert path.read_bytes() == (out / path.relative_to(threads_out)).read_bytes(), path


def test_flow_audits_its_log_lines_and_artifacts(prefect_server, make_study, tmp_path, monkeypatch):
    """A real flow run in which one log line and the run-summary artifact carry a
    roster name (planted by wrapping two of the flow's own steps): the audit
    names both places, the run fails and nothing is published or created."""
    from prefect import get_run_logger

    from flows.orchestration import artifacts, pipeline

    case_ids, summary_markdown = stages.case_ids, artifacts.summary_markdown

    def case_ids_logging_a_name(db_path):
        get_run_logger().info("looking up the cases of henrik")
        return case_ids(db_path)

    monkeypatch.setattr(stages, "case_ids", case_ids_logging_a_name)
    monkeypatch.setattr(
        artifacts, "summary_markdown", lambda summary: summary_markdown(summary) + "\nKaren Lund"
    )
    created = []
    monkeypatch.setattr(artifacts, "publish", lambda *args: created.append(args))
    rows = [["E1", "I1", "A", "Intervention/Walking/Present", "", "1", "AK", "We walk."]]
    out = tmp_path / "out"
    with pytest.raises(LeakError) as raised:
        pipeline.triangulate_study(study_dir=make_study(rows), out_dir=out, force=True)
    message = str(raised.value)
    assert "artifact:log" in message and "artifact:run-summary" in message
    assert "henrik" not in message.lower() and "karen" not in message.lower()
    assert not out.exists() and created == []


def _cli(*args: str):
    from typer.testing import CliRunner

    from flows import cli

    cli.console.width = 400  # one line per message, whatever the terminal
    result = CliRunner().invoke(cli.app, list(args))
    return result, " ".join(result.output.split())


def test_cli_run_publishes_and_says_where(prefect_server, make_study, tmp_path):
    """`triangulate run STUDY --out OUT` through the real command: two cases
    (A, B) published, the table of files read and loaded, where to open them."""
    rows = [["E1", "I1", "A", "Intervention/Walking/Present", "", "1", "AK", "We walk."]]
    out = tmp_path / "out"
    result, text = _cli("run", str(make_study(rows)), "--out", str(out), "--force")
    assert result.exit_code == 0, text
    assert f"2 dossiers in {out} (2 rendered, 0 reused)" in text
    assert f"Open {out / 'index.html'}" in text
    assert sorted(p.name for p in (out / "cases").glob("*.html")) == ["A.html", "B.html"]


def test_cli_run_failure_paragraph(prefect_server, make_study, tmp_path, monkeypatch):
    """An unexpected failure inside the flow (here the disk, while listing cases)
    ends the command with exit code 1 and one paragraph: what failed, that
    nothing was published and the previous dossiers stand, where the partial
    outputs are, where to look next."""
    rows = [["E1", "I1", "A", "Intervention/Walking/Present", "", "1", "AK", "We walk."]]
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text("previous run", encoding="utf-8")

    def disk_full(db_path):
        raise OSError("No space left on device")

    monkeypatch.setattr(stages, "case_ids", disk_full)
    result, text = _cli("run", str(make_study(rows)), "--out", str(out))
    assert result.exit_code == 1, text
    assert "The run failed (OSError: No space left on device). Nothing was published" in text
    assert f"the previous dossiers in {out} are unchanged" in text
    staging = tmp_path / ".triangulate-private" / "out" / "staging"  # flows/runs.py
    assert f"the partial outputs are in {staging} (private; the next run deletes them)" in text
    assert "show the task that failed" in text
    assert (out / "index.html").read_text(encoding="utf-8") == "previous run"


def test_cli_run_leak_is_a_clear_error(prefect_server, make_study, tmp_path, tiny_roster):
    """A person id that is a first name (it would be printed as a label, and
    names task runs) fails the command with exit code 2 at ingestion, before
    anything is rendered; the message names the roster row, never the name
    (privacy8: it used to be found by the audit, whose report quoted the page
    "cases/<name>.html")."""
    for row in tiny_roster:
        if row[0] == "A":
            row[0], row[2] = "Henrik", "Henrik"
    rows = [["E1", "I9", "Henrik", "Intervention/Walking/Present", "", "1", "AK", "We walk."]]
    folder = make_study(rows, roster=tiny_roster)
    (folder / "interviews.csv").write_text(
        "interview_id,person_id,mode,language\nI9,Henrik,in person,en\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    result, text = _cli("run", str(folder), "--out", str(out), "--force")
    assert result.exit_code == 2, text
    assert "error: roster.csv: row 2: person_id holds a roster name" in text
    assert "Nothing was written" in text and not out.exists()
    assert "henrik" not in text.lower()


@pytest.mark.parametrize("failure", ["unexpected", "researchers"])
def test_a_failed_tasks_message_reaches_prefect_without_a_name(
    prefect_server, make_study, tmp_path, monkeypatch, failure
):
    """A task that fails on an error quoting a roster name: what Prefect's server
    stores of the run (log lines, tracebacks, state messages) names the error's
    type and where it was raised, never the name (flows/privacy/sealed_errors.py).
    Before sealing, Prefect logged "Task run failed with exception:
    ValueError("cell 'Karen Lund' ...")" with the traceback and kept it as the
    task's and the flow's state message."""
    from flows.errors import InputFileError, UnexpectedError, WithheldError
    from flows.orchestration import pipeline

    def crash(*args, **kwargs):
        if failure == "unexpected":
            raise ValueError("cell 'Karen Lund' is odd")
        raise InputFileError("survey.csv", "duplicate column 'henrik_rating'", where="header")

    monkeypatch.setattr(stages, "annotate", crash)  # a task without retries
    rows = [["E1", "I1", "A", "Intervention/Walking/Present", "", "1", "AK", "We walk."]]
    study = make_study(rows)
    since = datetime.now(UTC)
    state = pipeline.triangulate_study(
        study_dir=study, out_dir=tmp_path / "out", force=True, return_state=True
    )
    assert state.is_failed()
    with pytest.raises(UnexpectedError if failure == "unexpected" else WithheldError):
        state.result()
    _drain()
    stored = [text for _, text in stored_texts(prefect_server["api"].rstrip("/"), since)]
    joined = "\n".join(stored)
    said = {
        "unexpected": "ValueError raised at tests/test_flow.py",
        "researchers": "survey.csv: header: the problem's text is withheld",
    }
    assert said[failure] in joined and "Task run failed with exception" in joined
    screen = NameScreen(stages.ingest(study).name_set())
    assert not [text for text in stored if screen.holds_name(text)], joined
    assert "henrik" not in joined.lower() and "karen" not in joined.lower()

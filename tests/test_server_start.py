"""`settings.start_temporary_server`: the CLI starts Prefect's temporary server in
the background while it imports the pipeline, only when runs would go to one;
`settings.run_settings`: runs to a temporary server send no heartbeats."""

from __future__ import annotations

import prefect.server.api.server as prefect_server
import pytest
from prefect.settings import (
    PREFECT_API_URL,
    PREFECT_SERVER_EPHEMERAL_ENABLED,
    temporary_settings,
)

from flows.orchestration import settings


class FakeServer:
    started: list[str] = []

    def start(self, timeout=None):
        FakeServer.started.append("start")


class FailingServer:
    def start(self, timeout=None):
        raise RuntimeError("port taken")


def test_started_in_the_background_when_no_server_is_configured(monkeypatch):
    FakeServer.started = []
    monkeypatch.setattr(prefect_server, "SubprocessASGIServer", FakeServer)
    monkeypatch.setattr(settings, "configure", lambda: None)
    with temporary_settings({PREFECT_SERVER_EPHEMERAL_ENABLED: True, PREFECT_API_URL: ""}):
        wait = settings.start_temporary_server()
        wait()
    assert FakeServer.started == ["start"]


def test_a_failed_start_is_left_to_the_flow(monkeypatch):
    monkeypatch.setattr(prefect_server, "SubprocessASGIServer", FailingServer)
    monkeypatch.setattr(settings, "configure", lambda: None)
    with temporary_settings({PREFECT_SERVER_EPHEMERAL_ENABLED: True, PREFECT_API_URL: ""}):
        settings.start_temporary_server()()  # no exception: Prefect retries and reports


def test_nothing_started_with_a_server_configured_or_ephemeral_mode_off(monkeypatch):
    FakeServer.started = []
    monkeypatch.setattr(prefect_server, "SubprocessASGIServer", FakeServer)
    monkeypatch.setattr(settings, "configure", lambda: None)
    with temporary_settings({PREFECT_API_URL: "http://127.0.0.1:9/api"}):
        settings.start_temporary_server()()
    with temporary_settings({PREFECT_SERVER_EPHEMERAL_ENABLED: False, PREFECT_API_URL: ""}):
        settings.start_temporary_server()()
    assert FakeServer.started == []


class FakeProcess:
    """A server process: running until terminated (or `exits`)."""

    def __init__(self):
        self.code = None
        self.signals: list[str] = []

    def poll(self):
        return self.code

    def terminate(self):
        self.signals.append("terminate")
        self.code = -15

    def kill(self):
        self.signals.append("kill")
        self.code = -9

    def wait(self, timeout=None):
        return self.code


class LateServer:
    """Prefect's start timing out on a loaded machine: its process keeps running."""

    api_url = "http://127.0.0.1:9/api"

    def __init__(self):
        self.running = False
        self.server_process = None

    def start(self, timeout=None):
        self.server_process = FakeProcess()
        raise RuntimeError("Timed out while attempting to connect to ephemeral Prefect API server.")


def test_a_server_answering_after_the_timeout_is_the_server(monkeypatch):
    """Walk 10, load 20: the first start timed out, the flow's own start started a
    second server on the same port (an `address already in use` traceback), and
    the first was left running after the run. Now a late answer is waited for:
    the server is marked running, so the flow does not start another, and
    Prefect's exit hook stops this one."""
    server = LateServer()
    answers = iter([False, False, True])
    monkeypatch.setattr(settings, "server_is_up", lambda url: next(answers))
    monkeypatch.setattr(settings.time, "sleep", lambda seconds: None)
    with pytest.raises(RuntimeError):
        server.start()
    settings._settle_failed_start(server, patience=60)
    assert server.running is True
    assert server.server_process.signals == []  # kept: it is the server


def test_a_server_never_answering_is_stopped_not_orphaned(monkeypatch):
    server = LateServer()
    monkeypatch.setattr(settings, "server_is_up", lambda url: False)
    with pytest.raises(RuntimeError):
        server.start()
    process = server.server_process
    settings._settle_failed_start(server, patience=0.01)
    assert process.signals == ["terminate"]
    assert server.server_process is None and server.running is False


def test_the_background_start_settles_a_timed_out_start(monkeypatch):
    server = LateServer()
    monkeypatch.setattr(prefect_server, "SubprocessASGIServer", lambda: server)
    monkeypatch.setattr(settings, "configure", lambda: None)
    monkeypatch.setattr(settings, "server_is_up", lambda url: False)
    monkeypatch.setattr(settings, "LATE_START_SECONDS", 0.01)
    with temporary_settings({PREFECT_SERVER_EPHEMERAL_ENABLED: True, PREFECT_API_URL: ""}):
        settings.start_temporary_server()()
    assert server.server_process is None  # stopped: the flow starts its own


def _heartbeat_seconds():
    """What Prefect's flow engine reads when a flow run starts (`_send_heartbeats`)."""
    from prefect import flow
    from prefect.flow_engine import FlowRunEngine

    return FlowRunEngine(flow=flow(lambda: None)).heartbeat_seconds


def test_runs_to_a_temporary_server_send_no_heartbeats():
    """Decision 0322: the temporary server stops with the process, so nothing can
    notice a missed heartbeat, and Prefect's join of the heartbeat thread at a
    flow run's end waits up to 1 s."""
    with temporary_settings({PREFECT_API_URL: ""}):
        assert _heartbeat_seconds() == 180  # Prefect's default, outside the block
        with settings.run_settings():
            assert _heartbeat_seconds() is None
        assert _heartbeat_seconds() == 180
    with settings.run_settings(temporary=True):  # the benchmark's own server
        assert _heartbeat_seconds() is None


def test_runs_to_a_lasting_server_keep_their_heartbeats():
    """`make ui`'s server or a user's PREFECT_API_URL can mark a crashed run."""
    lasting = temporary_settings({PREFECT_API_URL: "http://127.0.0.1:9/api"})
    with lasting, settings.run_settings():
        assert _heartbeat_seconds() == 180
    with settings.run_settings(temporary=False):
        assert _heartbeat_seconds() == 180

"""`settings.start_temporary_server`: the CLI starts Prefect's temporary server in
the background while it imports the pipeline, only when runs would go to one."""

from __future__ import annotations

import prefect.server.api.server as prefect_server
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

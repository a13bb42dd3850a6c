"""Prefect settings kept inside the project, set before Prefect is imported.

- PREFECT_HOME in the project's ignored `.prefect/` folder (a user's other
  Prefect work is not touched);
- telemetry off (offline runs log no errors about it);
- a temporary-server start-up timeout that fits a 2-core machine.

Values already in the environment win, so `make ui` and a user's own server
(PREFECT_API_URL) keep working.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]

DEFAULTS = {
    "PREFECT_HOME": str(PROJECT_ROOT / ".prefect"),
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "PREFECT_LOGGING_LEVEL": "INFO",
    "PREFECT_UI_ENABLED": "true",
}


UI_URL = "http://127.0.0.1:{port}/api"


def configure() -> None:
    """Apply the project defaults where the environment does not set them.

    When `make ui` has a server up on loopback, report runs to it rather than
    starting a temporary one; otherwise Prefect falls back to a temporary server.
    """
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)
    probe = os.environ.get("TRIANGULATE_UI_PROBE", "on") != "off"
    if probe and "PREFECT_API_URL" not in os.environ:
        url = UI_URL.format(port=os.environ.get("UI_PORT", "4200"))
        if server_is_up(url):
            os.environ["PREFECT_API_URL"] = url


def protect_database() -> None:
    """Prefect's home owner-only (0700) and its database files 0600: run names,
    logs and artifacts are the project's business only. Where the folder is not
    ours (a server elsewhere), nothing is changed."""
    home = Path(os.environ.get("PREFECT_HOME", DEFAULTS["PREFECT_HOME"]))
    try:
        if home.is_dir() and home.stat().st_uid == os.getuid():
            home.chmod(0o700)
            for path in home.glob("*.db*"):
                path.chmod(0o600)
    except OSError:
        pass


def server_is_up(api_url: str, timeout: float = 0.5) -> bool:
    """True when a Prefect server answers its health check at `api_url`."""
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=timeout) as response:  # noqa: S310 - loopback only
            return response.status == 200
    except OSError:
        return False


def start_temporary_server() -> Callable[[], None]:
    """Start the temporary Prefect server now, in a background thread, when runs
    would go to one (no PREFECT_API_URL once `configure` has probed for `make ui`'s
    server); returns a function that waits until it answers.

    The server boots in its own process (6-8 s on two cores) while the caller
    imports the pipeline and loads the study; the flow then finds it running
    (Prefect keeps one temporary server per process). If the start fails, the
    process it left is waited for or stopped (`_settle_failed_start`), and Prefect
    starts it again when the flow begins and reports the error, as before."""
    configure()
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED

    if PREFECT_API_URL.value() or not PREFECT_SERVER_EPHEMERAL_ENABLED.value():
        return lambda: None
    # imported here, in the calling thread: the thread below only starts a process
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()

    def start() -> None:
        try:
            server.start()
        except Exception:  # the flow's own start reports it
            _settle_failed_start(server)

    thread = threading.Thread(target=start, name="prefect-server-start", daemon=True)
    thread.start()
    return thread.join


#: how long a server whose start timed out may still take to answer
LATE_START_SECONDS = 180.0


def _settle_failed_start(server, patience: float | None = None) -> None:
    """After a start that failed, leave no server process behind (walk 10).

    Prefect's start gives up after PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS
    but leaves the process it started running; the flow's own start then started
    a second one on the same port, which failed to bind (a traceback in the
    console), was answered by the first, and stopped at exit in its place: the
    first stayed, orphaned. So: a process still running is waited for a while
    longer; if it answers it is the server (the flow's start finds it running and
    Prefect stops it at exit), otherwise it is stopped and the flow starts its own."""
    process = getattr(server, "server_process", None)
    if process is None:
        return
    deadline = time.monotonic() + (LATE_START_SECONDS if patience is None else patience)
    while process.poll() is None and time.monotonic() < deadline:
        if server_is_up(server.api_url):
            server.running = True
            return
        time.sleep(0.5)
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    server.server_process = None


@contextlib.contextmanager
def run_settings(temporary: bool | None = None) -> Iterator[None]:
    """Prefect's settings for the flow runs started meanwhile (decision 0322).

    Runs that go to a temporary server send no heartbeats: the server lives only
    as long as this process, so nothing could notice a run that stopped beating,
    and at the end of every flow run Prefect joins its heartbeat thread, which
    sleeps in 1 s steps (0.5 s of a run's wall on average, up to 1 s). Runs that
    go to a lasting server (`make ui`'s, a user's PREFECT_API_URL) keep them, so
    that server can mark a crashed run. `temporary`: whether the runs go to a
    temporary server; None decides by Prefect's API URL (unset: Prefect starts,
    or has started, its temporary server in this process)."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if temporary is None:
        temporary = not PREFECT_API_URL.value()
    if not temporary:
        yield
        return
    with temporary_settings({"flows.heartbeat_frequency": None}):
        yield

"""Prefect settings kept inside the project, set before Prefect is imported.

- PREFECT_HOME in the project's ignored `.prefect/` folder (a user's other
  Prefect work is not touched);
- telemetry off (offline runs log no errors about it);
- a temporary-server start-up timeout that fits a 2-core machine.

Values already in the environment win, so `make ui` and a user's own server
(PREFECT_API_URL) keep working.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULTS = {
    "PREFECT_HOME": str(PROJECT_ROOT / ".prefect"),
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "PREFECT_LOGGING_LEVEL": "INFO",
    "PREFECT_UI_ENABLED": "true",
}


def configure() -> None:
    """Apply the project defaults where the environment does not set them."""
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)

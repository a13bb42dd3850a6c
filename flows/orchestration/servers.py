"""Serve the output folder over http on loopback, so Prefect artifacts can link to dossiers.

Browsers refuse `file://` links from the Prefect UI page; a plain static
server on 127.0.0.1 fixes that. It serves files only, read-only, loopback only.
"""

from __future__ import annotations

import functools
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HOST = "127.0.0.1"
DEFAULT_PORT = 8765


class _QuietHandler(SimpleHTTPRequestHandler):
    """Static files with no directory listings logged to the terminal."""

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()


def make_server(root: Path, port: int = DEFAULT_PORT) -> ThreadingHTTPServer:
    """A static server for `root` on 127.0.0.1:`port` (not started)."""
    handler = functools.partial(_QuietHandler, directory=str(Path(root).resolve()))
    return ThreadingHTTPServer((HOST, port), handler)


def base_url(port: int = DEFAULT_PORT) -> str:
    return f"http://{HOST}:{port}"


def is_up(port: int = DEFAULT_PORT, timeout: float = 0.3) -> bool:
    """True when something answers http on 127.0.0.1:`port`."""
    try:
        with urllib.request.urlopen(base_url(port) + "/", timeout=timeout) as response:  # noqa: S310
            return response.status < 500
    except OSError:
        return False

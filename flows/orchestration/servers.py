"""Serve the published output folder over http on loopback, so Prefect artifacts can link to dossiers.

Browsers refuse `file://` links from the Prefect UI page; a plain static
server on 127.0.0.1 fixes that. It serves published files only:

- GET and HEAD only (read-only); loopback only;
- the Host header must name a loopback host (127.0.0.1, localhost, [::1]),
  so a web page elsewhere cannot reach it by DNS rebinding;
- no path with a part starting with a dot (the private folder
  `.triangulate-private/`, staging, caches, review lists), and nothing whose
  real path (symbolic links resolved) is outside the served folder;
- directory listings show only what may be served.
"""

from __future__ import annotations

import functools
import html
import io
import os
import urllib.parse
import urllib.request
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HOST = "127.0.0.1"
DEFAULT_PORT = 8765
LOOPBACK_NAMES = {"127.0.0.1", "localhost", "[::1]", "::1"}


class _PublishedHandler(SimpleHTTPRequestHandler):
    """Static published files; private paths and links out answer 404."""

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def _allowed_host(self) -> bool:
        host = (self.headers.get("Host") or "").strip().lower()
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return name in LOOPBACK_NAMES

    def _published(self, path: str) -> bool:
        """False for dot-paths and for anything whose real path leaves the root."""
        parts = urllib.parse.unquote(urllib.parse.urlsplit(path).path).split("/")
        if any(part.startswith(".") for part in parts if part):
            return False
        root = Path(self.directory).resolve()
        target = Path(self.translate_path(path))
        try:
            real = target.resolve(strict=False)
        except (OSError, RuntimeError):
            return False
        return real == root or real.is_relative_to(root)

    def send_head(self):
        if not self._allowed_host():
            self.send_error(HTTPStatus.BAD_REQUEST, "Host must be a loopback name")
            return None
        if not self._published(self.path):
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        return super().send_head()

    def list_directory(self, path):
        """A listing of the entries that may be served."""
        entries = []
        for name in sorted(os.listdir(path)):
            full = Path(path) / name
            if name.startswith(".") or not full.resolve().is_relative_to(
                Path(self.directory).resolve()
            ):
                continue
            shown = name + ("/" if full.is_dir() else "")
            entries.append(
                f'<li><a href="{urllib.parse.quote(shown)}">{html.escape(shown)}</a></li>'
            )
        body = (
            "<!DOCTYPE html><html><head><meta charset='utf-8'><title>dossiers</title></head>"
            f"<body><ul>{''.join(entries)}</ul></body></html>"
        ).encode()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def make_server(root: Path, port: int = DEFAULT_PORT) -> ThreadingHTTPServer:
    """A static server for `root` on 127.0.0.1:`port` (not started)."""
    handler = functools.partial(_PublishedHandler, directory=str(Path(root).resolve()))
    return ThreadingHTTPServer((HOST, port), handler)


def configured_port() -> int:
    """The port `make ui` serves the dossiers on: DOSSIER_PORT (the Makefile's
    variable, in the environment when set for `make ui` and `make run`) or 8765."""
    value = os.environ.get("DOSSIER_PORT", "").strip()
    return int(value) if value.isdigit() else DEFAULT_PORT


def base_url(port: int | None = None) -> str:
    return f"http://{HOST}:{configured_port() if port is None else port}"


def is_up(port: int | None = None, timeout: float = 0.3) -> bool:
    """True when something answers http on 127.0.0.1:`port` (default: `configured_port`)."""
    try:
        with urllib.request.urlopen(base_url(port) + "/", timeout=timeout) as response:  # noqa: S310
            return response.status < 500
    except OSError:
        return False

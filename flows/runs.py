"""One run per output folder at a time, and one private folder for what is never published.

Everything a run keeps that is not a published output lives in one folder
beside the output, named so that nobody mistakes it for one:

    <out>/../.triangulate-private/<out name>/
        run.lock          the running run's id, process and start time
        staging/<run id>/ a run's outputs before the audit lets them publish
        cache/            rendered dossiers and the annotation cache
        review/           capitalised words for a person to check
        previous/         the last published outputs, only while publishing

The dossier server never serves a dot-folder, so this folder is not reachable
from it; `make clean` removes it with `out/`.

`RunLock` takes the lock (creating `run.lock` exclusively); a second run into
the same output refuses with a message naming the running one. A lock whose
process is gone (a killed run) is taken over. Whoever takes the lock first
tidies what earlier runs left: a publish cut off between its two renames is
rolled back (the previous outputs return), and old staging folders and the
folders of earlier versions (`.<out>.staging`, `.cache`, `.review`,
`.previous` beside the output) are deleted.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import uuid
from datetime import UTC, datetime
from pathlib import Path

from flows.errors import TriangulateError

PRIVATE = ".triangulate-private"


class RunLockedError(TriangulateError):
    """Another run is writing to the same output folder."""


def private_dir(out_dir: Path) -> Path:
    """The private folder of an output folder (see the module docstring)."""
    return out_dir.parent / PRIVATE / out_dir.name


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole or not at all, readable by the owner only:
    into a hidden `.<name>.partial` created exclusively with mode 0600 (its
    folder 0700), then renamed over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = path.with_name(f".{path.name}.partial")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(partial, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()


def lock_path(out_dir: Path) -> Path:
    return private_dir(out_dir) / "run.lock"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class RunLock:
    """`with RunLock(out_dir) as run_id:` holds the output folder for one run."""

    def __init__(self, out_dir: Path, run_id: str | None = None):
        self.out_dir = Path(out_dir)
        self.run_id = run_id or uuid.uuid4().hex[:12]
        self.path = lock_path(self.out_dir)

    def __enter__(self) -> str:
        private_dir(self.out_dir).mkdir(parents=True, exist_ok=True, mode=0o700)
        record = {
            "run_id": self.run_id,
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started_utc": datetime.now(UTC).isoformat(),
        }
        for _ in range(2):
            try:
                handle = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            except FileExistsError:
                self._take_over_or_refuse()
                continue
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(record, file)
            clean_leftovers(self.out_dir)
            return self.run_id
        raise RunLockedError(f"{self.path}: could not take the run lock")

    def _take_over_or_refuse(self) -> None:
        try:
            held = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            held = {}
        same_host = held.get("host") == socket.gethostname()
        if same_host and isinstance(held.get("pid"), int) and not _alive(held["pid"]):
            self.path.unlink(missing_ok=True)  # the run that held it was killed
            return
        raise RunLockedError(
            f"{self.out_dir}: another run (id {held.get('run_id', '?')}, process "
            f"{held.get('pid', '?')} on {held.get('host', '?')}, started "
            f"{held.get('started_utc', '?')}) is writing to this output folder. Wait for it "
            f"to finish, or use another --out. If no run is going on, delete {self.path}."
        )

    def __exit__(self, *exc) -> None:
        try:
            held = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if held.get("run_id") == self.run_id:
            self.path.unlink(missing_ok=True)


def clean_leftovers(out_dir: Path) -> None:
    """Roll back a publish cut off halfway; delete earlier runs' staging folders
    and the private folders of earlier versions beside the output."""
    private = private_dir(out_dir)
    previous = private / "previous"
    if previous.is_dir() and not out_dir.exists():
        previous.rename(out_dir)
    shutil.rmtree(previous, ignore_errors=True)
    shutil.rmtree(private / "staging", ignore_errors=True)
    for suffix in ("staging", "previous", "cache", "review"):
        shutil.rmtree(out_dir.parent / f".{out_dir.name}.{suffix}", ignore_errors=True)

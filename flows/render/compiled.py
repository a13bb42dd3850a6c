"""Compiled templates kept between runs, in the owner-only store (decision 0230).

A fresh process compiles the dossier and index templates before its first page:
about 0.17 s of CPU, a twentieth of a warm re-run that renders one dossier and
the index. Jinja can keep what it compiled (`jinja2.BytecodeCache`); this one
keeps it in a folder of the run's private store, one file per template, written
whole or not at all and readable by the owner only (`runs.write_private`).

A file is used only when it is a regular file of this user's that no one else
can read or write (loading it runs the code it holds, like the stance readers'
pickle, decision 0174), made by the same Jinja and Python for the same
environment options and template file (its key), from the same template source
(Jinja checks the source's checksum). Anything else is compiled again and
rewritten. Compiling from a cached code object gives the same template, so the
same pages.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import sys
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

from flows.runs import write_private

#: part of every key: a change of the cache's layout compiles everything again
FORMAT = "templates-1"


class CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's compiled templates in `folder`, for environments made with `options`
    (a text that changes whenever the options that shape compiled code do)."""

    def __init__(self, folder: Path, options: str):
        self.folder = Path(folder)
        self.salt = f"{FORMAT}|{jinja2.__version__}|{sys.version}|{options}"

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return hashlib.sha256(f"{self.salt}|{name}|{filename}".encode()).hexdigest()

    def path(self, bucket: Bucket) -> Path:
        return self.folder / f"{bucket.key}.jinja"

    def load_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError), self.path(bucket).open("rb") as handle:
            info = os.fstat(handle.fileno())
            if (
                stat.S_ISREG(info.st_mode)
                and info.st_uid == os.getuid()
                and not stat.S_IMODE(info.st_mode) & 0o077
            ):
                try:
                    bucket.load_bytecode(handle)
                except Exception:  # a damaged file: compiled again
                    bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):  # no cache: the page is made all the same
            write_private(self.path(bucket), bucket.bytecode_to_string())

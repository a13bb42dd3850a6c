"""Python's cycle collector paused around a batch of work that makes many objects
and no reference cycles (a batch of stance readings, a chunk of dossiers).

Such objects are freed by reference counting as soon as they are dropped; the
collector, run every few hundred new objects, would only walk them (and every
older object of the process) again and again: a sixth of the stance reading's
time, a third of the dossier queries' CPU (decisions 0150, 0158). Light on
purpose: the render workers import it without spaCy."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cycle collector off for the block, then as it was (left off if it was
    off); whatever cycles the block left are collected afterwards."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@contextlib.contextmanager
def collector_kept() -> Iterator[None]:
    """The cycle collector left as it was before the block, whatever the block did:
    spaCy's `from_bytes` (srsly's `msgpack_loads`) turns it on after every message,
    which in a paused stage left it running for the rest of the stage (decision
    0189: a warm re-run's annotation stage, after loading its stance reader)."""
    enabled = gc.isenabled()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        else:
            gc.disable()

"""Errors sealed before Prefect logs them: a failed task never quotes a name.

Prefect logs a failed task's or flow's exception, message and traceback, sends
the lines to its server and keeps the message as the run's state message; the
leak audit, which runs at the end, cannot take them back. An exception's
message can quote an input: a cell, a column header, a path. So every task and
the flow body run under `sealed`, which lets an exception pass only in a form
that is safe to store:

- an unexpected exception (a bug, an environment problem) becomes an
  `UnexpectedError` that names its type and where it was raised in the
  project's code, never its message (`from None`: no chained traceback either);
- a `TriangulateError` (the researcher's own errors: file, element, problem)
  passes as it is when its message holds no name: no roster name in any
  spelling the audit knows, and no name nobody listed (a title and a
  capitalised word, a capitalised gazetteer name: "sheets: Sofie, Zbigniew";
  decision 0364). Otherwise, or when the roster's names are not known in this
  thread, it becomes a `WithheldError` that keeps the file and element where
  they hold no name (a file named after a participant, a zip entry
  "sources/Karen Lund.txt": `PLACE_WITHHELD`) and withholds the problem's text.

The original stays on the sealed exception (`.original`) for the terminal,
where `triangulate run` prints it as before (screened by `preflight.error_detail`).
"""

from __future__ import annotations

import contextlib
import functools
import traceback
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import TypeVar

from flows.errors import TriangulateError, UnexpectedError, WithheldError
from flows.privacy.matching import NameSet
from flows.privacy.preflight import run_label_holds_name

F = TypeVar("F", bound=Callable)

#: The roster's names of the running study; None where they are not known.
_names: ContextVar[NameSet | None] = ContextVar("sealed_error_names", default=None)

_ROOT = Path(__file__).resolve().parents[2]  # the project: flows/, tests/, bench/

#: a withheld error's file or element that holds a name, or where names are not known
PLACE_WITHHELD = "<withheld: holds a name>"
PLACE_UNCHECKED = "<withheld: names could not be checked>"


@contextlib.contextmanager
def names_known(names: NameSet) -> Iterator[None]:
    """Screen sealed errors' messages against `names` meanwhile (Prefect's
    thread runner copies the context into each task's thread)."""
    token = _names.set(names)
    try:
        yield
    finally:
        _names.reset(token)


def where_raised(exc: BaseException, frames: int = 3) -> str:
    """The innermost frames of `exc`'s traceback in the project's own code as
    "file:line in function", innermost first; paths relative to the project, no
    source text."""
    found = []
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        path = Path(frame.filename)
        inside = path.relative_to(_ROOT) if path.is_relative_to(_ROOT) else None
        if inside and not inside.parts[0].startswith("."):  # not .venv's packages
            found.append(f"{inside.as_posix()}:{frame.lineno} in {frame.name}")
        if len(found) == frames:
            break
    return " <- ".join(found) or "outside the project's code"


def seal(exc: Exception, names: NameSet | None = None) -> Exception:
    """`exc` itself when safe to store, else its sealed stand-in (see the module);
    its message is screened against `names`, by default those `names_known` set."""
    if isinstance(exc, UnexpectedError | WithheldError):
        return exc
    if isinstance(exc, TriangulateError):
        names = _names.get() if names is None else names
        if names is not None and not names_a_person(names, str(exc)):
            return exc
        places = [getattr(exc, "path", None), getattr(exc, "where", None)]
        path, where = (_place(place, names) for place in places)
        why = "names could not be checked here" if names is None else "it may name a person"
        sealed = WithheldError(path, where, why)
    else:
        sealed = UnexpectedError(type(exc).__name__, where_raised(exc))
    sealed.original = exc
    return sealed


def names_a_person(names: NameSet, text: str) -> bool:
    """Whether `text` (an error's message, its file or element) holds one of `names`
    in any spelling the audit knows, or a name nobody listed: the screen of a run's
    own name and tags (`preflight.run_label_holds_name`, decision 0364)."""
    return run_label_holds_name(names, text, [])


def _place(place: object, names: NameSet | None) -> object:
    """A withheld error's file or element, unless it may name someone."""
    if place is None:
        return None
    if names is None:
        return PLACE_UNCHECKED
    return PLACE_WITHHELD if names_a_person(names, str(place)) else place


@contextlib.contextmanager
def sealing() -> Iterator[None]:
    """An exception leaves this block only sealed (`seal`); the names are those
    known when it leaves, so open `names_known` outside this block."""
    try:
        yield
    except Exception as exc:
        raise seal(exc) from None  # no chained traceback: it may quote an input


def sealed(function: F) -> F:
    """`function` run under `sealing` (for Prefect tasks)."""

    @functools.wraps(function)
    def run(*args, **kwargs):
        with sealing():
            return function(*args, **kwargs)

    return run  # type: ignore[return-value]


def known_names() -> NameSet | None:
    """The names `names_known` set in this context, or None."""
    return _names.get()


def original(exc: BaseException) -> BaseException:
    """The exception a sealed one stands for (itself when it was not sealed)."""
    return getattr(exc, "original", None) or exc

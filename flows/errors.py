"""The project's own error types: every message names the file and the element."""

from __future__ import annotations


class TriangulateError(Exception):
    """Base class for errors a researcher can act on."""


class StudyFileError(TriangulateError):
    """The study definition file is missing, malformed or inconsistent."""

    def __init__(self, path: str, key: str, problem: str):
        self.path, self.key, self.problem = path, key, problem
        super().__init__(f"{path}: {key}: {problem}")


class InputFileError(TriangulateError):
    """An input file cannot be read at all (missing, wrong columns, undecodable).

    `where` names the element, row or cell at fault when there is one; the
    message then reads `<file>: <where>: <problem>`.
    """

    def __init__(self, path: str, problem: str, where: str | None = None):
        self.path, self.problem, self.where = path, problem, where
        super().__init__(f"{path}: {where}: {problem}" if where else f"{path}: {problem}")


class UnsafeInputError(InputFileError):
    """An input file was refused because it looks hostile: XML entity declarations
    or external entities, ZIP entries that escape their folder, ZIP bombs,
    absurdly large files or fields. Nothing from it was loaded."""


class LeakError(TriangulateError):
    """The leak audit found personal data in the outputs; nothing was published."""


class WithheldError(TriangulateError):
    """A researcher's error whose problem text was withheld before Prefect could
    log it (`flows.privacy.sealed_errors`): it may quote a name. The file and
    element stay; `triangulate validate` prints the problem in the terminal."""

    def __init__(self, path: str | None, where: str | None, why: str):
        self.path, self.where, self.why = path, where, why
        place = ": ".join(str(p) for p in (path, where) if p) or "an input"
        super().__init__(
            f"{place}: the problem's text is withheld from Prefect and the logs ({why}); "
            "`triangulate validate` prints it in your terminal"
        )


class UnexpectedError(RuntimeError):
    """An exception that is not a researcher's error (a bug, a full disk), sealed
    before Prefect logs it: its type and where it was raised, never its message."""

    def __init__(self, type_name: str, where: str):
        self.type_name, self.where = type_name, where
        super().__init__(f"{type_name} raised at {where} (its message is withheld)")

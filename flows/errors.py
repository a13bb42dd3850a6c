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

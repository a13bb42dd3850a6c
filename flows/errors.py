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
    """An input file cannot be read at all (missing, wrong columns, undecodable)."""

    def __init__(self, path: str, problem: str):
        self.path, self.problem = path, problem
        super().__init__(f"{path}: {problem}")


class LeakError(TriangulateError):
    """The leak audit found personal data in the outputs; nothing was published."""

"""Where a REFI-QDA project's files live: the `.qdpx` archive (or the `.qde` file
beside its `sources/` folder), and external text files (`relative://`,
`absolute://`) read only from the allowed folders.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath, PureWindowsPath

from flows.errors import InputFileError
from flows.readers.common import MAX_FILE_BYTES, bounded_read
from flows.readers.safe_zip import SafeZip


class _Container:
    """Where the project file and its internal sources live."""

    def __init__(self, path: Path, label: str):
        self.path, self.label = path, label
        self.zip: SafeZip | None = None
        if path.suffix.lower() == ".qdpx":
            self.zip = SafeZip(path, label)
            projects = [
                n
                for n in self.zip.names()
                if n.lower().endswith(".qde")
                and not n.startswith("__MACOSX/")
                and n.count("/") <= 1
            ]
            if len(projects) != 1:
                self.zip.close()
                found = "no .qde project file" if not projects else "several .qde project files"
                raise InputFileError(label, f"{found} in the archive (expected exactly one)")
            self.member = projects[0]
            self.base = self.member.rsplit("/", 1)[0] + "/" if "/" in self.member else ""
        else:
            self.member = path.name

    def project_bytes(self) -> bytes:
        if self.zip is not None:
            return self.zip.read(self.member)
        return bounded_read(self.path)

    def internal(self, name: str) -> bytes | None:
        """An internal source file (`sources/<name>`, any case of the folder)."""
        if "/" in name or "\\" in name or name in ("", ".", ".."):
            return None
        if self.zip is not None:
            member = self.zip.find(f"{self.base}sources/{name}")
            return self.zip.read(member, MAX_FILE_BYTES) if member else None
        for folder in self.path.parent.iterdir():
            if folder.is_dir() and folder.name.lower() == "sources":
                candidate = folder / name
                if candidate.is_file():
                    return bounded_read(candidate)
        return None

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


def _text_file(candidates: list[Path], allowed: tuple[Path, ...]) -> bytes | None:
    """The first candidate that is a `.txt` file inside the allowed folders."""
    from flows.study import inside

    for candidate in candidates:
        try:
            if (
                candidate.suffix.lower() == ".txt"
                and candidate.is_file()
                and inside(candidate, allowed)
            ):
                return bounded_read(candidate)
        except (OSError, ValueError):
            continue
    return None


def _external(
    kind: str, rest: str, base_path: str, folder: Path, allowed: tuple[Path, ...]
) -> bytes | None:
    """A relative:// or absolute:// text file: where the project says, else by
    name in the study folder (projects move between machines); only from the
    allowed folders (the study folder and `[privacy] allow_files_from`)."""
    rest = rest.lstrip("/") if kind == "relative" else rest
    windows = re.match(r"^/?[A-Za-z]:[\\/]", rest) or "\\" in rest
    pure = PureWindowsPath(rest.lstrip("/")) if windows else PurePosixPath(rest)
    candidates: list[Path] = []
    if kind == "relative":
        if base_path and not re.match(r"^[A-Za-z]:|^//|^\\\\", base_path):
            candidates.append(Path(base_path) / Path(*pure.parts))
        candidates.append(folder / Path(*pure.parts))
    elif not windows:
        candidates.append(Path(rest))
    candidates.append(folder / pure.name)
    return _text_file(candidates, allowed)

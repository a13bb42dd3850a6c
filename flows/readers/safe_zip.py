"""Reading ZIP archives (`.qdpx`, `.xlsx`) without trusting them.

Nothing is ever extracted to disk: members are read into memory, one at a
time, through a counter. An archive is refused (`UnsafeInputError`) when

- it has more than `MAX_ENTRIES` members (entry-count bombs),
- a member name would escape the folder it were extracted to (`../x`,
  `/etc/x`, `C:\\x`, `\\\\server\\x`): zip slip,
- the sizes its directory declares add up to more than `MAX_TOTAL_BYTES`, or
  one member to more than `MAX_MEMBER_BYTES`, or one member compresses better
  than `MAX_RATIO` to one (zip bombs), or
- a member inflates to more bytes than its header declared (a lying header):
  reading stops at the bound, it never runs on.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath

from flows.errors import InputFileError, UnsafeInputError
from flows.readers.common import MAX_FILE_BYTES

MAX_ENTRIES = 10_000
MAX_MEMBER_BYTES = MAX_FILE_BYTES
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
MAX_RATIO = 1_000
_CHUNK = 1024 * 1024


def unsafe_member_name(name: str) -> bool:
    """Whether extracting a member of this name could write outside its folder."""
    if not name or "\x00" in name:
        return True
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        return True
    parts = re.split(r"[\\/]+", name)
    return any(part == ".." for part in parts)


class SafeZip:
    """A ZIP archive checked on opening; members read with a bound."""

    def __init__(self, path: Path, label: str | None = None):
        self.path = Path(path)
        self.label = label or str(path)
        try:
            self._zip = zipfile.ZipFile(self.path)
            infos = self._zip.infolist()
        except Exception as exc:  # zipfile raises many types on a damaged directory
            raise InputFileError(
                self.label, f"not a readable ZIP archive ({type(exc).__name__}: {exc})"
            ) from None
        if len(infos) > MAX_ENTRIES:
            self.close()
            raise UnsafeInputError(
                self.label, f"archive has more than {MAX_ENTRIES} entries; refused (ZIP bomb?)"
            )
        total = 0
        for info in infos:
            if unsafe_member_name(info.filename):
                self.close()
                raise UnsafeInputError(
                    self.label,
                    "archive entry name escapes the folder it would be extracted to; refused",
                    where=f"entry {info.filename[:200]!r}",
                )
            if info.file_size > MAX_MEMBER_BYTES:
                self.close()
                raise UnsafeInputError(
                    self.label,
                    f"entry would inflate to more than {MAX_MEMBER_BYTES} bytes; refused (ZIP bomb?)",
                    where=f"entry {info.filename[:200]!r}",
                )
            if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
                self.close()
                raise UnsafeInputError(
                    self.label,
                    f"entry compresses more than {MAX_RATIO} to 1; refused (ZIP bomb?)",
                    where=f"entry {info.filename[:200]!r}",
                )
            total += info.file_size
        if total > MAX_TOTAL_BYTES:
            self.close()
            raise UnsafeInputError(
                self.label,
                f"archive would inflate to more than {MAX_TOTAL_BYTES} bytes; refused (ZIP bomb?)",
            )
        self._infos = {info.filename: info for info in infos if not info.is_dir()}

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def names(self) -> list[str]:
        return list(self._infos)

    def find(self, name: str) -> str | None:
        """The member called `name`, matching folder names case-insensitively
        (NVivo writes `Sources/`, the standard `sources/`)."""
        if name in self._infos:
            return name
        wanted = PurePosixPath(name.replace("\\", "/"))
        for member in self._infos:
            candidate = PurePosixPath(member.replace("\\", "/"))
            if candidate.name == wanted.name and [p.lower() for p in candidate.parent.parts] == [
                p.lower() for p in wanted.parent.parts
            ]:
                return member
        return None

    def read(self, name: str, limit: int = MAX_MEMBER_BYTES) -> bytes:
        """A member's bytes; refuses one that inflates beyond its declared size or `limit`."""
        info = self._infos[name]
        bound = min(limit, info.file_size)
        chunks, size = [], 0
        try:
            with self._zip.open(info) as handle:
                while True:
                    chunk = handle.read(_CHUNK)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > bound:
                        raise UnsafeInputError(
                            self.label,
                            "entry inflates beyond its declared size or the size limit; "
                            "refused (ZIP bomb?)",
                            where=f"entry {name[:200]!r}",
                        )
                    chunks.append(chunk)
        except UnsafeInputError:
            raise
        except Exception as exc:  # damaged, encrypted or unsupported member
            raise InputFileError(
                self.label, f"archive entry cannot be read ({exc})", where=f"entry {name[:200]!r}"
            ) from None
        return b"".join(chunks)


def check_zip(path: Path, label: str | None = None) -> None:
    """Refuse a hostile archive before a third-party reader (openpyxl) opens it."""
    SafeZip(path, label).close()

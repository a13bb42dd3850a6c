"""What every reader shares: the rejects list, limits, and cell formatting."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from flows.readers.cells import cell_text  # noqa: F401  (re-exported)

#: Longest excerpt text loaded (longer ones are rejected, not truncated).
MAX_FIELD_CHARS = 20_000
#: Longest single cell or XML field read at all; a longer one refuses the file.
MAX_CELL_CHARS = 100_000
#: Largest input file read (bytes); also bounds one member of an archive.
MAX_FILE_BYTES = 200 * 1024 * 1024
#: Most rows read from one table.
MAX_ROWS = 1_000_000


@dataclass
class Rejects:
    """Rows or elements not loaded, with why."""

    rows: list[dict] = field(default_factory=list)

    def add(self, file: Path | str, row: int | str, element: str, reason: str) -> None:
        self.rows.append(
            {"file": Path(file).name, "row": str(row), "element": element, "reason": reason}
        )

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=["file", "row", "element", "reason"])


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def bounded_read(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a file, refusing one larger than `limit`."""
    from flows.errors import InputFileError, UnsafeInputError

    try:
        size = path.stat().st_size
        if size > limit:
            raise UnsafeInputError(str(path), f"file is larger than {limit} bytes; refused")
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise InputFileError(str(path), f"cannot be read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise UnsafeInputError(str(path), f"file is larger than {limit} bytes; refused")
    return data


def decode_text(data: bytes, encoding: str = "utf-8") -> str:
    """Text from bytes: a UTF-8 or UTF-16 byte-order mark wins, else `encoding`.

    Raises UnicodeDecodeError (or LookupError for an unknown encoding)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    return data.decode(encoding)

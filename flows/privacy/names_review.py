"""The researcher's review of names nobody listed (part of
`flows.privacy.unknown_names`): `names-reviewed.csv` read (`read_decisions`),
and in `unknown_names = "review"` mode the undecided gazetteer words listed in
the private review folder, the run stopped while any is left (`check_reviewed`)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from flows.errors import InputFileError, TriangulateError

if TYPE_CHECKING:
    from flows.privacy.unknown_names import NameGuard


DECISIONS = ("name", "not a name")
REVIEWED_FILE = "names-reviewed.csv"


def read_decisions(path: Path) -> dict[str, str]:
    """The researcher's decisions (casefolded word -> "name" / "not a name"); an
    absent file is no decision. A bad row stops the run (it protects people)."""
    if not path.is_file():
        return {}
    decisions: dict[str, str] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not {"word", "decision"} <= set(reader.fieldnames or []):
            raise InputFileError(str(path), "header: expected columns word, decision")
        for row in reader:
            word = (row.get("word") or "").strip()
            decision = (row.get("decision") or "").strip().lower()
            if not word or decision not in DECISIONS:
                raise InputFileError(
                    str(path),
                    f"row {reader.line_num}: expected a word and decision 'name' or "
                    f"'not a name', found decision {decision!r}",
                )
            decisions[word.casefold()] = decision
    return decisions


class NamesToReview(TriangulateError):
    """`unknown_names = "review"`: possible names wait for the researcher's decision."""


UNKNOWN_NAMES_FILE = "unknown_names.csv"


def check_reviewed(guard: NameGuard, items: Iterable[tuple[str, str]], folder: Path) -> None:
    """In review mode: list the undecided gazetteer words of the (excerpt id, original
    text) items in `folder` (private, owner-only) and stop the run while any is left."""
    path = folder / UNKNOWN_NAMES_FILE
    if guard.mode != "review":
        return
    rows = guard.review_rows(items)
    if not rows:
        path.unlink(missing_ok=True)
        return
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["word", "occurrences", "excerpts", "decision"])
        writer.writeheader()
        writer.writerows(rows)
    path.chmod(0o600)
    raise NamesToReview(
        f"{len(rows)} possible name(s) nobody put on the roster are listed in {path}; "
        f"mark each 'name' or 'not a name' in the study folder's {REVIEWED_FILE} "
        "(columns word, decision) and run again; nothing was published"
    )

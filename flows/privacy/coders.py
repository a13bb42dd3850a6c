"""Coders as the outputs show them: initials, or a number (decision 0284).

A QDA tool records who coded each passage under the user's account: NVivo and
MAXQDA write the user's name into a REFI-QDA project (`<User name="Gergo"/>`),
Dedoose's "Excerpt Creator" is the account's login (often an e-mail address),
MAXQDA's "Created by" and QualCoder's "Coder" what the user typed. The coder is
shown beside every excerpt of a dossier and kept in the database, and neither
the pseudonymiser (excerpt text only) nor the leak audit (roster names only)
looks at a researcher's name there. So a coder value is published only when it
reads as initials ("AK", "A.K.", "JM2": one to four capital letters; three
or four only when they spell no word or name of the gazetteer, so not "OLE",
"EVA"; two always, as the gazetteer lists initials such as "jm"); any other is replaced by `#1`, `#2`...,
numbered in the sorted order of the values replaced, the same number for the
same value throughout the run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_INITIALS = re.compile(r"(?:[^\W\d_]\.?){1,4}\d{0,3}")


def shows_as_initials(value: str) -> bool:
    """True for a coder value that is published as it is: initials."""
    from flows.privacy.unknown_names import gazetteer

    if not _INITIALS.fullmatch(value):
        return False
    letters = "".join(c for c in value if c.isalpha())
    if not letters.isupper():
        return False
    return len(letters) < 3 or gazetteer().kind(letters) is None


def coder_labels(values: Iterable[str]) -> dict[str, str]:
    """Each coder value -> as published: itself when empty or initials, else
    `#n` (n from 1, by the sorted values replaced)."""
    distinct = {v for v in values if v}
    withheld = sorted(v for v in distinct if not shows_as_initials(v.strip()))
    labels = {v: v.strip() for v in distinct - set(withheld)}
    labels.update({v: f"#{n}" for n, v in enumerate(withheld, 1)})
    return {"": "", **labels}


def label_coders(*tables: list[dict] | dict[str, list]) -> None:
    """Replace the `coder` of every row in place, one numbering over all the
    tables: each a list of rows (dicts with a `coder` key) or, as the excerpts
    read as columns (decision 0269), a dict of columns with a `coder` list."""

    def cells(table: list[dict] | dict[str, list]) -> list[str]:
        if isinstance(table, dict):
            return [str(v or "") for v in table.get("coder", ())]
        return [str(r.get("coder") or "") for r in table]

    labels = coder_labels(v for table in tables for v in cells(table))
    for table in tables:
        if isinstance(table, dict):
            if "coder" in table:
                table["coder"] = [labels[v] for v in cells(table)]
        else:
            for row in table:
                row["coder"] = labels[str(row.get("coder") or "")]

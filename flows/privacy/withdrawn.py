"""A withdrawn participant leaves no trace in what a run publishes (decision 0384).

A run still needs to know who withdrew: their names are searched for and
replaced by `[person]` where others mention them (0367), their rows are kept
out at ingestion, and the private `published.json` decides when an earlier
publication must be withdrawn. All of that reads `StudyData.persons`,
`StudyData.withdrawn` and the roster's names, which stay in memory and in the
private store. What is published (the database, `rejects.csv`, the index's
reject table and input counts, the manifest, Prefect's artifacts and log lines)
is made from the frames and counts below, in which a withdrawn participant has
no row, no id and no count: their roster row, their interviews, the rejects
that say their rows were excluded, and those rows in every file's read count.
A source whose only informant withdrew is then what it would be had they never
taken part ("not interviewed"). `triangulate validate` still lists every
excluded row to the researcher (its rejects file is written in the study
folder, not published).
"""

from __future__ import annotations

import pandas as pd

from flows.codes import WITHDRAWN_REASONS


def active_persons(persons: pd.DataFrame) -> pd.DataFrame:
    """The roster's rows of active participants (`StudyData.persons`)."""
    return persons[persons["status"] == "active"].reset_index(drop=True)


def published_people(data) -> dict[str, pd.DataFrame]:
    """`raw_persons`, `raw_person_cases` and `raw_interviews` as published: the
    rows of active participants only (`data`: a `StudyData`)."""
    gone = set(data.withdrawn)
    return {
        "raw_persons": active_persons(data.persons),
        "raw_person_cases": _without(data.person_cases, gone),
        "raw_interviews": _without(data.interviews, gone),
    }


def _without(frame: pd.DataFrame, gone: set[str]) -> pd.DataFrame:
    if not gone or frame.empty:
        return frame
    return frame[~frame["person_id"].isin(gone)].reset_index(drop=True)


def seal(data, roster_file: str, interviews_file: str | None) -> None:
    """Take a withdrawn participant out of what a run publishes of `data` (a
    `StudyData`, changed in place): the rejects that list their excluded rows
    (file and row number: how many rows were theirs) and those rows, their
    roster row and their interviews in the files' read and loaded counts. The
    excluded rows are still excluded; only the record of them goes."""
    withdrawn = set(data.withdrawn)
    if not withdrawn:
        return
    rejects = data.rejects
    theirs = rejects["reason"].isin(WITHDRAWN_REASONS)
    for file, n in rejects.loc[theirs, "file"].value_counts().sort_index().items():
        # a QDA project's codings are counted under "<file> (codings)"
        key = file if file in data.read_counts else f"{file} (codings)"
        _less(data.read_counts, key, n)
    data.rejects = rejects[~theirs].reset_index(drop=True)
    n_rows = int(data.persons["person_id"].isin(withdrawn).sum())
    _less(data.read_counts, roster_file, n_rows)
    _less(data.loaded_counts, roster_file, n_rows)
    if interviews_file is not None and not data.interviews.empty:
        n_interviews = int(data.interviews["person_id"].isin(withdrawn).sum())
        _less(data.read_counts, interviews_file, n_interviews)
        _less(data.loaded_counts, interviews_file, n_interviews)


def _less(counts: dict[str, int], file: str, n: int) -> None:
    if n and file in counts:
        counts[file] = max(0, counts[file] - int(n))

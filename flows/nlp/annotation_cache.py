"""The annotation cache's file (`flows.nlp.annotate` explains what it holds and
why it is safe to keep): one Parquet row per excerpt key, read as columns and
decoded only for the run's excerpts, written owner-only through a rename.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import duckdb
import pandas as pd

#: Changes whenever the cache's layout or meaning changes (part of the salt).
CACHE_FORMAT = "annotations-1"
CACHE_COLUMNS = (
    "key",
    "text",
    "suggested_stance",
    "suggestion_confidence",
    "suggestion_cues",
    "examples",
    "names_replaced",
    "replaced",
)


class Annotation(NamedTuple):
    """What annotation produces for one excerpt."""

    text: str
    stance: str
    confidence: float
    cues: list[str]
    examples: list[str]
    names: int
    replaced: tuple[tuple[str, int], ...]  # identifier / entity label -> count, sorted


class Cached(NamedTuple):
    """The annotation cache as read: each key's row, and the columns
    (`CACHE_COLUMNS`, lists in file order; list cells still encoded)."""

    rows: dict[str, int]
    columns: dict[str, list]


class Results(NamedTuple):
    """One annotation per excerpt, as columns (what `annotate._assemble` consumes):
    no per-row object is built for a cached row."""

    text: list[str]
    stance: list[str]
    confidence: list[float]
    cues: list[list[str]]
    examples: list[list[str]]
    names: list[int]
    replaced: list[tuple[tuple[str, int], ...]]


def _results(
    rows: list[int | None], cached: Cached | None, fresh: dict[int, Annotation]
) -> Results:
    """One annotation per excerpt: `fresh[i]`, or the cache's row `rows[i]` decoded,
    as columns picked straight from the cache's. Every row gets lists of its own
    (identical excerpts share a key); a list or replacement cell is decoded once
    per distinct value (few: cue, example and replacement sets repeat)."""
    columns = cached.columns if cached else {}
    picked = {name: [columns[name][r] if r is not None else "" for r in rows] for name in _PICKED}
    results = Results(
        picked["text"],
        picked["suggested_stance"],
        picked["suggestion_confidence"],
        _lists(picked["suggestion_cues"]),
        _lists(picked["examples"]),
        picked["names_replaced"],
        _pairs(picked["replaced"]),
    )
    for i, annotation in fresh.items():  # the rows not in the cache ("" above)
        for column, value in zip(results, annotation, strict=True):
            column[i] = value
    return results


#: the cache columns `_results` takes for a run's rows, in `Results` order
_PICKED = CACHE_COLUMNS[1:]


def _decoded(memo: dict[str, list[str]], value: str) -> list[str]:
    found = memo.get(value)
    if found is None:
        found = memo[value] = _decode_list(value)
    return found


def _decoded_pairs(
    memo: dict[str, tuple[tuple[str, int], ...]], value: str
) -> tuple[tuple[str, int], ...]:
    found = memo.get(value)
    if found is None:
        found = memo[value] = tuple(tuple(pair) for pair in json.loads(value))
    return found


def _lists(cells: list[str]) -> list[list[str]]:
    """Each encoded list cell decoded, as a list of its own."""
    memo: dict[str, list[str]] = {"": []}
    return [list(_decoded(memo, cell)) for cell in cells]


def _pairs(cells: list[str]) -> list[tuple[tuple[str, int], ...]]:
    memo: dict[str, tuple[tuple[str, int], ...]] = {"": ()}
    return [_decoded_pairs(memo, cell) for cell in cells]


def read_cache(path: Path) -> Cached | None:
    """The cached annotations (decoded by `_results`, for the run's excerpts
    only); None when the file is missing or unreadable."""
    if not path.is_file():
        return None
    try:
        with duckdb.connect(config={"threads": 1}) as con:
            found = con.execute(
                f"select {', '.join(CACHE_COLUMNS)} from read_parquet(?)", [str(path)]
            ).fetchnumpy()
        columns = {c: found[c].tolist() for c in CACHE_COLUMNS}
        for column in ("suggestion_cues", "examples", "replaced"):
            if set(map(type, columns[column])) - {str}:
                return None  # a cell `_results` could not decode: none of it is read
        for value in set(columns["suggestion_cues"]) | set(columns["examples"]):
            _decode_list(value)  # every distinct cell decodes (else ValueError: none read)
        for value in set(columns["replaced"]) - {""}:
            _ = [tuple(pair) for pair in json.loads(value)]  # likewise
        return Cached({key: row for row, key in enumerate(columns["key"])}, columns)
    except (duckdb.Error, KeyError, ValueError, TypeError):
        return None


#: Separates the items of a list of strings in one cache cell (JSON if an item holds it).
_SEP = "\x1f"


def _encode_list(values: Sequence[str]) -> str:
    """A list of strings as one string: "" for none, else each item after `_SEP`
    (or JSON when an item holds `_SEP`); `_decode_list` reverses it exactly."""
    if not values:
        return ""
    if any(_SEP in v for v in values):
        return json.dumps(list(values))
    return _SEP + _SEP.join(values)


def _decode_list(value: str) -> list[str]:
    if not value:
        return []
    if value[0] == _SEP:
        return value[1:].split(_SEP)
    return json.loads(value)


#: The cache's columns with their types (a frame of new rows may be empty).
_TYPED = ", ".join(
    f"{column}::{kind} as {column}"
    for column, kind in zip(
        CACHE_COLUMNS,
        ("varchar", "varchar", "varchar", "double", "varchar", "varchar", "bigint", "varchar"),
        strict=True,
    )
)


def write_cache(
    path: Path,
    keys: list[str],
    fresh: dict[int, Annotation],
    previous: Cached | None,
) -> None:
    """Replace the cache with exactly this run's excerpts (one row per distinct key):
    the `fresh` annotations (by excerpt position), and the other rows copied from
    the previous file. Owner-only (0600); written to a temporary file, then renamed."""
    current = set(keys)
    if not fresh and previous is not None and previous.rows.keys() == current:
        path.chmod(0o600)  # same rows: the file stays as it is
        return
    new: dict[str, Annotation] = {}
    for i, annotation in fresh.items():
        new.setdefault(keys[i], annotation)
    rows = list(new.values())
    frame = pd.DataFrame(
        {
            "key": pd.Series(list(new), dtype=object),
            "text": pd.Series([a.text for a in rows], dtype=object),
            "suggested_stance": pd.Series([a.stance for a in rows], dtype=object),
            "suggestion_confidence": pd.Series([a.confidence for a in rows], dtype="float64"),
            "suggestion_cues": pd.Series([_encode_list(a.cues) for a in rows], dtype=object),
            "examples": pd.Series([_encode_list(a.examples) for a in rows], dtype=object),
            "names_replaced": pd.Series([a.names for a in rows], dtype="int64"),
            "replaced": pd.Series(
                [json.dumps([list(p) for p in a.replaced]) if a.replaced else "" for a in rows],
                dtype=object,
            ),
        }
    )
    kept = pd.DataFrame({"key": pd.Series(sorted(current - set(new)), dtype=object)})
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = path.with_name(f".{path.name}.partial")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    try:
        with duckdb.connect() as con:
            con.register("fresh", frame)
            query = f"select {_TYPED} from fresh"
            if previous is not None and len(kept):
                con.register("kept", kept)
                con.read_parquet(str(path)).create_view("previous")
                query += (
                    f" union all by name select {', '.join(CACHE_COLUMNS)} from previous"
                    " semi join kept using (key)"
                )
            con.sql(f"select * from ({query}) order by key").write_parquet(str(partial))
        partial.chmod(0o600)
        os.replace(partial, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    path.chmod(0o600)

"""The stance review sheet assembled from per-case fragments (issue 16).

The sheet (`flows.review`) lists machine-read excerpts, grouped by what they
decide (`review_rank`) with the reviewed ones last, and by case within each
group. It is private and rewritten every run; at 1,000 cases it has about
20,000 rows and making them was the largest cost of a re-run after a one-case
change. So each case's rows are kept in the private cache as a fragment: per
row its group (reviewed last, then the rank: the query's first two sort
keys), its CSV line, its XLSX row with the row number left open, and its theme
(for the drop-down). A run makes the fragments of the changed cases only
(the `review_sheet` query filtered to them) and assembles both files: for each
group, the cases in `case_id` order, each case's rows in query order. A cold
run makes every fragment from one query and assembles them the same way.

A case's fragment holds for its fingerprint (`stages.case_fingerprints`) and
the stale reviews of that case (their status is shown on the case's rows);
the whole cache holds for the warehouse's shared key. The rows are kept in
`SHARDS` files by case id (`SheetCache`): a re-run rewrites the one or two
holding the changed cases, not every case's rows (35 MB at 1,000 cases).
"""

from __future__ import annotations

import hashlib
import marshal
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from flows import review
from flows.render import deflated, exports
from flows.render.fragments import ROW_NUMBER, case_relation, csv_text
from flows.study import Study

#: bumped when the fragment format changes (older caches are ignored)
FORMAT = 4
#: files the rows are kept in (`SheetCache`)
SHARDS = 32
#: cases per compressed piece of the worksheet (`write`)
CASES_PER_PIECE = 32
QUERY = "review_sheet"
#: what a "decides" cell says -> the review_rank it came from (none: 5, the query's coalesce)
_RANK_OF = {label: rank for rank, label in review.DECIDES.items()}

Row = tuple[tuple[bool, int], str, str, str]  # (group, CSV line, XLSX row, theme id)


@dataclass
class SheetCache:
    """Every case's sheet rows, with the keys they hold for.

    On disk: the file at `path` (keys, compressed pieces) and the rows in
    `SHARDS` files beside it (`shard_path`), each the rows and keys of the
    cases `shard_of` puts there. A save rewrites only the shards whose cases'
    keys changed since the load (a case's rows change only with its key:
    `update_sheet` keeps a case's rows only while its key is the same); a load
    takes the cache only when every shard holds exactly the main file's keys
    for its cases (else nothing is reused)."""

    shared: str = ""
    keys: dict[str, str] = field(default_factory=dict)
    rows: dict[str, list[Row]] = field(default_factory=dict)
    #: the worksheet's compressed pieces by `piece_key` (`flows.render.deflated.pack`)
    pieces: dict[bytes, tuple] = field(default_factory=dict)
    #: the keys as loaded (their shards' files hold those cases' rows)
    loaded: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path, shared: str) -> SheetCache:
        """The cache at `path` if it holds for `shared`, else an empty one."""
        main = _read(path, shared, ("keys", "pieces"))
        if main is None:
            return cls(shared)
        keys, rows = main["keys"], {}
        expected: dict[int, dict[str, str]] = {shard: {} for shard in range(SHARDS)}
        for case_id, key in keys.items():
            expected[shard_of(case_id)][case_id] = key
        for shard, shard_keys in expected.items():
            data = _read(shard_path(path, shard), shared, ("keys", "rows"))
            if (
                data is None
                or data["keys"] != shard_keys
                or not data["rows"].keys() <= shard_keys.keys()
            ):
                return cls(shared)
            rows.update(data["rows"])
        return cls(shared, keys, rows, main["pieces"], dict(keys))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.unlink(missing_ok=True)  # an interrupted save leaves nothing to reuse
        changed = {
            c
            for c in self.keys.keys() | self.loaded.keys()
            if self.keys.get(c) != self.loaded.get(c)
        }
        dirty = {shard_of(c) for c in changed} if self.loaded else set(range(SHARDS))
        by_shard: dict[int, list[str]] = {shard: [] for shard in dirty}
        for case_id in sorted(self.keys):
            if (shard := shard_of(case_id)) in by_shard:
                by_shard[shard].append(case_id)
        for shard, cases in sorted(by_shard.items()):
            data = {
                "keys": {c: self.keys[c] for c in cases},
                "rows": {c: self.rows[c] for c in cases if c in self.rows},  # none: no rows
            }
            _write(shard_path(path, shard), self.shared, data)
        _write(path, self.shared, {"keys": self.keys, "pieces": self.pieces})
        self.loaded = dict(self.keys)


def shard_of(case_id: str) -> int:
    """Which of the `SHARDS` row files keeps a case's rows (by its id alone, so
    a case added or removed changes one shard)."""
    digest = hashlib.blake2b(case_id.encode("utf-8"), digest_size=4).digest()
    return int.from_bytes(digest, "big") % SHARDS


def shard_path(path: Path, shard: int) -> Path:
    return path.with_name(f"{path.stem}-rows") / f"{shard:02d}.marshal"


def _read(path: Path, shared: str, tables: tuple[str, ...]) -> dict | None:
    """A cache file's contents if it is of this format, holds for `shared` and
    has a dict for each of `tables`."""
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or (data.get("format"), data.get("shared")) != (FORMAT, shared):
        return None
    return data if all(isinstance(data.get(t), dict) for t in tables) else None


def _write(path: Path, shared: str, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.write_bytes(marshal.dumps({"format": FORMAT, "shared": shared, **data}))
    path.chmod(0o600)


def sheet_keys(case_keys: dict[str, str], stale: pd.DataFrame) -> dict[str, str]:
    """Each case's fragment key: its fingerprint and its stale reviews."""
    by_case: dict[str, list] = {}
    if not stale.empty:
        for row in stale.sort_values(list(stale.columns)).itertuples(index=False, name=None):
            by_case.setdefault(row[stale.columns.get_loc("case_id")], []).append(row)
    keys = {}
    for case_id, key in case_keys.items():
        extra = by_case.get(case_id)
        keys[case_id] = key if not extra else hashlib.sha256(f"{key}{extra!r}".encode()).hexdigest()
    return keys


def make_rows(
    rows: pd.DataFrame, original_texts: dict[str, str], stale: pd.DataFrame
) -> dict[str, list[Row]]:
    """The sheet's rows of the cases in `rows` (query rows), per case in sheet order."""
    frame = review.sheet_frame(rows, original_texts, stale)
    safe = exports.safe_frame(frame)
    reviewed = frame[review.YOUR_STANCE].notna().tolist()
    ranks = [_RANK_OF.get(d, 5) for d in frame["decides"].tolist()]
    made: dict[str, list[Row]] = {}
    columns = zip(frame["case"], frame["theme id"], reviewed, ranks, strict=True)
    for values, (case_id, theme, done, rank) in zip(
        safe.itertuples(index=False, name=None), columns, strict=True
    ):
        values = [_plain(v) for v in values]
        line = csv_text([values])
        made.setdefault(case_id, []).append(
            ((done, rank), line, exports.xlsx_row(ROW_NUMBER, values), theme)
        )
    return made


def _plain(value):
    """A cell as `write_csv`/`write_xlsx` print it: NaN as an empty cell, numpy
    scalars as Python values."""
    if hasattr(value, "item"):
        value = value.item()
    return None if isinstance(value, float) and value != value else value


def assemble(rows: dict[str, list[Row]]) -> list[tuple[tuple[bool, int], int, Row, str]]:
    """Every case's rows in the sheet's order: by group, then case, then query
    order; each with its group, its piece's number within the group (the
    case's place in `case_id` order over `CASES_PER_PIECE`) and its case."""
    place = {case_id: i // CASES_PER_PIECE for i, case_id in enumerate(sorted(rows))}
    ordered = [
        (row[0], case_id, i, row)
        for case_id, case_rows in rows.items()
        for i, row in enumerate(case_rows)
    ]
    ordered.sort(key=lambda item: item[:3])
    return [(item[0], place[item[1]], item[3], item[1]) for item in ordered]


def write(
    rows: list[tuple[tuple[bool, int], int, Row, str]],
    study: Study,
    path: Path,
    pieces: tuple[dict, dict] | None = None,
    keys: dict[str, str] | None = None,
) -> list[Path]:
    """`stances.xlsx` and `stances.csv` from assembled rows, as `review.write_sheet`
    writes them from a frame but for the worksheet's compression: in pieces of
    a group's rows of `CASES_PER_PIECE` cases, each compressed on its own.
    With the cases' `keys`, a piece is kept compressed (`pieces[1]`, for the
    cache) under its `piece_key` and taken from `pieces[0]` when seen before,
    without making its text. Owner-only; returns both paths."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    xlsx, csv = path.with_suffix(".xlsx"), path.with_suffix(".csv")
    with csv.open("w", encoding="utf-8", newline="") as handle:
        handle.write(csv_text([review.COLUMNS]))
        handle.writelines(row[1] for _, _, row, _ in rows)
    saved, used = pieces or ({}, {})
    parts: list = [exports.xlsx_row(1, review.COLUMNS, style=' s="1"')]
    for start, end in _piece_bounds(rows):
        key = None if keys is None else piece_key(rows, start, end, keys)
        packed = saved.get(key) if key is not None else None
        if packed is None:
            text = "".join(  # joined once (`+=` copied each piece over)
                rows[i][2][2].replace(ROW_NUMBER, str(i + 2)) for i in range(start, end)
            )
            packed = deflated.pack(text.encode("utf-8"))
        if key is not None:
            used[key] = packed
        parts.append(packed)
    choices = review.sheet_choices([row[3] for _, _, row, _ in rows], study)
    exports.write_xlsx_pieces(
        parts, len(rows) + 1, len(review.COLUMNS), xlsx, "stances", choices, {}, {}
    )
    for written in (xlsx, csv):
        written.chmod(0o600)
    return [xlsx, csv]


def _piece_bounds(rows: list[tuple]) -> list[tuple[int, int]]:
    """Where each piece (a group's rows of one place) starts and ends in `rows`."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or rows[i][:2] != rows[start][:2]:
            bounds.append((start, i))
            start = i
    return bounds


def piece_key(rows: list[tuple], start: int, end: int, keys: dict[str, str]) -> bytes:
    """What a piece's bytes are made of: its group and place, its first row
    number and the keys of the cases whose rows it holds (a case's rows change
    only with its key)."""
    cases = list(dict.fromkeys(rows[i][3] for i in range(start, end)))
    made_of = (rows[start][0], rows[start][1], start + 2, [(c, keys[c]) for c in cases])
    return deflated.piece_key(repr(made_of).encode("utf-8"))


def update_sheet(
    db_path: Path,
    excerpts: pd.DataFrame,
    stale: pd.DataFrame,
    study: Study,
    path: Path,
    case_keys: dict[str, str],
    cache_path: Path,
    shared: str,
) -> list[Path]:
    """Write the review sheet at `path`, making only the changed cases' rows
    (`excerpts`: as ingested, original texts; `stale`: the stale reviews)."""
    keys = sheet_keys(case_keys, stale)
    cache = SheetCache.load(cache_path, shared)
    changed = None
    if cache.keys:
        changed = sorted(
            c for c in cache.keys.keys() | keys.keys() if cache.keys.get(c) != keys.get(c)
        )
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = case_relation(con, QUERY, changed).df()
    ids = set(rows["excerpt_id"])
    texts = {
        e: t
        for e, t in zip(excerpts["excerpt_id"].tolist(), excerpts["text"].tolist(), strict=True)
        if e in ids
    }
    fresh = make_rows(rows, texts, stale)
    kept = {} if changed is None else cache.rows
    for case_id in changed or []:
        kept.pop(case_id, None)
    kept.update(fresh)
    cache.rows, cache.keys = kept, keys
    used: dict[bytes, tuple] = {}
    written = write(assemble(kept), study, path, (cache.pieces, used), keys)
    cache.pieces = used
    cache.save(cache_path)
    return written

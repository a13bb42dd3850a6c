"""The review sheet's row cache in shards (flows/render/review_sheet.py,
decision 0184): a save rewrites only the shards of the cases whose key
changed; a load reuses nothing when a shard does not hold the main file's
keys, the shared key changed, or a shard is missing; a withdrawn case's rows
are in no file after the save that follows."""

from __future__ import annotations

import marshal
import os

from flows.render import review_sheet
from flows.render.review_sheet import SHARDS, SheetCache, shard_of, shard_path


def rows_of(case_id: str, version: str = "1") -> list:
    return [((False, 1), f"{case_id},{version}\n", f"<row>{case_id}{version}</row>", "t1")]


def saved_cache(path, cases, shared="s"):
    cache = SheetCache(shared)
    cache.keys = {c: f"key-{c}" for c in cases}
    cache.rows = {c: rows_of(c) for c in cases}
    cache.pieces = {b"d": b"p"}
    cache.save(path)
    return cache


def stamps(path) -> dict[int, int]:
    return {shard: shard_path(path, shard).stat().st_mtime_ns for shard in range(SHARDS)}


def test_a_save_after_one_case_changed_rewrites_only_its_shard(tmp_path):
    path = tmp_path / "review-sheet.marshal"
    cases = [f"C{i:03d}" for i in range(100)]
    saved_cache(path, cases)
    for shard in range(SHARDS):  # an old time on every shard, to see which are rewritten
        os.utime(shard_path(path, shard), ns=(1, 1))
    cache = SheetCache.load(path, "s")
    assert cache.rows == {c: rows_of(c) for c in cases} and cache.pieces == {b"d": b"p"}
    cache.keys["C050"], cache.rows["C050"] = "key-new", rows_of("C050", "2")
    cache.save(path)
    after = stamps(path)
    rewritten = {shard for shard in range(SHARDS) if after[shard] != 1}
    assert rewritten == {shard_of("C050")}
    again = SheetCache.load(path, "s")
    assert again.rows["C050"] == rows_of("C050", "2") and again.keys == cache.keys


def test_nothing_is_reused_when_a_shard_or_the_key_disagrees(tmp_path):
    path = tmp_path / "review-sheet.marshal"
    cases = [f"C{i:03d}" for i in range(40)]
    saved_cache(path, cases)
    assert SheetCache.load(path, "s").keys
    assert SheetCache.load(path, "other").keys == {}  # shared key changed
    # a shard holding other keys than the main file (an interrupted save)
    target = shard_path(path, shard_of("C007"))
    data = marshal.loads(target.read_bytes())
    data["keys"]["C007"] = "key-stale"
    target.write_bytes(marshal.dumps(data))
    assert SheetCache.load(path, "s").keys == {}
    saved_cache(path, cases)
    shard_path(path, 3).unlink()
    assert SheetCache.load(path, "s").keys == {}
    saved_cache(path, cases)
    target.write_bytes(b"not marshal")
    assert SheetCache.load(path, "s").keys == {}


def test_a_withdrawn_case_is_in_no_file_after_the_next_save(tmp_path):
    path = tmp_path / "review-sheet.marshal"
    cases = [f"C{i:03d}" for i in range(40)]
    saved_cache(path, cases, shared="before")
    # a withdrawal changes the shared key: nothing loaded, every shard written anew
    cache = SheetCache.load(path, "after")
    assert cache.keys == {}
    kept = [c for c in cases if c != "C011"]
    cache.keys = {c: f"key-{c}" for c in kept}
    cache.rows = {c: rows_of(c) for c in kept}
    cache.save(path)
    files = [path, *(shard_path(path, shard) for shard in range(SHARDS))]
    assert not any(b"C011" in f.read_bytes() for f in files)
    assert set(SheetCache.load(path, "after").rows) == set(kept)


def test_files_are_owner_only(tmp_path):
    path = tmp_path / "cache" / "review-sheet.marshal"
    saved_cache(path, ["C001"])
    for f in [path, *(shard_path(path, shard) for shard in range(SHARDS))]:
        assert f.stat().st_mode & 0o077 == 0
    assert review_sheet.FORMAT == 4


def test_a_case_without_rows_is_kept_by_key_alone(tmp_path):
    path = tmp_path / "review-sheet.marshal"
    cache = SheetCache("s")
    cache.keys = {"C001": "k1", "C002": "k2"}
    cache.rows = {"C001": rows_of("C001")}  # C002: no machine-read excerpt, no row
    cache.save(path)
    loaded = SheetCache.load(path, "s")
    assert loaded.keys == cache.keys and loaded.rows == cache.rows

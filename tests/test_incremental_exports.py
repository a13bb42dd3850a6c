"""Export fragments read only when an export is assembled anew
(`fragments.ExportCache.fragments_of`): an export whose changed cases'
fragments are as before is copied without reading its fragments; one that
must be assembled reads them, and makes every fragment again when its file is
missing or not what the state file says. The files are the same every way."""

from __future__ import annotations

import duckdb

from flows import stages
from flows.privacy.audit import screen_for
from flows.render import fragments

QUERIES = {"completeness": "completeness_export", "convergence": "convergence_export"}


def _files(folder) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _run(con, keys, changed, cache, tmp_path, name):
    folder = tmp_path / name
    folder.mkdir()
    paths, hits = fragments.update_exports(
        con, QUERIES, keys, changed, cache, screen_for(("Nobody Listed",)), folder
    )
    assert not hits and len(paths) == 4
    cache.save(tmp_path / "cache" / "exports.marshal")
    return _files(folder)


def _reads(monkeypatch) -> list[str]:
    read: list[str] = []
    fragments_of = fragments.ExportCache.fragments_of

    def recorded(self, stem):
        read.append(stem)
        return fragments_of(self, stem)

    monkeypatch.setattr(fragments.ExportCache, "fragments_of", recorded)
    return read


def test_exports_are_copied_unread_or_assembled_from_what_holds(demo_out, tmp_path, monkeypatch):
    state = tmp_path / "cache" / "exports.marshal"
    state.parent.mkdir()
    with duckdb.connect(str(demo_out / stages.DB_NAME), read_only=True) as con:
        cases = [r[0] for r in con.sql("select case_id from case_classification").fetchall()]
        keys = {c: "k" for c in cases}
        cold = _run(
            con,
            keys,
            None,
            fragments.ExportCache(folder=state.parent / "exports"),
            tmp_path,
            "cold",
        )
        read = _reads(monkeypatch)
        # P1's key changed, its rows did not: copied, no fragment file read
        warm = _run(
            con, {**keys, "P1": "k2"}, ["P1"], fragments.ExportCache.load(state), tmp_path, "warm"
        )
        assert warm == cold and read == []
        # a fragment that differs from the kept one: the export's fragments are read
        cache = fragments.ExportCache.load(state)
        cache.digests["completeness"]["P1"] = b"other"
        assert _run(con, keys, ["P1"], cache, tmp_path, "read") == cold
        assert read == ["completeness"]
        # the state file's digests are not the file's: every fragment made again
        cache = fragments.ExportCache.load(state)
        cache.digests["completeness"]["P2"] = b"other"
        cache.digests["completeness"]["P1"] = b"other"
        assert cache.fragments_of("completeness") is None
        assert _run(con, keys, ["P1"], cache, tmp_path, "mismatch") == cold
        # the fragment file is gone: every fragment made again
        (state.parent / "exports" / "convergence.marshal").unlink()
        cache = fragments.ExportCache.load(state)
        cache.digests["convergence"]["P1"] = b"other"
        assert _run(con, keys, ["P1"], cache, tmp_path, "missing") == cold

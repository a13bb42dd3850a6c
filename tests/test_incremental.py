"""The incremental warehouse and exports: a warm re-run after a one-case change
gives the outputs of a cold run of the same inputs, byte for byte."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from flows import incremental, stages, warehouse


def change_one_excerpt(study: Path, case_id: str) -> None:
    """Append a sentence to the first excerpt of `case_id` (a coder's correction)."""
    path = study / "excerpts.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    row = next(r for r in rows[1:] if r[header.index("case_id")] == case_id)
    row[header.index("text")] += " She walks more now, she says."
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def table_rows(db_path: Path) -> dict[str, list[tuple]]:
    """Every table's rows, as sorted text (row order is not part of a table)."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        tables = warehouse.query(con, "warehouse_tables")["table_name"].tolist()
        return {
            table: sorted(tuple(map(repr, row)) for row in con.table(table).fetchall())
            for table in tables
        }


def assert_same_outputs(warm: Path, cold: Path) -> None:
    files = sorted(
        p.relative_to(cold).as_posix()
        for p in cold.rglob("*")
        if p.is_file() and p.name not in (stages.DB_NAME, "manifest.json")
    )
    assert files == sorted(
        p.relative_to(warm).as_posix()
        for p in warm.rglob("*")
        if p.is_file() and p.name not in (stages.DB_NAME, "manifest.json")
    )
    assert any(f.endswith(".xlsx") for f in files) and any(f.startswith("cases/") for f in files)
    for name in files:
        assert (warm / name).read_bytes() == (cold / name).read_bytes(), name
    warm_tables, cold_tables = table_rows(warm / stages.DB_NAME), table_rows(cold / stages.DB_NAME)
    assert sorted(warm_tables) == sorted(cold_tables)
    for table, rows in cold_tables.items():
        assert warm_tables[table] == rows, table


@pytest.fixture
def study(tmp_path, demo_dir) -> Path:
    folder = tmp_path / "study"
    shutil.copytree(demo_dir, folder)
    return folder


def test_warm_rerun_after_one_case_changed_equals_a_cold_run(study, tmp_path):
    warm = tmp_path / "warm"
    first = stages.run_direct(study, warm)
    assert first["recomputed"] is None  # built from scratch
    change_one_excerpt(study, "P7")
    again = stages.run_direct(study, warm)
    assert again["recomputed"] == ["P7"]
    cold = tmp_path / "cold"
    assert stages.run_direct(study, cold)["recomputed"] is None
    assert_same_outputs(warm, cold)
    # nothing changed: nothing recomputed, same outputs
    assert stages.run_direct(study, warm)["recomputed"] == []
    assert_same_outputs(warm, cold)


def test_warm_rerun_after_a_case_is_withdrawn_equals_a_cold_run(study, tmp_path):
    warm = tmp_path / "warm"
    stages.run_direct(study, warm)
    roster = pd.read_csv(study / "roster.csv", dtype=str, keep_default_na=False)
    peer = roster[(roster["role"] == "peer") & (roster["case_ids"] == "P4")].index[0]
    roster.loc[peer, "status"] = "withdrawn"
    roster.to_csv(study / "roster.csv", index=False)
    # a withdrawal rebuilds the warehouse in a fresh file: no deleted row's bytes remain
    assert stages.run_direct(study, warm)["recomputed"] is None
    cold = tmp_path / "cold"
    stages.run_direct(study, cold)
    assert_same_outputs(warm, cold)


def test_warm_reruns_through_the_ingest_caches_equal_cold_runs(study, tmp_path):
    """Decisions 0268-0269: the ids' screen skipped by its digest, the excerpts read
    as columns or, once a row is rejected, row by row; a roster change re-screens.
    Each warm re-run equals a cold run of the same inputs."""
    from flows.privacy import preflight

    warm = tmp_path / "warm"
    stages.run_direct(study, warm)
    digest = stages.store_dir(warm) / preflight.SCREENED
    first = digest.read_bytes()
    # a row to reject (a repeated id): the excerpts file read row by row
    path = study / "excerpts.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join([*lines, lines[1]]), encoding="utf-8")
    stages.run_direct(study, warm)
    assert digest.read_bytes() == first  # same names and ids: not screened again
    cold = tmp_path / "cold"
    stages.run_direct(study, cold)
    assert_same_outputs(warm, cold)
    assert "duplicate excerpt_id" in (warm / "rejects.csv").read_text(encoding="utf-8")
    # a roster name changed (an alias added): screened again, every case key changes
    roster = pd.read_csv(study / "roster.csv", dtype=str, keep_default_na=False)
    roster.loc[0, "aliases"] = ";".join(filter(None, [roster.loc[0, "aliases"], "Bodil"]))
    roster.to_csv(study / "roster.csv", index=False)
    path.write_text("".join(lines), encoding="utf-8")  # and the file as it was
    stages.run_direct(study, warm)
    assert digest.read_bytes() != first
    cold_again = tmp_path / "cold-again"  # a new folder: no private store
    stages.run_direct(study, cold_again)
    assert_same_outputs(warm, cold_again)


def test_a_touched_file_and_a_file_changed_with_its_mtime_set_back_equal_cold_runs(study, tmp_path):
    """What a re-run reuses is decided by the files' contents, never by their
    modification times (decision 0436): a file touched but unchanged recomputes
    nothing; a file changed and given back its old mtime (a copy with `cp -p`,
    an editor that keeps it, within the same tick) is read as changed."""
    import os

    warm = tmp_path / "warm"
    stages.run_direct(study, warm)
    path = study / "excerpts.csv"
    before = path.stat()
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 5_000_000_000))
    assert stages.run_direct(study, warm)["recomputed"] == []
    cold = tmp_path / "cold"
    stages.run_direct(study, cold)
    assert_same_outputs(warm, cold)
    stamp = path.stat()
    change_one_excerpt(study, "P7")
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert path.stat().st_mtime_ns == stamp.st_mtime_ns
    assert stages.run_direct(study, warm)["recomputed"] == ["P7"]
    cold_again = tmp_path / "cold-again"
    stages.run_direct(study, cold_again)
    assert_same_outputs(warm, cold_again)


def test_the_database_persists_in_the_private_cache(demo_out):
    """The session's run of the demo (read only) kept its warehouse privately."""
    cache = incremental.cache_database(stages.store_dir(demo_out))
    assert cache.exists() and not cache.is_relative_to(demo_out)
    assert (demo_out / stages.DB_NAME).exists()  # published as before
    assert oct(cache.stat().st_mode & 0o777) == oct(0o600)


def test_only_qca_models_are_cross_case():
    cross = {p.stem for p in warehouse.model_files() if incremental.is_cross_case(p)}
    assert cross and all(name.startswith("qca_") for name in cross)


def test_changed_cases_counts_added_removed_and_changed():
    before = {"A": "1", "B": "2", "C": "3"}
    after = {"A": "1", "B": "9", "D": "4"}
    assert incremental.changed_cases(before, after) == ["B", "C", "D"]


def _models(tmp_path: Path, models: dict[str, str]) -> Path:
    sql_dir = tmp_path / "sql"
    for layer in warehouse.LAYERS:
        (sql_dir / layer).mkdir(parents=True)
    for name, text in models.items():
        (sql_dir / "marts" / f"{name}.sql").write_text(text, encoding="utf-8")
    return sql_dir


def _frames(values: dict[str, int]) -> dict[str, pd.DataFrame]:
    return {
        "raw_cases": pd.DataFrame({"case_id": list(values), "value": list(values.values())}),
        "cfg_rules": pd.DataFrame([{"factor": 10}]),
    }


def test_update_recomputes_changed_cases_and_cross_case_models(tmp_path):
    sql_dir = _models(
        tmp_path,
        {
            "scaled": "select case_id, value * (select factor from cfg_rules) as scaled from raw_cases",
            "total": "-- grain: cross-case\nselect sum(scaled) as total from scaled",
        },
    )
    db = tmp_path / "cache" / "w.duckdb"
    first = incremental.update_warehouse(
        db, _frames({"A": 1, "B": 2}), {"A": "a", "B": "b"}, "k", sql_dir=sql_dir
    )
    assert first.full
    second = incremental.update_warehouse(
        db,
        _frames({"A": 1, "B": 5, "C": 1}),
        {"A": "a", "B": "b2", "C": "c"},
        "k",
        sql_dir=sql_dir,
        full_rebuild_share=1.0,
    )
    assert second.changed == ["B", "C"]
    with duckdb.connect(str(db)) as con:
        assert sorted(con.sql("select * from scaled").fetchall()) == [
            ("A", 10),
            ("B", 50),
            ("C", 10),
        ]
        assert con.sql("select total from total").fetchall() == [(70,)]
    third = incremental.update_warehouse(db, _frames({"A": 1}), {"A": "a"}, "k2", sql_dir=sql_dir)
    assert third.full  # another shared key: from scratch


def test_an_update_with_nothing_changed_writes_nothing_and_a_changed_table_is_loaded(tmp_path):
    """Decision 0436: no case key, no table without a case and no name changed: the
    update leaves the database as it is (a row taken out by hand stays out, which a
    rebuild would have put back); a table without a case that changed (same case
    keys) is loaded again and the cross-case models read it."""
    sql_dir = _models(
        tmp_path,
        {
            "scaled": "select case_id, value * 10 as scaled from raw_cases",
            "total": "-- grain: cross-case\nselect sum(scaled) + (select sum(factor) "
            "from cfg_rules) as total from scaled",
        },
    )
    db = tmp_path / "w.duckdb"
    keys = {"A": "a", "B": "b"}
    incremental.update_warehouse(db, _frames({"A": 1, "B": 2}), keys, "k", sql_dir=sql_dir)
    with duckdb.connect(str(db)) as con:
        con.execute("delete from total")  # by hand: only a rebuild would put it back
    same = incremental.update_warehouse(db, _frames({"A": 1, "B": 2}), keys, "k", sql_dir=sql_dir)
    assert same.changed == [] and same.models == []
    assert "scaled" in same.audited_tables and "raw_cases" in same.audited_tables
    with duckdb.connect(str(db)) as con:
        assert con.sql("select * from total").fetchall() == []
    frames = _frames({"A": 1, "B": 2})
    frames["cfg_rules"] = pd.DataFrame([{"factor": 12}])
    changed = incremental.update_warehouse(db, frames, keys, "k", sql_dir=sql_dir)
    assert changed.changed == [] and "total" in changed.models
    with duckdb.connect(str(db)) as con:
        assert con.sql("select * from total").fetchall() == [(42,)]
        assert con.sql("select factor from cfg_rules").fetchall() == [(12,)]
    state = incremental.read_state(db)
    assert state["whole"] == incremental.whole_digests(frames)
    # the state of an earlier version (no digests): the update runs as before
    path = db.with_suffix(".json")
    path.write_text(path.read_text("utf-8").replace('"whole"', '"other"'), "utf-8")
    with duckdb.connect(str(db)) as con:
        con.execute("delete from total")
    again = incremental.update_warehouse(db, frames, keys, "k", sql_dir=sql_dir)
    assert "total" in again.models
    with duckdb.connect(str(db)) as con:
        assert con.sql("select * from total").fetchall() == [(42,)]


def test_whole_digests_change_with_a_value_a_missing_value_or_a_column():
    base = {
        "cfg": pd.DataFrame({"a": ["x", None], "b": [1.0, 2.0]}),
        "raw_cases": _frames({"A": 1})["raw_cases"],
    }
    first = incremental.whole_digests(base)
    assert set(first) == {"cfg"}  # the case-keyed tables are covered by the case keys
    loose = _frames({"A": 1})["raw_cases"].assign(case_id=None)
    assert set(incremental.whole_digests({**base, "raw_loose": loose})) == {
        "cfg",
        "raw_loose#no-case",  # rows of no case are not (decision 0456)
    }
    for other in (
        pd.DataFrame({"a": ["x", "y"], "b": [1.0, 2.0]}),
        pd.DataFrame({"a": ["x", None], "b": [1.0, float("nan")]}),
        pd.DataFrame({"a": ["x", None], "c": [1.0, 2.0]}),
        pd.DataFrame({"a": ["x", None], "b": [1, 2]}),
    ):
        assert incremental.whole_digests({**base, "cfg": other}) != first


@pytest.mark.parametrize("edit", ["NEW programme text", None])
def test_a_programme_passage_edited_or_removed_leaves_no_old_text(tmp_path, edit):
    """Decision 0456: a case-keyed table's rows of no case (a QDA project's
    programme-level passages) are covered by no case key; one edited or taken out
    with every case key the same once stayed in the database and in the
    cross-case model reading it (found by rerun16). Now the warehouse is built
    again: the old text is in no table and in no freed block of the file."""
    sql_dir = _models(
        tmp_path,
        {
            "evidence": "select case_id, text from raw_ex where case_id is not null",
            "programme": "-- grain: cross-case\nselect text from raw_ex where case_id is null",
        },
    )

    def frames(text):
        rows = {"case_id": ["A"], "text": ["a"]}
        if text is not None:
            rows = {"case_id": ["A", None], "text": ["a", text]}
        return {"raw_ex": pd.DataFrame(rows, dtype=object)}

    db = tmp_path / "w.duckdb"
    keys = {"A": "a"}
    incremental.update_warehouse(db, frames("old programme text"), keys, "k", sql_dir=sql_dir)
    update = incremental.update_warehouse(db, frames(edit), keys, "k", sql_dir=sql_dir)
    assert update.changed is None  # built again
    with duckdb.connect(str(db)) as con:
        held = con.sql("select text from raw_ex union all select text from programme").fetchall()
    assert ("old programme text",) not in held
    assert (edit,) in held if edit else held == [("a",)]
    assert b"old programme text" not in db.read_bytes()
    same = incremental.update_warehouse(db, frames(edit), keys, "k", sql_dir=sql_dir)
    assert same.changed == []  # unchanged again: nothing rebuilt


def test_a_per_case_model_without_case_id_is_refused_naming_the_file(tmp_path):
    sql_dir = _models(tmp_path, {"counted": "select count(*) as n from raw_cases"})
    db = tmp_path / "w.duckdb"
    for n in range(2):
        keys = {"A": "a", "B": "b"} if n == 0 else {"A": "a", "B": "b2"}
        if n == 0:
            incremental.update_warehouse(db, _frames({"A": 1, "B": 2}), keys, "k", sql_dir=sql_dir)
            continue
        with pytest.raises(RuntimeError, match=r"marts/counted\.sql: a per-case model needs"):
            incremental.update_warehouse(db, _frames({"A": 1, "B": 3}), keys, "k", sql_dir=sql_dir)


def test_a_per_case_model_reading_a_cross_case_one_is_refused(tmp_path):
    sql_dir = _models(
        tmp_path,
        {
            "a_total": "-- grain: cross-case\nselect sum(value) as total from raw_cases",
            "share": "select case_id, value / (select total from a_total) as share from raw_cases",
        },
    )
    db = tmp_path / "w.duckdb"
    incremental.update_warehouse(
        db, _frames({"A": 1, "B": 2}), {"A": "a", "B": "b"}, "k", sql_dir=sql_dir
    )
    with pytest.raises(RuntimeError, match=r"marts/share\.sql: a per-case model reads"):
        incremental.update_warehouse(
            db, _frames({"A": 1, "B": 3}), {"A": "a", "B": "b2"}, "k", sql_dir=sql_dir
        )


def test_exports_from_fragments_equal_the_whole_table_writer(study, tmp_path):
    """Fragments change how an export is made, not what it holds: the same bytes
    as writing the whole query result at once."""
    from flows.render.exports import safe_frame, write_csv, write_xlsx

    out = tmp_path / "out"
    stages.run_direct(study, out)
    role_order = ["peer_stance", "supporter_stance", "manager_stance", "nurse_stance"]
    with duckdb.connect(str(out / stages.DB_NAME), read_only=True) as con:
        for stem in ("convergence", "joint_display", "survey_deltas", "completeness"):
            frame = warehouse.query(con, stages.EXPORTS[stem])
            if stem == "convergence":
                fixed = [c for c in frame.columns if not c.endswith("_stance")]
                frame = frame[fixed + [c for c in [*role_order, "survey_stance"] if c in frame]]
            write_csv(frame, tmp_path / f"{stem}.csv", safe_frame(frame))
            write_xlsx(frame, tmp_path / f"{stem}.xlsx", sheet=stem)
            for ext in ("csv", "xlsx"):
                expected = (tmp_path / f"{stem}.{ext}").read_bytes()
                assert (out / "exports" / f"{stem}.{ext}").read_bytes() == expected, stem


def test_rows_added_are_audited_and_a_hit_is_not_recorded_as_clean(tmp_path):
    sql_dir = _models(tmp_path, {"notes": "select case_id, note from raw_cases"})
    db = tmp_path / "w.duckdb"

    def frames(note_b: str) -> dict[str, pd.DataFrame]:
        return {"raw_cases": pd.DataFrame({"case_id": ["A", "B"], "note": ["fine", note_b]})}

    names = ("Anna Berg", "Anna")
    clean = incremental.update_warehouse(
        db, frames("fine"), {"A": "a", "B": "b"}, "k", names, sql_dir
    )
    assert clean.full and clean.hits == [] and "notes" in clean.audited_tables
    leaked = incremental.update_warehouse(
        db, frames("met Anna today"), {"A": "a", "B": "b2"}, "k", names, sql_dir
    )
    assert leaked.changed == ["B"]
    assert {h["where"] for h in leaked.hits} == {
        "triangulate.duckdb:raw_cases.note",
        "triangulate.duckdb:notes.note",
    }
    assert incremental.read_state(db)["names"] is None  # the next run reads every row again


@pytest.mark.parametrize(
    "stage", [stages.export_tables, stages.write_review_sheet, stages.update_warehouse]
)
def test_stages_that_reuse_cached_rows_require_the_runs_case_keys(stage):
    """A key made inside the stage would leave the NLP model out (a fragment
    redacted without the model could stand for one redacted with it)."""
    import inspect

    parameter = inspect.signature(stage).parameters["keys"]
    assert parameter.default is inspect.Parameter.empty


def _stored_page(tmp_path: Path, text: str = "<p>page</p>\n"):
    from flows.render import dossiers

    store = tmp_path / "store"
    store.mkdir(parents=True)
    page = store / "k1.html"
    page.write_text(text, encoding="utf-8")
    page.chmod(0o600)
    return store, [dossiers.CaseJob("P1", "k1", str(page))]


@pytest.mark.parametrize(
    "permissions, linked, mode", [("owner", True, 0o600), ("group", False, 0o640)]
)
def test_pages_are_linked_when_owner_only_and_copied_otherwise(tmp_path, permissions, linked, mode):
    import stat

    store, jobs = _stored_page(tmp_path)
    with stages.private_files(permissions):
        stages.place_pages(jobs, tmp_path / "cases", store)
    placed = tmp_path / "cases" / "P1.html"
    assert placed.read_bytes() == Path(jobs[0].path).read_bytes()
    assert placed.samefile(jobs[0].path) is linked
    assert stat.S_IMODE(placed.stat().st_mode) == mode


def test_a_stored_page_changed_since_placed_is_dropped_not_reused(tmp_path):
    store, jobs = _stored_page(tmp_path)
    assert stages.drop_altered(store, jobs) == 1  # never placed: not trusted
    store, jobs = _stored_page(tmp_path / "again")
    with stages.private_files("owner"):
        stages.place_pages(jobs, tmp_path / "cases", store)
    assert stages.drop_altered(store, jobs) == 0
    with (tmp_path / "cases" / "P1.html").open("a", encoding="utf-8") as handle:
        handle.write("<p>edited in place</p>\n")  # through the hard link
    assert stages.drop_altered(store, jobs) == 1 and not Path(jobs[0].path).exists()


def test_a_published_page_edited_in_place_is_rendered_again(study, tmp_path):
    out = tmp_path / "out"
    stages.run_direct(study, out)
    page = out / "cases" / "P3.html"
    before = page.read_bytes()
    with page.open("ab") as handle:
        handle.write(b"<p>edited</p>")
    stages.run_direct(study, out)
    assert (out / "cases" / "P3.html").read_bytes() == before


def test_the_final_audit_is_vouched_only_for_linked_pages_unchanged_since_placed(tmp_path):
    """`AuditLedger.linked_clean`: a reused page placed as a hard link and unchanged
    since is not hashed again; a page rendered this run, a copy, or a page
    changed after it was placed is hashed (and searched unless its digest is clean)."""
    from flows.privacy.audit import sha256_file

    store, jobs = _stored_page(tmp_path)
    digest = sha256_file(Path(jobs[0].path))
    cases = tmp_path / "staging" / "cases"
    with stages.private_files("owner"):
        stages.place_pages(jobs, cases, store)
    ledger = stages.AuditLedger(store, ("Henrik",))
    assert ledger.linked_clean(jobs, [], cases) == {}  # the ledger holds nothing yet
    ledger.entries = {"k1": digest}
    assert ledger.linked_clean(jobs, [], cases) == {"cases/P1.html": digest}
    rendered = [{"case_id": "P1", "sha256": digest, "clean": True}]
    assert ledger.linked_clean(jobs, rendered, cases) == {}
    with (cases / "P1.html").open("a", encoding="utf-8") as handle:
        handle.write("<p>Henrik</p>\n")  # through the link, after placing
    assert ledger.linked_clean(jobs, [], cases) == {}
    hits = stages.audit(cases.parent, ("Henrik",), known_clean={digest})
    assert [h["where"] for h in hits] == ["cases/P1.html"]
    copied, jobs = _stored_page(tmp_path / "copy")
    with stages.private_files("group"):
        stages.place_pages(jobs, tmp_path / "copy" / "cases", copied)
    assert ledger.linked_clean(jobs, [], tmp_path / "copy" / "cases") == {}


def test_a_vouched_digest_stands_for_the_file_only_when_it_is_clean(tmp_path):
    """`audit(known_files=...)` uses the digest given instead of hashing the file;
    a digest not among `known_clean` leaves the file to be searched."""
    page = tmp_path / "cases" / "P1.html"
    page.parent.mkdir()
    page.write_text("<p>Henrik was here</p>\n", encoding="utf-8")
    vouched = {"cases/P1.html": "d" * 64}
    assert stages.audit(tmp_path, ("Henrik",), known_clean={"d" * 64}, known_files=vouched) == []
    hits = stages.audit(tmp_path, ("Henrik",), known_clean={"e" * 64}, known_files=vouched)
    assert [h["where"] for h in hits] == ["cases/P1.html"]

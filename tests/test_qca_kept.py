"""The QCA kept in the private warehouse (decision 0272): analysed again only
when its input rows or the warehouse's shared key change, and the tables kept
are the tables a new analysis makes."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from flows import incremental, qca, stage_warehouse, stages


def qca_rows(db_path: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return {t: sorted(map(repr, con.table(t).fetchall())) for t in stage_warehouse.QCA_TABLES}


@pytest.fixture
def kept_db(demo_out, tmp_path) -> Path:
    """A copy of the demo's private warehouse, analysed once under the key "k"."""
    source = incremental.cache_database(stages.store_dir(demo_out))
    db_path = tmp_path / "store" / source.name
    db_path.parent.mkdir()
    shutil.copyfile(source, db_path)
    stage_warehouse.analyse_cross_case(db_path, kept="k")
    return db_path


@pytest.fixture
def analyses(monkeypatch) -> list[int]:
    """Counts the QCA analyses made (each call of `qca.analyse`)."""
    calls: list[int] = []
    analyse = qca.analyse

    def counted(*args, **kwargs):
        calls.append(1)
        return analyse(*args, **kwargs)

    monkeypatch.setattr(qca, "analyse", counted)
    return calls


def test_the_same_inputs_under_the_same_key_keep_the_tables(kept_db, analyses):
    before = qca_rows(kept_db)
    counts = stage_warehouse.analyse_cross_case(kept_db, kept="k")
    assert analyses == []
    assert counts["conditions"] > 0 and qca_rows(kept_db) == before
    # the published copy (no key) is always analysed
    stage_warehouse.analyse_cross_case(kept_db)
    assert analyses == [1] and qca_rows(kept_db) == before


def test_changed_inputs_another_key_or_a_missing_table_analyse_again(kept_db, analyses):
    stage_warehouse.analyse_cross_case(kept_db, kept="another key")
    assert len(analyses) == 1
    with duckdb.connect(str(kept_db)) as con:
        con.execute("drop table qca_notes")
    stage_warehouse.analyse_cross_case(kept_db, kept="another key")
    assert len(analyses) == 2
    with duckdb.connect(str(kept_db)) as con:  # one case's outcome flips
        (case,) = con.execute("select min(case_id) from qca_conditions").fetchone()
        con.execute("update qca_conditions set outcome = 1 - outcome where case_id = ?", [case])
    stage_warehouse.analyse_cross_case(kept_db, kept="another key")
    assert len(analyses) == 3
    stage_warehouse.analyse_cross_case(kept_db, kept="another key")
    assert len(analyses) == 3


def test_a_record_that_does_not_read_is_analysed_again(kept_db, analyses):
    record = kept_db.with_name("qca.json")
    record.write_text("{not json", "utf-8")
    before = qca_rows(kept_db)
    stage_warehouse.analyse_cross_case(kept_db, kept="k")
    assert analyses == [1] and qca_rows(kept_db) == before
    assert "inputs" in record.read_text("utf-8")


def test_a_warm_run_with_nothing_changed_analyses_nothing(demo_dir, tmp_path, monkeypatch):
    out = tmp_path / "out"
    stages.run_direct(demo_dir, out)
    calls: list[int] = []
    analyse = qca.analyse
    monkeypatch.setattr(qca, "analyse", lambda *a, **k: calls.append(1) or analyse(*a, **k))
    before = qca_rows(out / stages.DB_NAME)
    stages.run_direct(demo_dir, out)
    assert calls == [] and qca_rows(out / stages.DB_NAME) == before

"""`incremental.loses_text` (decisions 0285, 0382): whether a warm update frees a
text no live row holds, so that the file must be compacted. Beside the red-team
test of `test_privacy_redteam.py` (a text kept, added to, cut, taken out): the
cases an update does not touch, a column gone, several text columns of a table
read in one query, missing and empty values, tables without text."""

from __future__ import annotations

import duckdb
import pandas as pd

from flows.incremental import loses_text

#: what the database holds before the update: two cases' excerpts (two text
#: columns), an interview table without a case, a table without text
BEFORE = {
    "raw_excerpts": pd.DataFrame(
        {
            "case_id": ["A", "B", "B"],
            "text": ["We walk daily.", "Sofie rings me.", None],
            "note": ["", "seen at home", "by phone"],
        }
    ),
    "raw_interviews": pd.DataFrame({"interview_id": ["I1", "I2"], "mode": ["in person", None]}),
    "raw_counts": pd.DataFrame({"case_id": ["A", "B"], "n": [1, 2]}),
}


def _database(tmp_path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    for name, frame in BEFORE.items():
        con.register("_frame", frame)
        con.execute(f'create table "{name}" as select * from _frame')
        con.unregister("_frame")
    return con


def _with(name: str, **columns) -> dict[str, pd.DataFrame]:
    """The frames of the update: BEFORE with `name`'s columns replaced."""
    frames = {k: v.copy() for k, v in BEFORE.items()}
    frames[name] = frames[name].assign(**columns)
    return frames


def test_only_the_updated_cases_texts_are_compared(tmp_path):
    """Case A updated: B's rows, absent from the update's frame or changed in it,
    are not A's texts (the update does not replace B's rows)."""
    with _database(tmp_path) as con:
        only_a = {**BEFORE, "raw_excerpts": BEFORE["raw_excerpts"].iloc[:1]}
        assert not loses_text(con, only_a, ["A"])
        b_edited = _with("raw_excerpts", text=["We walk daily.", "Someone rings.", None])
        assert not loses_text(con, b_edited, ["A"])
        assert loses_text(con, b_edited, ["B"])  # B updated: "Sofie rings me." freed
        assert loses_text(con, b_edited, ["A", "B"])


def test_every_text_column_of_a_table_is_compared(tmp_path):
    """The second text column of a table counts as the first does; a missing or
    empty value lost is no text lost; a table's column dropped loses its values."""
    with _database(tmp_path) as con:
        assert not loses_text(con, BEFORE, ["A", "B"])
        noted = _with("raw_excerpts", note=["", "seen at home.", "phone"])
        assert loses_text(con, noted, ["B"])  # "by phone" cut to "phone"
        assert not loses_text(con, noted, ["A"])
        emptied = _with("raw_excerpts", note=[None, "seen at home", "by phone"])
        assert not loses_text(con, emptied, ["A"])  # only "" was there
        no_mode = _with("raw_interviews", mode=["in person", "by phone"])
        assert not loses_text(con, no_mode, [])  # the missing mode became one
        gone = {**BEFORE, "raw_excerpts": BEFORE["raw_excerpts"].drop(columns=["note"])}
        assert loses_text(con, gone, ["A"])


def test_tables_without_text_or_not_yet_built_are_passed_over(tmp_path):
    with _database(tmp_path) as con:
        counts = _with("raw_counts", n=[0, 0])
        new = {**BEFORE, "raw_new": pd.DataFrame({"case_id": ["A"], "text": ["x"]})}
        assert not loses_text(con, counts, ["A"])
        assert not loses_text(con, new, ["A"])
        assert not loses_text(con, {}, ["A"])

"""The native excerpts file read as columns (decision 0269): the same frame,
counts and rejects as the row-by-row reader, which still reads every file
holding a row to reject or anything unusual."""

from __future__ import annotations

import pandas as pd
import pytest

from flows import ingest
from flows.ingest import native
from flows.readers.common import MAX_CELL_CHARS, MAX_FIELD_CHARS
from flows.study import load_study

GOOD = [
    ["E1", "I1", "A", "Intervention/Walking", "", "1", "AK", "We walk together."],
    ["E2", "I2", "A", "Intervention/Walking", "present", "2", "JT", "Line one,\nline two."],
    ["E3", "I3", "B", "Context/Energy/Barrier", "", " 3 ", "AK", '  "Tired," she said.  '],
    ["E4", "I6", "B", "Context/Energy", "Facilitator", "4", "", "Lone helps B."],
]

FRAMES = ("persons", "person_cases", "cases", "interviews", "excerpts", "survey", "context")


def both_ways(loaded, monkeypatch):
    """`ingest_study` as it runs, and with the columns path switched off."""
    fast = ingest.ingest_study(loaded)
    with monkeypatch.context() as patch:
        patch.setattr(ingest, "excerpt_columns", lambda *args, **kwargs: None)
        slow = ingest.ingest_study(loaded)
    return fast, slow


def assert_same(fast, slow) -> None:
    for name in (*FRAMES, "rejects"):
        left, right = getattr(fast, name), getattr(slow, name)
        pd.testing.assert_frame_equal(left, right, check_exact=True)
        assert list(left.dtypes) == list(right.dtypes), name
    for name in ("loaded_counts", "read_counts", "roster_names", "withdrawn", "notes"):
        assert getattr(fast, name) == getattr(slow, name), name


def columns_of(loaded):
    """`excerpt_columns` as `ingest_study` calls it (None: read row by row)."""
    data = ingest.ingest_study(loaded)
    interviews = {r["interview_id"]: r for r in data.interviews.to_dict("records")}
    role = dict(zip(data.persons["person_id"], data.persons["role"], strict=True))
    cases = {p: set(c) for p, c in data.cases_by_person().items()}
    known = (interviews, role, cases, set(data.withdrawn))
    return native.excerpt_columns(
        loaded.input_path("excerpts"), loaded.definition, known, {}, loaded.input_spec("excerpts")
    )


def test_every_row_loads_read_as_columns_equal_to_rows(make_study, monkeypatch):
    loaded = load_study(make_study(GOOD))
    assert columns_of(loaded) is not None  # the columns path ran
    fast, slow = both_ways(loaded, monkeypatch)
    assert_same(fast, slow)
    assert len(fast.excerpts) == 4 and fast.rejects.empty
    coded = fast.excerpts["coded_stance"].tolist()
    assert pd.isna(coded[0]) and coded[1:] == ["present", "barrier", "facilitator"]
    assert fast.excerpts["position"].tolist() == [1, 2, 3, 4]
    assert fast.excerpts["text"].tolist()[2] == '"Tired," she said.'


def test_the_demo_read_as_columns_equals_rows(demo_dir, monkeypatch):
    loaded = load_study(demo_dir)
    assert columns_of(loaded) is not None
    assert_same(*both_ways(loaded, monkeypatch))


def test_blank_lines_are_skipped_as_rows_skip_them(make_study, monkeypatch):
    folder = make_study(GOOD)
    path = folder / "excerpts.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text("\n".join([lines[0], "", *lines[1:], "", ""]), encoding="utf-8")
    loaded = load_study(folder)
    assert columns_of(loaded) is not None
    fast, slow = both_ways(loaded, monkeypatch)
    assert_same(fast, slow)
    assert fast.read_counts["excerpts.csv"] == len(GOOD)


BAD_ROWS = {
    "empty id": ["", "I1", "A", "Intervention/Walking", "", "5", "AK", "x"],
    "repeated id": ["E1", "I1", "A", "Intervention/Walking", "", "5", "AK", "x"],
    "unknown interview": ["E9", "I99", "A", "Intervention/Walking", "", "5", "AK", "x"],
    "case not the informant's": ["E9", "I1", "B", "Intervention/Walking", "", "5", "AK", "x"],
    "unmapped code": ["E9", "I1", "A", "Intervention/Running", "", "5", "AK", "x"],
    "stance of another kind": ["E9", "I1", "A", "Intervention/Walking", "barrier", "5", "AK", "x"],
    "position not a number": ["E9", "I1", "A", "Intervention/Walking", "", "five", "AK", "x"],
    "empty text": ["E9", "I1", "A", "Intervention/Walking", "", "5", "AK", "  "],
    "text too long": ["E9", "I1", "A", "Intervention/Walking", "", "5", "AK", "w" * (MAX_FIELD_CHARS + 1)],
    "control character": ["E9", "I1", "A", "Intervention/Walking", "", "5", "AK", "a\x07b"],
    "control character at a cell's edge": ["E9", "I1", "A", "Intervention/Walking", "", "5", "AK", "ab\x0c"],
    "a cell more": ["E9", "I1", "A", "Intervention/Walking", "", "5", "AK", "x", "extra"],
    "a cell fewer": ["E9", "I1", "A", "Intervention/Walking", "", "5", "AK"],
    "only blank cells": ["", " ", "", "", "", "", "", ""],
}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(BAD_ROWS))
def test_a_file_with_a_row_to_reject_is_read_row_by_row(kind, make_study, monkeypatch):
    """Any row that `read_excerpts` would reject, skip or flag sends the whole file
    down the row-by-row path: the same rows, counts and rejects (file, row, reason)."""
    loaded = load_study(make_study([*GOOD, BAD_ROWS[kind]]))
    assert columns_of(loaded) is None
    fast, slow = both_ways(loaded, monkeypatch)
    assert_same(fast, slow)


def test_a_withdrawn_informants_rows_are_rejected_row_by_row(make_study, monkeypatch):
    from conftest import ROSTER

    roster = [list(r) for r in ROSTER]
    roster[1][-1] = "withdrawn"  # A, who speaks in I1
    loaded = load_study(make_study(GOOD, None, roster))
    assert columns_of(loaded) is None
    fast, slow = both_ways(loaded, monkeypatch)
    assert_same(fast, slow)
    assert "E1" not in fast.excerpts["excerpt_id"].tolist()


def test_a_cell_over_the_reading_limit_refuses_the_file_as_before(make_study):
    folder = make_study(
        [*GOOD[:1], ["E9", "I1", "A", "x", "", "5", "AK", "w" * (MAX_CELL_CHARS + 1)]]
    )
    loaded = load_study(folder)
    assert (
        native.excerpt_columns(
            loaded.input_path("excerpts"), loaded.definition, ({}, {}, {}, set())
        )
        is None
    )
    with pytest.raises(Exception, match="longer than"):
        ingest.ingest_study(loaded)

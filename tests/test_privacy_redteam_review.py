"""Red-team pass (privacy10): the review loop. The researcher fills the stance
review sheet and points the study file at it; what they type may name people:
a note column of their own, a remark typed into "your stance", a case or an
excerpt id typed by hand. The sheet is read for its key columns and the stance
only, and a reject names the file, row and column, never the cell: nothing
typed there may reach an output (checked, no leak found)."""

from __future__ import annotations

import csv

import duckdb
from conftest import write_csv
from privacy.test_corpus import BASE, SURVEY
from test_privacy_redteam import deep_text

from flows import stages

#: Karen Lund is on the roster; Sofie Madsen (a colleague) is not
TYPED = ("karen", "lund", "sofie", "madsen")


def test_names_typed_into_a_filled_review_sheet_reach_no_output(make_study, tmp_path):
    machine_read = ["R1", "I2", "A", "Context/Energy", "", "2", "AK", "So tired today."]
    folder = make_study([*BASE, machine_read], SURVEY)
    out = tmp_path / "out" / "tiny"
    stages.run_direct(folder, out)
    with stages.review_sheet_path(out).with_suffix(".csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["excerpt id"] for r in rows] == ["R1"]
    header = [*rows[0], "note"]
    row = rows[0] | {"your stance": "barrier", "note": "Karen Lund agreed; ask Sofie Madsen"}
    typed = [
        row,
        row | {"excerpt id": "Karen", "case": "B (Sofie Madsen)", "note": ""},  # stale
        row | {"excerpt id": "R2", "your stance": "barrier, said Sofie Madsen"},  # no stance
        row | {"excerpt id": "R3", "theme id": "Sofie"},  # no theme
    ]
    write_csv(folder / "reviews.csv", [header, *[[r[c] for c in header] for r in typed]])
    toml = (folder / "study.toml").read_text(encoding="utf-8")
    toml = toml.replace("[inputs]\n", '[inputs]\nstance_reviews = "reviews.csv"\n', 1)
    (folder / "study.toml").write_text(toml, encoding="utf-8")
    stages.run_direct(folder, out)
    with duckdb.connect(str(out / "triangulate.duckdb"), read_only=True) as con:
        query = "select reviewed_stance from raw_excerpts where excerpt_id = 'R1'"
        assert con.execute(query).fetchall() == [("barrier",)]  # the review applied
    rejects = (out / "rejects.csv").read_text(encoding="utf-8")
    assert rejects.count("reviews.csv") == 3  # the stale review and the two bad rows
    holding = [
        str(p.relative_to(out))
        for p in sorted(out.rglob("*"))
        if p.is_file() and any(n in deep_text(p).lower() for n in TYPED)
    ]
    assert holding == []

"""`triangulate init` on the layouts researchers bring on day one: a survey
with the waves in columns, and a MAXQDA or QualCoder export whose document
groups (or document names) say each informant's role."""

from __future__ import annotations

import csv
import math
import shutil
import tomllib
from pathlib import Path

import pytest

from flows import stages
from flows.init import init_study
from flows.init_survey import wave_columns

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "example-qdpx"


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return path


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (["id", "walk_t0", "walk_t1", "mood_t0", "mood_t1", "sex"], ("suffix", ["_t0", "_t1"])),
        (["id", "pre_walk", "post_walk", "pre_mood", "post_mood"], ("prefix", ["pre_", "post_"])),
        (["id", "walk_fu", "walk_bl", "mood_fu", "mood_bl"], ("suffix", ["_bl", "_fu"])),
        (["id", "walk.2", "walk.1", "mood.2", "mood.1", "age"], ("suffix", [".1", ".2"])),
        (["id", "age_band", "income_band", "sex"], None),
        (["id", "walk_t0", "walk_t1", "sex"], None),  # one stem: too little to go on
    ],
)
def test_wave_tags_found_in_column_names(header, expected):
    found = wave_columns(header)
    assert (found[:2] if found else None) == expected


def test_survey_with_waves_in_columns_drafted_loads_as_it_is(tmp_path):
    shutil.copy(EXAMPLE / "walking-together.qdpx", tmp_path / "walking-together.qdpx")
    survey = write_csv(
        tmp_path / "survey.csv",
        [
            [
                "case_id",
                "sex",
                "walk_t0",
                "walk_t1",
                "mood_t0",
                "mood_t1",
                "mood_t2",
                "smoker_t0",
                "smoker_t1",
            ],
            ["W1", "female", "60", "120", "3", "4", "5", "yes", "no"],
            ["W2", "male", "30", "", "2", "2", "2", "no", "no"],
            ["W3", "female", "45", "50", "4", "3", "3", "no", "no"],
            ["W4", "", "20", "90", "1", "2", "", "yes", "yes"],
        ],
    )
    path = init_study(tmp_path / "mine", qdpx=tmp_path / "walking-together.qdpx", survey=survey)
    text = path.read_text(encoding="utf-8")
    drafted = tomllib.loads(text)
    assert drafted["survey"]["layout"] == "waves_in_columns"
    assert drafted["survey"]["wave_suffixes"] == {"baseline": "_t0", "followup": "_t1"}
    assert drafted["survey"]["ignore_columns"] == ["mood_t2", "smoker_t1"]
    assert "wave_column" not in drafted["survey"]
    assert [i["id"] for i in drafted["survey_items"]] == ["walk", "mood"]
    assert {v["id"] for v in drafted["context_variables"]} >= {"sex", "smoker"}
    assert drafted["survey"]["columns"] == {"smoker": "smoker_t0"}  # not a number: context
    assert "# check: the suffixes found: _t0, _t1, _t2" in text
    data = stages.ingest(path.parent).data
    assert not [r for r in data.rejects.to_dict("records") if r["file"] == "survey.csv"]
    assert data.read_counts["survey.csv"] == data.loaded_counts["survey.csv"] == 4
    got = {(r.case_id, r.wave, r.item_id): r.value for r in data.survey.itertuples()}
    assert got[("W1", "followup", "walk")] == 120
    assert math.isnan(got[("W2", "followup", "walk")])

"""The review loop (issue #14): the demo with its coded stances removed gives
provisional verdicts and a review sheet; the sheet filled with the demo's coded
stances gives the coded demo's verdicts, none provisional; a changed excerpt
makes its review stale and says so."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from flows import review, stages
from flows.ingest import parse_code
from flows.study import load_study

VERDICTS = """
select v.case_id, v.theme_id, v.convergence_code, v.fit, v.qualitative_stance,
       v.outcome_achieved, v.activity_delivered, c.classification
from case_theme_verdicts v join case_classification c using (case_id) order by 1, 2
"""


def _query(out: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(out / "triangulate.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def _uncoded_copy(demo_dir: Path, target: Path) -> dict[str, str]:
    """The demo with every coded stance removed (stance column and stance
    sub-codes); returns the coded stance of each excerpt that had one."""
    shutil.copytree(demo_dir, target)
    study = load_study(target).definition
    path = target / "excerpts.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    coded = {}
    for row in rows:
        theme_id, stance = parse_code(row["code"], study)
        stance = row["stance"].strip().lower().replace(" ", "_") or stance
        if stance:
            coded[row["excerpt_id"]] = stance
        row["code"] = study.theme(theme_id).codes[0]
        row["stance"] = ""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return coded


def _fill(sheet: Path, target: Path, stances: dict[tuple[str, str], str]) -> int:
    """The researcher's work: `your stance` filled for every row, saved as XLSX."""
    book = openpyxl.load_workbook(sheet)
    page = book.active
    header = [c.value for c in page[1]]
    col = {name: header.index(name) for name in header}
    filled = 0
    for row in page.iter_rows(min_row=2):
        key = (row[col["excerpt id"]].value, row[col["case"]].value)
        row[col[review.YOUR_STANCE]].value = review.stance_label(stances[key])
        filled += 1
    book.save(target)
    return filled


def _point_at_reviews(study_dir: Path, name: str) -> None:
    path = study_dir / "study.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("[inputs]\n", f'[inputs]\nstance_reviews = "{name}"\n', 1), encoding="utf-8"
    )


def _fully_coded_copy(demo_dir: Path, target: Path, stances: dict[tuple[str, str], str]) -> None:
    """The demo with every excerpt's stance coded: the researcher's coding of the
    excerpts the demo left to the machine (`stances`, by excerpt and case)."""
    shutil.copytree(demo_dir, target)
    path = target / "excerpts.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["stance"] = row["stance"] or stances[(row["excerpt_id"], row["case_id"])]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def loop(tmp_path_factory, demo_dir, demo_out):
    """The researcher's whole loop. The demo codes some stances and leaves the rest
    to the machine (its readings are taken from the session's run, `demo_out`);
    the reference is the demo with every excerpt coded: its own coded stances,
    and for the rest the machine's reading confirmed by the researcher, or
    `not_stated` where the reader abstained (`unclear` is no stance a
    researcher codes)."""
    root = tmp_path_factory.mktemp("review-loop")
    read = dict(_query(demo_out, "select excerpt_id || '|' || case_id, stance from stg_excerpts"))
    kept = {k: ("not_stated" if v == "unclear" else v) for k, v in read.items()}
    coded_dir, coded_out = root / "coded", root / "coded-out"
    _fully_coded_copy(demo_dir, coded_dir, {tuple(k.split("|")): v for k, v in kept.items()})
    stages.run_direct(coded_dir, coded_out)
    study_dir = root / "study"
    coded = _uncoded_copy(demo_dir, study_dir)
    out = root / "out"
    stages.run_direct(study_dir, out)
    first = {
        "basis": _query(out, "select * from case_basis order by case_id"),
        "sheet_rows": len(
            list(csv.DictReader(stages.review_sheet_path(out).with_suffix(".csv").open()))
        ),
    }
    stances = {tuple(k.split("|")): v for k, v in kept.items()}
    assert all(stances[(e, c)] == s for (e, c), s in stances.items() if e in coded)
    filled = _fill(stages.review_sheet_path(out), study_dir / "stances.xlsx", stances)
    _point_at_reviews(study_dir, "stances.xlsx")
    stages.run_direct(study_dir, out)
    reviewed = {
        "verdicts": _query(out, VERDICTS),
        "basis": _query(out, "select * from case_basis order by case_id"),
        "coded_verdicts": _query(coded_out, VERDICTS),
        "filled": filled,
    }
    return {"root": root, "study": study_dir, "out": out, "first": first, **reviewed}


def test_uncoded_demo_gives_provisional_verdicts_and_a_review_sheet(loop):
    basis = loop["first"]["basis"]
    assert all(row[4] == row[1] for row in basis)  # every reading machine-read
    assert all(row[10] for row in basis)  # every classification provisional
    assert loop["first"]["sheet_rows"] == sum(row[4] for row in basis)
    sheet = stages.review_sheet_path(loop["out"])
    assert sheet.stat().st_mode & 0o077 == 0
    page = openpyxl.load_workbook(sheet).active
    validations = page.data_validations.dataValidation
    assert validations and all(v.type == "list" for v in validations)
    decides = [row[7].value for row in page.iter_rows(min_row=2)]
    ranked = [list(review.DECIDES.values()).index(d) if d else 9 for d in decides]
    assert ranked == sorted(ranked)  # decisive readings first


def test_filled_sheet_gives_the_coded_verdicts_none_provisional(loop):
    assert loop["verdicts"] == loop["coded_verdicts"]
    for row in loop["basis"]:
        case_id, n_readings, n_coded, n_reviewed, n_machine = row[:5]
        assert n_machine == 0 and n_reviewed == n_readings, case_id
        assert row[8] == 0 and not row[10], case_id  # no provisional verdict
    exported = (loop["out"] / "exports" / "case_classification.csv").read_text()
    assert "provisional" in exported.splitlines()[0]


def test_changed_excerpt_makes_its_review_stale(loop):
    study = loop["study"]
    path = study / "excerpts.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rows[0]["text"] += " Then we had another cup."
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    out = loop["root"] / "out-stale"
    stages.run_direct(study, out)
    rejects = (out / "rejects.csv").read_text(encoding="utf-8")
    assert "stale review: excerpt changed since it was reviewed" in rejects
    assert rejects.count("stale review") == 1
    with stages.review_sheet_path(out).with_suffix(".csv").open(encoding="utf-8") as handle:
        sheet = list(csv.DictReader(handle))
    stale = [r for r in sheet if r["status"].startswith("stale")]
    assert [r["excerpt id"] for r in stale] == [rows[0]["excerpt_id"]]
    assert stale[0][review.YOUR_STANCE] == ""  # not applied: to review again
    basis = _query(
        out, f"select basis from stg_excerpts where excerpt_id = '{rows[0]['excerpt_id']}'"
    )
    assert basis in ([("suggested",)], [("unclear",)])  # machine-read again, not reviewed


def test_review_sheet_rejects_a_stance_the_theme_does_not_allow(tmp_path, demo_dir):
    sheet = tmp_path / "stances.csv"
    sheet.write_text(
        "excerpt id,theme id,case,fingerprint,your stance\n"
        "E0001,social_support,P1,abc,improved\n"
        "E0002,nonsense,P1,abc,present\n"
        "E0003,daily_management,P1,abc,\n",
        encoding="utf-8",
    )
    reviews, rejects = review.read_reviews(sheet, load_study(demo_dir).definition, str(sheet))
    assert reviews.empty
    assert [(r["row"], r["element"]) for r in rejects] == [("2", "your stance"), ("3", "theme id")]
    assert "expected one of: present, absent" in rejects[0]["reason"]


def test_a_review_keyed_as_the_sheet_writes_it_applies_to_a_qda_excerpt():
    """The sheet's `excerpt id` column holds the excerpt id; an excerpt read
    from a QDA project also has its selection's id. A review written in the
    sheet applies to it (it went stale on every QDA study: docs/onboarding-walk.md)."""
    text = "My balance is better now."
    excerpts = pd.DataFrame(
        {
            "excerpt_id": ["S02.7", "S02.8"],
            "selection_id": ["6F1A-GUID", ""],  # a REFI-QDA selection; a segment row
            "theme_id": ["falls", "falls"],
            "case_id": ["F1", "F1"],
        }
    )
    reviews = pd.DataFrame(
        [
            ["S02.7", "falls", "F1", review.text_fingerprint(text), "improved", "2"],
            ["S02.8", "falls", "F1", review.text_fingerprint(text), "worsened", "3"],
        ],
        columns=review.REVIEW_COLUMNS,
    )
    texts = {"S02.7": text, "S02.8": text}
    out, stale, rejects = review.apply_reviews(excerpts, texts, reviews, "stances.csv")
    assert out["reviewed_stance"].tolist() == ["improved", "worsened"]
    assert stale.empty and not rejects
    by_guid = reviews.assign(review_key=["6F1A-GUID", "S02.8"])  # a sheet keyed by the GUID
    out, stale, _ = review.apply_reviews(excerpts, texts, by_guid, "stances.csv")
    assert out["reviewed_stance"].tolist() == ["improved", "worsened"] and stale.empty


def test_a_segment_row_has_no_selection_id_of_its_own():
    """A coded-segment spreadsheet gives no id to a row: the excerpt id keys its
    review (not the code path, which every row of a code shares)."""
    from flows.ingest import selection_id
    from flows.readers.qda import QdaCoding

    row = QdaCoding(
        ref="12",
        element="Codename",
        source_key="F1 participant interview",
        code="Outcomes/Falls",
        coder="ak",
        position=3,
        text="x",
        order=(3, 12, "Outcomes/Falls"),
    )
    assert selection_id(row) == ""

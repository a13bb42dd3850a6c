"""Red-team pass (privacy15): personal data in a survey file's free text.

A survey (CSV, XLSX, SPSS .sav, Stata .dta) with an "other, please say" column
read as a context variable, a "comments" column the study file does not
declare, an item column holding words, and value labels naming people. Each
placement either reaches no output at all, is replaced, or stops the run with
nothing published; none is published with the audit clean.

Where each goes (docs/data-protection.md, "Red-team record (privacy15)"):
- a declared context variable: the database (`raw_context`), the dossier's
  context profile, the exports: screened like excerpt text (decision 0286) and,
  since decision 0445, for e-mail addresses, phone numbers, CPR numbers,
  addresses and dates too;
- an undeclared column: its header in the rejects report, its cells never read;
- words in an item column: the rejects report names file, row and column, never
  the cell;
- a value label of a missing code that is not declared missing: the rejects
  report quoted the whole label; now only the words that make it a missing
  label (decision 0445).
"""

from __future__ import annotations

import logging

import pandas as pd
import pytest
from conftest import TINY_STUDY, write_csv
from privacy.test_corpus import BASE
from test_privacy_redteam import deep_text

from flows import stages
from flows.errors import LeakError
from flows.runs import private_dir

OTHER = '\n[[context_variables]]\nid = "other"\nlabel = "Other, please say"\n'
HEADER = ["case_id", "wave", "walk_min", "sit_hours", "sex", "other", "comments"]
#: what a participant wrote where the form said "other, please say"
OTHER_A = "walks with Sofie; mail tharshan.k@gmail.com or ring 20 12 34 56"
OTHER_B = "call +45 31 22 45 67 after six"
#: never to be found in any output or private file after a run
SECRETS = ("Sofie", "tharshan.k@gmail.com", "20 12 34 56", "31 22 45 67", "Karen Lund", "Mette")
ROWS = [
    ["A", "baseline", "60", "8", "m", OTHER_A, "Karen Lund's daughter, karen@lund.dk"],
    ["A", "followup", "200", "5", "m", "", ""],
    ["B", "baseline", "60", "8", "f", OTHER_B, ""],
    ["B", "followup", "ask Mette Krogh", "5", "f", "", "Mette rang"],
]


def _study(make_study, survey_file: str):
    toml = TINY_STUDY.replace('survey = "survey.csv"', f'survey = "{survey_file}"') + OTHER
    return make_study(BASE, None, None, toml)


def _write(folder, kind: str) -> None:
    frame = pd.DataFrame(ROWS, columns=HEADER)
    if kind == "csv":
        write_csv(folder / "survey.csv", [HEADER, *ROWS])
    elif kind == "xlsx":
        frame.to_excel(folder / "survey.xlsx", sheet_name="survey", index=False)
    else:
        import pyreadstat

        frame["wave"] = frame["wave"].map({"baseline": 1.0, "followup": 2.0})
        frame["walk_min"] = pd.to_numeric(frame["walk_min"], errors="coerce")
        frame["sit_hours"] = frame["sit_hours"].astype(float)
        write = pyreadstat.write_sav if kind == "sav" else pyreadstat.write_dta
        write(frame, folder / f"survey.{kind}", variable_value_labels={"wave": WAVES})


WAVES = {1.0: "baseline", 2.0: "followup"}


def _every_file(out) -> dict[str, str]:
    files = [p for p in [*out.rglob("*"), *private_dir(out).rglob("*")] if p.is_file()]
    return {str(p.relative_to(out.parent)): deep_text(p) for p in files}


@pytest.mark.parametrize("kind", ["csv", "xlsx", "sav", "dta"])
def test_free_text_in_a_survey_reaches_no_output(make_study, tmp_path, kind, caplog):
    """An e-mail address and phone numbers in a free-text context variable were
    published in the dossier's context profile, the exports and the database
    (the name guard knows names, not identifiers; the audit looks for neither)."""
    folder = _study(make_study, f"survey.{kind}")
    _write(folder, kind)
    out = tmp_path / "out" / "tiny"
    with caplog.at_level(logging.DEBUG):
        stages.run_direct(folder, out)
    files = _every_file(out)
    holding = {s: sorted(f for f, text in files.items() if s in text) for s in SECRETS}
    assert holding == {s: [] for s in SECRETS}
    assert not any(s in r.getMessage() for r in caplog.records for s in SECRETS)
    context = files["tiny/triangulate.duckdb"]
    assert "[person]" in context and "[e-mail]" in context and "[phone]" in context


def test_a_roster_name_in_free_text_fails_closed(make_study, tmp_path):
    """A roster name in a context variable is not pseudonymised there: the audit
    finds it and nothing is published."""
    folder = _study(make_study, "survey.csv")
    rows = [list(r) for r in ROWS]
    rows[0][5] = "my supporter Birgitte Holm"
    write_csv(folder / "survey.csv", [HEADER, *rows])
    out = tmp_path / "out" / "tiny"
    with pytest.raises(LeakError) as error:
        stages.run_direct(folder, out)
    assert "Birgitte" not in str(error.value)
    assert not out.exists()


@pytest.mark.parametrize("kind", ["sav", "dta"])
def test_a_missing_codes_label_is_quoted_without_what_follows(make_study, tmp_path, kind):
    """A label -99 "Missing - Sofie answered for him, call 20 12 34 56" on an
    item, not declared missing: the reject quoted the whole label in
    `rejects.csv`, the database and the index."""
    import pyreadstat

    folder = _study(make_study, f"survey.{kind}")
    frame = pd.DataFrame(ROWS, columns=HEADER).drop(columns=["other", "comments"])
    frame["wave"] = frame["wave"].map({"baseline": 1.0, "followup": 2.0})
    frame["walk_min"] = [60.0, -99.0, 60.0, 120.0]
    frame["sit_hours"] = frame["sit_hours"].astype(float)
    frame["sex"] = [1.0, 1.0, 2.0, 2.0]
    label = "Missing - Sofie answered for him, call 20 12 34 56"
    labels = {"wave": WAVES, "walk_min": {-99.0: label}, "sex": {1.0: "m", 2.0: "f"}}
    write = pyreadstat.write_sav if kind == "sav" else pyreadstat.write_dta
    write(frame, folder / f"survey.{kind}", variable_value_labels=labels)
    out = tmp_path / "out" / "tiny"
    stages.run_direct(folder, out)
    rejects = (out / "rejects.csv").read_text(encoding="utf-8")
    assert "labelled 'Missing'" in rejects
    files = _every_file(out)
    assert [f for f, text in files.items() if "Sofie" in text or "20 12 34 56" in text] == []


def test_a_value_label_naming_someone_in_context_is_screened(make_study, tmp_path):
    """SPSS value labels of a context variable are its published values."""
    import pyreadstat

    folder = _study(make_study, "survey.sav")
    frame = pd.DataFrame(ROWS, columns=HEADER).drop(columns=["comments"])
    frame["wave"] = frame["wave"].map({"baseline": 1.0, "followup": 2.0})
    frame["walk_min"] = [60.0, 200.0, 60.0, 120.0]
    frame["sit_hours"] = frame["sit_hours"].astype(float)
    frame["other"] = [1.0, float("nan"), 2.0, float("nan")]
    labels = {
        "wave": WAVES,
        "other": {1.0: "group led by Dr Tharshan", 2.0: "sofie.k@example.dk"},
    }
    pyreadstat.write_sav(frame, folder / "survey.sav", variable_value_labels=labels)
    out = tmp_path / "out" / "tiny"
    stages.run_direct(folder, out)
    files = _every_file(out)
    assert [f for f, text in files.items() if "Tharshan" in text or "sofie.k" in text] == []

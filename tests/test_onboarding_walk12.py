"""Onboarding walk 12 (docs/onboarding-walk.md): a social-prescribing study in two
English general practices, coded in MAXQDA (its coded-segments export as
MAXQDA 2022 writes it: colour, document group, document name, code path with
backslashes, beginning and end, weight, segment, comment, who and when,
area, coverage) with a Stata .dta survey (value labels: the wave, a yes/no
question coded 1 = Yes, 2 = No). What the walk found in the segment reader,
`triangulate init`, `validate`'s language notes and the dossier's excerpt line
(decisions 0368-0370)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import openpyxl
import pandas as pd
import pyreadstat
import pytest
from tests_support import drafted_roster, format_builders, read_segment_export

from flows.init import _domain, init_study
from flows.init_direction import better_of, item_better, yes_coded_lower
from flows.init_qda import DraftTheme
from flows.init_roles import role_id, role_label
from flows.language_notes import guess_language, language_notes
from flows.render.pages import environment

fb = format_builders()

HEADER = [
    "Color", "Document group", "Document name", "Code", "Beginning", "End", "Weight score",
    "Segment", "Comment", "Modified by", "Modified", "Created by", "Created", "Area",
    "Coverage %",
]  # fmt: skip
# document, group, [(code, segment, case code or None)]
DOCUMENTS = [
    ("SP01 patient interview", "Patients", [
        ("Activities\\Link worker sessions\\Delivered", "She came three times and we made a plan.", None),
        ("Outcomes\\Loneliness\\Less", "I am not as lonely as I was.", None),
    ]),
    ("SP02 patient interview", "Patients", [
        ("Outcomes\\Loneliness\\Same", "I am as lonely as before, nothing has changed.", None),
    ]),
    ("GP1 interview", "GPs", [
        ("Outcomes\\GP appointments\\Fewer", "She used to book every week, now once a month.", "SP01"),
        ("Outcomes\\GP appointments\\Same", "She still comes in as often as before.", "SP02"),
    ]),
    ("GP2 interview", "GPs", [
        ("Outcomes\\GP appointments\\Fewer", "He books far less now.", "SP02"),
    ]),
    ("PM1 practice manager interview", "Practice staff", [
        ("Activities\\Link worker sessions", "The link worker has a room here on Tuesdays.", None),
    ]),
]  # fmt: skip


def maxqda_export(path: Path) -> Path:
    """Coded segments as MAXQDA 2022 exports them to Excel: one row per coded
    segment, a case code (`Case\\SP01`) as a second row on the same segment."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Coded segments"
    sheet.append(HEADER)
    for document, group, segments in DOCUMENTS:
        for paragraph, (code, text, case) in enumerate(segments, start=3):
            for path_ in [code] + ([f"Case\\{case}"] if case else []):
                stamp = f"14/10/2026 11:{paragraph:02d}"
                sheet.append(
                    ["#0080c0", group, document, path_, paragraph, paragraph, 0, text, "",
                     "EH", stamp, "EH", stamp, len(text), round(len(text) / 9.0, 1)]
                )  # fmt: skip
    book.save(path)
    return path


def stata_survey(path: Path) -> Path:
    rows = [
        ("SP01", 1, 8, 38, 5, 2), ("SP01", 2, 5, 47, 2, 1),
        ("SP02", 1, 7, 41, 6, 2), ("SP02", 2, 7, 44, 3, 1),
    ]  # fmt: skip
    frame = pd.DataFrame(
        rows, columns=["patient_id", "timepoint", "ucla3", "wemwbs", "gp_appts_3m", "comm_group"]
    )
    pyreadstat.write_dta(
        frame,
        str(path),
        column_labels={
            "patient_id": "Patient study ID",
            "timepoint": "Timepoint",
            "ucla3": "UCLA Loneliness Scale (3-item) total",
            "wemwbs": "WEMWBS total score",
            "gp_appts_3m": "GP appointments in last 3 months",
            "comm_group": "Attends a community group or activity",
        },
        variable_value_labels={
            "timepoint": {1: "Baseline", 2: "12 weeks"},
            "comm_group": {1: "Yes", 2: "No"},
        },
    )
    return path


# ---------------------------------------------------------------- the segment reader


def read(folder: Path, export: Path):
    """`export` read as a MAXQDA coded-segments export by a study in `folder`."""
    return read_segment_export(folder, export, "maxqda")


def test_maxqda_segment_columns_are_not_document_variables(tmp_path):
    """MAXQDA's per-segment columns (Area, Coverage %, Created...) were read as
    document variables: `init` took "Area" (a segment's length) for the person."""
    project = read(tmp_path, maxqda_export(tmp_path / "segments.xlsx"))
    assert {k: s.variables for k, s in project.sources.items()} == {
        "SP01 patient interview": {"Document group": "Patients"},
        "SP02 patient interview": {"Document group": "Patients"},
        "GP1 interview": {"Document group": "GPs"},
        "GP2 interview": {"Document group": "GPs"},
        "PM1 practice manager interview": {"Document group": "Practice staff"},
    }


def test_a_column_varying_within_a_document_is_no_variable_of_it(tmp_path):
    """Any layout: a column whose value differs between one document's rows
    describes segments; one constant in each document stays its variable."""
    rows = [
        ["Document name", "Code", "Segment", "Beginning", "Site", "Stamp"],
        ["P1 interview", "Outcomes\\Walking\\Better", "I walk more.", "2", "North", "10:01"],
        ["P1 interview", "Outcomes\\Walking\\Same", "Not really.", "4", "North", "10:05"],
        ["P2 interview", "Outcomes\\Walking\\Better", "Yes, more.", "2", "South", "10:09"],
    ]
    fb.write_csv(tmp_path / "export.csv", rows)
    project = read(tmp_path, tmp_path / "export.csv")
    assert project.sources["P1 interview"].variables == {"Site": "North"}
    assert project.sources["P2 interview"].variables == {"Site": "South", "Stamp": "10:09"}


# ---------------------------------------------------------------- init


def test_init_drafts_a_maxqda_study_as_the_walk_needed(tmp_path):
    export = maxqda_export(tmp_path / "Connect Well coded segments.xlsx")
    survey = stata_survey(tmp_path / "connectwell.dta")
    path = init_study(tmp_path / "cw", segments=export, fmt="maxqda", survey=survey)
    drafted = tomllib.loads(path.read_text(encoding="utf-8"))
    # who speaks: the document names' first words, not MAXQDA's "Area" column
    assert drafted["qda"]["person"]["from"] == "source_name"
    assert drafted["qda"]["person"]["values"]["SP01 patient interview"] == "SP01"
    roles = {r["id"]: (r["label"], r["per_case"]) for r in drafted["roles"]}
    assert roles == {
        "gp": ("GP", False),  # was "gps" / "GPs"
        "patient": ("Patient", True),
        "practice_staff": ("Practice staff", False),  # was per_case, with a case "PM1"
    }
    assert drafted_roster(path.parent) == {
        "GP1": ("gp", "SP01;SP02"),
        "GP2": ("gp", "SP02"),
        "PM1": ("practice_staff", ""),
        "SP01": ("patient", "SP01"),
        "SP02": ("patient", "SP02"),
    }
    themes = {t["id"]: t for t in drafted["themes"]}
    # fewer GP appointments is the aim
    assert themes["gp_appointments"]["better"] == "lower"
    assert themes["gp_appointments"]["stance_labels"] == {"Fewer": "improved"}
    items = {i["id"]: i for i in drafted["survey_items"]}
    assert items["ucla3"]["domain"] == "loneliness" and items["ucla3"]["better"] == "lower"
    assert items["wemwbs"]["domain"] == "loneliness"  # no wellbeing theme in this codebook
    assert items["gp_appts_3m"]["better"] == "lower"
    # coded 1 = Yes, 2 = No: going from no to yes is a fall in the number
    assert items["comm_group"]["better"] == "lower"
    assert "coded 1 = yes, 2 = no" in path.read_text(encoding="utf-8")


def test_own_case_only_for_roles_that_own_cases(tmp_path):
    """A person without case codes speaks about the case their id names when
    someone of their role has such a case (H4 among H1...H5, whom no staff
    member coded); the example study's roster is drafted as before."""
    path = init_study(
        tmp_path / "steady",
        segments=Path("data/example-maxqda/coded-segments.xlsx"),
        fmt="maxqda",
    )
    roster = drafted_roster(path.parent)
    assert roster["H4"][1] == "H4"
    assert roster["H1"][1] == "H1"


# ---------------------------------------------------------------- directions and domains


def test_yes_no_items_coded_yes_lower_turn_the_guess_round():
    yes_no = {"1": "Yes", "2": "No"}
    assert yes_coded_lower(yes_no) == ("1", "2")
    assert yes_coded_lower({"1": "No", "2": "Yes"}) is None  # yes the higher: as guessed
    assert yes_coded_lower({"0": "no", "1": "yes"}) is None
    assert yes_coded_lower({"1": "Yes", "2": "No", "3": "Yes, sometimes"}) == ("1", "2")
    assert yes_coded_lower({"1": "Yes", "2": "Yes"}) is None
    assert yes_coded_lower({}) is None
    assert item_better("Registered with a GP", yes_no)[0] == "lower"
    assert item_better("Been to A&E in the last 3 months", yes_no)[0] == "higher"
    assert item_better("Been to A&E in the last 3 months", {})[0] == "lower"
    assert item_better("Registered with a GP", {"1": "Ja", "2": "Nej"})[0] == "lower"
    assert item_better("Registered with a GP", {})[0] == "higher"


def test_healthcare_use_is_lower_is_better():
    for label in ("GP appointments", "A&E attendances", "GP consultations in 3 months"):
        assert better_of(label) == "lower", label
    assert better_of("Wellbeing") == "higher"


@pytest.mark.parametrize(
    ("label", "theme"),
    [
        ("A&E attendances in last 3 months ae_3m", "a_e_attendances"),
        ("Been to A & E", "a_e_attendances"),
        ("ED visits", "a_e_attendances"),
        ("WEMWBS total score wemwbs", "wellbeing"),
        ("SWEMWBS", "wellbeing"),
        ("UCLA Loneliness Scale (3-item) total", "loneliness"),
        ("GP appointments in last 3 months", "gp_appointments"),
    ],
)
def test_item_domain_from_abbreviations_and_scale_names(label, theme):
    outcomes = [
        DraftTheme(i, lab, "outcome", [], 1, False)
        for i, lab in (
            ("gp_appointments", "GP appointments"),
            ("loneliness", "Loneliness"),
            ("wellbeing", "Wellbeing"),
            ("a_e_attendances", "A&E attendances"),
        )
    ]
    assert _domain(label, outcomes) == (theme, True)


def test_role_ids_of_initialisms_in_the_plural():
    assert (role_id("GPs"), role_label("gp", "GPs")) == ("gp", "GP")
    assert role_id("HCAs") == "hca"
    assert role_id("Link workers") == "link_worker"
    assert role_id("Peers") == "peer"
    assert role_id("Gps") == "gps"  # not written as initials: left alone


# ---------------------------------------------------------------- languages


def test_polish_is_told_apart():
    assert guess_language("Czuję się dużo lepiej niż przed rokiem, mam więcej energii.") == "pl"
    assert guess_language("I feel a lot better than last year and I have more energy.") == "en"


def test_a_few_quotes_in_another_language_are_noted_when_uncoded():
    english = [("en", "I feel much better now and she came every week.", "improved")] * 40
    polish = [
        ("en", "Czuję się dużo lepiej niż przed rokiem, mam więcej energii.", None),
        ("en", "Teraz chodzę do klubu, jest mi tam bardzo dobrze.", "present"),
    ]
    (note,) = language_notes(english + polish)
    assert note.startswith(
        "2 of 42 excerpts of interviews in English (en) read as Polish (pl), 1 of them without "
        "a coded stance: the stance reader does not read it"  # decision 0396
    )
    assert "review sheet" in note
    assert language_notes(english + polish[1:]) == []  # coded: nothing machine-read


# ---------------------------------------------------------------- the dossier


def test_an_unread_excerpt_is_not_shown_with_a_confidence():
    module = environment().get_template("macros.html").module
    excerpt = {
        "excerpt_id": "SP05.3",
        "stance_source": "suggested",
        "text": "Czuję się dużo lepiej.",
        "role_label": "Patient",
        "person_id": "SP05",
        "interview_id": "SP05",
        "position": 3,
        "coder": "RK",
        "stance": "unclear",
        "basis": "unclear",
        "suggestion_confidence": 0.0,
        "low_confidence": False,
        "suggestion_cues": ["not read: no stance reader for Polish (pl)"],
        "examples": [],
    }
    html = str(module.quote_card(excerpt))
    assert "not machine-read" in html
    assert "(no stance reader for Polish (pl)): unclear until you code it or review it" in html
    assert "confidence" not in html
    read = dict(excerpt, suggestion_cues=["w=lonely"], suggestion_confidence=0.61)
    assert "confidence 0.61" in str(module.quote_card(read))


# ---------------------------------------------------------------- the command line


def test_the_review_line_prints_its_inputs_key(tmp_path, monkeypatch):
    """rich read "[inputs]" as markup: the run printed "add it to your study as
    stance_reviews", the key's table gone."""
    from rich.console import Console

    from flows import cli

    recorder = Console(record=True, width=400)
    monkeypatch.setattr(cli, "console", recorder)
    summary = {"provisional_verdicts": 3, "provisional_cases": 3, "machine_read": 3}
    cli.print_review_line(summary, tmp_path / "out-cw")
    assert "add it to your study as [inputs] stance_reviews (README" in recorder.export_text()


def test_a_case_with_no_activity_reads_none_in_the_typology():
    """Walk 10 and 12: SP06, who took up nothing, showed "0: " in the index."""
    module = environment().get_template("index_rows.html").module
    case = {
        "file": "SP06.html",
        "case_id": "SP06",
        "n_activities_delivered": 0,
        "activities_delivered": [],
        "facilitators": [],
        "barriers": [],
        "mechanisms_active": [],
    }
    html = str(module.typology(case))
    assert "<td>none</td>" in html and "0:" not in html
    one = dict(case, n_activities_delivered=1, activities_delivered=["Link worker sessions"])
    assert "<td>1: Link worker sessions</td>" in str(module.typology(one))

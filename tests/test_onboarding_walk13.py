"""Onboarding walk 13 (docs/onboarding-walk.md): a promotora programme for
hypertension in two US health centres, coded in ATLAS.ti (its quotation export
to Excel as ATLAS.ti 23 writes it: ID, quotation name, document, document
groups one a line, quotation content, codes one a line, reference in
paragraphs, density, comment, who and when) with interviews in English and
Spanish, and a REDCap survey. What the walk found in the segment reader,
`triangulate init`, `validate`'s language notes and the stance reader's
annotate step (decisions 0396-0397)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from tests_support import (  # noqa: F401 - synth_study: the module's study
    annotated,
    format_builders,
    read_segment_export,
    synth_study,
)

from flows import stages
from flows.init import init_study
from flows.init_direction import better_of
from flows.language_notes import guess_language, language_notes, unread_as, unread_cue

fb = format_builders()

HEADER = [
    "ID", "Quotation Name", "Document", "Document Groups", "Quotation Content", "Codes",
    "Reference", "Density", "Comment", "Created by", "Modified by", "Created", "Modified",
]  # fmt: skip
EN, ES = "Language::English", "Language::Spanish"
# document, its groups, [(codes, quotation)]
DOCUMENTS = [
    ("HT01 patient interview.docx", ["Patients", "Site::Eastside", EN], [
        (["Activities::Home visits::Delivered"], "Rosa came to my house every two weeks."),
        (["Outcomes::Blood pressure control::Improved"], "My pressure is much better now."),
    ]),
    ("HT02 patient interview.docx", ["Patients", "Site::Eastside", ES], [
        (["Outcomes::Medication adherence::Improved"], "Ahora tomo mis pastillas todos los días."),
    ]),
    ("PR1 promotora interview.docx", ["Promotoras", "Site::Eastside", EN], [
        (["Activities::Home visits::Delivered", "Case::HT01"], "I visited her every two weeks."),
        (["Outcomes::Blood pressure control::Improved", "Case::HT02"], "His pressure went down."),
    ]),
    ("RN1 nurse care manager interview.docx",
     ["Nurse care managers", "Site::Eastside", "Site::Valle", EN], [
        (["Outcomes::Blood pressure control::Improved", "Case::HT01"], "Her readings dropped."),
    ]),
    ("PM1 program manager interview.docx", ["Program managers", "Site::Eastside", EN], [
        (["Context::Transportation::Facilitator"], "Bus passes made a big difference."),
        (["Activities::Home visits::Not delivered", "Case::HT02"], "We lost two months of visits."),
    ]),
]  # fmt: skip


def atlas_quotations(path: Path) -> Path:
    rows: list[list[object]] = [HEADER]
    for d, (document, groups, quotations) in enumerate(DOCUMENTS, 1):
        for q, (codes, text) in enumerate(quotations, 1):
            paragraph = 1 + 2 * q
            rows.append([
                f"{d}:{q}", text[:40], document, "\n".join(groups), text, "\n".join(codes),
                f"{paragraph} - {paragraph}", 0, "", "Sofia Alvarez", "Sofia Alvarez",
                "10/3/2026 2:14:05 PM", "10/3/2026 2:14:05 PM",
            ])  # fmt: skip
    return fb.write_xlsx(path, rows, sheet="Quotations")


def read(folder: Path, export: Path):
    """`export` read as ATLAS.ti's quotation export by a study in `folder`."""
    return read_segment_export(folder, export, "atlasti")


# ---------------------------------------------------------------- the reader


def test_atlas_quotation_export_is_read(tmp_path):
    """There was no layout for ATLAS.ti's quotation export: its `Codes` cell holds
    a quotation's codes one a line, its `Document Groups` cell the groups."""
    project = read(tmp_path, atlas_quotations(tmp_path / "quotations.xlsx"))
    promotora = [c for c in project.codings if c.source_key.startswith("PR1")]
    assert [(c.code, c.position, c.coder) for c in promotora[:2]] == [
        ("Activities/Home visits/Delivered", 3, "Sofia Alvarez"),
        ("Case/HT01", 3, "Sofia Alvarez"),
    ]
    assert promotora[0].selection_codes == ["Activities/Home visits/Delivered", "Case/HT01"]
    variables = {k: s.variables for k, s in project.sources.items()}
    # the groups as the .qdpx's Sets are read; no per-quotation column is a variable
    assert variables["HT02 patient interview.docx"] == {
        "Document group": "Patients",
        "Site": "Eastside",
        "Language": "Spanish",
    }
    assert variables["RN1 nurse care manager interview.docx"]["Site"] == "Eastside; Valle"
    assert {"Document group", "Site", "Language"} <= project.group_variables
    assert project.read_codings == 12 and len(project.codings) == 12


def test_init_drafts_an_atlas_quotation_export(tmp_path):
    export = atlas_quotations(tmp_path / "quotations.xlsx")
    path = init_study(tmp_path / "htn", segments=export, fmt="atlasti")
    drafted = tomllib.loads(path.read_text(encoding="utf-8"))
    assert drafted["inputs"]["excerpts"]["format"] == "atlasti"
    assert drafted["qda"]["role"]["name"] == "Document group"
    assert drafted["qda"]["case"] == {"from": "code_folder", "folder": "Case"}
    assert drafted["qda"]["language_variable"] == "Language"
    roles = {r["id"]: r["per_case"] for r in drafted["roles"]}
    # the program manager coded one case (and the programme): she holds none (was per_case)
    assert roles == {
        "nurse_care_manager": False,
        "patient": True,
        "program_manager": False,
        "promotora": False,
    }
    # the note said "speaks about several cases" of one who speaks about one or none
    assert (
        "per_case = false  # check: interviewed for each case (speaks about others' cases, "
        "or the programme, not a case of their own)"
    ) in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("label", "better"),
    [
        ("ED visits", "lower"),  # was "higher", with "Less" = worsened
        ("ER visits", "lower"),
        ("Emergency department visits in the past 6 months", "lower"),
        ("Systolic blood pressure (mmHg)", "lower"),  # was "higher"
        ("Diastolic blood pressure (mmHg)", "lower"),
        ("Blood pressure", "lower"),
        ("Blood pressure control", "higher"),  # more control is better
        ("Pain control", "higher"),
        ("Medication adherence", "higher"),
        ("Days in the past 7 with all blood pressure medicines taken", "higher"),
        ("Home visits", "higher"),
        ("Det er bedre", "higher"),  # a Danish "er" is no emergency room
    ],
)
def test_which_direction_is_better(label, better):
    assert better_of(label) == better


def test_init_names_the_atlas_format_when_refusing_another(tmp_path):
    export = atlas_quotations(tmp_path / "quotations.xlsx")
    with pytest.raises(Exception, match="atlasti"):
        init_study(tmp_path / "htn", segments=export, fmt="atlas")


# ---------------------------------------------------------------- languages


SPANISH = "Mi hija me dice que ya no me veo tan cansada y que estoy tomando las pastillas."
POLISH = "Czuję się teraz dużo lepiej, ciśnienie jest niższe niż przed programem."


def test_spanish_is_told_apart():
    assert guess_language(SPANISH) == "es"
    assert guess_language("La presión me bajó mucho, el doctor está contento.") == "es"
    # English with a Spanish word or two stays English
    assert guess_language("My promotora, she came every week and we did the pill box.") == "en"
    assert (
        guess_language("Ella es muy buena, I trust her and she is from the neighborhood.") == "en"
    )


def test_an_excerpt_reading_as_an_unread_language_is_kept_from_the_reader():
    assert unread_as("en", SPANISH) == "es"
    assert unread_as("en", POLISH) == "pl"
    assert unread_as("da", SPANISH) == "es"
    assert unread_as("en", "I take my tablets every day now, I have a box.") is None
    # Danish with "nå" reads as Norwegian: a relative, no evidence (decision 0370)
    assert unread_as("da", "Nå går det meget bedre, jeg har fået hjælp.") is None
    assert unread_as("en", "Jeg har ringet til sundhedsplejersken, nu går det bedre.") is None
    assert unread_cue("es") == (
        "not read: it reads as Spanish (es), which the stance reader does not read"
    )


def test_the_demo_excerpts_all_stay_read():
    """No English excerpt of the demo study is taken for a language without a reader."""
    import pandas as pd

    demo = Path(__file__).resolve().parents[1] / "data" / "demo" / "excerpts.csv"
    texts = pd.read_csv(demo)["text"].tolist()
    assert len(texts) > 200
    assert [t for t in texts if unread_as("en", t)] == []


def test_language_notes_say_such_excerpts_are_not_read():
    english = [("en", "I feel much better now and she came every week.", "improved")] * 40
    quotes = [("en", SPANISH, None), ("en", POLISH, None)]
    notes = language_notes(english + quotes)
    assert notes == [
        "1 of 42 excerpts of interviews in English (en) read as Spanish (es), 1 of them without "
        "a coded stance: the stance reader does not read it, so it stays `unclear` until you "
        "give it a stance sub-code in your QDA project or review it in the run's review sheet",
        "1 of 42 excerpts of interviews in English (en) read as Polish (pl), 1 of them without "
        "a coded stance: the stance reader does not read it, so it stays `unclear` until you "
        "give it a stance sub-code in your QDA project or review it in the run's review sheet",
    ]
    many = language_notes([("en", SPANISH, None)] * 3 + english[:3])
    assert many[0].startswith(
        "3 of 6 excerpts of interviews in English (en) read as Spanish (es): they are not "
        "machine-read (unclear until you code or review them). Say each interview's language"
    )


def test_spanish_and_polish_quotes_in_english_interviews_are_unclear(synth_study):  # noqa: F811
    """The walk's uncoded Spanish sentence of an English interview was machine-read
    by the English rules (walk 12: the Polish one, `not stated` at 1.00)."""
    excerpts = synth_study.data.excerpts.head(12).copy()
    excerpts["language"] = "en"
    english_texts = excerpts["text"].tolist()
    excerpts.loc[excerpts.index[1], "text"] = SPANISH
    excerpts.loc[excerpts.index[3], "text"] = POLISH
    out = annotated(synth_study, excerpts)
    assert list(out["suggested_stance"].iloc[[1, 3]]) == ["unclear", "unclear"]
    assert list(out["suggestion_confidence"].iloc[[1, 3]]) == [0.0, 0.0]
    assert [list(c) for c in out["suggestion_cues"].iloc[[1, 3]]] == [
        [unread_cue("es")],
        [unread_cue("pl")],
    ]
    # the other rows read as before
    plain = annotated(synth_study, excerpts.assign(text=english_texts))
    keep = [i for i in range(len(excerpts)) if i not in (1, 3)]
    assert list(out["suggested_stance"].iloc[keep]) == list(plain["suggested_stance"].iloc[keep])


def test_a_program_managers_remark_on_the_programme_is_about_no_case(tmp_path):
    """The program manager coded one passage `Case::HT02` and spoke once about the
    programme as a whole: her one roster case took that remark too (a transport
    facilitator in HT02's dossier); `validate` now lists it with the hint."""
    export = atlas_quotations(tmp_path / "quotations.xlsx")
    path = init_study(tmp_path / "htn", segments=export, fmt="atlasti")
    data = stages.ingest(path.parent).data
    manager = data.excerpts[data.excerpts.person_id == "PM1"]
    assert list(manager.case_id) == ["HT02"]  # the home visits passage only
    reasons = list(data.rejects.reason)
    assert any('no_case = "programme"' in r for r in reasons), reasons
    # a patient's passages still go to her own case without case codes
    assert set(data.excerpts[data.excerpts.person_id == "HT01"].case_id) == {"HT01"}


def test_the_matrix_label_of_unclear_covers_excerpts_not_read():
    """Walk 13: the cross-case matrix called every `unclear` cell "unclear (the
    reader abstained)", also where the excerpt was not read for its language."""
    from flows.render.pages import STANCE_LABELS

    label = STANCE_LABELS["unclear"][1]
    assert label.startswith("unclear")
    assert "did not read" in label

"""Onboarding walk 15 (docs/onboarding-walk.md): community health workers
supporting people with high blood pressure in a migrant community, coded in
QualCoder (its REFI-QDA export: code names unique in the project, so stance
sub-codes carry their theme's name; cases holding the clients' whole files only,
staff passages given their case by a `Case` code; one selection per coding) and
a survey from an online form tool (an XLSX response sheet: question texts as
headers, a Timestamp column, study ids typed by the participants). What the walk
found in `triangulate init` and the survey reader."""

from __future__ import annotations

import datetime as dt
import hashlib
import tomllib
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import openpyxl
import pytest

from flows.init import init_study
from flows.init_direction import direction_of, stance_part
from flows.readers.common import Rejects
from flows.readers.surveys import read_survey_table
from flows.study import InputSpec


def _guid(*parts: str) -> str:
    h = hashlib.sha1("|".join(parts).encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


# QualCoder: categories are not codable, codes are; a code name is unique in a project
CODEBOOK = {
    "Activities": {"CHW home visits": ["Home visits delivered", "Home visits not delivered"]},
    "Outcomes": {
        "Salt": ["Less salt", "Same salt", "More salt"],
        "Home blood pressure": ["BP lower", "BP same", "BP higher"],
        "Medicines taken": ["Medicines more regular", "Medicines less regular"],
    },
    "Case": {"": ["C01", "C02", "C03"]},
}
# source name -> (Role, Language, [(passage, codes)])
SOURCES = {
    "C01 client interview.docx": ("Client", "English", [
        ("Amina comes to my flat every two weeks.", ["Home visits delivered"]),
        ("I cook without the stock cubes now, much less salt.", ["Less salt"]),
    ]),
    "C02 client interview.docx": ("Client", "English", [
        ("My machine says 128 over 82 now.", ["BP lower"]),
    ]),
    "C03 klientinterview.docx": ("Client", "Danish", [
        ("Jeg tager mine piller hver dag nu.", ["Medicines more regular"]),
    ]),
    "CHW1 community health worker interview.docx": ("Community health worker", "English", [
        ("With her we did fortnightly home visits all year.", ["Home visits delivered", "C01"]),
        ("His readings came right down.", ["BP lower", "C02"]),
    ]),
    "PN1 practice nurse interview.docx": ("Practice nurse", "English", [
        ("He still adds salt to everything.", ["Same salt", "C03"]),
    ]),
}  # fmt: skip


def qualcoder_project(path: Path) -> Path:
    """Laid out as QualCoder 3.6 exports: project.qde without a byte-order mark,
    a lowercase `sources/` folder, BOM texts with LF ends, code-point positions,
    one PlainTextSelection per coding (two codes on a passage: two selections),
    text variables Role and Language, cases holding whole files only."""
    user, codes, book = _guid("user"), {}, []
    for folder, themes in CODEBOOK.items():
        book.append(f'<Code guid="{_guid(folder)}" name="{folder}" isCodable="false">')
        for theme, subs in themes.items():
            if theme:
                book.append(f'<Code guid="{_guid(theme)}" name="{theme}" isCodable="false">')
            for sub in subs:
                codes[sub] = _guid("code", sub)
                book.append(f'<Code guid="{codes[sub]}" name="{sub}" isCodable="true" />')
            book.append("</Code>" if theme else "")
        book.append("</Code>")
    var = {n: _guid("var", n) for n in ("Role", "Language")}
    files, sources, keys = {}, [], {}
    for name, (role, language, passages) in SOURCES.items():
        keys[name] = key = _guid("source", name)
        text, selections = "", []
        for n, (passage, coded) in enumerate(passages):
            text += f"Interviewer: Can you tell me more?\n{name.split()[0]}: "
            start, text = len(text), text + passage
            selections += [
                f'<PlainTextSelection guid="{_guid(name, str(n), c)}" startPosition="{start}" '
                f'endPosition="{len(text)}" name={quoteattr(passage)} creatingUser="{user}">'
                f'<Coding guid="{_guid("coding", name, str(n), c)}" creatingUser="{user}">'
                f'<CodeRef targetGUID="{codes[c]}" /></Coding></PlainTextSelection>'
                for c in coded
            ]
            text += "\n\n"
        files[f"sources/{key}.txt"] = ("\ufeff" + text).encode("utf-8")
        sources.append(
            f'<TextSource richTextPath="internal://{key}.docx" plainTextPath="internal://{key}.txt" '
            f'creatingUser="{user}" guid="{key}" name={quoteattr(name)}>'
            + "".join(selections)
            + "".join(
                f'<VariableValue><VariableRef targetGUID="{var[k]}" />'
                f"<TextValue>{escape(v)}</TextValue></VariableValue>"
                for k, v in (("Role", role), ("Language", language))
            )
            + "</TextSource>"
        )
    cases = "".join(
        f'<Case guid="{_guid("case", c)}" name="{c}"><Description />'
        + "".join(f'<SourceRef targetGUID="{keys[s]}"/>' for s in SOURCES if s.startswith(c))
        + "</Case>"
        for c in ("C01", "C02", "C03")
    )
    qde = (
        '<?xml version="1.0" encoding="utf-8"?>\n<Project name="BP Champions.qda" '
        f'origin="QualCoder 3.6" xmlns="urn:QDA-XML:project:1.0"><Users><User guid="{user}" '
        f'name="researcher" /></Users><CodeBook><Codes>{"".join(book)}</Codes></CodeBook>'
        "<Variables>"
        + "".join(
            f'<Variable guid="{g}" name="{n}" typeOfVariable="Text" />' for n, g in var.items()
        )
        + f"</Variables><Cases>{cases}</Cases><Sources>{''.join(sources)}</Sources></Project>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr("sources/", b"")
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def form_sheet(path: Path) -> Path:
    """A Google Forms response sheet: Timestamp, e-mail, question texts, ids typed
    by hand ("c02"), answers as numbers where the form asked for one."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Form responses 1"
    sheet.append(["Timestamp", "Email address", "Study ID (on your card)", "wave",
                  "Systolic blood pressure at home (mmHg)", "How old are you?"])  # fmt: skip
    for i, (sid, wave, bp) in enumerate(
        [("C01", "baseline", 156), ("c02", "baseline", 148), ("C03", "baseline", 162),
         ("C01", "followup", 128), ("C02", "followup", 146), ("C03", "followup", 160)]
    ):  # fmt: skip
        when = dt.datetime(2026, 3, 2, 10, 14) + dt.timedelta(days=i)
        age = 50 + i if wave == "baseline" else None  # asked once
        sheet.append([when, f"p{i}@example.org", sid, wave, bp, age])
    book.save(path)
    return path


@pytest.fixture(scope="module")
def drafted(tmp_path_factory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("walk15")
    init_study(
        folder / "bp",
        qdpx=qualcoder_project(folder / "BP Champions.qdpx"),
        survey=form_sheet(folder / "BP Champions (Responses).xlsx"),
    )
    text = (folder / "bp" / "study.toml").read_text(encoding="utf-8")
    return folder / "bp", tomllib.loads(text)


@pytest.mark.parametrize(
    ("name", "theme", "part"),
    [
        ("Less salt", "Salt", "Less"),
        ("BP lower", "Home blood pressure", "lower"),
        ("Home visits delivered", "CHW home visits", "delivered"),
        ("Home visits not delivered", "CHW home visits", "not delivered"),
        ("Medicines more regular", "Medicines taken", "more regular"),
        ("Delivered", "CHW home visits", "Delivered"),  # nothing of the theme's: as it is
        ("Salt", "Salt", "Salt"),  # nothing left: as it is
    ],
)
def test_a_stance_sub_code_is_read_without_its_theme_s_words(name, theme, part):
    assert stance_part(name, theme) == part


def test_a_direction_and_the_word_it_qualifies_reads_as_the_direction():
    assert direction_of("more regular") == "higher"
    assert direction_of("Less") == "lower"
    assert direction_of("more or less") is None


def test_qualcoder_stance_sub_codes_named_with_their_theme_are_read_as_stances(drafted):
    # walk 15: no stance sub-code was read and nothing said so; every coded stance
    # would have been machine-read instead
    _, study = drafted
    themes = {t["id"]: t for t in study["themes"]}
    assert themes["salt"]["better"] == "lower"  # less salt is better
    assert themes["salt"]["stance_labels"] == {"Less salt": "improved", "More salt": "worsened"}
    assert themes["home_blood_pressure"]["stance_labels"] == {
        "BP higher": "worsened",
        "BP lower": "improved",
    }
    assert themes["medicines_taken"]["stance_labels"] == {
        "Medicines less regular": "worsened",
        "Medicines more regular": "improved",
    }
    assert study["stance_labels"]["intervention"] == {
        "Home visits delivered": "present",
        "Home visits not delivered": "absent",
    }
    assert study["stance_labels"]["outcome"] == {"BP same": "no_change", "Same salt": "no_change"}
    assert themes["salt"]["codes"] == ["Outcomes/Salt"]


def test_a_case_code_folder_beside_whole_file_cases_says_the_staff_s_cases(drafted):
    # walk 15: QualCoder exports only cases holding whole files (the clients'); the
    # staff's passages name their case by a code under Case, which init left unmapped
    folder, study = drafted
    assert study["qda"]["case"] == {"from": "code_folder", "folder": "Case"}
    roster = (folder / "roster.csv").read_text(encoding="utf-8").splitlines()
    assert "CHW1,community_health_worker,C01;C02,,,active" in roster
    assert "PN1,practice_nurse,C03,,,active" in roster
    assert "C02,client,C02,,,active" in roster
    assert "# check: codes mapped to no theme" not in (folder / "study.toml").read_text("utf-8")


def test_study_ids_typed_by_participants_are_paired_with_their_case(drafted):
    # walk 15: "c02" made init pair every record by sort order (C03 -> C02...)
    folder, study = drafted
    assert study["survey"]["case_ids"] == {"c02": "C02"}
    text = (folder / "study.toml").read_text(encoding="utf-8")
    assert '"c02" typed otherwise than the case id' in text
    assert "PAIRED BY SORT ORDER" not in text


def test_a_form_tool_s_timestamp_is_neither_an_answer_nor_context(drafted, tmp_path):
    _, study = drafted
    ids = [v["id"] for v in study.get("context_variables", [])]
    assert "timestamp" not in ids and "how_old_are_you" in ids
    assert "Timestamp" not in study["survey"].get("ignore_columns", [])
    table = read_survey_table(
        form_sheet(tmp_path / "r.xlsx"), InputSpec(path="r.xlsx", format="native"), Rejects()
    )
    assert table.system_columns == {"Timestamp"}


def test_an_item_on_medicines_taken_goes_to_the_theme_medicines_taken():
    # walk 15: the theme's id (`medicines_taken`) was read as two more words of its
    # own, so "Days in the last 7 with all blood pressure medicines taken" shared 2 of
    # 4 with it and 2 of 3 with "Home blood pressure", and went there
    from flows.init import _domain
    from flows.init_qda import DraftTheme

    outcomes = [
        DraftTheme("home_blood_pressure", "Home blood pressure", "outcome", [], 0, False),
        DraftTheme("medicines_taken", "Medicines taken", "outcome", [], 0, False),
    ]
    label = "Days in the last 7 with all blood pressure medicines taken"
    assert _domain(label, outcomes) == ("medicines_taken", True)
    assert _domain("Home systolic blood pressure (mmHg)", outcomes)[0] == "home_blood_pressure"


def test_a_passage_qualcoder_wrote_as_a_selection_per_coding_has_all_its_codes(tmp_path):
    # walk 15: QualCoder writes the passage coded "BP lower" and "Case/C02" as two
    # selections with the same positions; the theme's coding did not see its case
    # code, and every staff passage was listed "no case assigned to this selection"
    from flows.init_qda import read_project
    from flows.readers.qda import coding_cases
    from flows.study import Locator

    project, _ = read_project(qualcoder_project(tmp_path / "p.qdpx"), "refi-qda")
    staff = [c for c in project.codings if project.sources[c.source_key].name.startswith("CHW1")]
    themed = {c.code: c for c in staff if not c.code.startswith("Case/")}
    locator = Locator.model_validate({"from": "code_folder", "folder": "Case"})
    source = project.sources[staff[0].source_key]
    assert coding_cases(locator, themed["Outcomes/Home blood pressure/BP lower"], source, "/") == [
        "C02"
    ]
    assert coding_cases(
        locator, themed["Activities/CHW home visits/Home visits delivered"], source, "/"
    ) == ["C01"]
    # a client's passage has no case code: its source's (none here: its one roster case)
    client = next(c for c in project.codings if c.code == "Outcomes/Salt/Less salt")
    assert coding_cases(locator, client, project.sources[client.source_key], "/") == []


def test_the_provenance_names_every_lexicon_that_read_the_interviews():
    # walk 14 left: a study in English with Danish interviews named the English
    # lexicon only in the dossiers' provenance line
    from types import SimpleNamespace

    import pandas as pd

    from flows.stage_render import read_languages

    def ingested(languages: list[str]) -> SimpleNamespace:
        study = SimpleNamespace(study=SimpleNamespace(tool_language="en"))
        return SimpleNamespace(
            study=SimpleNamespace(definition=study),
            data=SimpleNamespace(interviews=pd.DataFrame({"language": languages})),
        )

    assert read_languages(ingested(["en", "da", "en", "es"])) == ["en", "da"]
    assert read_languages(ingested(["en"])) == ["en"]  # one language: as before

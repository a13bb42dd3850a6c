"""Onboarding walk 14 (docs/onboarding-walk.md): social prescribing link workers
for lonely older adults with long-term conditions in three GP practices (one a
Danish-speaking sister site), coded in NVivo (its REFI-QDA export: file
attributes Role, Language and Practice, case classification, staff passages
coded at cases, one client's GP never interviewed) and an SPSS .sav (value
labels, -99 / 999 user-missing codes). What the walk found in `triangulate
init`, the SPSS reader and the deployment's run names."""

from __future__ import annotations

import hashlib
import math
import tomllib
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pandas as pd
import pytest

from flows import stages
from flows.init import _dialect_note, _domain, init_study
from flows.init_qda import DraftTheme, QdaDraft
from flows.readers.missing_labels import is_missing_label
from flows.readers.surveys import read_number


def _guid(*parts: str) -> str:
    h = hashlib.sha1("|".join(parts).encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


LON, GPA, LWS = (
    "Outcomes\\Loneliness",
    "Outcomes\\GP appointments",
    "Activities\\Link worker sessions",
)
CODES = {LON: ["Less", "Same", "More"], GPA: ["Fewer", "Same", "More"], LWS: ["Delivered"]}
# source name -> (Role, Language, [(passage, codes, cases the passage is coded at)])
SOURCES = {
    "C01 client interview": ("Client", "English", [
        ("I don't feel lonely the way I did, I've got people to talk to.", [LON + "\\Less"], []),
    ]),
    "C05 klientinterview": ("Client", "Danish", [
        ("Jeg føler mig ikke så ensom mere 🙂 jeg har nogen at snakke med.", [LON + "\\Less"], []),
    ]),
    "LW1 link worker interview": ("Link worker", "English", [
        ("With her we had six sessions at home.", [LWS + "\\Delivered"], ["C01"]),
        ("She's much less isolated now.", [LON + "\\Less"], ["C01"]),
    ]),
    "PM1 practice manager interview": ("Practice manager", "English", [
        ("The frequent attenders call less since the scheme began.", [GPA + "\\Fewer"], []),
        ("Her appointments have dropped right off.", [GPA + "\\Fewer"], ["C01"]),
    ]),
    "GP1 GP interview": ("GP / practice nurse", "English", [
        ("I see her far less now.", [GPA + "\\Fewer"], ["C01"]),
    ]),
}  # fmt: skip


def _units(text: str) -> int:
    return sum(2 if ord(c) > 0xFFFF else 1 for c in text)


def nvivo_project(path: Path) -> Path:
    """Laid out as NVivo 14 (Windows) exports: users, BOM and CRLF texts with a
    .docx twin, UTF-16 positions, empty selection names, file attributes (Role,
    Language) as source variables, cases holding the clients' files and staff
    passages coded at a case."""
    guid, book = {}, ["<CodeBook><Codes>"]
    for top in dict.fromkeys(c.split("\\")[0] for c in CODES):
        book.append(f'<Code guid="{_guid(top)}" name={quoteattr(top)} isCodable="true">')
        for theme, subs in CODES.items():
            if theme.startswith(top + "\\"):
                guid[theme] = _guid(theme)
                name = quoteattr(theme.split("\\")[1])
                book.append(f'<Code guid="{guid[theme]}" name={name} isCodable="true">')
                for sub in subs:
                    guid[f"{theme}\\{sub}"] = g = _guid(theme, sub)
                    book.append(f'<Code guid="{g}" name="{sub}" isCodable="true" />')
                book.append("</Code>")
        book.append("</Code>")
    book.append("</Codes></CodeBook>")
    variables = {n: _guid("var", n) for n in ("Role", "Language")}
    user = _guid("user")

    def value(name: str, text: str) -> str:
        return (
            f'<VariableValue><VariableRef targetGUID="{variables[name]}" />'
            f"<TextValue>{escape(text)}</TextValue></VariableValue>"
        )

    files, sources, held = {}, [], {"C01": [], "C05": []}
    for name, (role, language, passages) in SOURCES.items():
        key, person = _guid("source", name), name.split()[0]
        text, xml = f"{name}\r\n\r\n", []
        for n, (passage, codes, cases) in enumerate(passages):
            text += f"Interviewer: Can you tell me more?\r\n{person}: "
            start = _units(text)
            text += passage
            sel = _guid("sel", name, str(n))
            xml.append(
                f'<PlainTextSelection guid="{sel}" name="" startPosition="{start}" '
                f'endPosition="{_units(text)}" creatingUser="{user}"><Description />'
            )
            targets = [guid[c] for c in codes] + [_guid("case", c) for c in cases]
            xml += [
                f'<Coding guid="{_guid(sel, t)}" creatingUser="{user}">'
                f'<CodeRef targetGUID="{t}" /></Coding>'
                for t in targets
            ]
            xml.append("</PlainTextSelection>")
            text += "\r\n\r\n"
        files[f"Sources/{key}.txt"] = b"\xef\xbb\xbf" + text.encode("utf-8")
        files[f"Sources/{key}.docx"] = b"PK\x03\x04"
        held.setdefault(person, []).append(key)
        sources.append(
            f'<TextSource guid="{key}" name={quoteattr(name)} richTextPath="internal://{key}.docx" '
            f'plainTextPath="internal://{key}.txt" creatingUser="{user}"><Description />'
            + "".join(xml)
            + value("Role", role)
            + value("Language", language)
            + "</TextSource>"
        )
    cases = "".join(
        f'<Case guid="{_guid("case", c)}" name="{c}"><Description />'
        + "".join(f'<SourceRef targetGUID="{k}" />' for k in held[c])
        + "</Case>"
        for c in ("C01", "C05")
    )
    qde = (
        '<?xml version="1.0" encoding="utf-8"?>\r\n<Project xmlns="urn:QDA-XML:project:1.0" '
        'name="Connecting Lives" origin="NVivo 14 (Windows) 14.24.1">'
        f'<Users><User guid="{user}" name="AB" /></Users>'
        + "".join(book)
        + "<Variables>"
        + "".join(
            f'<Variable guid="{g}" name="{n}" typeOfVariable="Text" />'
            for n, g in variables.items()
        )
        + f"</Variables><Cases>{cases}</Cases><Sources>{''.join(sources)}</Sources></Project>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Connecting Lives.qde", "\ufeff" + qde)
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def spss_survey(path: Path, *, declared: bool) -> Path:
    """Long SPSS file: -99 "Missing" and 999 "Not applicable" labelled on every
    item, declared as SPSS missing values or (as often) not."""
    import pyreadstat

    rows = []
    for case, (u0, u1, g0, g1, age) in {
        "C01": (8, 5, 6, 3, 78),
        "C05": (7, -99, 999, 4, 68),
    }.items():
        rows.append({"ID": case, "wave": 1.0, "ucla3": u0, "gp_appts_3m": g0, "age": age})
        rows.append({"ID": case, "wave": 2.0, "ucla3": u1, "gp_appts_3m": g1, "age": age})
    frame = pd.DataFrame(rows).astype({"ucla3": float, "gp_appts_3m": float, "age": float})
    missing = {-99.0: "Missing", 999.0: "Not applicable"}
    pyreadstat.write_sav(
        frame,
        path,
        column_labels={
            "ID": "Client study ID",
            "wave": "Time point",
            "ucla3": "UCLA Loneliness Scale (3-item) total score",
            "gp_appts_3m": "Number of GP appointments in the last 3 months",
            "age": "Age at baseline (years)",
        },
        variable_value_labels={
            "wave": {1.0: "Baseline", 2.0: "6-month follow-up"},
            "ucla3": missing,
            "gp_appts_3m": missing,
        },
        missing_ranges={c: [-99.0, 999.0] for c in ("ucla3", "gp_appts_3m")} if declared else None,
    )
    return path


def drafted(folder: Path, *, declared: bool) -> tuple[Path, dict, str]:
    init_study(
        folder / "connecting",
        qdpx=nvivo_project(folder / "Connecting Lives.qdpx"),
        survey=spss_survey(folder / "survey.sav", declared=declared),
    )
    text = (folder / "connecting" / "study.toml").read_text(encoding="utf-8")
    return folder / "connecting", tomllib.loads(text), text


def _named(folder: Path) -> None:
    roster = (folder / "roster.csv").read_text(encoding="utf-8")
    (folder / "roster.csv").write_text(
        roster.replace("C01,client,C01,,,", "C01,client,C01,Margaret Ellis,Mrs Ellis,"), "utf-8"
    )


# ---------------------------------------------------------------- SPSS missing codes


def test_missing_labels():
    for label in ("Missing", "Not applicable", "Don't know", "N/A", "Refused", "Ved ikke",
                  "Ikke besvaret", "Mangler", "Vet ikke", "System missing", "No answer"):  # fmt: skip
        assert is_missing_label(label), label
    for label in ("Yes", "No", "None", "Never", "Nausea", "Not at all", "Baseline", ""):
        assert not is_missing_label(label), label


def test_a_labelled_missing_code_is_no_number():
    labels = {"-99": "Missing", "999": "Not applicable", "1": "Yes"}
    value, problem = read_number("-99", labels, set())
    assert math.isnan(value) and problem.startswith("value -99 is labelled 'Missing'")
    assert "[survey] missing_codes" in problem
    assert read_number("-99", labels, {"-99"})[1] is None  # declared: silently missing
    assert read_number("1", labels, set()) == (1.0, None)
    assert read_number("-99", {}, set()) == (-99.0, None)  # no label: a number (a change)


def test_undeclared_missing_codes_are_drafted_and_kept_out_of_the_mcid(tmp_path):
    folder, study, text = drafted(tmp_path, declared=False)
    assert study["survey"]["missing_codes"] == ["-99", "999"]
    assert 'labelled "Missing", "Not applicable" in the file but not declared' in text
    mcid = {i["id"]: i["mcid"] for i in study["survey_items"]}
    assert mcid["gp_appts_3m"] < 10  # was 498.5: half the SD of 6 and 999
    _named(folder)
    data = stages.ingest(folder).data
    c05 = data.survey[data.survey.case_id == "C05"]
    assert c05.value.isna().sum() == 2  # UCLA at follow-up, GP appointments at baseline
    assert not any("missing-value code" in r for r in data.rejects.reason)
    # without the drafted line: read as missing and listed, naming the key to set
    path = folder / "study.toml"
    path.write_text(text.replace('missing_codes = ["-99", "999"]', ""), "utf-8")
    data = stages.ingest(folder).data
    listed = [r for r in data.rejects.reason if "missing-value code" in r]
    assert len(listed) == 2 and all("[survey] missing_codes" in r for r in listed)
    assert data.survey[data.survey.case_id == "C05"].value.isna().sum() == 2


def test_declared_missing_values_need_no_missing_codes(tmp_path):
    _, study, _ = drafted(tmp_path, declared=True)
    assert "missing_codes" not in study["survey"]


# ---------------------------------------------------------------- where a passage is


def test_a_passage_about_no_case_is_found_by_interview_paragraph_and_code(tmp_path):
    """NVivo shows no selection GUID: the reject says whose interview, which
    paragraph and which code (the practice manager on the scheme as a whole)."""
    folder, study, _ = drafted(tmp_path, declared=True)
    assert study["qda"]["language_variable"] == "Language"
    _named(folder)
    data = stages.ingest(folder).data
    (reason,) = [r for r in data.rejects.reason if "no case assigned" in r]
    assert reason.endswith(
        "; in PM1's interview, paragraph 3, coded Outcomes/GP appointments/Fewer"
    ), reason


def _outcomes(*labels: str) -> list[DraftTheme]:
    return [
        DraftTheme(label.lower().replace(" ", "_"), label, "outcome", [], 1, False)
        for label in labels
    ]


@pytest.mark.parametrize(
    ("label", "theme"),
    [
        # walk 13's left item: 2 words shared with each; adherence is named in full
        ("Days in the past 7 with all blood pressure medicines taken", "medication_adherence"),
        ("Missed any of your medicines this week", "medication_adherence"),
        ("Medication adherence (MARS-5)", "medication_adherence"),
        ("Took your tablets as prescribed", "medication_adherence"),
        ("Systolic blood pressure", "blood_pressure_control"),
        ("Blood pressure control at follow-up", "blood_pressure_control"),
    ],
)
def test_an_item_on_medicines_taken_measures_adherence(label, theme):
    outcomes = _outcomes("Blood pressure control", "Medication adherence")
    assert _domain(label, outcomes) == (theme, True)


def test_walk_14_items_find_their_own_themes():
    outcomes = _outcomes("Loneliness", "Wellbeing", "GP appointments", "Getting out of the house")
    for label, theme in {
        "UCLA Loneliness Scale (3-item) total score": "loneliness",
        "Warwick-Edinburgh Mental Wellbeing Scale (WEMWBS) total": "wellbeing",
        "Number of GP appointments in the last 3 months": "gp_appointments",
        "Days out of the house in a usual week": "getting_out_of_the_house",
    }.items():
        assert _domain(label, outcomes) == (theme, True), label


def test_the_dialect_comment_of_a_segment_export_says_it_is_not_used(tmp_path):
    segments = QdaDraft(tmp_path / "q.xlsx", "atlasti")
    assert _dialect_note(segments) == (  # walk 13: "detected: (no positions)"
        "not used: the export gives each passage's text, not character positions"
    )
    project = QdaDraft(tmp_path / "p.qdpx", "refi-qda", scheme_evidence="detected utf-16; ...")
    assert _dialect_note(project) == "positions: detected utf-16; ..."  # was "detected: detected"
    assert _dialect_note(QdaDraft(tmp_path / "p.qdpx", "refi-qda")).endswith(
        "no selections to detect them from"
    )


# ---------------------------------------------------------------- make serve after make ui-stop


def test_serve_says_in_a_sentence_that_the_server_went_away(monkeypatch, demo_dir):
    """`make ui-stop` before Ctrl-C on `make serve`: Prefect could not pause the
    deployment and `serve` ended in a page of traceback (walk 14)."""
    import httpx
    from typer.testing import CliRunner

    from flows.cli import app
    from flows.orchestration import deployment, settings

    def gone(choices):
        raise httpx.ConnectError("All connection attempts failed")

    monkeypatch.setattr(settings, "server_is_up", lambda url, timeout: True)
    monkeypatch.setattr(deployment, "serve_deployment", gone)
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4399/api")
    result = CliRunner().invoke(app, ["serve", str(demo_dir)], env={"COLUMNS": "200"})
    assert result.exit_code == 1
    assert "stop it before `make ui-stop`" in result.output
    assert "the Prefect server no longer answers" in result.output
    assert "Traceback" not in result.output and result.exception.__class__.__name__ == "SystemExit"

"""Onboarding walk 11 (docs/onboarding-walk.md): a Norwegian peer-support study for
mothers with postnatal depression, coded in NVivo (its REFI-QDA export: case
classification attributes, file attributes `Informant` and `Språk` = Norsk /
Engelsk, passages coded at cases, codebook folders Aktiviteter, Mekanismer,
Kontekst, Utfall with Norwegian stance sub-codes) and an SPSS .sav (variable
and value labels, a user-missing code, the waves in a column `tidspunkt`).
What the walk found in `triangulate init`, the readers and the stance reader's
handling of a language it does not read (decision 0330)."""

from __future__ import annotations

import hashlib
import tomllib
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pandas as pd
import pytest
from tests_support import annotated, synth_study  # noqa: F401 - the module's study

from flows import stages
from flows.init import init_study
from flows.init_direction import better_of, direction_stance
from flows.init_qda import _component, guess_stance
from flows.init_roles import role_label
from flows.init_survey import draft_survey, slug
from flows.language_notes import guess_language, language_notes
from flows.study import load_study
from flows.study.languages import has_reader, language_code, tool_language


def _guid(*parts: str) -> str:
    h = hashlib.sha1("|".join(parts).encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


CODES = {
    "Aktiviteter/Hjemmebesøk fra støttemor": ["Gitt", "Ikke gitt"],
    "Mekanismer/Å bli forstått": ["Til stede", "Ikke til stede"],
    "Kontekst/Støtte fra partner": ["Fremmer", "Hemmer"],
    "Utfall/Depressive symptomer": ["Mindre", "Uendret", "Mer"],
    "Utfall/Søvn": ["Bedre", "Uendret", "Verre"],
}
H, D, SV = "Aktiviteter/Hjemmebesøk fra støttemor", "Utfall/Depressive symptomer", "Utfall/Søvn"
# source name -> (Informant, Språk, [(passage, codes, cases it is coded at)])
SOURCES = {
    "M01 intervju mor": (
        "Mor",
        "Norsk",
        [
            ("Kari kom hjem til meg hver tirsdag, og det var nok.", [H + "/Gitt"], []),
            ("Jeg gråter ikke hver dag lenger, jeg er mye lettere nå.", [D + "/Mindre"], []),
            ("Jeg sover bedre nå, selv om hun fortsatt våkner om natta.", [SV], []),
        ],
    ),
    "M02 interview mother": (
        "Mor",
        "Engelsk",
        [
            ("Thank you 🙏 she visited me at home every week.", [H + "/Gitt"], []),
            ("I sleep five or six hours now, before it was maybe three.", [SV + "/Bedre"], []),
        ],
    ),
    "V01 intervju støttemor": (
        "Støttemor",
        "Norsk",
        [
            ("Vi hadde faste besøk hver tirsdag, og hun ble lettere.", [D + "/Mindre"], ["M01"]),
            ("Med henne ble det bare tre besøk før jeg ble sykmeldt.", [H], ["M02"]),
        ],
    ),
    "H1 intervju helsesykepleier": (
        "Helsesykepleier",
        "Norsk",
        [
            ("Hun sier selv at hun sover bedre nå enn før.", [SV + "/Bedre"], ["M01"]),
            ("Hun er dessverre dårligere nå enn ved kontrollen.", [D], ["M02"]),
        ],
    ),
}


def _units(text: str) -> int:
    return sum(2 if ord(c) > 0xFFFF else 1 for c in text)


def nvivo_project(path: Path) -> Path:
    """A project laid out as NVivo 14 exports it: BOM and CRLF texts, UTF-16
    positions, empty selection names, file attributes as source variables,
    cases holding the mothers' files (SourceRef) and staff passages coded at a
    case (a Coding whose target is the case)."""
    code_guid = {}
    book = ["<CodeBook><Codes>"]
    for top in dict.fromkeys(c.split("/")[0] for c in CODES):
        code_guid[top] = _guid("code", top)
        book.append(f'<Code guid="{code_guid[top]}" name={quoteattr(top)} isCodable="true">')
        for theme, subs in CODES.items():
            if not theme.startswith(top + "/"):
                continue
            code_guid[theme] = _guid("code", theme)
            name = theme.split("/")[1]
            book.append(f'<Code guid="{code_guid[theme]}" name={quoteattr(name)} isCodable="true">')
            for sub in subs:
                code_guid[f"{theme}/{sub}"] = _guid("code", theme, sub)
                book.append(
                    f'<Code guid="{code_guid[f"{theme}/{sub}"]}" name={quoteattr(sub)} '
                    'isCodable="true" />'
                )
            book.append("</Code>")
        book.append("</Code>")
    book.append("</Codes></CodeBook>")
    variables = {n: _guid("var", n) for n in ("Informant", "Språk", "Kommune")}

    def value(name: str, text: str) -> str:
        return (
            f'<VariableValue><VariableRef targetGUID="{variables[name]}" />'
            f"<TextValue>{escape(text)}</TextValue></VariableValue>"
        )

    files, sources, held = {}, [], {"M01": [], "M02": []}
    for name, (informant, language, passages) in SOURCES.items():
        key, person = _guid("source", name), name.split()[0]
        text, selections = f"{person}\r\n\r\n", []
        for n, (passage, codes, cases) in enumerate(passages):
            text += "I: Kan du fortelle?\r\n"
            start = _units(text)
            text += passage
            selections.append((_guid("sel", name, str(n)), start, _units(text), codes, cases))
            text += "\r\n\r\n"
        files[f"Sources/{key}.txt"] = b"\xef\xbb\xbf" + text.encode("utf-8")
        if person in held:
            held[person].append(key)
        xml = [
            f'<TextSource guid="{key}" name={quoteattr(name)} plainTextPath="internal://{key}.txt">'
        ]
        for sel, start, end, codes, cases in selections:
            xml.append(
                f'<PlainTextSelection guid="{sel}" name="" startPosition="{start}" '
                f'endPosition="{end}">'
            )
            targets = [code_guid[c] for c in codes] + [_guid("case", c) for c in cases]
            xml += [
                f'<Coding guid="{_guid("coding", sel, t)}"><CodeRef targetGUID="{t}" /></Coding>'
                for t in targets
            ]
            xml.append("</PlainTextSelection>")
        xml += [value("Informant", informant), value("Språk", language), "</TextSource>"]
        sources.append("".join(xml))
    cases = [
        f'<Case guid="{_guid("case", case)}" name="{case}">{value("Kommune", "Bodø")}'
        + "".join(f'<SourceRef targetGUID="{k}" />' for k in keys)
        + "</Case>"
        for case, keys in held.items()
    ]
    qde = (
        '<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" '
        'name="Sammen" origin="NVivo 14 (Windows) 14.24.1">'
        + "".join(book)
        + "<Variables>"
        + "".join(
            f'<Variable guid="{g}" name={quoteattr(n)} typeOfVariable="Text" />'
            for n, g in variables.items()
        )
        + "</Variables><Cases>"
        + "".join(cases)
        + "</Cases><Sources>"
        + "".join(sources)
        + "</Sources></Project>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", "\ufeff" + qde)
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def spss_survey(path: Path, wave_column: str = "tidspunkt") -> Path:
    """Long SPSS file: variable and value labels, 99 user-missing, age asked
    at both waves (the same answer)."""
    import pyreadstat

    rows = []
    for case, (e0, e1, s0, s1, age) in {
        "M01": (16, 8, 4.5, 6.0, 29),
        "M02": (15, 14, 5.0, 99, 34),
        "M03": (17, 20, 5.0, 4.0, 26),
    }.items():
        rows.append({"mor_id": case, wave_column: 1.0, "epds": e0, "sovn": s0, "alder": age})
        rows.append({"mor_id": case, wave_column: 2.0, "epds": e1, "sovn": s1, "alder": age})
    frame = pd.DataFrame(rows).astype({"epds": float, "sovn": float, "alder": float})
    pyreadstat.write_sav(
        frame,
        path,
        column_labels={
            "mor_id": "Mors studie-ID",
            wave_column: "Måletidspunkt",
            "epds": "EPDS totalskår (0-30)",
            "sovn": "Søvn per natt (timer)",
            "alder": "Mors alder (år)",
        },
        variable_value_labels={
            wave_column: {1: "Baseline (6 uker etter fødsel)", 2: "Oppfølging (6 måneder)"},
            "sovn": {99: "Ikke besvart"},
        },
        missing_ranges={"sovn": [99]},
    )
    return path


@pytest.fixture(scope="module")
def drafted(tmp_path_factory) -> tuple[Path, dict, str]:
    folder = tmp_path_factory.mktemp("walk11")
    init_study(
        folder / "sammen",
        qdpx=nvivo_project(folder / "Sammen_etter_fodsel.qdpx"),
        survey=spss_survey(folder / "sammen_survey.sav"),
    )
    text = (folder / "sammen" / "study.toml").read_text(encoding="utf-8")
    return folder / "sammen", tomllib.loads(text), text


# ---------------------------------------------------------------- init


def test_norwegian_codebook_folders_give_components_and_stances(drafted):
    _, study, _ = drafted
    themes = {t["id"]: t for t in study["themes"]}
    assert themes["hjemmebesok_fra_stottemor"]["components"] == ["intervention"]
    assert themes["hjemmebesok_fra_stottemor"]["activity"] is True
    assert themes["a_bli_forstatt"]["components"] == ["mechanism"]
    assert themes["stotte_fra_partner"]["components"] == ["context"]
    assert themes["depressive_symptomer"]["better"] == "lower"
    assert themes["depressive_symptomer"]["stance_labels"] == {
        "Mer": "worsened",
        "Mindre": "improved",
    }
    assert themes["sovn"]["better"] == "higher"  # every own outcome theme says it
    labels = study["stance_labels"]
    assert labels["intervention"] == {"Gitt": "present", "Ikke gitt": "absent"}
    assert labels["mechanism"] == {"Til stede": "present", "Ikke til stede": "absent"}
    assert labels["context"] == {"Fremmer": "facilitator", "Hemmer": "barrier"}
    assert labels["outcome"]["Uendret"] == "no_change"


def test_roles_keep_their_letters(drafted):
    _, study, _ = drafted
    roles = {r["id"]: r["label"] for r in study["roles"]}
    assert roles["stottemor"] == "Støttemor"
    assert study["qda"]["role"]["values"]["Støttemor"] == "stottemor"


def test_language_from_the_language_attribute(drafted):
    _, study, text = drafted
    assert study["study"]["language"] == "nb"
    assert study["qda"]["language_variable"] == "Språk"
    assert "3 Norwegian bokmål (nb), 1 English (en)" in text
    assert "reads en and da only" in text


def test_spss_waves_labels_items_and_context(drafted):
    _, study, text = drafted
    survey = study["survey"]
    assert (survey["wave_column"], survey["baseline"], survey["followup"]) == (
        "tidspunkt",
        "1",
        "2",
    )
    assert "1 (Baseline (6 uker etter fødsel)), 2 (Oppfølging (6 måneder))" in text
    items = {i["id"]: i for i in study["survey_items"]}
    assert set(items) == {"epds", "sovn"}  # age, the same at both waves, is context
    assert items["epds"]["label"] == "EPDS totalskår (0-30)"
    assert items["epds"]["better"] == "lower"
    assert items["sovn"]["domain"] == "sovn"  # "Søvn per natt" names the theme Søvn
    context = {v["id"]: v["label"] for v in study["context_variables"]}
    assert context["alder"] == "Mors alder (år)"


def test_a_wave_column_named_otherwise_is_found_by_its_values(tmp_path):
    draft = draft_survey(spss_survey(tmp_path / "s.sav", wave_column="maaletid"))
    assert draft.wave_column == "maaletid" and draft.wave_found
    assert [i.id for i in draft.items] == ["epds", "sovn"]


def test_the_drafted_study_loads_and_reads_each_interview_language(drafted):
    folder, _, _ = drafted
    roster = (folder / "roster.csv").read_text(encoding="utf-8")
    (folder / "roster.csv").write_text(
        roster.replace("M01,mor,M01,,,", "M01,mor,M01,Ingrid Solberg,Ingrid,"), encoding="utf-8"
    )
    ingested = stages.ingest(folder)
    by_interview = ingested.data.excerpts.groupby("person_id")["language"].first().to_dict()
    assert by_interview == {"H1": "nb", "M01": "nb", "M02": "en", "V01": "nb"}
    notes = language_notes(
        zip(
            ingested.data.excerpts["language"],
            ingested.data.excerpts["text"],
            ingested.data.excerpts["coded_stance"],
            strict=True,
        )
    )
    assert len(notes) == 1 and notes[0].startswith("7 excerpts in Norwegian bokmål (nb), 3 of")


# ---------------------------------------------------------------- languages


@pytest.mark.parametrize(
    ("value", "code"),
    [("Norsk", "nb"), ("bokmål", "nb"), ("no", "nb"), ("Engelsk", "en"), ("English", "en"),
     ("dansk", "da"), ("nynorsk", "nn"), ("sv", "sv"), ("Svenska", "sv"), ("klingon", None),
     ("", None)],
)  # fmt: skip
def test_language_codes_and_names(value, code):
    assert language_code(value) == code


def test_only_english_and_danish_are_read():
    assert has_reader("en") and has_reader("da")
    assert not has_reader("nb") and not has_reader("sv")
    assert (tool_language("nb"), tool_language("sv"), tool_language("de")) == ("da", "da", "en")


def test_study_language_takes_a_name_and_refuses_nonsense(tmp_path):
    from flows.errors import TriangulateError

    demo = Path("data/demo/study.toml").read_text(encoding="utf-8")
    assert 'language = "en"' in demo

    def study_in(written: str) -> Path:
        folder = tmp_path / written.replace(" ", "_")
        folder.mkdir()
        for name in Path("data/demo").iterdir():
            if name.is_file():
                (folder / name.name).write_bytes(name.read_bytes())
        (folder / "study.toml").write_text(
            demo.replace('language = "en"', f'language = "{written}"'), "utf-8"
        )
        return folder / "study.toml"

    for written, code, tool in (("Norsk", "nb", "da"), ("en", "en", "en"), ("svenska", "sv", "da")):
        info = load_study(study_in(written)).definition.study
        assert (info.language, info.tool_language) == (code, tool)
    with pytest.raises(TriangulateError, match="no language: give its two-letter code"):
        load_study(study_in("xx yy"))


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Jeg har ringt helsesykepleieren oftere, før turte jeg ikke. Nå går det bedre.", "nb"),
        ("Jeg har ringet til sundhedsplejersken meget oftere, nu går det bedre.", "da"),
        ("I feel much less alone now and I am not crying every day anymore.", "en"),
        ("Jag har inte sovit så mycket, men nu går det bättre.", "sv"),
        ("Okay.", None),
    ],
)
def test_guess_language(text, language):
    assert guess_language(text) == language


def test_notes_on_excerpts_in_another_language_than_declared():
    rows = [("en", "Jeg har det bedre nå, og hun kom hver uke til meg.", None)] * 3
    rows += [("en", "I feel much better now and she came every week.", "improved")]
    (note,) = language_notes(rows)
    assert note.startswith("3 of 4 excerpts of interviews in English (en) read as Norwegian")
    assert "[qda] language_variable" in note
    assert language_notes([("en", "I feel much better now and she is kind.", None)]) == []


# ---------------------------------------------------------------- stance reading


def test_excerpts_in_a_language_without_a_reader_are_unclear(synth_study):  # noqa: F811
    excerpts = synth_study.data.excerpts.head(12).copy()
    excerpts["language"] = ["nb" if i % 2 else "en" for i in range(len(excerpts))]
    out = annotated(synth_study, excerpts)
    english = annotated(synth_study, excerpts.assign(language="en"))
    norwegian = out["language"] == "nb"
    assert (out.loc[norwegian, "suggested_stance"] == "unclear").all()
    assert (out.loc[norwegian, "suggestion_confidence"] == 0.0).all()
    assert all(
        list(cues) == ["not read: no stance reader for Norwegian bokmål (nb)"]
        for cues in out.loc[norwegian, "suggestion_cues"]
    )
    assert (english.loc[norwegian, "suggested_stance"] != "unclear").any()  # read if English
    pd.testing.assert_series_equal(
        out.loc[~norwegian, "suggested_stance"], english.loc[~norwegian, "suggested_stance"]
    )


# ---------------------------------------------------------------- words


def test_scandinavian_words_init_reads():
    assert [_component(n) for n in ("Aktiviteter", "Kontekst", "Mekanismer", "Utfall")] == [
        "intervention",
        "context",
        "mechanism",
        "outcome",
    ]
    assert _component("Aktører") == "actor"
    assert guess_stance("Ikke gitt", "intervention") == "absent"
    assert guess_stance("Verre", "outcome") == "worsened"
    assert guess_stance("Hemmer", "context") == "barrier"
    assert direction_stance("Mer", "lower") == "worsened"
    assert direction_stance("Færre", "lower") == "improved"
    for label in ("EPDS totalskår", "Depresjon", "PHQ-9 sum", "Ensomhet", "Besøk på legevakt"):
        assert better_of(label) == "lower", label
    assert better_of("Søvn per natt") == "higher"
    assert (slug("Støttemor"), slug("Ærlighet"), slug("Førstegangsfødende")) == (
        "stottemor",
        "aerlighet",
        "forstegangsfodende",
    )
    assert role_label("stottemor", "Støttemor") == "Støttemor"
    assert role_label("peer_navigator", "Peer navigators") == "Peer navigator"


def test_the_run_says_where_the_review_sheet_is(tmp_path):
    from flows.cli import review_line

    summary = {"provisional_verdicts": 4, "provisional_cases": 3, "machine_read": 7}
    line = review_line(summary, tmp_path / "out-sammen")
    expected = tmp_path / ".triangulate-private" / "out-sammen" / "review" / "stances.xlsx"
    assert line.startswith("4 provisional verdicts in 3 cases rest on 7 machine readings")
    assert str(expected) in line
    assert review_line({**summary, "provisional_verdicts": 0}, tmp_path) is None

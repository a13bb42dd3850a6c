"""Survey and segment readers and `triangulate init` on real exports made by the tools
themselves (tests/fixtures/real-exports/, see its NOTICE.md): Qualtrics
(current and legacy CSV), REDCap (longitudinal with arms; decimal comma),
SPSS 25 and Stata 13 files with user-defined and extended missing values,
Taguette 1.5 highlights.
The defects they showed (decision 0201): Qualtrics's header rows read as a
respondent, personal-data columns drafted as context, a surname column taken
for waves, a follow-up guessed in another arm."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
from conftest import TINY_STUDY
from tests_support import fresh_dir, replace_once

from flows.errors import InputFileError
from flows.ingest import ingest_study
from flows.init import init_study
from flows.init_survey import draft_survey
from flows.readers.common import Rejects
from flows.readers.surveys import read_number, read_survey_table
from flows.study import InputSpec, load_study

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "tests" / "fixtures" / "real-exports"
QUALTRICS = REAL / "qualtrics-sample-excerpt.csv"
QUALTRICS_LEGACY = REAL / "qualtrics-legacy-excerpt.csv"
REDCAP = REAL / "redcap-longitudinal-excerpt.csv"
REDCAP_DICT = REAL / "redcap-longitudinal-dictionary.csv"
COMMA = REAL / "redcap-decimal-comma-data.csv"
COMMA_DICT = REAL / "redcap-decimal-comma-dictionary.csv"
NVIVO = REAL / "nvivo12-oltas-excerpt.qdpx"
RESPONSE = "R_2YPOQ602ER1jkf1"


def native(path: Path) -> InputSpec:
    return InputSpec(path=path.name, format="native")


@pytest.mark.parametrize(
    ("path", "case", "rows", "line"),
    [(QUALTRICS, "ResponseId", "2-3", "4"), (QUALTRICS_LEGACY, "V1", "2", "3")],
)
def test_qualtrics_header_rows_are_not_respondents(path, case, rows, line):
    rejects = Rejects()
    table = read_survey_table(path, native(path), rejects)
    assert [(number, row[case]) for number, row in table.rows] == [(line, RESPONSE)]
    assert rejects.rows == []
    assert f"read row{'s' if '-' in rows else ''} {rows} as " in table.notes[0]
    assert table.column_labels["Q1"] == "This is a multiple choice question."


def test_qualtrics_export_without_a_wave_is_refused_naming_the_column(make_study, tmp_path):
    toml = replace_once(TINY_STUDY, 'survey = "survey.csv"', 'survey = "qualtrics.csv"')
    toml += '\n[survey]\ncase_column = "ResponseId"\n'
    folder = make_study([], study_toml=toml, base=fresh_dir(tmp_path))
    shutil.copy(QUALTRICS, folder / "qualtrics.csv")
    with pytest.raises(InputFileError, match=r"qualtrics.csv: header: missing column\(s\) wave"):
        ingest_study(load_study(folder))


@pytest.mark.parametrize(
    ("path", "dictionary", "personal"),
    [
        (
            QUALTRICS,
            None,
            {"IPAddress", "RecipientLastName", "RecipientFirstName", "RecipientEmail"}
            | {"LocationLatitude", "LocationLongitude"}
            | {"Q2", "Q2 - Topics"},  # free text (import ids QID2_TEXT...)
        ),
        (QUALTRICS_LEGACY, None, {"V3", "V5", "V6", "LocationLatitude", "LocationLongitude"}),
        (COMMA, COMMA_DICT, {"name"}),
    ],
)
def test_init_never_drafts_personal_columns(path, dictionary, personal):
    draft = draft_survey(path, dictionary)
    assert set(draft.personal) == personal
    drafted = {i.column for i in draft.items} | {v.column for v in draft.variables}
    assert not drafted & personal


def test_init_redcap_identifiers_and_arms(tmp_path):
    """The longitudinal REDCap dictionary flags first_name, last_name, phone,
    e-mail and birth date as identifiers; its events run in two arms, and
    its measures are asked at visits, not at enrollment."""
    data = tmp_path / "export.csv"
    shutil.copy(REDCAP, data)
    rows = data.read_text(encoding="utf-8").splitlines()
    # the excerpt without the identifier columns: put one back, as a full export has it
    data.write_text(
        "\n".join([rows[0] + ",first_name,email,vob7"] + [r + ",x,y,z" for r in rows[1:]]) + "\n",
        encoding="utf-8",
    )
    draft = draft_survey(data, REDCAP_DICT)
    assert draft.personal == ["first_name", "email", "vob7"]  # vob7: free text (notes)
    # the two visits asking the lab and morale forms, not enrollment and the
    # last event of arm 2 (the first and the last event)
    assert (draft.baseline, draft.followup) == ("visit_1_arm_1", "visit_2_arm_1")
    assert [i.column for i in draft.items] == [f"vld{i}" for i in range(1, 6)] + [
        f"pmq{i}" for i in range(1, 5)
    ]
    path = init_study(tmp_path / "draft", qdpx=NVIVO, survey=data, dictionary=REDCAP_DICT)
    text = path.read_text(encoding="utf-8")
    assert 'ignore_columns = ["first_name", "email", "vob7"]  # personal data' in text
    assert 'id = "first_name"' not in text


def test_init_never_takes_a_name_column_for_waves(tmp_path):
    """A classic (not longitudinal) REDCap project has no event column: init
    used to take the second column, the surnames, for the waves."""
    path = init_study(tmp_path / "draft", qdpx=NVIVO, survey=COMMA, dictionary=COMMA_DICT)
    text = path.read_text(encoding="utf-8")
    for surname in ("Valdez", "Rich", "Furtado", "Akbar"):
        assert surname not in text
    assert "# check: no column is named like a wave" in text


def redcap_study(make_study, tmp_path, extra: str = "") -> Path:
    """The tiny study reading the longitudinal REDCap excerpt (visits 1 and 2)."""
    toml = replace_once(
        TINY_STUDY,
        'survey = "survey.csv"',
        'survey = { path = "export.csv", format = "redcap", dictionary = "dictionary.csv" }',
    )
    toml += (
        '\n[survey]\ncase_column = "study_id"\nbaseline = "visit_1_arm_1"\n'
        'followup = "visit_2_arm_1"\ncase_ids = { "100" = "A", "220" = "B" }\n'
        'columns = { walk_min = "vld1", sit_hours = "vld2" }\n'
        'ignore_columns = ["vld3", "vld4", "vld5", "pmq1", "pmq2", "pmq3", "pmq4"]\n'
    ) + extra
    folder = make_study([], study_toml=toml, base=fresh_dir(tmp_path))
    shutil.copy(REDCAP, folder / "export.csv")
    shutil.copy(REDCAP_DICT, folder / "dictionary.csv")
    return folder


def test_redcap_longitudinal_export_loads_or_lists_every_row(make_study, tmp_path):
    data = ingest_study(load_study(redcap_study(make_study, tmp_path)))
    got = {(r.case_id, r.wave, r.item_id): r.value for r in data.survey.itertuples()}
    assert got[("A", "baseline", "walk_min")] == 5.6
    assert got[("A", "followup", "walk_min")] == 0.423  # REDCap writes `.423`
    assert got[("A", "followup", "sit_hours")] == 32
    assert sorted(data.context.itertuples(index=False)) == []  # sex is asked at enrollment
    rejects = data.rejects.to_dict("records")
    rows = [r for r in rejects if r["row"] != "header"]
    assert data.loaded_counts["export.csv"] + len(rows) == data.read_counts["export.csv"] == 18
    assert {r["element"] for r in rows} == {"study_id", "redcap_event_name"}


def test_redcap_decimal_comma_fields_read_as_numbers():
    rejects = Rejects()
    spec = InputSpec(path=COMMA.name, format="redcap", dictionary=COMMA_DICT.name)
    table = read_survey_table(COMMA, spec, rejects, COMMA_DICT)
    assert rejects.rows == []
    assert "height" not in table.not_numeric  # number_comma_decimal is a number
    heights = [read_number(row["height"], {}, set())[0] for _, row in table.rows]
    assert heights == [1.54, 1.84, 1.95, 1.61]


def test_spss_user_missing_ranges_and_stata_extended_missing_stay_missing():
    spec = InputSpec(path="x.sav", format="spss")
    table = read_survey_table(REAL / "spss25-sample-missing.sav", spec, Rejects())
    by_case = {row["mychar"]: row for _, row in table.rows}
    assert by_case["a"]["mynum"] == "1.1" and by_case["a"]["mylabl"] == "1"
    assert by_case["Z"]["mynum"] == by_case["Z"]["mylabl"] == ""  # -1: user-missing
    assert by_case[""]["mynum"] == ""  # 2500: in the user-missing range 2000-3000
    assert table.labels["mylabl"]["2"] == "Female"
    value, problem = read_number("-1", table.labels["mylabl"], set())
    assert value == -1 and problem is None  # only the file's missing values are missing
    spec = InputSpec(path="x.dta", format="stata")
    stata = read_survey_table(REAL / "stata13-missing-test.dta", spec, Rejects())
    (_, row), *_ = stata.rows
    assert [row[f"var{i}"] for i in range(1, 10)] == [""] * 8 + ["1"]
    assert math.isnan(read_number(row["var1"], {}, set())[0])


TAGUETTE = REAL / "taguette-highlights.csv"


def test_taguette_highlights_export_reads_tags_and_highlights():
    """Taguette 1.5's highlights CSV: one row per highlight and tag (the same
    `id` twice for a highlight with two tags), tag paths as written (the
    separator found in the file: `\\` here), CRLF."""
    from flows.readers.segments import read_segments

    study = load_study(ROOT / "data" / "demo").definition
    rejects = Rejects()
    spec = InputSpec(path=TAGUETTE.name, format="taguette")
    project = read_segments(TAGUETTE, spec, study, rejects)
    assert rejects.rows == []
    assert list(project.sources) == ["otherdoc"]
    assert project.sources["otherdoc"].variables == {}  # the highlight id is no variable
    got = [(c.code, c.position, c.text, c.selection_codes) for c in project.codings]
    assert got == [
        ("interesting/places", 1, "diff", ["interesting/places"]),
        ("interesting", 2, "tent", ["interesting", "people"]),
        ("people", 2, "tent", ["interesting", "people"]),
    ]


def test_init_drafts_a_study_from_a_taguette_export(tmp_path):
    path = init_study(tmp_path / "draft", segments=TAGUETTE, fmt="taguette")
    text = path.read_text(encoding="utf-8")
    assert "excerpts = { path = " in text and 'format = "taguette" }' in text
    assert '"interesting/places"' in text


def test_redcap_context_asked_at_enrollment_is_read_with_context_wave(make_study, tmp_path):
    """Onboarding walk 9: a longitudinal REDCap project asks sex at the enrollment
    event, before the baseline visit. `[survey] context_wave` reads the context
    from that event's rows; they are no longer listed as an unknown wave."""
    # TINY_STUDY's context variable `sex` is REDCap's `sex`, asked at enrollment
    folder = redcap_study(make_study, tmp_path, 'context_wave = "enrollment_arm_1"\n')
    data = ingest_study(load_study(folder))
    context = {(r.case_id, r.variable_id) for r in data.context.itertuples()}
    assert context == {("A", "sex"), ("B", "sex")}
    got = {(r.case_id, r.wave, r.item_id): r.value for r in data.survey.itertuples()}
    assert got[("A", "baseline", "walk_min")] == 5.6  # the waves read as before
    rows = [r for r in data.rejects.to_dict("records") if r["row"] != "header"]
    enrollment = [line for line, row in read_redcap_rows() if row == "enrollment_arm_1"]
    assert enrollment and not {r["row"] for r in rows} & set(enrollment)


def read_redcap_rows() -> list[tuple[str, str]]:
    """(CSV line, event) of each data row of the longitudinal excerpt."""
    lines = REDCAP.read_text(encoding="utf-8").splitlines()[1:]
    return [(str(n), line.split(",")[1]) for n, line in enumerate(lines, start=2)]

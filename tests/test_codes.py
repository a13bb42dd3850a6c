"""Code paths to themes and the reject reasons of unmapped codes (flows/codes.py),
called directly: the withholding of a code holding a first name or surname
(decision 0247), each reason's exact words, the separator hint, and which
rejects count as expected."""

from __future__ import annotations

import pytest
from test_study_labels import LABELS, study_with

from flows.codes import (
    CODE_WITHHELD,
    EXPECTED,
    NOT_MAPPED,
    WITHDRAWN_EXCERPT,
    WITHDRAWN_SURVEY_ROW,
    expected_rejects,
    parse_code,
    shown_code,
    unmapped_reason,
)
from flows.readers.qda import unmapped_code
from flows.study import load_study


@pytest.fixture
def study(tmp_path):
    return load_study(study_with(tmp_path, LABELS)).definition


@pytest.mark.parametrize(
    "code",
    # the words are the runs of letters: digits, "_" and "-" split them
    ["Family/Sofie", "Family/sofie", "SOFIE", "Sofie2x/Walks", "Walks_Sofie", "Ture-Sofie"],
)
def test_a_code_with_a_first_name_is_withheld(code):
    assert shown_code(code) == CODE_WITHHELD
    assert CODE_WITHHELD in unmapped_code(code) and "ofie" not in unmapped_code(code).lower()


@pytest.mark.parametrize(
    "code",
    ["Family/Outings", "Family/Rose", "Will/Walks", "Outcome/2024", "", "Family/Sofiex"],
)
def test_a_code_whose_words_name_no_one_is_shown(code):
    """ "Rose" and "Will" are first names and ordinary words: shown."""
    assert shown_code(code) == code


def test_an_unmapped_code_with_a_name_is_withheld_before_any_hint(study):
    assert unmapped_reason("Family/Sofie", study) == (
        f"{NOT_MAPPED}: {CODE_WITHHELD} (add it to a theme's codes)"
    )
    # it would map with another separator: the hint would quote it, so no hint
    assert unmapped_reason("Intervention\\Walking\\Sofie", study, "/") == (
        f"{NOT_MAPPED}: {CODE_WITHHELD} (add it to a theme's codes)"
    )


def test_a_sub_code_naming_no_stance_label_names_the_key_to_set(study):
    assert unmapped_reason("Intervention / Walking / Partly", study) == (
        "sub-code 'Partly' of theme 'walking_support' matches no stance label: set "
        '[stance_labels] intervention = { "Partly" = "..." } or the theme\'s '
        "stance_labels (one of present, absent, not_stated), or list the code in its codes"
    )


def test_a_code_that_maps_with_another_separator_gets_the_hint(study):
    assert unmapped_reason("Intervention > Walking > Present", study) == (
        f"{NOT_MAPPED}: Intervention > Walking > Present; the file joins code paths with "
        "' > ': set [segments] code_separator = ' > ' (or [study] code_separator for the "
        "themes' paths)"
    )
    assert unmapped_reason("Context::Energy", study, "/") == (
        f"{NOT_MAPPED}: Context::Energy; the file joins code paths with '::', not '/': set "
        "[segments] code_separator = '::' (or [study] code_separator for the themes' paths)"
    )
    # ">" alone is tried after " > ": a path joined with ">" gets ">"
    assert "code_separator = '>'" in unmapped_reason("Context>Energy", study)


def test_a_code_of_no_theme_says_to_add_it(study):
    plain = (
        f"{NOT_MAPPED}: Other/Weather (add it to a theme's codes; validate lists every such code)"
    )
    assert unmapped_reason("Other/Weather", study) == plain
    assert unmapped_code("Other/Weather") == plain
    # another separator that still maps nowhere gets no hint
    assert unmapped_reason("Other\\Weather", study).endswith("validate lists every such code)")


def test_parse_code_reads_themes_stances_and_suggestions(study):
    assert parse_code("Intervention/Walking", study) == ("walking_support", None)
    assert parse_code(" Intervention / Walking ", study) == ("walking_support", None)
    assert parse_code("Intervention/Walking/Present", study) == ("walking_support", "present")
    assert parse_code("Intervention/Walking/Present (suggested)", study) == (
        "walking_support",
        None,
    )
    assert parse_code("Intervention/Walking/Partly (suggested)", study) is None
    assert parse_code("Intervention/Walking/Present/More", study) is None
    assert parse_code("Walking/Present", study) is None
    assert parse_code("Present", study) is None


def test_expected_rejects_count_withdrawals_and_declared_ones_only():
    reasons = [
        WITHDRAWN_EXCERPT,
        WITHDRAWN_SURVEY_ROW,
        f'{EXPECTED} = "programme"): a programme-level selection',
        f"{NOT_MAPPED}: Other/Weather",
        f"not {EXPECTED}",
        None,
        3,
    ]
    assert expected_rejects(reasons) == 3
    assert expected_rejects([]) == 0

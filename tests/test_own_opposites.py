"""An own theme where lower is better whose study file names the object's opposite
(decision 0356): a cue of the object that negates another group's cue ("går ikke ud"
beside `getting_out = ["go out", "går ud", ...]`) makes that group what helps, a label
that negates ("Days not leaving the home") names what the object lacks, and a number
in a cue ("four walls") is no word of the object; so more of getting out is better.
And "That's new" said after the object is the object started (decision 0357)."""

from __future__ import annotations

import pytest
from conftest import outcome_model
from tests_support import own_reader

from flows.nlp.profiles import helping_groups, lacking, own_words, profile_for

EXAMPLES = {
    "housebound": ["stay in", "indoors", "four walls", "sidder inde", "går ikke ud", "herinde"],
    "getting_out": ["go out", "get out", "out and about", "komme ud", "går ud", "ude"],
}
LABEL = "Days not leaving the home"
CALLS = {"doctor_line": ["ring the doctor", "doctor", "lægevagt", "lægevagten", "ringer"]}


def _reader(language: str, model=False, examples=EXAMPLES, label=LABEL):
    return own_reader(language, examples, label, theme="indoors", model=model)


@pytest.mark.parametrize("language", ["en", "da"])
def test_the_group_a_negated_cue_names_helps(language):
    assert list(helping_groups(language, EXAMPLES, None)) == ["getting_out"]
    profile = profile_for("indoors", language, "outcome", EXAMPLES, None, "lower", LABEL)
    assert {"go out", "går ud", "ude"} <= profile.good
    assert not {"go out", "går ud", "ude"} & profile.lower
    assert {"stay in", "går ikke ud", "herinde"} <= profile.lower


def test_without_a_negated_cue_no_group_helps():
    examples = {k: [c for c in v if c != "går ikke ud"] for k, v in EXAMPLES.items()}
    assert helping_groups("da", examples, None) == {}


def test_a_label_that_negates_names_what_is_lacking():
    assert "leaving" in lacking("en", None, LABEL)
    assert "leaving" not in lacking("en", None, "Days leaving the home")
    profile = profile_for("indoors", "en", "outcome", EXAMPLES, None, "lower", LABEL)
    assert "leaving" in profile.good and "leaving" not in profile.lower


def test_a_number_in_a_cue_is_no_word_of_the_object():
    words = own_words("en", EXAMPLES, None)
    assert "four" not in words and "walls" in words and "four walls" in words


#: (language, text, the rules' reading): getting out is what helps
GETTING_OUT = [
    ("en", "She used to get out four or five days a week. Now it's once a week.", "worsened"),
    ("en", "Before she would get out two days a week, now it's five.", "improved"),
    ("da", "Før gik hun ud to dage om ugen, nu er det fem.", "improved"),
    ("da", "Jeg sidder ikke så tit inde mere.", "improved"),
    ("da", "Jeg kommer næsten ikke ud længere.", "worsened"),
]


@pytest.mark.parametrize(("language", "text", "rules"), GETTING_OUT)
def test_more_of_getting_out_is_better(language, text, rules):
    assert _reader(language).read(text, "indoors").rule_label == rules


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "en",
            "Pia told me he'd been ringing the doctor at night, several times a month. "
            "That's new, and it worries me.",
        ),
        (
            "da",
            "Han ringer til lægevagten om natten flere gange om måneden nu. Det gjorde han "
            "ikke før.",
        ),
    ],
)
def test_the_object_started_stands_whatever_the_model_says(language, text):
    reader = _reader(language, outcome_model("improved", 0.999), CALLS, "Calls to the doctor")
    reading = reader.read(text, "indoors")
    assert (reading.label, reading.rule_label) == ("worsened", "worsened")


def test_new_of_a_level_below_is_left_alone():
    # "under three kilos ... never before": a level reached, not the object started
    examples = {"weight": ["kilos", "kilo", "weight gain"]}
    text = "In July I was under three kilos. That's new."
    reading = _reader("en", False, examples, "Weight gain").read(text, "indoors")
    assert reading.rule_label != "worsened"


def test_new_of_a_negated_object_is_left_alone():
    text = "He hasn't rung the doctor once this month. That's new."
    reading = _reader("en", False, CALLS, "Calls to the doctor").read(text, "indoors")
    assert reading.rule_label != "worsened"

"""An own theme where lower is better, its object counted and compared (decision 0314,
`flows/nlp/own_counts.py`): none then and a count now through a pronoun ("og nu er
det sket tre gange"), a count with no baseline is not_stated, a comparative against
a baseline ("oftere ..., end jeg gjorde sidste år") is the change, a time word inside
the object's words anchors nothing; the rules' verdict on these is the reader's
answer whatever the model says. A scheme theme reads as before."""

from __future__ import annotations

import functools

import pytest
from conftest import assert_rule_label, outcome_model, own_reader

from flows.nlp.profiles import own_words

EXAMPLES = {
    "en": {
        "admissions": {"admission": ["admitted", "admission", "in hospital", "been in"]},
        "missed": {
            "missed": ["missed", "skipped"],
            "shortened": ["come off early", "cut short"],
            "attending": ["every time", "full time"],
        },
    },
    "da": {
        "admissions": {"indlagt": ["indlagt", "indlæggelse", "indlæggelser"]},
        "missed": {
            "missed": ["udeblevet", "udeblivelser", "pjækket"],
            "shortened": ["koblet af", "før tid", "afkortet"],
            "attending": ["hver gang", "møder op"],
        },
    },
}


_model = outcome_model
_reader = functools.partial(own_reader, EXAMPLES)


def test_words_that_count_name_no_object():
    words = own_words("da", EXAMPLES["da"]["missed"], "Missed sessions every time")
    assert "gang" not in words and "gange" not in words and "time" not in words
    assert "hver gang" in words


@pytest.mark.parametrize(
    ("language", "text", "rules"),
    [
        # none then, a count now through a pronoun naming nothing ("det er sket")
        (
            "da",
            "Jeg var aldrig indlagt de første år i dialyse, og nu er det sket tre gange "
            "siden sommer.",
            "worsened",
        ),
        (
            "en",
            "I was never admitted in the first years, and now it has happened three times "
            "since the summer.",
            "worsened",
        ),
        # a count of the object now with no baseline: no change stated
        (
            "da",
            "Jeg har været indlagt et par gange i år, fordi kaliummet var for højt.",
            "not_stated",
        ),
        ("en", "He was admitted twice this year with his potassium.", "not_stated"),
        # ... but counted again, or against a baseline, it is read as before
        ("en", "He was admitted twice this year, and once the year before.", "not not_stated"),
        ("da", "Han er blevet indlagt igen to gange i år.", "not not_stated"),
    ],
)
def test_an_own_object_counted(language, text, rules):
    reading = _reader(language).read(text, "admissions")
    assert_rule_label(reading, rules)


@pytest.mark.parametrize(
    ("language", "text", "rules"),
    [
        # a comparative set against a baseline by "end"/"than"; "før tid" is the object
        (
            "da",
            "Og når jeg endelig er der, beder jeg oftere om at blive koblet af før tid, end "
            "jeg gjorde sidste år.",
            "worsened",
        ),
        ("da", "Han er udeblevet færre gange, end han gjorde sidste år.", "improved"),
        ("en", "He has missed sessions more often than he did last year.", "worsened"),
        # negated: no change read here
        ("en", "He hasn't missed sessions more often than he did last year.", "not worsened"),
    ],
)
def test_an_own_object_compared_with_the_baseline(language, text, rules):
    reading = _reader(language).read(text, "missed")
    assert_rule_label(reading, rules)


def test_a_time_word_inside_the_object_anchors_nothing():
    from flows.nlp.own_counts import unanchored

    reader = _reader("da")
    profile = reader.profiles["missed"]
    parsed = reader.parse(reader.nlp("Han bliver koblet af før tid."))
    assert parsed.clauses[0].anchor == "baseline"
    objects = [(4, 6)]  # før tid
    assert unanchored(parsed, profile, objects).clauses[0].anchor is None
    assert unanchored(parsed, reader.profiles["healthcare_use"], objects) is parsed


@pytest.mark.parametrize(
    ("language", "theme", "text", "answer"),
    [
        (
            "da",
            "admissions",
            "Jeg var aldrig indlagt de første år i dialyse, og nu er det sket tre gange "
            "siden sommer.",
            "worsened",
        ),
        ("da", "admissions", "Jeg har været indlagt et par gange i år.", "not_stated"),
        (
            "da",
            "missed",
            "Han beder oftere om at blive koblet af før tid, end han gjorde sidste år.",
            "worsened",
        ),
    ],
)
def test_the_rules_stand_whatever_the_model_says(language, theme, text, answer):
    reading = _reader(language, _model("improved", 0.999)).read(text, theme)
    assert (reading.label, reading.rule_label) == (answer, answer)


def test_only_where_lower_is_better():
    text = "He was admitted twice this year with his potassium."
    assert _reader("en", better="higher").read(text, "admissions").rule_label != "not_stated"


def test_counted_then_and_not_one_time_now():
    text = (
        "In the spring I missed four times because of the children, and since the summer "
        "not one time."
    )
    reading = _reader("en", _model("worsened", 0.999)).read(text, "missed")
    assert (reading.label, reading.rule_label) == ("improved", "improved")
    assert "not one time" in reading.cues


@pytest.mark.parametrize(
    ("language", "text", "answer"),
    [
        ("da", "En nat i marts blev jeg indlagt. Det har jeg aldrig prøvet før.", "worsened"),
        (
            "en",
            "She was admitted one night in March, where she hadn't had an admission in "
            "the years before.",
            "worsened",
        ),
    ],
)
def test_a_first_time_stands_whatever_the_model_says(language, text, answer):
    reading = _reader(language, _model("not_stated", 0.999)).read(text, "admissions")
    assert (reading.label, reading.rule_label) == (answer, answer)


def test_never_before_of_something_else_is_left_to_the_model():
    # no object named as it happened: the rules' then-and-now verdict does not stand
    text = "Nu beder han om sovsen ved siden af. Det havde han aldrig gjort før."
    reading = _reader("da", _model("improved", 0.999)).read(text, "admissions")
    assert reading.label == "improved"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "I'm going to stop skipping sessions after Christmas, Dave's on at me about it."),
        ("da", "Jeg vil gerne komme hver gang igen, det ved jeg godt, at jeg skal."),
    ],
)
def test_a_plan_alone_is_not_stated_whatever_the_model_says(language, text):
    # decision 0358: the rules' plan reading stands where no clause speaks of now
    reading = _reader(language, _model("improved", 0.999)).read(text, "missed")
    assert (reading.label, reading.rule_label) == ("not_stated", "not_stated")


def test_a_plan_beside_a_clause_of_now_is_left_to_the_model():
    text = (
        "I went back in March at two sessions, and now I'm at three. Full sessions after "
        "the summer, that's the plan."
    )
    reading = _reader("en", _model("improved", 0.999)).read(text, "missed")
    assert reading.label == "improved"


@pytest.mark.parametrize(
    "text",
    [
        # set against something: no plan alone (the lexicon reads "I'd like" as a plan)
        "I'd like to say he's stopped skipping sessions, but there's always a Friday he misses.",
        # the same as before under a plan word ("I'm on about")
        "I'm on about the same as before with the missed sessions. I know, I know.",
    ],
)
def test_a_plan_beside_a_contrast_or_the_same_is_left_to_the_model(text):
    reading = _reader("en", _model("no_change", 0.999)).read(text, "missed")
    assert reading.label == "no_change"

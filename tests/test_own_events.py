"""Own themes where lower is better, an object that happens (thirteenth pass, decision
0420): going to it is no gain ("went to the emergency room twice": a count with no
baseline, not_stated); "That's new" after a happening the excerpt names by no word of
the theme is the object started; not touching the object is a stop, no plan left
undone; none ever before and a count since the start is worsened."""

from __future__ import annotations

import pytest

from flows.nlp.profiles import profile_for
from flows.nlp.reader import StanceReader

ACUTE = {
    "emergency": ["a&e", "emergency", "rushed in", "skadestuen", "akutmodtagelsen"],
    "readmission": ["readmitted", "admitted", "indlagt", "genindlagt"],
}
SMOKING = {"cigarettes": ["cigarette", "cigarettes", "smoke", "smoking", "cigaret", "ryger"]}


def _read(language: str, examples: dict, text: str, label: str) -> str:
    profile = profile_for("theme", language, "outcome", examples, None, "lower", label)
    reader = StanceReader(language, {"theme": profile}, {"theme": examples}, model=False)
    return reader.read(text, "theme", "outcome").rule_label


def _acute(language: str, text: str) -> str:
    return _read(language, ACUTE, text, "Emergency visits and readmissions")


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "He went to the emergency room twice."),
        ("en", "She goes to A&E a couple of times, you know how it is."),
        ("da", "Han gik til skadestuen to gange."),
    ],
)
def test_going_to_the_object_counted_is_no_change(language, text):
    assert _acute(language, text) == "not_stated"


def test_going_to_what_helps_is_read_as_before():
    # the clause names no object: the lexicon's "went to" is the gain it always was
    assert _acute("en", "He went to the walking group twice a week.") == "improved"


@pytest.mark.parametrize(
    ("language", "text", "label"),
    [
        ("en", "He's been ringing the doctor at night. That's new.", "worsened"),
        ("da", "Han ringer til vagtlægen om natten. Det er nyt.", "worsened"),
        # what helps started: no object started
        ("en", "He goes to the walking group now. That's new.", "improved"),
        # less of something: no happening
        ("en", "He rings the doctor less at night. That's new.", "improved"),
    ],
)
def test_new_after_a_happening_no_word_names(language, text, label):
    assert _acute(language, text) == label


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "I haven't touched a cigarette since I came home from hospital."),
        ("da", "Jeg har ikke rørt en cigaret, siden jeg kom hjem fra sygehuset."),
    ],
)
def test_not_touching_the_object_is_a_stop(language, text):
    assert _read(language, SMOKING, text, "Smoking") == "improved"


@pytest.mark.parametrize(
    ("language", "text", "label"),
    [
        (
            "en",
            "I'd never set foot in A&E in my life, and now I've been twice since the "
            "classes started.",
            "worsened",
        ),
        ("en", "I've never been in A&E in my life.", "no_change"),
    ],
)
def test_never_before_and_a_count_since_the_start(language, text, label):
    assert _acute(language, text) == label


SALTY = {
    "ready_meals": ["ready meal", "ready meals", "microwave", "færdigret", "færdigretter"],
    "takeaway": ["takeaway", "pizza", "kebab", "grillbaren"],
    "home_cooking": ["home cooking", "from scratch", "hjemmelavet", "laver selv mad"],
}


@pytest.mark.parametrize(
    ("language", "text", "label"),
    [
        # two words of the object turned opposite ways at one time: which is the
        # object's opposite the study file does not say
        ("en", "Less takeaway, more home cooking.", "unclear"),
        ("en", "She has fewer ready meals now and more pizza.", "unclear"),
        # the same way, or then and now: read as before
        ("en", "Less takeaway, fewer ready meals.", "improved"),
        ("en", "He used to have more takeaway, now he has fewer ready meals.", "improved"),
    ],
)
def test_two_words_of_the_object_opposite_ways(language, text, label):
    assert _read(language, SALTY, text, "Salty ready meals and takeaway") == label


SMOKER = {"cigarettes": ["cigarette", "cigarettes", "smoke", "smoker", "smoking", "ryger"]}


def test_english_to_is_no_danish_two():
    # "nothing to do there": no count of the object after none of it ever
    text = "Never a smoker, so nothing to do there."
    assert _read("en", SMOKER, text, "Smoking") == "no_change"

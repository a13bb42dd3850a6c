"""Own themes where lower is better, read from the study file (twelfth pass,
decisions 0388-0391): a group of a return to what the object takes away ("back at
work", "raskmeldt") is what helps; a direction word inside a cue of several words
names the thing ("reduced hours", "noget stærkere"); "still" after a verb in the past
says what held then; a double negation ("hardly a day when I don't ...") says no
change; the object before and a pronoun for it now is no old habit."""

from __future__ import annotations

import pytest
from tests_support import own_reader

from flows.nlp.own_groups import return_group, returning
from flows.nlp.own_held import held_clauses
from flows.nlp.profiles import helping_groups, profile_for
from flows.nlp.reader import StanceReader

SICK = {
    "sick_leave": ["sick leave", "signed off", "off sick", "sygemeldt", "sygemelding"],
    "at_work": ["back at work", "return to work", "reduced hours", "tilbage på arbejde"]
    + ["nedsat tid", "raskmeldt"],
}
PILLS = {
    "tablets": ["painkillers", "pills", "tablets", "piller", "smertestillende"],
    "strong": ["tramadol", "codeine", "something stronger", "noget stærkere"],
}
PAIN = {"bad_days": ["bad days", "pain", "flare-up", "dårlige dage", "ondt", "smerter"]}


def _rules(language: str, examples: dict, label: str) -> StanceReader:
    return own_reader(language, examples, label)


def _read(language: str, examples: dict, text: str, label: str = "Sick days") -> str:
    return _rules(language, examples, label).read(text, "theme", "outcome").rule_label


def test_a_cue_of_a_return():
    assert returning("back at work") and returning("tilbage på arbejde")
    assert returning("graded return") and returning("raskmeldt") and returning("rask")
    assert not returning("back in hospital") and not returning("back in")
    assert not returning("sick leave") and not returning("raske")  # "raske": no form here
    assert return_group(SICK["at_work"])
    # one return cue among the object's own: the object (a readmission)
    assert not return_group(["readmitted", "admitted", "in hospital", "back to hospital"])


@pytest.mark.parametrize("language", ["en", "da"])
def test_the_group_of_a_return_helps(language):
    assert list(helping_groups(language, SICK, "Sick days")) == ["at_work"]
    profile = profile_for("theme", language, "outcome", SICK, None, "lower", "Sick days")
    assert {"back at work", "tilbage på arbejde", "raskmeldt"} <= profile.good
    assert not {"back at work", "reduced hours", "raskmeldt"} & profile.lower
    assert {"sick leave", "sygemeldt"} <= profile.lower


@pytest.mark.parametrize(
    ("language", "text", "label"),
    [
        ("en", "She's back at work three days a week now.", "improved"),
        ("da", "Han er tilbage på arbejde nu, og det går fint.", "improved"),
        ("da", "Lægen har skrevet ham raskmeldt fra i mandags.", "improved"),
        # a plan to return is no return
        ("en", "I want to get back at work after the summer.", "not_stated"),
        ("en", "He isn't back at work yet.", None),
    ],
)
def test_a_return_now_is_less_of_the_object(language, text, label):
    read = _read(language, SICK, text)
    if label is None:
        assert read != "improved"
    else:
        assert read == label


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "I'd like to ask about coming back on reduced hours, but I haven't yet."),
        ("da", "Jeg vil gerne spørge om at starte på nedsat tid, men jeg har ikke gjort det."),
    ],
)
def test_a_direction_word_inside_a_cue_names_the_thing(language, text):
    assert _read(language, SICK, text) != "worsened"  # "reduced" / "nedsat": no change


def test_an_evaluative_word_inside_a_cue_names_the_thing():
    text = "Jeg tager flere piller nu, og lægen har givet mig noget stærkere."
    assert _read("da", PILLS, text, "Painkiller use") == "worsened"
    text = "I take more pills now, and the GP gave me something stronger."
    assert _read("en", PILLS, text, "Painkiller use") == "worsened"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "When I joined I was still working two days, and now I'm signed off completely."),
        ("en", "He's fully signed off now. When he started he was still doing part-time work."),
        ("da", "Da jeg startede, var jeg stadig på arbejde to dage, og nu er jeg helt sygemeldt."),
    ],
)
def test_still_in_the_past_holds_then(language, text):
    assert _read(language, SICK, text) == "worsened"


def test_still_in_the_past_is_found_and_still_now_is_not():
    reader = _rules("en", SICK, "Sick days")
    past = reader.parse(reader.nlp("When I started I was still working."))
    now = reader.parse(reader.nlp("I'm still signed off."))
    assert held_clauses(past) and not held_clauses(now)
    assert _read("en", SICK, "I'm still signed off, same as when I started.") == "no_change"


@pytest.mark.parametrize(
    ("language", "text", "label"),
    [
        (
            "en",
            "It got worse after Easter. Now there's hardly a day when I don't have pain.",
            "worsened",
        ),
        (
            "da",
            "Det er blevet værre siden påske. Nu er der ikke en dag, hvor jeg ikke har ondt.",
            "worsened",
        ),
        ("en", "Now there's hardly a day when I don't have pain.", "unclear"),
        # "no longer" is a change, no double negation
        ("da", "Hun har ikke længere dage, hvor hun ikke kan gå for smerter.", "improved"),
    ],
)
def test_a_double_negation_says_no_change(language, text, label):
    assert _read(language, PAIN, text, "Bad pain days") == label


@pytest.mark.parametrize(
    ("language", "text", "label"),
    [
        ("da", "Før tog jeg to piller om aftenen, og nu tager jeg dem hele dagen.", "unclear"),
        ("en", "Before I took two pills at night, and now I take them all day.", "unclear"),
        ("en", "Before I took two pills at night, and now I manage without.", "improved"),
    ],
)
def test_the_object_then_and_a_pronoun_for_it_now(language, text, label):
    assert _read(language, PILLS, text, "Painkiller use") == label

"""A study's own themes read from what the study file says of them (issue #12).

Sentences written for this file. Where lower is better (`better = "lower"`:
breathlessness, smoking), QUANTITY words about the theme's object turn (more
breathless is worse, fewer cigarettes is better) and EVALUATIVE words never do
(breathing better is better); beside a thing of which more is better ("walk
further") a quantity word is about that thing. The rules' verdict is tested: it is
what the reader explains with its cues, and what the model weighs.
"""

from __future__ import annotations

from functools import lru_cache

import pytest

from flows.nlp.reader import StanceReader, own_words, profile_for

EXAMPLES = {
    "en": {
        "breathlessness": {"breath": ["breathless", "puffed", "breath", "wheezy"]},
        "smoking": {"cigarettes": ["cigarettes", "smoke", "fags"]},
        "walking": {"walks": ["walk", "stroll"]},
        "loneliness": {
            "isolation": ["lonely", "alone", "isolated"],
            "company": ["friends", "group", "club"],
        },
        "mood": {"mood": ["mood", "low", "flat", "happier", "calmer"]},
        "emergency": {"a_and_e": ["a&e", "casualty", "ambulance", "been in"]},
    },
    "da": {
        "breathlessness": {"åndenød": ["åndenød", "forpustet", "vejrtrækning"]},
        "smoking": {"cigaretter": ["cigaretter", "ryge", "smøger"]},
        "walking": {"gåture": ["gåtur", "gåture", "går"]},
        "loneliness": {
            "ensomhed": ["ensom", "alene", "isoleret"],
            "samvær": ["venner", "klub", "forening"],
        },
        "mood": {"humør": ["humør", "nedtrykt", "gladere", "roligere"]},
        "emergency": {"skadestue": ["skadestuen", "akutmodtagelsen", "ambulance"]},
    },
}
LABELS = {
    "breathlessness": "Breathlessness",
    "smoking": "Smoking",
    "walking": "Walking",
    "loneliness": "Loneliness",
    "mood": "Mood",
    "emergency": "A&E visits",
}
BETTER = {
    "breathlessness": "lower",
    "smoking": "lower",
    "walking": "higher",
    "loneliness": "lower",
    "mood": "higher",
    "emergency": "lower",
}


@lru_cache(maxsize=2)
def reader(language: str) -> StanceReader:
    examples = EXAMPLES[language]
    profiles = {
        t: profile_for(t, language, "outcome", examples[t], None, BETTER[t], LABELS[t])
        for t in examples
    }
    return StanceReader(language, profiles, examples, model=False)


CASES = [
    # evaluative words never turn
    (
        "en",
        "breathlessness",
        "My breathing is better now, I get up the hill without stopping.",
        "improved",
    ),
    ("en", "breathlessness", "The breathlessness is worse this winter than last.", "worsened"),
    ("en", "breathlessness", "It's easier to breathe on the stairs these days.", "improved"),
    ("en", "smoking", "Since the course his smoking has got worse.", "worsened"),
    ("da", "breathlessness", "Min vejrtrækning er meget bedre nu.", "improved"),
    ("da", "breathlessness", "Åndenøden er blevet værre i år.", "worsened"),
    ("da", "breathlessness", "Det er blevet lettere at gå op ad trappen.", "improved"),
    ("da", "breathlessness", "Det er sværere at få luft end før.", "worsened"),
    # quantity of the theme's object turns
    ("en", "smoking", "I smoke more than ever since my husband died.", "worsened"),
    ("en", "smoking", "She smokes fewer cigarettes now.", "improved"),
    ("en", "breathlessness", "I get less puffed than I did.", "improved"),
    ("en", "breathlessness", "He's more breathless than before the programme.", "worsened"),
    ("en", "smoking", "I've cut down a lot since the spring.", "improved"),
    ("en", "smoking", "I quit in March and haven't had one since.", "improved"),
    ("en", "smoking", "I don't smoke anymore.", "improved"),
    ("en", "breathlessness", "I never get puffed now.", "improved"),
    ("en", "smoking", "He has started smoking again.", "worsened"),
    ("da", "smoking", "Jeg ryger mere end nogensinde.", "worsened"),
    ("da", "smoking", "Hun ryger færre cigaretter nu.", "improved"),
    ("da", "breathlessness", "Jeg er mere forpustet end før.", "worsened"),
    ("da", "breathlessness", "Jeg får mindre åndenød nu.", "improved"),
    ("da", "smoking", "Han ryger ikke mere.", "improved"),
    ("da", "breathlessness", "Jeg bliver aldrig forpustet nu.", "improved"),
    ("da", "smoking", "Hun er begyndt at ryge igen.", "worsened"),
    # numbers of the theme's object turn
    ("en", "smoking", "I went from twenty a day to five a day.", "improved"),
    ("en", "smoking", "I used to smoke five a day, now it's twenty.", "worsened"),
    ("da", "smoking", "Hun er gået fra tyve om dagen til fem om dagen.", "improved"),
    (
        "en",
        "smoking",
        "He had two chest infections in the first month, and nothing since.",
        "improved",
    ),
    ("en", "walking", "I've gone from sixty minutes a week to three hours.", "improved"),
    (
        "da",
        "breathlessness",
        "Jeg var på skadestuen to gange lige efter operationen, og jeg har ikke været der siden.",
        "improved",
    ),
    (
        "da",
        "smoking",
        "Hun har fået to anfald siden januar. Før var det kun den ene gang.",
        "worsened",
    ),
    (
        "en",
        "breathlessness",
        "I was a lot less puffed early on, and it's crept back since.",
        "no_change",
    ),
    # then and now with no direction word: the theme's own object where lower is better
    (
        "en",
        "breathlessness",
        "I never had the tightness before. Now I get it most mornings.",
        "worsened",
    ),
    # a thing of which more is better beside the quantity word
    ("en", "breathlessness", "I can walk further now.", "improved"),
    # a theme where higher is better is read as before
    ("en", "walking", "I walk more than I did.", "improved"),
    ("en", "walking", "I walk less now.", "worsened"),
    ("da", "walking", "Jeg går mere nu.", "improved"),
    ("da", "walking", "Jeg går mindre end før.", "worsened"),
    # examples that name the opposite of the object (loneliness: friends, club) are
    # things of which more is better, not less
    (
        "en",
        "loneliness",
        "She's joined a group at the church and sees her friends more.",
        "improved",
    ),
    ("en", "loneliness", "He's less isolated than when I met him.", "improved"),
    ("en", "loneliness", "He sees his friends less since he moved.", "worsened"),
    ("da", "loneliness", "Hun er begyndt i en klub og ser flere venner nu.", "improved"),
    ("da", "loneliness", "Han ser færre venner end før.", "worsened"),
    # comparatives of a theme's own word: of a hindrance or the object -1, of a
    # help or a theme's word where higher is better +1
    ("en", "loneliness", "If I'm not out I'm on my own. It's lonelier than it was.", "worsened"),
    ("en", "mood", "She's calmer and happier these days.", "improved"),
    ("en", "mood", "His mood is lower than when he started.", "worsened"),
    ("da", "loneliness", "Det er ensommere end det var.", "worsened"),
    ("da", "mood", "Hun er meget gladere og roligere nu.", "improved"),
    # stable absence: "never" with nothing said of a time is no change
    ("en", "emergency", "I've never been in A&E for the drink, touch wood.", "no_change"),
    ("da", "emergency", "Jeg har aldrig været på skadestuen.", "no_change"),
    ("en", "emergency", "I never go to casualty now.", "improved"),
    # a cue of several words is an object too ("been in")
    ("en", "emergency", "I've not been in at all this winter.", "improved"),
    # none then, a count now (decision 0226)
    (
        "en",
        "emergency",
        "I'd never been in casualty in my life, and I've been in twice since January.",
        "worsened",
    ),
    (
        "da",
        "emergency",
        "Jeg havde aldrig været på skadestuen, og nu har jeg været der to gange siden jul.",
        "worsened",
    ),
    # a plan word elsewhere in the excerpt: the counted state has no cue word to
    # place the plan against (blind-11 crashed here at the eighth pass's merge)
    (
        "en",
        "emergency",
        "I'd never been in casualty in my life, and now it's twice since January. "
        "I want to stay out of there.",
        "worsened",
    ),
    # no count of the object: stable absence still
    (
        "en",
        "emergency",
        "I've never been in A&E, and the ambulance crew at the day centre were lovely.",
        "no_change",
    ),
]


@pytest.mark.parametrize(("language", "theme", "text", "label"), CASES)
def test_own_theme_rules(language, theme, text, label):
    assert reader(language).read(text, theme).rule_label == label


def test_own_words_come_from_examples_and_label_not_from_state_words():
    words = own_words("en", {"a": ["out of breath", "puffed"]}, "Less breathlessness")
    assert {"out of breath", "breath", "puffed", "breathlessness"} <= words
    assert "less" not in words and "out" not in words


def test_lower_is_better_makes_the_own_words_objects():
    profile = profile_for("smoking", "en", "outcome", {"c": ["cigarettes"]}, better="lower")
    assert "cigarettes" in profile.lower and "walk" in profile.good
    higher = profile_for("walking", "en", "outcome", {"w": ["walk"]})
    assert not higher.lower and not higher.good


def test_examples_naming_what_helps_are_no_objects():
    examples = EXAMPLES["en"]["loneliness"]
    profile = profile_for("loneliness", "en", "outcome", examples, better="lower")
    assert {"lonely", "alone"} <= profile.lower and "friends" not in profile.lower
    assert {"friends", "club", "group"} <= profile.good
    assert {"friends", "lonely"} <= profile.words


@pytest.mark.parametrize(
    ("language", "own", "other"),
    [
        ("en", "She's been in casualty less this winter.", "She walks less this winter."),
        ("da", "Hun har været mindre på skadestuen i år.", "Hun går mindre i år."),
    ],
)
def test_the_model_sees_an_own_objects_as_things_of_which_less_is_better(language, own, other):
    """`c=lower_is_better|...`: the feature a scheme theme's "less cola" gives; not for
    a theme where higher is better."""
    lower = reader(language).read(own, "emergency").features
    assert any(f.startswith("c=lower_is_better|") for f in lower)
    higher = reader(language).read(other, "walking").features
    assert not any(f.startswith("c=lower_is_better|") for f in higher)

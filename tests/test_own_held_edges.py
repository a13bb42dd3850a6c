"""The edges of "still" after a verb in the past (decision 0390) and of a direction
word inside an own cue (0389), read by the rules as a researcher would see them
(the mutation run of `own-returns` found each unpinned):

- a "still" of the past at the very start of a text (a transcript's dropped
  subject: "Was still teaching ..."), and after an inverted Danish subject at the
  start ("Var hun stadig ...");
- only "still" is looked at: a past verb before any other word puts no clause at
  the baseline ("This year she was off sick three times" is a count now, not a
  gain), nor does a past verb two words before "still" with no pronoun between;
- a comparative of an own word outside every cue is read ("lonelier"); one at
  the start of a cue of several words ("stærkere piller") names the thing, and a
  direction word inside a cue of several words says no change ("reduced hours",
  "cut short": decision 0389's `named_quantities`)."""

from __future__ import annotations

import pytest
from tests_support import own_reader

SICK = {
    "sick_leave": ["sick leave", "signed off", "off sick", "sygemeldt", "sygemelding"],
    "at_work": ["back at work", "return to work", "reduced hours", "tilbage på arbejde"]
    + ["nedsat tid", "raskmeldt"],
}
PILLS = {
    "tablets": ["painkillers", "pills", "tablets", "piller", "smertestillende"],
    "strong": ["tramadol", "codeine", "something stronger", "noget stærkere"]
    + ["stronger pills", "stærkere piller"],
}
SHORT = {"sessions": ["missed sessions", "cut short", "left early", "afbrudt"]}
LONELY = {"lonely": ["lonely", "alone", "isolated", "on my own", "ensom", "alene"]}


@pytest.mark.parametrize(
    ("language", "examples", "label", "text", "reading"),
    [
        (
            "en",
            SICK,
            "Sick days",
            "Was still teaching three days a week when I started. Since February I've "
            "been signed off completely.",
            "worsened",
        ),
        (
            "da",
            SICK,
            "Sick days",
            "Var hun stadig i arbejde, da hun startede? Ja. Nu er hun sygemeldt på fuld tid.",
            "worsened",
        ),
        ("en", SICK, "Sick days", "This year she was off sick three times.", "not_stated"),
        # no full stop at the end: the last word is no word before "still"
        ("en", SICK, "Sick days", "I still work reduced hours as I did", "no_change"),
        ("en", LONELY, "Loneliness", "It's lonelier than it was.", "worsened"),
        ("da", LONELY, "Loneliness", "Det er ensommere end det var.", "worsened"),
        ("da", PILLS, "Painkiller use", "Lægen gav mig stærkere piller.", "not_stated"),
        # a return said at the baseline is no return now (decision 0388's `returned`)
        (
            "en",
            SICK,
            "Sick days",
            "When she started she was back at work, now she's off sick.",
            "worsened",
        ),
        # "reduced", "short" inside a cue name the thing, they say no less of it
        ("en", SICK, "Sick days", "I'm on reduced hours.", "not_stated"),
        ("en", SHORT, "Missed sessions", "Sessions were cut short twice this month.", "not_stated"),
    ],
)
def test_own_theme_reading(language, examples, label, text, reading):
    reader = own_reader(language, examples, label)
    assert reader.read(text, "theme", "outcome").rule_label == reading

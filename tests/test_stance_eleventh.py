"""Constructions the eleventh pass reads (decision 0349), by the rules alone; each
case fails on the tenth pass:

- a start told in the first person ("when I started", "when I joined", "da jeg
  startede") anchors the baseline as "when we started" does, so a frequency then
  is compared with the one now ("twice a day" then, "once a week" now: worsened);
- "if I remember", "when he remembers", "hvis jeg husker det" is a condition, no
  habit ("remember" alone is a good habit word); "like I'm supposed to" is a manner,
  no plan;
- "I don't know any more about it than before", "jeg ved ikke mere om det end
  før": an output or mechanism absent, not the uncertainty of "I don't know";
- a habit held since ever ("she has always walked the dog, and she still does",
  "det har han altid gjort"), with no change told after it: no_change, whatever its
  words of frequency say (`lifelong`, a class of its own: "same" words gave way to
  any other direction word in their clause);
- the Danish "har" / "havde" (lemma "have") no longer names physical activity's
  garden ("have"): a clause in the perfect tense stays on its own theme;
- a thing left unused now ("in the drawer", "i skuffen") after a habit at the
  baseline is a stop of the habit (worsened), not a plan never carried out.
"""

from __future__ import annotations

import pytest

from flows.nlp.reader import StanceReader, profile_for


def rules(language: str, theme: str) -> StanceReader:
    return StanceReader(language, {theme: profile_for(theme, language)}, model=False)


@pytest.mark.parametrize(
    ("language", "theme", "text", "label"),
    [
        (
            "en",
            "blood_sugar_monitoring",
            "When I started I was checking it twice a day. Now it is once a week.",
            "worsened",
        ),
        (
            "en",
            "physical_activity",
            "When I joined the group I walked once a week. Now I walk four times a week.",
            "improved",
        ),
        (
            "en",
            "blood_sugar_monitoring",
            "Now I check it once a week if I remember. Before, every day.",
            "worsened",
        ),
        (
            "en",
            "blood_sugar_monitoring",
            "When we started he measured every day. Now the meter is in the drawer.",
            "worsened",
        ),
        (
            "da",
            "blood_sugar_monitoring",
            "Da jeg startede, målte jeg hver dag. Nu ligger apparatet i skuffen.",
            "worsened",
        ),
        (
            "en",
            "physical_activity",
            "She has always walked the dog every morning, and she still does.",
            "no_change",
        ),
        (
            "da",
            "healthcare_use",
            "Han går til sin årskontrol hos lægen hver tredje måned. Det har han altid gjort.",
            "no_change",
        ),
        (
            "da",
            "medication_adherence",
            "Før glemte hun pillerne hver uge. Nu har hun ikke glemt dem en eneste gang.",
            "improved",
        ),
    ],
)
def test_rules_read_the_outcome(language, theme, text, label):
    assert rules(language, theme).read(text, theme).rule_label == label


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "I don't know any more about my diabetes than before, to be honest."),
        ("en", "She doesn't know any more about it than she did in the spring."),
        ("da", "Jeg ved ikke mere om sukkersyge end før, ærligt talt."),
    ],
)
def test_no_more_understanding_is_absent(language, text):
    theme = "self_care_awareness"
    assert rules(language, theme).read(text, theme).rule_label == "absent"


def test_a_plain_i_dont_know_stays_uncertain():
    theme = "self_care_awareness"
    reading = rules("en", theme).read("I don't know if she understands it now.", theme)
    assert reading.rule_label == "not_stated"


def test_a_change_after_a_lifelong_habit_is_read():
    theme = "physical_activity"
    text = "Jeg har altid gået en tur om morgenen. Nu går jeg ikke mere, fødderne gør ondt."
    assert rules("da", theme).read(text, theme).rule_label == "worsened"

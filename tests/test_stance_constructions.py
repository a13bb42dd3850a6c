"""Constructions the eighth pass reads (decision 0211): someone else's habit, numbers
that still hold, "than ... before", a concluding "so it's better", turning up at an
appointment, measuring "before and after" meals, a relapse "right back", claims
confirmed ("said the same") or contradicted ("det kan altså ikke passe"), and the
peer's response beside someone else's. Each is read by the rules alone."""

from __future__ import annotations

import pytest
from conftest import rule_label, rules_reader

rules = rules_reader


@pytest.mark.parametrize(
    ("language", "theme", "text", "label"),
    [
        # someone else's habit is no state of the peer's
        ("da", "eating", "Min nabo spiser grønt hver dag, hun er helt vild med det.", "not_stated"),
        (
            "en",
            "physical_activity",
            "My husband goes swimming more and more, he loves it.",
            "not_stated",
        ),
        # ... but a person named in a time clause is no subject
        ("en", "eating", "Since his wife died he has stopped cooking.", "worsened"),
        # numbers up, and "still" keeps them
        (
            "da",
            "blood_sugar_monitoring",
            "Fra at måle en gang om måneden til nu fem gange om ugen, og det holder stadig.",
            "improved",
        ),
        # "than ... before" compares with the baseline, it is no baseline
        (
            "en",
            "blood_sugar_monitoring",
            "Now I measure once a week, which is less than I did even before.",
            "worsened",
        ),
        # the speaker's conclusion speaks of now
        (
            "da",
            "physical_activity",
            "Før jeg fik en hund, gik jeg slet ikke ud, så det er da bedre.",
            "improved",
        ),
        # "didn't turn up to the GP" is a missed visit, no "up to"
        (
            "en",
            "healthcare_use",
            "He cancelled the foot clinic twice and didn't turn up to the GP. Before, he was "
            "good at keeping appointments.",
            "worsened",
        ),
        # "før og efter maden" is a time of day; "må se at komme i gang" a plan
        (
            "da",
            "blood_sugar_monitoring",
            "Lægen vil have, at jeg måler før og efter maden. Det må jeg se at komme i gang med.",
            "not_stated",
        ),
        # a gain that "dropped right back" is a relapse
        (
            "en",
            "medication_adherence",
            "His adherence went up for a couple of months and then dropped right back.",
            "no_change",
        ),
        ("da", "occupation_finances", "Han skylder penge til alle sider.", "barrier"),
        # a claim confirmed by "his wife said the same" is no "same" state
        (
            "en",
            "physical_activity",
            "Aksel told me he'd started walking to the shops. I believe him, and his daughter "
            "said the same.",
            "improved",
        ),
        # a claim the speaker's own record contradicts
        (
            "da",
            "medication_adherence",
            "Han siger, at han tager dem hver dag nu. Men han har ikke hentet en ny pakke siden "
            "marts, så det kan altså ikke passe.",
            "no_change",
        ),
    ],
)
def test_rules_read_the_construction(language, theme, text, label):
    assert rule_label(language, theme, text) == label


def test_the_wifes_pleasure_is_no_response_of_the_peer():
    reader = rules("da", "social_emotional_support", "mechanism")
    text = "Min kone føler sig støttet af Ole."
    assert reader.read(text, "social_emotional_support", "mechanism").rule_label != "present"

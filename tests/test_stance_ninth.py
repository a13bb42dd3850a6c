"""Constructions the ninth pass reads (decision 0257): an event or a clinical fact
told alone is not_stated for a context theme, and "we" in a clause after someone
else's speaks of the peer too. Each is read by the rules alone; every case fails on
the eighth pass."""

from __future__ import annotations

import pytest
from conftest import rule_label


@pytest.mark.parametrize(
    ("language", "theme", "text", "label"),
    [
        # an event told alone: no effect stated
        ("en", "life_events", "She had a fall in the garden in May. Broke her arm.", "not_stated"),
        ("da", "life_events", "Hans søster blev indlagt i april.", "not_stated"),
        ("en", "health_condition", "He has neuropathy in both feet.", "not_stated"),
        # "we" after someone else's clause: the peer as well
        (
            "en",
            "eating",
            "My wife cooks differently now, so we both eat better.",
            "improved",
        ),
    ],
)
def test_rules_read_the_construction(language, theme, text, label):
    assert rule_label(language, theme, text) == label


@pytest.mark.parametrize(
    ("language", "theme", "text", "label"),
    [
        # ... but an event with what it did stays a barrier
        (
            "en",
            "life_events",
            "She had a fall in the garden in May and after that the walks stopped.",
            "barrier",
        ),
        ("da", "life_events", "Hans bror døde i marts, og derefter aflyste han alt.", "barrier"),
        ("en", "life_events", "His brother died and he couldn't face anything.", "barrier"),
    ],
)
def test_an_event_with_its_effect_is_no_mere_mention(language, theme, text, label):
    assert rule_label(language, theme, text) == label

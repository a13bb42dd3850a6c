"""An own theme's example group that names what its object lacks ("sleep" beside
"sleepless", "søvn" beside "søvnløs", a label "Nights without sleep") is read as
what helps against the object: more of it is better (decision 0279)."""

from __future__ import annotations

import pytest
from tests_support import own_reader

from flows.nlp.profiles import helping_groups, lacking, profile_for

EXAMPLES = {
    "sleepless": ["sleepless", "lie awake", "søvnløs", "vågen"],
    "sleep": ["sleep", "sleep through", "sove", "søvn"],
}


@pytest.mark.parametrize("language", ["en", "da"])
def test_the_group_of_what_the_object_lacks_helps(language):
    assert {"sleep", "søvn"} <= lacking(language, EXAMPLES, "Nights without sleep")
    assert list(helping_groups(language, EXAMPLES, None)) == ["sleep"]
    profile = profile_for(
        "nights", language, "outcome", EXAMPLES, None, "lower", "Sleepless nights"
    )
    assert "sleep" in profile.good and "sleep" not in profile.lower
    assert "sleepless" in profile.lower


def test_a_label_without_names_what_is_lacking():
    examples = {"awake": ["awake", "up at four"], "rest": ["sleep"]}
    assert list(helping_groups("en", examples, "Nights without sleep")) == ["rest"]
    assert helping_groups("en", examples, "Bad nights") == {}


@pytest.mark.parametrize(
    ("language", "text", "rules"),
    [
        ("en", "I sleep a lot more now than I did.", "improved"),
        ("en", "I lie awake less than I did.", "improved"),
        ("da", "Jeg sover mere nu end før.", "improved"),
    ],
)
def test_more_of_what_is_lacking_is_better(language, text, rules):
    reader = own_reader(language, EXAMPLES, "Sleepless nights", theme="nights")
    assert reader.read(text, "nights").rule_label == rules


def test_a_privative_group_is_the_object():
    # the group that holds the privative word is the object's, never a help
    examples = {"breathless": ["breathless", "puffed"], "stairs": ["stairs", "hill"]}
    assert helping_groups("en", examples, "Breathlessness") == {}

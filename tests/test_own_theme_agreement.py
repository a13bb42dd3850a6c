"""An own theme's outcome is answered where the model's most likely label is the
rules' verdict from compared states, at an even chance or better (decision 0225);
a scheme theme, an own theme the rules found nothing to compare in, and a model
that disagrees with the rules keep the family's threshold."""

from __future__ import annotations

import pytest
from conftest import outcome_model, own_reader

from flows.nlp.decide import Verdict
from flows.nlp.profiles import OWN_AGREEMENT, RULES_STAND, agreement_threshold
from flows.nlp.reader import StanceReader, profile_for

_model = outcome_model
EXAMPLES = {"en": {"puffed": {"breath": ["puffed", "breathless"]}}}


def _reader(model) -> StanceReader:
    return own_reader(EXAMPLES, "en", model, "lower", beside="physical_activity")


@pytest.mark.parametrize(
    ("theme", "text", "top", "probability", "label"),
    [
        # own theme, the rules compare states (improved) and the model agrees
        ("puffed", "I get less puffed than I did.", "improved", 0.7, "improved"),
        # the model's label is not the rules' verdict: the family's threshold
        ("puffed", "I get less puffed than I did.", "worsened", 0.7, "unclear"),
        # under an even chance
        ("puffed", "I get less puffed than I did.", "improved", 0.45, "unclear"),
        # a scheme theme reads as before
        ("physical_activity", "I walk more than I did.", "improved", 0.7, "unclear"),
        # the rules found nothing to compare (not_stated): the family's threshold
        # ("We talked about ..." was the example until decision 0358: "talked about"
        # is a plan in the intention lexicon, and a plan alone now stands)
        ("puffed", "She mentioned the puffed feeling.", "not_stated", 0.7, "unclear"),
        ("puffed", "We talked about the puffed feeling.", "not_stated", 0.7, "not_stated"),
    ],
)
def test_an_own_outcome_is_answered_where_model_and_rules_agree(
    theme, text, top, probability, label
):
    reading = _reader(_model(top, probability)).read(text, theme)
    assert reading.label == label


def test_a_confident_model_is_answered_for_any_theme():
    reading = _reader(_model("improved", 0.95)).read("I walk more than I did.", "physical_activity")
    assert reading.label == "improved"


def test_agreement_only_for_an_own_outcome_read_by_comparing_states():
    own = profile_for("puffed", "en", "outcome", {"b": ["puffed"]}, None, "lower")
    scheme = profile_for("physical_activity", "en", "outcome")

    def threshold(profile, component, label, reason="latest"):
        return agreement_threshold(profile, component, Verdict(label, 0.6, (), reason))

    assert threshold(own, "outcome", "improved") == OWN_AGREEMENT
    assert threshold(own, "outcome", "no_change") == OWN_AGREEMENT
    assert threshold(own, "outcome", "worsened", "numbers") == RULES_STAND
    assert threshold(own, "outcome", "not_stated", "plan") is None
    assert threshold(own, "context", "barrier", "one_side") is None
    assert threshold(scheme, "outcome", "improved") is None
    assert threshold(scheme, "outcome", "improved", "numbers") is None


def test_an_own_themes_counts_compared_across_time_are_the_answer():
    """ "Three times in the year before, once since": the rules' numbers verdict,
    though the model says otherwise (here: worsened at 0.95)."""
    examples = {"casualty": {"a_and_e": ["casualty", "a&e"]}}
    profile = profile_for("casualty", "en", "outcome", examples["casualty"], None, "lower")
    reader = StanceReader("en", {"casualty": profile}, examples, model=_model("worsened", 0.95))
    text = "I was in casualty three times in the year before, and once since."
    reading = reader.read(text, "casualty")
    assert (reading.rule_label, reading.label) == ("improved", "improved")

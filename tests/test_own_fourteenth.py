"""Own themes, fourteenth pass (decisions 0451-0453): an own context theme whose object
is a hindrance (side effects, symptoms), a label's noun of a quality ("Loneliness"),
and words that look like a quantity of an own object and are none ("more like once
a month", "ikke indlagt i mange år"). Sentences written for the purpose (the blind
studies' excerpts are not copied), English and Danish."""

from __future__ import annotations

import pytest
from conftest import outcome_model

from flows.nlp.profiles import own_words, profile_for
from flows.nlp.reader import StanceReader

SIDE_EFFECTS = {
    "sedation": ["sleepy", "drowsy", "sedation", "træt", "sløv", "tung"],
    "weight": ["weight", "kilo", "vægt", "vægtøgning"],
    "medication": ["tablets", "injection", "depot", "medicin", "medicinen"],
}
SYMPTOMS = "Long-term condition symptoms"
ADMISSIONS = {"acute": ["emergency", "crisis line", "admitted", "indlagt", "akutteamet"]}


def _reader(language, themes, model=False):
    """themes: id -> (component, examples, better, label)."""
    profiles = {
        theme: profile_for(theme, language, component, examples, None, better, label)
        for theme, (component, examples, better, label) in themes.items()
    }
    examples = {theme: spec[1] or {} for theme, spec in themes.items()}
    return StanceReader(language, profiles, examples, model=model)


def _context(language, model=False, label="Side effects of medication", examples=SIDE_EFFECTS):
    return _reader(language, {"side": ("context", examples, None, label)}, model)


def test_a_hindrance_theme_is_told_from_its_label_or_its_words():
    from flows.nlp.own_context import hindrance

    def profile(label, examples=None):
        return profile_for("t", "en", "context", examples, None, None, label)

    assert hindrance(profile("Side effects of psychiatric medication"))
    assert hindrance(profile(SYMPTOMS))
    assert hindrance(profile("Bivirkninger af medicinen"))
    assert hindrance(profile("Medication", {"sedation": ["træt", "tung"]}))  # the lexicon's
    assert not hindrance(profile("Transport", {"bus": ["bus", "lift", "taxi"]}))
    assert not hindrance(profile("Family situation", {"kids": ["grandchild", "pain"]}))
    outcome = profile_for("t", "en", "outcome", None, None, "lower", SYMPTOMS)
    assert not hindrance(outcome)


@pytest.mark.parametrize(
    ("language", "text", "cue"),
    [
        ("en", "The tablets make me drowsy all morning, so I don't feel like going out.", None),
        ("en", "The weight from the tablets is a real obstacle to the gym.", "obstacle"),
        ("en", "The sedation is there every afternoon and it holds her back.", "holds her back"),
        ("en", "The injection leaves me sleepy and that keeps me in.", "keeps me in"),
        ("da", "Medicinen gør ham sløv, og det holder ham inde.", "holder ham inde"),
        ("da", "Vægten fra medicinen er en forhindring for svømningen.", "forhindring"),
        ("da", "Medicinen gør mig sløv, så jeg har ikke lyst til at gå ud.", None),
    ],
)
def test_a_hindrance_and_what_it_keeps_someone_from_is_a_barrier(language, text, cue):
    """Whatever the model says (here: facilitator at 0.98), the rules' barrier stands."""
    for model in (False, outcome_model("facilitator", 0.98, "context", threshold=0.5)):
        reading = _context(language, model).read(text, "side")
        assert (reading.label, reading.rule_label) == ("barrier", "barrier"), (text, model)
        if cue is not None:
            assert reading.cues == (cue,)


@pytest.mark.parametrize(
    "text",
    [
        "The tablets make me drowsy, but I still don't want to miss the walks.",  # no: a wish
        "We talked about his tablets and what he wants to do.",  # no hindrance said
        "The tablets used to make me drowsy and that kept me in.",  # then, not now
    ],
)
def test_no_barrier_without_a_hindrance_now_that_keeps_from_something(text):
    reading = _context("en").read(text, "side")
    assert reading.rule_label != "barrier" or "used to" not in text
    if "talked" in text:
        assert reading.rule_label != "barrier"


def test_a_hindrance_gone_is_not_held_to_barrier():
    """ "lifted" is a gone word: the rules' reading does not stand, the model answers."""
    text = "We lowered his tablets and the sedation lifted, which made the walks possible."
    model = outcome_model("facilitator", 0.98, "context", threshold=0.5)
    assert _context("en", model).read(text, "side").label == "facilitator"


def test_a_symptom_theme_named_by_its_label_alone_keeps_the_rules_barrier():
    """Walk 14: "My breathing is bad in the cold and that keeps me in" read facilitator
    (the model's "keeps me", from "keeps me going") for a theme with a label only."""
    model = outcome_model("facilitator", 0.98, "context", threshold=0.5)
    reader = _context("en", model, label=SYMPTOMS, examples=None)
    text = "My breathing is bad in the cold and that keeps me in."
    assert reader.read(text, "side").label == "barrier"
    other = _reader("en", {"transport": ("context", None, None, "Transport")}, model)
    assert other.read(text, "transport").label == "facilitator"  # no hindrance theme


def test_a_label_of_a_quality_names_its_adjective_for_an_own_theme_only():
    assert "lonely" in own_words("en", None, "Loneliness", qualities=True)
    assert "lonely" not in own_words("en", None, "Loneliness")
    assert "ensom" in own_words("da", None, "Ensomhed", qualities=True)
    assert "breathless" in own_words("en", None, "Breathlessness", qualities=True)
    assert "lonely" not in profile_for("eating", "en", label="Loneliness").words  # a scheme theme
    own = profile_for("loneliness", "en", "outcome", None, None, "lower", "Loneliness")
    assert {"lonely", "loneliness"} <= own.lower


@pytest.mark.parametrize(
    ("language", "label", "text", "answer"),
    [
        ("en", "Loneliness", "I'm not lonely like I was.", "improved"),
        ("en", "Loneliness", "I feel lonelier than ever.", "worsened"),
        ("da", "Ensomhed", "Jeg er ikke ensom mere.", "improved"),
    ],
)
def test_an_own_theme_with_a_label_only_reads_its_adjective(language, label, text, answer):
    themes = {"lonely": ("outcome", None, "lower", label)}
    assert _reader(language, themes).read(text, "lonely").rule_label == answer


@pytest.mark.parametrize(
    ("language", "text", "answer"),
    [
        (
            "en",
            "She used to ring the crisis line nearly every week, and now it's more like "
            "once a month.",
            "improved",
        ),
        ("en", "Now he rings the crisis line more or less every week, as he always did.", None),
        (
            "da",
            "Hun havde ikke været indlagt i mange år, og så blev hun indlagt i marts.",
            "worsened",
        ),
        (
            "da",
            "Indlæggelsen i marts var et tilbageslag; han havde ellers ikke været indlagt "
            "i flere år.",
            "worsened",
        ),
    ],
)
def test_words_that_look_like_a_quantity_and_are_none(language, text, answer):
    reading = _reader(language, {"acute": ("outcome", ADMISSIONS, "lower", None)}).read(
        text, "acute"
    )
    if answer is None:
        assert reading.rule_label != "worsened"  # "more or less" is no more
    else:
        assert reading.rule_label == answer


def test_a_span_of_years_without_the_object_and_nothing_now_is_no_change_of_sign():
    """ "not admitted in years" alone is no improvement read from "flere" / "mange"."""
    text = "Hun har ikke været indlagt i flere år."
    reading = _reader("da", {"acute": ("outcome", ADMISSIONS, "lower", None)}).read(text, "acute")
    assert reading.rule_label != "worsened"


def test_this_year_is_no_span_of_years():
    """Danish "i år" is this year: "har ikke været indlagt i år" is none now."""
    reader = _reader("da", {"acute": ("outcome", ADMISSIONS, "lower", None)})
    text = "Hun har ikke været indlagt i år, og det var en af grundene til, at hun kom med."
    assert reader.read(text, "acute").rule_label == "improved"


def test_more_like_with_nothing_else_stays_unclear_whatever_the_model_says():
    """The frequencies then and now are not compared: "more like" says about, and the
    rules' unclear stands (the model's improved at 0.98 is not taken)."""
    model = outcome_model("improved", 0.98)
    reader = _reader("en", {"acute": ("outcome", ADMISSIONS, "lower", None)}, model)
    text = "I rang the crisis line one or two days a week in the spring and now it's more like every other day."
    assert reader.read(text, "acute").label == "unclear"

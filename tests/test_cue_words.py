"""The cues a researcher reads are words of the excerpt, never the model's feature
names (`w=than`, `t=of_it`, `output:w=go`, `has=baseline`): decision 0258."""

from __future__ import annotations

from flows.nlp.cue_words import text_words
from flows.nlp.reader import StanceReader, profile_for


def test_word_features_become_the_excerpts_words():
    lower = ["it", "goes", "in", "one", "ear", ",", "i", "wasn't", "walking"]
    lemma = ["it", "go", "in", "one", "ear", ",", "i", "be", "walk"]
    features = ["output:w=go", "t=one_ear", "w=~walk", "has=baseline", "c=same|latest|pos"]
    assert text_words(features, lower, lemma) == ["goes", "one ear", "walking"]


def test_a_pair_read_apart_shows_its_first_word_and_an_absent_word_nothing():
    lower = ["of", ",", "it"]
    lemma = ["of", ",", "it"]
    assert text_words(["t=of_it", "w=than", "rule=absent|one_side"], lower, lemma) == ["of"]


def test_the_shipped_readers_cues_name_no_feature():
    texts = [
        ("en", "eating", "I eat a lot less cake than before, and more vegetables."),
        (
            "en",
            "self_care_awareness",
            "Carbohydrates, fibre, it goes in one ear and out the other.",
        ),
        ("da", "physical_activity", "Jeg går meget mere nu end før, hver dag faktisk."),
    ]
    answered = 0
    for language, theme, text in texts:
        reader = StanceReader(language, {theme: profile_for(theme, language)})
        reading = reader.read(text, theme)
        answered += reading.label != "unclear"
        for cue in reading.cues:
            assert "=" not in cue and "|" not in cue, (text, reading.cues)
    assert answered

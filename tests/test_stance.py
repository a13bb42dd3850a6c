"""Rule-based stance suggestion: direction, negation, objects of which less is better, hedges."""

from __future__ import annotations

import csv

import pytest

from flows.errors import TriangulateError
from flows.stance import (
    REQUIRED_CUES,
    StanceTagger,
    blank_pipeline,
    lemma_table,
    load_lexicon,
    load_rules,
    pipeline_description,
)


@pytest.fixture(scope="module")
def tagger() -> StanceTagger:
    return StanceTagger(
        "en", {"eating": {"vegetables": ["vegetable"], "sugary": ["soda", "sweets"]}}
    )


def suggest(tagger: StanceTagger, text: str, kind: str, theme: str = "eating"):
    return next(tagger.annotate([(text, kind, theme)]))


@pytest.mark.parametrize(
    ("text", "kind", "stance"),
    [
        ("I eat more vegetables now.", "outcome", "improved"),
        ("I started walking in the mornings.", "outcome", "improved"),
        ("I drink less soda than before.", "outcome", "improved"),
        ("I no longer eat sweets at night.", "outcome", "improved"),
        ("I eat more sweets since the funeral.", "outcome", "worsened"),
        ("I stopped walking after the fall.", "outcome", "worsened"),
        ("It has got worse with the pills.", "outcome", "worsened"),
        ("Nothing has changed with the food.", "outcome", "no_change"),
        ("I don't eat more vegetables, to be honest.", "outcome", "no_change"),
        ("He measures his blood sugar like he did before.", "outcome", "no_change"),
        ("I measure my blood sugar every day now, much more than before.", "outcome", "improved"),
        ("We talked about food.", "outcome", "not_stated"),
        ("We went shopping together on Fridays.", "intervention", "present"),
        ("We never went shopping together.", "intervention", "absent"),
        ("We didn't do shopping or cooking together.", "intervention", "absent"),
        ("I don't think he was ready.", "mechanism", "absent"),
        ("My pension is steady so I don't worry about money.", "context", "facilitator"),
        ("The pain stops me from doing anything.", "context", "barrier"),
        ("It is not easy to get up in the morning.", "context", "barrier"),
        # "no longer" words after a negation, with the object before them
        ("I don't drink cola anymore.", "outcome", "improved"),
        ("I don't go swimming anymore.", "outcome", "worsened"),
        ("He used to bike, but not anymore.", "outcome", "worsened"),
        # a negated comparison is no change, even far from the negation
        ("He hasn't been to the GP more than usual.", "outcome", "no_change"),
        # the thing of which less is better may stand before the cue
        ("I sit on the sofa more these days.", "outcome", "worsened"),
        ("I forget the pills more often now.", "outcome", "worsened"),
        ("I forget my pills less often now.", "outcome", "improved"),
        # ... but not across "and"
        ("I eat fewer sweets and walk more.", "outcome", "improved"),
        # a particle verb with its object inside
        ("I cut the sweets right down.", "outcome", "improved"),
        # wishes and plans state no change
        ("I would like to start swimming one day.", "outcome", "not_stated"),
        ("She wants to measure more.", "outcome", "not_stated"),
    ],
)
def test_suggested_stance(tagger, text, kind, stance):
    suggestion, _ = suggest(tagger, text, kind)
    assert suggestion.stance == stance
    assert 0 < suggestion.confidence <= 0.95


def test_cues_are_reported(tagger):
    suggestion, examples = suggest(tagger, "I drink less soda and eat more vegetables.", "outcome")
    assert suggestion.cues == ("less", "more")
    assert examples == ["sugary", "vegetables"]


def test_hedges_and_reported_speech_lower_confidence(tagger):
    direct, _ = suggest(tagger, "I walk more now.", "outcome")
    hedged, _ = suggest(tagger, "I think maybe I walk more now.", "outcome")
    reported, _ = suggest(tagger, "He says he walks more now.", "outcome")
    assert hedged.stance == reported.stance == direct.stance == "improved"
    assert hedged.confidence < direct.confidence
    assert reported.confidence < direct.confidence


def test_examples_only_from_the_excerpts_theme(tagger):
    _, examples = suggest(tagger, "I eat more vegetables.", "outcome", theme="other")
    assert examples == []


def test_lexicon_has_every_cue_class():
    assert {"up", "down", "same", "negation", "barrier", "facilitator", "absent", "present"} <= set(
        load_lexicon("en")
    )


def test_danish_lexicon_has_the_same_classes_as_english():
    assert set(load_lexicon("da")) == set(load_lexicon("en"))
    assert set(load_lexicon("da")) >= REQUIRED_CUES
    assert {"ikke", "aldrig", "ingen", "intet"} <= set(load_lexicon("da")["negation"])
    assert load_rules("da").negation_after > 0
    assert load_rules("en").negation_after == 0


def test_unknown_language_fails_clearly():
    with pytest.raises(TriangulateError, match="no stance lexicon"):
        load_lexicon("xx")


@pytest.mark.skipif(lemma_table("en") is None, reason="spacy-lookups-data not installed")
def test_lemmas_live_in_norm_without_a_per_token_component():
    nlp = blank_pipeline("en")
    assert nlp.pipe_names == []  # the tokenizer only: lemmas are looked up per vocabulary entry
    assert [t.norm_ for t in nlp("Started walking, forgot pills")] == [
        "start",
        "walk",
        ",",
        "forget",
        "pill",
    ]
    assert "lookup lemmas" in pipeline_description("en")


@pytest.mark.skipif(lemma_table("en") is None, reason="spacy-lookups-data not installed")
def test_inflected_forms_match_cues_and_examples(tagger):
    # "start" and "skip" are in the lexicon; "starts" and "skipped" match through their lemma
    suggestion, examples = suggest(tagger, "She starts every day with vegetables.", "outcome")
    assert suggestion.stance == "improved"
    assert examples == ["vegetables"]
    lower_only = StanceTagger("en", {}, lemmas=False)
    assert suggest(lower_only, "She begins her walks.", "outcome", "x")[0].stance == "not_stated"
    assert suggest(tagger, "She begins her walks.", "outcome")[0].stance == "improved"


def test_demo_uncoded_excerpts_match_gold(demo_dir):
    """On the demo's excerpts without a coded stance, suggestions match the gold file."""
    from flows.stages import annotate, ingest

    ingested = ingest(demo_dir)
    excerpts, _ = annotate(ingested)
    with (demo_dir.parent.parent / "tests" / "fixtures" / "demo_gold_stances.csv").open(
        encoding="utf-8"
    ) as f:
        gold = {row["excerpt_id"]: row["gold_stance"] for row in csv.DictReader(f)}
    uncoded = excerpts[excerpts["coded_stance"].isna()]
    assert len(uncoded) > 100
    correct = sum(
        gold[e] == s
        for e, s in zip(uncoded["excerpt_id"], uncoded["suggested_stance"], strict=True)
    )
    assert correct / len(uncoded) >= 0.95

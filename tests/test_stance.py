"""Rule-based stance suggestion: direction, negation, objects of which less is better, hedges."""

from __future__ import annotations

import csv

import pytest

from flows.stance import StanceTagger, load_lexicon


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

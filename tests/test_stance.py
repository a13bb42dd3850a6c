"""The stance reader's parts (anchors, negation, states, decision), the reader with
its shipped model, and the demo study read right."""

from __future__ import annotations

import csv
import json

import pytest
from conftest import rule_label, rules_reader

from flows.errors import TriangulateError
from flows.nlp.lexicons import REQUIRED_CLASSES, load_words, pipeline_description
from flows.nlp.model import load_model, train
from flows.nlp.reader import UNCLEAR, StanceReader, profile_for

rules = rules_reader


@pytest.mark.parametrize(
    ("language", "theme", "text", "label"),
    [
        ("en", "eating", "I used to drink cola every day. Now it's water.", "improved"),
        (
            "en",
            "medication_adherence",
            "She walks a lot more now, but the pills are as before.",
            "no_change",
        ),
        ("en", "medication_adherence", "He never skips his pills now.", "improved"),
        ("en", "eating", "He doesn't cook anymore.", "worsened"),
        ("da", "physical_activity", "Nu går han ikke mere.", "worsened"),
        ("da", "eating", "Han spiser mindre slik nu.", "improved"),
        (
            "en",
            "physical_activity",
            "He started walking in May, but by August he was back on the sofa, just like before.",
            "no_change",
        ),
        ("en", "occupation_finances", "It's hard, but I manage.", "facilitator"),
        (
            "en",
            "healthcare_linkage",
            "I honestly don't know whether they went to the GP together.",
            "not_stated",
        ),
        # numbers: a bare count after one in hours is in hours; "from" before the
        # object; ranges counted as their middle (one-token Danish "to-tre" too)
        (
            "en",
            "physical_activity",
            "She walked two hours a week at baseline and about four at follow-up.",
            "improved",
        ),
        (
            "en",
            "eating",
            "He went from crisps three or four evenings a week to about once a month.",
            "improved",
        ),
        (
            "da",
            "blood_sugar_monitoring",
            "Ved baseline målte hun to-tre gange om måneden. Nu er det fem-seks gange om ugen.",
            "improved",
        ),
        # "he didn't" denies nothing without a claim; a bare time clause anchors the
        # clause before it; with no "now", the present tense is now
        (
            "en",
            "blood_sugar_monitoring",
            "She sends me her readings every week. Before, she didn't even own a meter.",
            "improved",
        ),
        (
            "da",
            "blood_sugar_monitoring",
            "Hun måler hver aften og viser mig tallene. Det gjorde hun aldrig, da vi startede.",
            "improved",
        ),
        ("da", "healthcare_use", "Han har misset flere aftaler i år end sidste år.", "worsened"),
        # a hyphen inside a word cuts no clause; a clause that names nothing is about
        # the thing of which less is better named before it
        (
            "en",
            "healthcare_use",
            "She doesn't go to her check-ups anymore. She used to go twice a year.",
            "worsened",
        ),
        ("en", "eating", "The sweets? I've stopped completely.", "improved"),
    ],
)
def test_rules_read_states(language, theme, text, label):
    assert rule_label(language, theme, text) == label


def test_a_neutral_phrase_hides_the_words_inside_it():
    """ "as well" is no "well" (facilitator): a condition mentioned is no facilitator."""
    reading = rules("en", "health_condition").read(
        "He has arthritis as well, in both knees.", "health_condition"
    )
    assert reading.rule_label != "facilitator"
    assert "well" not in reading.cues


def test_danish_tag_question_negates_nothing():
    reader = rules("da", "physical_activity")
    assert reader.read("Han går mere nu, ikke?", "physical_activity").rule_label == "improved"


def test_user_theme_where_lower_is_better_turns_directions():
    profile = profile_for("breathlessness", "en", "outcome", {"b": ["breathless"]}, better="lower")
    reader = StanceReader("en", {"breathlessness": profile}, model=False)
    assert reader.read("He is more breathless now.", "breathlessness").rule_label == "worsened"
    assert reader.read("He is less breathless now.", "breathlessness").rule_label == "improved"


def test_nothing_that_anchors_a_reading_is_unclear_not_a_default():
    reading = rules("en", "energy").read("We talked about the weather.", "energy")
    assert reading.rule_label == UNCLEAR


def test_every_reading_has_a_confidence_and_cues():
    reader = StanceReader("en", {"eating": profile_for("eating", "en")})
    reading = reader.read("I used to drink cola every day. Now it's water.", "eating")
    assert reading.label in ("improved", UNCLEAR)
    assert 0 < reading.confidence <= 1
    assert reading.cues


def test_shipped_model_abstains_under_its_threshold():
    model = load_model()
    assert model is not None
    assert set(model.families) == {"outcome", "context", "presence"}
    assert all(0 < f.threshold < 1 for f in model.families.values())
    reader = StanceReader("en", {"eating": profile_for("eating", "en")}, model=model)
    for family in model.families.values():
        family.threshold, saved = 1.01, family.threshold
    try:
        assert reader.read("I eat more vegetables now.", "eating").label == UNCLEAR
    finally:
        for family in model.families.values():
            family.threshold = saved


def test_training_is_deterministic():
    rows = [
        ("outcome", ["w=more", "v=+1|latest"], "improved", 1.0),
        ("outcome", ["w=less", "v=-1|latest"], "worsened", 1.0),
        ("outcome", ["w=more", "v=+1"], "improved", 1.0),
        ("outcome", ["w=less", "v=-1"], "worsened", 1.0),
    ]
    first, second = train(rows).to_json(), train(list(rows)).to_json()
    assert first == second
    assert json.loads(first)["families"]["outcome"]["labels"][0] == "improved"


def test_second_view_reads_the_clauses_naming_the_theme():
    """The second view (decision 0168) takes the lemmas and lemma pairs of the
    clauses that name the theme, not of a clause about another theme."""
    reader = StanceReader("en", {"eating": profile_for("eating", "en")}, model=False)
    text = "My walks are shorter, but I eat far more vegetables now."
    view = {f for f in reader.read(text, "eating").features if f.startswith("t=")}
    assert {"t=vegetable", "t=much_vegetable"} <= view  # lookup lemmas
    assert not any("walk" in f for f in view)


def test_second_view_is_learnt_only_from_two_writers():
    rows = [
        ("outcome", ["w=more", "t=cut_down"], "improved", 1.0),
        ("outcome", ["w=more", "t=cut_down", "t=less_cola"], "improved", 1.0),
        ("outcome", ["w=less", "t=less_cola"], "worsened", 1.0),
    ]
    one = train(rows, groups=["writer-a", "writer-a", "writer-b"]).families["outcome"]
    assert "t=cut_down" not in one.weights  # twice, but by one writer
    assert "t=less_cola" in one.weights and "w=more" in one.weights
    assert "t=cut_down" in train(rows).families["outcome"].weights  # no writers given


def test_lexicons_have_every_class_in_both_languages():
    for language in ("en", "da"):
        assert set(load_words(language)) >= REQUIRED_CLASSES
    assert "lookup lemmas" in pipeline_description("en") or "no lemmas" in pipeline_description(
        "en"
    )


def test_unknown_language_fails_clearly():
    with pytest.raises(TriangulateError, match="no stance lexicon"):
        load_words("xx")


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

"""Rule-based stance suggestion: direction, negation, objects of which less is better, hedges."""

from __future__ import annotations

import csv

import pytest

from flows.errors import TriangulateError
from flows.nlp.stance import (
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


@pytest.fixture(scope="module")
def topics() -> StanceTagger:
    """An English tagger that knows two outcome themes' examples."""
    return StanceTagger(
        "en",
        {
            "eating": {"vegetables": ["vegetable"], "sugary": ["soda", "sweets"]},
            "physical_activity": {"walking": ["walk"]},
        },
    )


@pytest.fixture(scope="module")
def danish() -> StanceTagger:
    return StanceTagger("da", {"eating": {"sugary": ["slik", "sodavand"]}})


needs_lemmas = pytest.mark.skipif(
    lemma_table("en") is None or lemma_table("da") is None,
    reason="spacy-lookups-data not installed",
)


@needs_lemmas
@pytest.mark.parametrize(
    ("text", "kind", "stance"),
    [
        # frequency and "now" are weak: they vote only when no other direction cue does,
        # and "these days" is no cue at all
        ("These days I barely have fish for dinner.", "outcome", "worsened"),
        ("I go to the doctor as often as before, twice a year.", "outcome", "no_change"),
        ("I check my sugar every day now.", "outcome", "improved"),
        ("He got a bike and now he cycles to the allotment.", "outcome", "improved"),
        # frequency adverbs of less
        ("Lately I hardly eat any vegetables.", "outcome", "worsened"),
        ("I seldom have sweets in the house now.", "outcome", "improved"),
        # a wish confirmed in its sentence is no wish; a condition is one
        ("He wants to measure his blood sugar daily now, and he does.", "outcome", "improved"),
        ("If I walk more, my sugar goes down.", "outcome", "not_stated"),
        ("I'm trying to eat better.", "outcome", "not_stated"),
        # "used to" and a clause opened by "before" tell the old habit: reversed
        ("I used to walk a lot more before the operation.", "outcome", "worsened"),
        ("He takes his pills now. Before, he often forgot them.", "outcome", "improved"),
        ("He used to live on pizza.", "outcome", "improved"),
        ("I never used to eat breakfast.", "outcome", "improved"),
        ("He walks more than he used to.", "outcome", "improved"),
        ("I'm used to the pills now.", "outcome", "not_stated"),
        # "never ... before" at a clause's end: the behaviour is new
        ("I see my GP regularly now, which I never did before.", "outcome", "improved"),
        ("He goes to the GP now, he didn't go at all before.", "outcome", "improved"),
        # a negated duration: stopped since then
        ("She hasn't missed a dose in weeks.", "outcome", "improved"),
        ("I haven't had a cigarette since Easter.", "outcome", "improved"),
        ("He hasn't walked since his fall.", "outcome", "worsened"),
        (
            "She used to forget her insulin a lot, but she hasn't missed a dose in weeks.",
            "outcome",
            "improved",
        ),
        # a negated bad habit said of now is a new state
        ("He never forgets his pills now.", "outcome", "improved"),
        ("Now he never forgets his pills.", "outcome", "improved"),
        ("He never forgets his pills.", "outcome", "no_change"),
        # equatives: "as much as" is no change, negated it is less
        ("He measures as often as before.", "outcome", "no_change"),
        ("I don't walk as much as I did.", "outcome", "worsened"),
        ("I don't eat as much cake as before.", "outcome", "improved"),
        ("He doesn't go out like he did.", "outcome", "worsened"),
        # the thing given up after "instead of"
        ("I drink water instead of cola now.", "outcome", "improved"),
        # a negation reaches over its conjunct for directions; a hedge's does not
        ("I don't go to the gym more often.", "outcome", "no_change"),
        ("I'm not sure I eat more vegetables.", "outcome", "improved"),
        # a negated direction loses a tie to one that is not
        ("She cancelled her appointments and hasn't rebooked.", "outcome", "worsened"),
        # an "although" clause loses a tie
        ("I walk more now, although my diet is no different.", "outcome", "improved"),
        # vocabulary: new habits, old habits, colloquial change
        ("We eat fish on Fridays now, that's new for me.", "outcome", "improved"),
        ("I eat what I have always eaten.", "outcome", "no_change"),
        ("She cut back on the biscuits.", "outcome", "improved"),
        ("He keeps forgetting his tablets.", "outcome", "worsened"),
        ("Her diet hasn't moved at all.", "outcome", "no_change"),
        # context: a negated barrier passes its negation on; "or" does not end it
        ("I don't have to worry about bills anymore.", "context", "facilitator"),
        ("She lost a friend and could not go to the funeral.", "context", "barrier"),
        ("I don't have money or energy.", "context", "barrier"),
        # context: "gone" after a barrier turns it around
        ("The pain in my foot has gone away.", "context", "facilitator"),
        ("The pain hasn't gone away.", "context", "barrier"),
        # context: after "but" wins a tie
        ("I have a pension, but it doesn't stretch to the end of the month.", "context", "barrier"),
        ("It's hard, but I manage on my pension.", "context", "facilitator"),
        # context vocabulary
        (
            "Becoming a grandfather gave him a reason to look after himself.",
            "context",
            "facilitator",
        ),
        ("His health is poor, but he has a lot of get-up-and-go.", "context", "facilitator"),
        ("She doesn't have any complications.", "context", "facilitator"),
        # presence vocabulary
        ("She says she felt judged rather than heard.", "mechanism", "absent"),
        ("I still don't know what the numbers on the meter mean.", "output", "absent"),
        ("She has no idea what her blood sugar should be.", "output", "absent"),
    ],
)
def test_rule_classes_english(tagger, text, kind, stance):
    assert suggest(tagger, text, kind)[0].stance == stance


@needs_lemmas
@pytest.mark.parametrize(
    ("text", "theme", "stance"),
    [
        # a conjunct that names only another theme's examples does not vote
        (
            "She eats more vegetables, but she has stopped the walks.",
            "physical_activity",
            "worsened",
        ),
        ("She eats more vegetables, but she has stopped the walks.", "eating", "improved"),
        ("I eat more vegetables and walk less.", "physical_activity", "worsened"),
        ("I eat more vegetables and walk less.", "eating", "improved"),
    ],
)
def test_parts_about_another_theme_do_not_vote(topics, text, theme, stance):
    assert suggest(topics, text, "outcome", theme)[0].stance == stance


@needs_lemmas
@pytest.mark.parametrize(
    ("text", "kind", "stance"),
    [
        ("Nu om dage spiser jeg knap nok grøntsager.", "outcome", "worsened"),
        ("Jeg går til lægen lige så tit som før, to gange om året.", "outcome", "no_change"),
        ("Han har fået en cykel, og nu cykler han til kolonihaven.", "outcome", "improved"),
        ("Han spiser sjældnere fisk end før.", "outcome", "worsened"),
        ("Jeg har droppet cola helt.", "outcome", "improved"),
        ("Han er holdt op med sodavand.", "outcome", "improved"),
        ("Hun vil gerne måle blodsukkeret hver dag, og det gør hun.", "outcome", "improved"),
        ("Hvis jeg går mere, falder mit blodsukker.", "outcome", "not_stated"),
        ("Han plejede at glemme pillerne, men nu husker han dem.", "outcome", "improved"),
        ("Jeg plejede ikke at spise grøntsager.", "outcome", "improved"),
        ("Jeg går mere, end jeg plejede.", "outcome", "improved"),
        ("Han tager pillerne nu. Før glemte han dem tit.", "outcome", "improved"),
        ("Jeg spiser fisk hver uge nu, det gjorde jeg ikke før.", "outcome", "improved"),
        ("Jeg har ikke glemt insulinen en eneste gang siden jul.", "outcome", "improved"),
        ("Han har ikke været hos lægen i månedsvis.", "outcome", "worsened"),
        ("Jeg glemmer aldrig mine piller nu.", "outcome", "improved"),
        ("Jeg går ikke lige så meget som før.", "outcome", "worsened"),
        ("Han går ikke ud som før.", "outcome", "worsened"),
        ("Jeg drikker danskvand i stedet for cola.", "outcome", "improved"),
        ("Jeg kom aldrig i gang med at måle oftere.", "outcome", "no_change"),
        ("Han kommer ikke ud mere.", "outcome", "worsened"),
        ("Han har stadig ikke været hos diætisten.", "outcome", "no_change"),
        ("Han er tilbage i de gamle vaner med kager.", "outcome", "worsened"),
        ("Jeg går flere ture, selvom maden er den samme.", "outcome", "improved"),
        ("Jeg behøver ikke bekymre mig om regningerne længere.", "context", "facilitator"),
        ("Smerterne er forsvundet.", "context", "facilitator"),
        ("Hovedpinen er gået væk.", "context", "facilitator"),
        ("Det er svært, men jeg klarer mig på pensionen.", "context", "facilitator"),
        ("Jeg har min pension, men den rækker ikke hele måneden.", "context", "barrier"),
        ("Hun har fået mere gåpåmod.", "context", "facilitator"),
        ("Møderne holdt op efter en måned, han dukkede ikke op mere.", "intervention", "absent"),
        ("Hun aner ikke, hvad hendes blodsukker burde være.", "output", "absent"),
    ],
)
def test_rule_classes_danish(danish, text, kind, stance):
    assert suggest(danish, text, kind)[0].stance == stance


@needs_lemmas
def test_danish_op_keeps_its_own_lemma():
    # the table's "op" → "oppe" would make "holdt op" (stopped) match "holdt oppe" (kept up)
    assert [t.norm_ for t in blank_pipeline("da")("holdt op")][1] == "op"


def test_building_a_tagger_twice_reuses_its_matchers():
    examples = {"eating": {"fish": ["fish", "salmon"]}}
    first, second = StanceTagger("en", examples), StanceTagger("en", dict(examples))
    assert first._compiled is second._compiled
    assert first.nlp is second.nlp
    assert StanceTagger("en", {"eating": {"fish": ["cod"]}})._compiled is not first._compiled
    # the cached lexicon is not shared with callers
    load_lexicon("en")["up"].append("zzz")
    assert "zzz" not in load_lexicon("en")["up"]
    first.lexicon["up"].append("zzz")
    assert "zzz" not in second.lexicon["up"]


def test_cue_words_are_read_as_written(tagger):
    suggestion, _ = suggest(tagger, "I Can't afford it, I've CUT the cola right DOWN.", "outcome")
    assert suggestion.cues == ("cut the cola right down",)
    context, _ = suggest(tagger, "I Can't afford it.", "context")
    assert context.cues == ("can't afford",)


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

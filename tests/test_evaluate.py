"""Evaluation of the stance rules: metrics, the evaluation set, Danish cases, the CLI."""

from __future__ import annotations

import json
import tomllib
from collections import Counter

import pytest

from flows.nlp.evaluate import (
    DEMO_STUDY,
    EVAL_SET,
    HELDOUT_SET,
    KeywordBaseline,
    Row,
    class_scores,
    confusion,
    evaluate,
    labels_for,
    load_eval_set,
    macro_f1,
    main,
    split_for,
)
from flows.nlp.stance import StanceTagger, lemma_table
from flows.study import STANCES_BY_KIND

# -- metrics on hand-computed confusion matrices ---------------------------------


def test_confusion_counts_pairs():
    matrix = confusion(["a", "a", "b"], ["a", "b", "b"])
    assert matrix == Counter({("a", "a"): 1, ("a", "b"): 1, ("b", "b"): 1})
    with pytest.raises(ValueError):
        confusion(["a"], [])


def test_precision_recall_f1_by_hand():
    # gold:      a a a b b c
    # predicted: a a b b a b
    # a: TP 2, FP 1 (a row of b), FN 1 -> P 2/3, R 2/3, F1 2/3
    # b: TP 1, FP 2 (one a, one c), FN 1 -> P 1/3, R 1/2, F1 2/5
    # c: TP 0, never predicted, FN 1 -> P undefined, R 0, F1 0
    # d: in neither gold nor predictions -> all undefined, not in macro-F1
    matrix = confusion(list("aaabbc"), list("aabbab"))
    scores = class_scores(matrix, ["a", "b", "c", "d"])
    assert scores["a"].precision == pytest.approx(2 / 3)
    assert scores["a"].recall == pytest.approx(2 / 3)
    assert scores["a"].f1 == pytest.approx(2 / 3)
    assert scores["b"].precision == pytest.approx(1 / 3)
    assert scores["b"].recall == pytest.approx(1 / 2)
    assert scores["b"].f1 == pytest.approx(2 / 5)
    assert scores["c"].precision is None
    assert scores["c"].recall == 0
    assert scores["c"].f1 == 0
    assert (scores["c"].support, scores["c"].predicted) == (1, 0)
    assert scores["d"].precision is scores["d"].recall is scores["d"].f1 is None
    assert (scores["d"].support, scores["d"].predicted) == (0, 0)
    assert macro_f1(scores) == pytest.approx((2 / 3 + 2 / 5 + 0) / 3)


def test_a_class_predicted_but_never_gold_scores_zero():
    scores = class_scores(confusion(["a", "a"], ["a", "z"]), ["a", "z"])
    assert scores["z"].precision == 0
    assert scores["z"].recall is None
    assert scores["z"].f1 == 0
    assert scores["a"].precision == 1 and scores["a"].recall == 0.5
    assert macro_f1(scores) == pytest.approx((2 / 3 + 0) / 2)


def test_macro_f1_perfect_and_empty():
    scores = class_scores(confusion(["x", "y"], ["x", "y"]), ["x", "y", "never"])
    assert macro_f1(scores) == 1.0
    assert macro_f1({}) is None


def test_labels_follow_the_kinds_present():
    rows = [
        Row("en-001", "en", "context", "energy", "t", "barrier", "dev"),
        Row("en-003", "en", "mechanism", "trust", "t", "present", "dev"),
    ]
    assert labels_for(rows) == ["facilitator", "barrier", "present", "absent"]


# -- the evaluation set -----------------------------------------------------------


@pytest.fixture(scope="module")
def eval_rows() -> list[Row]:
    return load_eval_set()


def test_evaluation_set_is_well_formed(eval_rows):
    assert len(eval_rows) >= 240
    languages = Counter(r.language for r in eval_rows)
    assert languages["en"] >= 130 and languages["da"] >= 110
    assert set(languages) == {"en", "da"}
    for row in eval_rows:
        assert row.gold_stance in STANCES_BY_KIND[row.kind], row.id
        assert row.split == split_for(row.id), row.id
    stances = Counter(r.gold_stance for r in eval_rows)
    every_class = {s for stances_ in STANCES_BY_KIND.values() for s in stances_}
    assert all(stances[s] >= 20 for s in every_class), stances
    assert len({r.id for r in eval_rows}) == len(eval_rows)
    assert len({r.text for r in eval_rows}) == len(eval_rows)
    assert {r.split for r in eval_rows} == {"dev", "test"}


def test_evaluation_themes_are_the_demo_studys(eval_rows):
    study = tomllib.loads(DEMO_STUDY.read_text(encoding="utf-8"))
    kinds = {t["id"]: t["components"][0] for t in study["themes"]}
    for row in eval_rows:
        assert kinds.get(row.theme) == row.kind, row.id


def test_evaluation_set_shares_no_text_with_the_demo(eval_rows):
    demo = (DEMO_STUDY.parent / "excerpts.csv").read_text(encoding="utf-8")
    assert not [r.id for r in eval_rows if r.text in demo]


def test_split_rule_is_fixed():
    assert split_for("en-002") == "test"
    assert split_for("da-117") == "dev"
    assert split_for("h-da-017") == "heldout"
    with pytest.raises(ValueError):
        split_for("no-number")


def test_load_rejects_a_stance_not_allowed_for_the_kind(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "id,language,kind,theme,text,gold_stance,split\n"
        "en-001,en,context,energy,I am tired.,improved,dev\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="not a stance for context"):
        load_eval_set(bad)


# -- Danish ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def danish() -> StanceTagger:
    return StanceTagger("da", {"eating": {"sugary": ["slik", "sodavand"]}})


def suggest(tagger: StanceTagger, text: str, kind: str):
    return next(tagger.annotate([(text, kind, "eating")]))[0]


@pytest.mark.parametrize(
    ("text", "kind", "stance"),
    [
        ("Jeg spiser ikke længere slik", "outcome", "improved"),
        ("Vi handlede aldrig sammen", "intervention", "absent"),
        ("Han siger, han går mere", "outcome", "improved"),
        ("Jeg er begyndt at gå ture om morgenen.", "outcome", "improved"),
        ("Han er holdt op med at gå ture.", "outcome", "worsened"),
        ("Hun drikker ikke sodavand mere.", "outcome", "improved"),
        ("Jeg går ikke mere, end jeg plejer.", "outcome", "no_change"),
        ("Jeg begyndte ikke at cykle.", "outcome", "no_change"),
        ("Så holdt han op med at ryge.", "outcome", "improved"),
        ("Han holdt ikke op med at drikke cola.", "outcome", "no_change"),
        ("Det er det samme som før med maden.", "outcome", "no_change"),
        ("Det er blevet værre med maden.", "outcome", "worsened"),
        ("Vi snakkede om aftensmaden.", "outcome", "not_stated"),
        ("Jeg vil gerne begynde at svømme.", "outcome", "not_stated"),
        ("Hun lytter ikke til mig.", "mechanism", "absent"),
        ("Han tog med mig til lægen.", "intervention", "present"),
        ("Hun kom aldrig med til lægen.", "intervention", "absent"),
        ("Ryggen gør ikke ondt mere.", "context", "facilitator"),
        ("Smerterne i fødderne gør det svært at gå.", "context", "barrier"),
        ("Min pension er fast, så jeg behøver ingen bekymringer.", "context", "facilitator"),
    ],
)
def test_danish_stances(danish, text, kind, stance):
    assert suggest(danish, text, kind).stance == stance


def test_danish_reported_speech_lowers_confidence(danish):
    direct = suggest(danish, "Han går mere", "outcome")
    reported = suggest(danish, "Han siger, han går mere", "outcome")
    hedged = suggest(danish, "Jeg tror måske, han går mere", "outcome")
    assert direct.stance == reported.stance == hedged.stance == "improved"
    assert reported.confidence < direct.confidence
    assert hedged.confidence < direct.confidence


@pytest.mark.skipif(lemma_table("da") is None, reason="spacy-lookups-data not installed")
def test_danish_inflected_forms_match_through_lemmas(danish):
    # "begynde" (the lexicon's form) matches "begynder"; "kage" matches "kager"
    assert suggest(danish, "Hun begynder at cykle.", "outcome").stance == "improved"
    assert suggest(danish, "Han spiser færre kager.", "outcome").stance == "improved"
    without = StanceTagger("da", {}, lemmas=False)
    assert suggest(without, "Hun begynder at cykle.", "outcome").stance == "not_stated"


# -- baseline and the command -----------------------------------------------------


def test_keyword_baseline_takes_the_first_cue():
    baseline = KeywordBaseline("en")
    assert baseline.predict(
        [
            ("I don't eat more sweets.", "outcome"),  # no negation: improved
            ("I drink less soda.", "outcome"),  # no object reversal: worsened
            ("We talked.", "outcome"),
            ("It is not easy.", "context"),
            ("We never met.", "intervention"),
        ]
    ) == ["improved", "worsened", "not_stated", "facilitator", "absent"]


def test_rules_beat_the_baseline(eval_rows):
    result = evaluate(eval_rows, "all")
    for language in ("en", "da", "all"):
        rules = result["methods"]["rules"][language]["macro_f1"]
        baseline = result["methods"]["baseline"][language]["macro_f1"]
        assert rules >= baseline + 0.1, language
    assert result["methods"]["rules"]["all"]["macro_f1"] >= 0.85


def test_command_prints_and_writes_json(tmp_path, capsys):
    out = tmp_path / "eval.json"
    assert main(["--set", "development", "--split", "dev", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "macro-F1" in printed and "== da" in printed and "== all" in printed
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["split"] == "dev"
    assert set(result["methods"]) == {"rules", "baseline"}
    assert result["n"] == sum(1 for r in load_eval_set(EVAL_SET) if r.split == "dev")
    classes = result["methods"]["rules"]["all"]["classes"]
    assert set(classes) == {s for v in STANCES_BY_KIND.values() for s in v}


def test_heldout_set_is_valid_and_scored_by_default(tmp_path, capsys):
    """The held-out set (written blind to the rules) loads cleanly, covers every
    stance in both languages, shares no text with the development set, and is
    what `make eval` scores."""
    heldout = load_eval_set(HELDOUT_SET)
    assert len(heldout) >= 200 and {r.split for r in heldout} == {"heldout"}
    assert Counter(r.language for r in heldout) == {"en": 120, "da": 120}
    every_class = {s for stances_ in STANCES_BY_KIND.values() for s in stances_}
    assert {r.gold_stance for r in heldout} == every_class
    development = {r.text for r in load_eval_set(EVAL_SET)}
    assert not [r.id for r in heldout if r.text in development]
    out = tmp_path / "eval.json"
    assert main(["--json", str(out)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["n"] == len(heldout)
    rules, baseline = (result["methods"][m]["all"]["macro_f1"] for m in ("rules", "baseline"))
    assert rules > baseline

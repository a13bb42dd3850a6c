"""Where a reading becomes a label or `unclear` (flows/nlp/decide.py, and the
model's abstention `StanceReader._decide`), called directly on states and cues
made by hand: each rule's label, confidence, cues and reason, and the rule it
must not pre-empt. The texts that reach these rules are in
tests/test_stance_constructions.py and the pinned readings."""

from __future__ import annotations

import pytest

from flows.nlp.cues import Cue
from flows.nlp.decide import UNCLEAR, Verdict, decide_context, decide_outcome, decide_presence
from flows.nlp.model import FamilyModel
from flows.nlp.reader import StanceReader
from flows.nlp.states import State


def s(clause, anchor, value, cue="more", label="up", topical=True, planned=False) -> State:
    return State(clause, anchor, value, label, cue, False, False, topical, False, planned)


def outcome(states=(), **flags) -> Verdict:
    args = dict(plans=False, nonaction=False, relapse=[], latest_words=False)
    args.update(flags)
    return decide_outcome(list(states), **args)


# ------------------------------------------------------------------ outcomes


def test_a_plan_never_carried_out_is_no_change_unless_a_gain_holds_now():
    assert outcome(nonaction=True) == ("no_change", 0.6, ("plan not carried out",), "nonaction")
    early = [s(0, "early", 1, "walked")]
    assert outcome(early, nonaction=True) == ("no_change", 0.6, ("walked",), "nonaction")
    # a habit the baseline states was no plan (decision 0349): "Da jeg startede, målte
    # jeg hver dag ... nu ligger apparatet i skuffen" is read by the other rules
    then = [s(0, "baseline", 1, "walked")]
    assert outcome(then, nonaction=True).reason != "nonaction"
    stopped = [*then, s(1, "latest", -1, "stopped", label="stop")]
    assert outcome(stopped, nonaction=True) == ("worsened", 0.9, ("walked", "stopped"), "latest")
    now = [s(0, "latest", 0, "same"), s(1, "latest", 1, "walks")]
    assert outcome(now, nonaction=True) == ("improved", 0.7, ("same", "walks"), "latest")


def test_a_plan_never_carried_out_stands_beside_a_state_now_that_is_no_gain():
    for value, cue in [(0, "same"), (-1, "less")]:
        assert outcome([s(0, "latest", value, cue)], nonaction=True) == (
            "no_change",
            0.6,
            (cue,),
            "nonaction",
        )


def test_only_the_themes_own_unplanned_states_count():
    others = [s(0, "latest", 1, "x", topical=False), s(1, "latest", 1, "y", planned=True)]
    assert outcome(others, nonaction=True) == (
        "no_change",
        0.6,
        ("plan not carried out",),
        "nonaction",
    )
    assert outcome(others[:1]) == (UNCLEAR, 0.2, (), "none")
    assert outcome(others[1:], anchored=False) == ("not_stated", 0.55, ("intention",), "plan")


def test_a_relapse_after_the_last_gain_is_no_change():
    gain = [s(1, "latest", 1, "walks")]
    assert outcome(gain, relapse=[2]) == ("no_change", 0.6, ("walks",), "relapse")
    assert outcome(gain, relapse=[1]) == ("no_change", 0.6, ("walks",), "relapse")
    assert outcome(gain, relapse=[0]) == ("improved", 0.9, ("walks",), "latest")
    # the last relapse word counts, wherever it is listed
    assert outcome([s(2, "latest", 1, "walks")], relapse=[3, 1])[3] == "relapse"
    assert outcome([s(1, "latest", -1, "less")], relapse=[2]) == (
        "worsened",
        0.9,
        ("less",),
        "latest",
    )


def test_a_contradicted_claim_of_a_gain_is_no_change_not_a_loss():
    assert outcome(contradicted=True) == (
        "no_change",
        0.55,
        ("claim contradicted",),
        "contradicted",
    )
    assert outcome([s(0, "latest", 1, "cut out")], contradicted=True) == (
        "no_change",
        0.55,
        ("cut out", "claim contradicted"),
        "contradicted",
    )
    assert outcome([s(0, "latest", -1, "less")], contradicted=True)[0] == "worsened"


def test_numbers_decide_when_now_only_says_it_still_holds():
    still = [s(3, "latest", 0, "still", label="same")]
    assert outcome(still, numbers=1) == ("improved", 0.6, ("still", "numbers"), "numbers")
    assert outcome(still, numbers=-1)[0] == "worsened"
    assert outcome(still, numbers=0)[0] == "no_change"
    same = [s(3, "latest", 0, "the same", label="same")]  # not a word that keeps a change
    assert outcome(same, numbers=1) == ("no_change", 0.9, ("the same",), "latest")
    mixed = [*still, s(4, "latest", 1, "more")]
    assert outcome(mixed, numbers=-1) == ("improved", 0.7, ("still", "more"), "latest")


def test_the_last_clause_decides_and_still_keeps_the_change_before_it():
    states = [s(0, "latest", -1, "less"), s(1, "latest", 1, "more"), s(2, "latest", 0, "still")]
    assert outcome(states) == ("improved", 0.63, ("less", "more", "still"), "latest")
    unknown = [s(1, "latest", None, "changed"), s(2, "latest", 0, "still")]
    assert outcome(unknown) == ("no_change", 0.9, ("changed", "still"), "latest")
    flat = [s(1, "latest", 0, "same"), s(2, "latest", 0, "still")]
    assert outcome(flat) == ("no_change", 0.9, ("same", "still"), "latest")
    # a change in the same clause as "still" is no earlier change
    same_clause = [s(2, "latest", 1, "more"), s(2, "latest", 0, "still")]
    assert outcome(same_clause)[0] == UNCLEAR
    later = [s(1, "latest", 1, "more"), s(2, "latest", -1, "less")]
    assert outcome(later) == ("worsened", 0.7, ("more", "less"), "latest")


def test_only_a_word_that_keeps_a_change_looks_back_past_its_clause():
    # "the same" at the end is no change now; only "still" keeps the earlier change
    same = [s(1, "latest", 1, "more"), s(2, "latest", 0, "the same")]
    assert outcome(same) == ("no_change", 0.7, ("more", "the same"), "latest")
    # the change kept is the last one before "still", and not one in its own clause
    kept = [s(1, "latest", 1, "more"), s(2, "latest", -1, "less"), s(2, "latest", 0, "still")]
    assert outcome(kept) == ("improved", 0.63, ("more", "less", "still"), "latest")
    three = [
        s(0, "latest", -1, "less"),
        s(1, "latest", 1, "more"),
        s(2, "latest", -1, "worse"),
        s(3, "latest", 0, "still"),
    ]
    assert outcome(three) == ("worsened", 0.7, ("less", "more", "worse", "still"), "latest")


def test_states_at_the_baseline_or_early_are_not_now():
    states = [s(0, "baseline", -1, "never"), s(1, "early", 1, "at first"), s(2, None, 1, "now")]
    assert outcome(states) == ("improved", 0.9, ("never", "at first", "now"), "latest")
    assert outcome(states[:2]) == (UNCLEAR, 0.2, ("never", "at first"), "none")


def test_states_that_disagree_in_the_last_clause_are_unclear_unless_one_is_same():
    both = [s(1, "latest", 1, "more"), s(1, "latest", -1, "less")]
    assert outcome(both) == (UNCLEAR, 0.3, ("more", "less"), "conflict")
    with_same = [s(1, "latest", 1, "more"), s(1, "latest", 0, "as before", label="same")]
    assert outcome(with_same) == ("improved", 0.7, ("more", "as before"), "latest")
    only_same = [s(1, "latest", 1, "again", label="same"), s(1, "latest", 0, "x", label="same")]
    assert outcome(only_same) == (UNCLEAR, 0.3, ("again", "x"), "conflict")


def test_not_before_and_not_now_is_no_change():
    verdict = ("no_change", 0.55, ("not before, not now",), "negated_both")
    assert outcome(negated_then_and_now=True) == verdict
    assert outcome([s(0, "baseline", None, "x")], negated_then_and_now=True)[3] != "negated_both"


def test_numbers_and_then_and_now_without_a_state_now():
    assert outcome(numbers=-1) == ("worsened", 0.6, ("numbers",), "numbers")
    assert outcome(numbers=0)[0] == "no_change"
    assert outcome(then_now=1) == ("improved", 0.55, ("then and now",), "then_now")
    assert outcome(then_now=-1) == ("worsened", 0.55, ("then and now",), "then_now")
    assert outcome(then_now=0) == (UNCLEAR, 0.2, (), "none")
    assert outcome(numbers=1, then_now=-1)[0] == "improved"


def test_an_old_habit_set_against_now_is_its_opposite():
    bad = [s(0, "baseline", 0, "ok"), s(1, "baseline", -1, "forgot")]
    assert outcome(bad, latest_words=True) == ("improved", 0.6, ("ok", "forgot"), "old_habit")
    good = [s(0, "baseline", 1, "walked")]
    assert outcome(good, latest_words=True) == ("worsened", 0.5, ("walked",), "old_habit")
    assert outcome(bad, latest_words=False) == (UNCLEAR, 0.2, ("ok", "forgot"), "none")
    flat = [s(0, "baseline", 0, "ok")]
    assert outcome(flat, latest_words=True) == (UNCLEAR, 0.2, ("ok",), "none")
    unknown = [s(0, "baseline", None, "changed")]
    assert outcome(unknown, latest_words=True)[3] == "none"
    # the old habit is the last baseline state of known sign; an early state is none
    early = [s(0, "baseline", -1, "forgot"), s(1, "early", 1, "at first")]
    assert outcome(early, latest_words=True) == (
        "improved",
        0.6,
        ("forgot", "at first"),
        "old_habit",
    )
    signless = [s(0, "baseline", -1, "forgot"), s(1, "baseline", None, "changed")]
    assert outcome(signless, latest_words=True)[:2] == ("improved", 0.6)


def test_what_no_state_says_is_not_stated():
    assert outcome(someone_else=True) == ("not_stated", 0.5, ("someone else",), "someone_else")
    assert outcome([s(0, "baseline", None, "x")], someone_else=True)[3] == "none"
    assert outcome(plans=True) == ("not_stated", 0.55, ("intention",), "plan")
    assert outcome([s(0, "baseline", None, "x")], plans=True) == (
        "not_stated",
        0.55,
        ("x",),
        "plan",
    )
    assert outcome(uncertain=True) == ("not_stated", 0.5, ("uncertain",), "uncertain")
    assert outcome([s(0, "baseline", None, "x")], uncertain=True)[3] == "none"
    assert outcome(anchored=False) == ("not_stated", 0.4, ("no state",), "nothing")
    assert outcome() == (UNCLEAR, 0.2, (), "none")
    assert outcome([s(0, "baseline", None, "x")], anchored=False) == (UNCLEAR, 0.2, ("x",), "none")


# ------------------------------------------------------------------- context


def c(label, cue, clause=0, negated=False, contrast=False, planned=False) -> Cue:
    return Cue(label, cue, negated, clause, contrast, planned)


def test_no_effect_and_uncertainty_come_before_the_cues():
    hard = [c("barrier", "hard")]
    assert decide_context(hard, True, True) == ("not_stated", 0.6, ("no difference",), "no_effect")
    assert decide_context(hard, False, True) == ("not_stated", 0.55, ("uncertain",), "uncertain")


def test_one_side_of_barrier_and_facilitator_words_decides():
    found = [c("barrier", "hard"), c("other", "x"), c("barrier", "hard", 1)]
    assert decide_context(found, False) == ("barrier", 0.7, ("hard", "x"), "one_side")
    assert decide_context([c("other", "x")], False) == (UNCLEAR, 0.2, ("x",), "none")
    assert decide_context([], False) == (UNCLEAR, 0.2, (), "none")


def test_a_negation_or_a_later_gone_turns_a_cue_around():
    assert decide_context([c("barrier", "tired", negated=True)], False)[0] == "facilitator"
    assert decide_context([c("facilitator", "helps", negated=True)], False)[0] == "barrier"
    gone = [c("barrier", "fatigue", 0), c("gone", "lifted", 1)]
    assert decide_context(gone, False) == ("facilitator", 0.7, ("fatigue", "lifted"), "one_side")
    same_clause = [c("barrier", "fatigue", 1), c("gone", "lifted", 1)]
    assert decide_context(same_clause, False)[0] == "facilitator"
    before = [c("gone", "lifted", 0), c("barrier", "fatigue", 1)]
    assert decide_context(before, False)[0] == "barrier"
    negated_gone = [c("barrier", "fatigue", 0), c("gone", "lifted", 1, negated=True)]
    assert decide_context(negated_gone, False)[0] == "barrier"


def test_both_sides_are_decided_by_the_one_after_a_contrast_else_unclear():
    found = [c("barrier", "hard"), c("facilitator", "manage", 1, contrast=True)]
    assert decide_context(found, False) == ("facilitator", 0.55, ("hard", "manage"), "contrast")
    flipped = [c("barrier", "hard", contrast=True), c("facilitator", "manage", 1)]
    assert decide_context(flipped, False)[0] == "barrier"
    both = [c("barrier", "hard", contrast=True), c("facilitator", "manage", 1, contrast=True)]
    assert decide_context(both, False) == (UNCLEAR, 0.3, ("hard", "manage"), "conflict")
    neither = [c("barrier", "hard"), c("facilitator", "manage", 1)]
    assert decide_context(neither, False) == (UNCLEAR, 0.3, ("hard", "manage"), "conflict")


# ------------------------------------------------------------------ presence


def test_a_contradicted_claim_is_absent_and_uncertainty_not_stated():
    found = [c("present", "cooked")]
    assert decide_presence(found, True, False, "intervention", contradicted=True) == (
        "absent",
        0.55,
        ("cooked", "claim contradicted"),
        "contradicted",
    )
    assert decide_presence(found, True, False, "mechanism") == (
        "not_stated",
        0.6,
        ("cooked",),
        "uncertain",
    )
    assert decide_presence([], True, False, "mechanism") == (
        "not_stated",
        0.6,
        ("uncertain",),
        "uncertain",
    )


def test_present_and_absent_words_with_their_negations():
    present, absent = c("present", "came"), c("absent", "skipped")
    assert decide_presence([present], False, False, "mechanism") == (
        "present",
        0.7,
        ("came",),
        "one_side",
    )
    assert decide_presence([absent], False, False, "mechanism") == (
        "absent",
        0.7,
        ("skipped",),
        "one_side",
    )
    negated = c("present", "came", negated=True)
    assert decide_presence([negated], False, False, "output")[0] == "absent"
    assert decide_presence([c("absent", "skipped", negated=True)], False, False, "output") == (
        UNCLEAR,
        0.2,
        ("skipped",),
        "none",
    )
    assert decide_presence([present, absent], False, False, "output") == (
        UNCLEAR,
        0.3,
        ("came", "skipped"),
        "conflict",
    )
    assert decide_presence([present, negated], False, False, "output")[3] == "conflict"
    # an absence word and a negated presence agree
    assert decide_presence([absent, negated], False, False, "output") == (
        "absent",
        0.7,
        ("skipped", "came"),
        "one_side",
    )
    assert decide_presence([c("other", "x")], False, False, "output") == (
        UNCLEAR,
        0.2,
        ("x",),
        "none",
    )


def test_a_planned_delivery_is_no_delivery_of_an_intervention_only():
    planned = c("present", "go to the dietitian", planned=True)
    assert decide_presence([planned], False, True, "intervention") == (
        "absent",
        0.55,
        ("go to the dietitian",),
        "plan",
    )
    assert decide_presence([], False, True, "intervention") == ("absent", 0.55, ("plan",), "plan")
    assert decide_presence([planned], False, True, "mechanism")[0] == "present"
    assert decide_presence([planned], False, False, "intervention")[0] == "present"
    done = [planned, c("present", "went")]
    assert decide_presence(done, False, True, "intervention") == (
        "present",
        0.7,
        ("go to the dietitian", "went"),
        "one_side",
    )


# ---------------------------------------------- the model's label or `unclear`

FAMILY = FamilyModel(
    labels=("absent", "not_stated", "present", "improved"),
    bias=[0.0, 0.0, 0.0, 0.0],
    weights={"w": [-1.0, 0.0, 2.0, 0.0], "v": [3.0, 0.0, 0.5, 0.0]},
    threshold=0.5,
)
RULES = Verdict("present", 0.7, ("came",), "one_side")


def decide(probs, known=(), agreeing=None, verdict=RULES, component="intervention"):
    """`known` names the row's features the model knows; the reader passes their
    ids (a feature's id is its rank by name, decision 0263)."""
    ids = FAMILY._compiled()[0]
    return StanceReader._decide(
        FAMILY, component, probs, verdict, [ids[f] for f in known], agreeing
    )


def test_the_model_abstains_under_its_threshold_and_on_a_tie():
    assert decide([0.1, 0.2, 0.7, 0.0], known=["w", "v"]) == ("present", 0.7, ("came", "w", "v"))
    assert decide([0.3, 0.2, 0.5, 0.0]) == ("present", 0.5, ("came",))
    assert decide([0.25, 0.26, 0.49, 0.0]) == (UNCLEAR, 0.49, ("came",))
    assert decide([0.45, 0.1, 0.45, 0.0]) == (UNCLEAR, 0.45, ("came",))
    assert decide([0.6, 0.4, 0.0, 0.0], known=["v"]) == ("absent", 0.6, ("came", "v"))


def test_labels_the_component_cannot_take_are_not_chosen():
    # "improved" is no label of an intervention, however likely
    assert decide([0.1, 0.1, 0.2, 0.6]) == (UNCLEAR, 0.2, ("came",))
    assert decide([0.1, 0.1, 0.2, 0.6], component="no such kind") == ("improved", 0.6, ("came",))


def test_agreement_with_the_rules_lowers_the_threshold_for_their_label_only():
    assert decide([0.2, 0.2, 0.4, 0.2], agreeing=0.35) == ("present", 0.4, ("came",))
    assert decide([0.2, 0.2, 0.4, 0.2], agreeing=0.6) == (UNCLEAR, 0.4, ("came",))
    other = Verdict("absent", 0.7, ("skipped",), "one_side")
    assert decide([0.2, 0.2, 0.4, 0.2], agreeing=0.35, verdict=other) == (
        UNCLEAR,
        0.4,
        ("skipped",),
    )


@pytest.mark.parametrize(("gap", "label"), [(0.0, UNCLEAR), (4e-10, UNCLEAR), (1e-6, "present")])
def test_a_tie_is_within_a_billionth(gap, label):
    assert decide([0.5 - gap, 0.0, 0.5 + gap, 0.0])[0] == label


def test_a_tie_is_between_the_two_labels_the_component_can_take():
    """An outcome family scored for intervention labels too: only the outcome's
    labels rank, so two of them can tie, and one alone cannot."""
    family = FamilyModel(("present", "improved", "worsened"), [0.0] * 3, {}, threshold=0.3)
    verdict = Verdict("improved", 0.7, ("more",), "latest")
    two = StanceReader._decide(family, "outcome", [0.0, 0.5, 0.5], verdict, [])
    assert two == (UNCLEAR, 0.5, ("more",))
    one = FamilyModel(("present", "improved"), [0.0] * 2, {}, threshold=0.3)
    assert StanceReader._decide(one, "outcome", [0.6, 0.4], verdict, []) == (
        "improved",
        0.4,
        ("more",),
    )

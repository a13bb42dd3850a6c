"""`own_counts.new_now` (decision 0357) at the function: "That's new" said after a
clause naming an own object where lower is better is the object started, one state
of its own in place of what the lexicon read there ("new" reads as a gain), kept in
clause order; a clause that only looks like it is not (written by mutants13, for
the mutants of `new_now` that the readings through the whole reader let pass)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from flows.nlp import reader as reader_module
from flows.nlp.own_counts import NEW_NOW, new_now
from flows.nlp.profiles import profile_for
from flows.nlp.reader import StanceReader
from flows.nlp.states import State

CALLS = {"doctor_line": ["ring the doctor", "doctor", "lægevagt", "lægevagten", "ringer"]}


@pytest.fixture(scope="module")
def reader() -> StanceReader:
    profile = profile_for("calls", "en", "outcome", CALLS, None, "lower", "Calls to the doctor")
    return StanceReader("en", {"calls": profile}, {"calls": CALLS}, model=False)


@pytest.fixture
def inputs(reader, monkeypatch):
    """What the reader hands `new_now` for a text: (parsed, profile, states, objects)."""
    seen = []

    def spy(parsed, profile, states, objects):
        seen.append((parsed, profile, list(states), list(objects)))
        return new_now(parsed, profile, states, objects)

    monkeypatch.setattr(reader_module, "new_now", spy)

    def read(text: str):
        seen.clear()
        reader.read(text, "calls")
        (call,) = seen
        return call

    return read


def _started(clause: int, cue: str = "that 's new") -> State:
    return State(clause, "latest", -1, NEW_NOW, cue, False, True, True, False)


def test_the_object_started_is_one_state_of_now_in_clause_order(inputs):
    text = "He's been ringing the doctor at night. That's new, and he rings more often now."
    parsed, profile, states, objects = inputs(text)
    assert [s.label for s in states] == ["better", "up"]  # "new" read as a gain
    out = new_now(parsed, profile, states, objects)
    assert out == [_started(1), states[1]]
    assert (out[0].anchor, out[0].negated, out[0].turned, out[0].contrast) == (
        "latest",
        False,
        True,
        False,
    )


def test_the_cue_is_the_clause_as_written(inputs):
    parsed, profile, states, objects = inputs(
        "Pia told me he'd been ringing the doctor at night. That's quite new."
    )
    assert new_now(parsed, profile, states, objects) == [_started(1, "that 's quite new")]


def test_a_negation_elsewhere_leaves_the_start_read(inputs):
    parsed, profile, states, objects = inputs(
        "He hasn't been sleeping. He's been ringing the doctor at night. That's new."
    )
    assert parsed.negations  # in the first clause, not in "That's new"
    assert new_now(parsed, profile, states, objects) == [_started(2)]


@pytest.mark.parametrize(
    "text",
    [
        # "new" among other words: a new thing, not the object started
        "He's been ringing the doctor at night. He has a new phone.",
        # the frame's words without "new"
        "He's been ringing the doctor at night. That is all.",
    ],
)
def test_a_clause_that_only_looks_like_it_is_not_the_object_started(inputs, text):
    parsed, profile, states, objects = inputs(text)
    assert new_now(parsed, profile, states, objects) == states


def test_a_theme_the_rule_does_not_apply_to_is_left_as_it_is(inputs):
    parsed, profile, states, objects = inputs(
        "He's been ringing the doctor at night. That's new, and he rings more often now."
    )
    assert objects
    for other in (replace(profile, own=False), replace(profile, better="higher")):
        assert new_now(parsed, other, states, objects) is states
    # no word of the object named: what happened before "That's new" (decision 0420)
    unnamed = new_now(parsed, profile, states, [])
    assert [s.value for s in unnamed if s.label == "new_now"] == [-1]


@pytest.mark.parametrize(
    ("text", "started"),
    [
        # the object named only at the baseline, or early on: nothing started now
        ("At the start he rang the doctor at night. That's new.", False),
        ("In the beginning he rang the doctor. That's new.", False),
        # ... and named again as it happens now: started (each clause looked at)
        (
            "At the start he rang the doctor at night, and now he's been ringing the "
            "doctor every week. That's new.",
            True,
        ),
        (
            "He didn't ring the doctor in May, but now he's been ringing the doctor every "
            "week. That's new.",
            True,
        ),
        (
            "He rang the doctor less in May, and now he's been ringing the doctor every "
            "week. That's new.",
            True,
        ),
    ],
)
def test_only_a_clause_where_the_object_happened_comes_before(inputs, text, started):
    parsed, profile, states, objects = inputs(text)
    out = new_now(parsed, profile, states, objects)
    last = len(parsed.clauses) - 1
    assert [s for s in out if s.label == NEW_NOW] == ([_started(last)] if started else [])

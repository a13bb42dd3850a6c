"""The rules' reading: a label from the states, or `unclear`.

Outcomes (scheme: compare the baseline with the latest state):

1. Only the theme's own clauses count (`State.topical`).
2. A plan never carried out ("nonaction": "never happened", "still in the plastic")
   is no_change. A relapse word ("back to", "again", "for a while", "gled ud") after
   a gain is no_change unless a later gain follows.
3. The latest state is the last state not anchored at the baseline or in an early
   phase; +1 is improved, -1 worsened, 0 no_change. "Still" after a change keeps
   the change ("they started walking ... still does"). A gain claimed by someone
   else that the speaker's own observation contradicts, after a contrast ("he says
   he's cut out cola, but the fridge ..."), is no_change.
3a. No state, but a negation both at the baseline and now ("he wasn't active
   before, and he isn't now"): no_change.
3b. No state now (or only "still"), but numbers compared (`numbers.py`: "from two to seven", "twice a
   year before, five times at follow-up"): the sign of the change.
3c. No state now, but the behaviour done at one time and not at the other
   (`states.then_and_now`: "Before, I didn't measure. Now I do it every morning"):
   improved or worsened.
4. With no latest state: an old habit at the baseline set against a clause that
   speaks of now ("I used to forget them. Now I have the box") is the opposite of
   the old habit; an early gain alone is no verdict.
5. Someone else's habit only ("my sister gets a vegetable box every week",
   `people.py`): not_stated. Intentions, advice or uncertainty with no state: not_stated. A direction word in
   the scope of an intention ("she wants to start walking") is a plan, no state.
   Nothing stated (no state, no time named): not_stated.
6. States that disagree in the same last clause, or nothing that anchors a reading:
   `unclear`.

Context: barrier and facilitator words, turned around by a negation or by "gone" in
their clause or a later one ("the fatigue ... It lifted around March");
"made no difference", "didn't stop me", "om det har haft betydning" (`no_effect`), a
negated effect verb ("it doesn't seem to have affected", "har ikke ændret noget")
and "I can't say" (`uncertain`) are not_stated; disagreeing cues are decided by the one after
a contrast word ("it's hard, but I manage"), else unclear.

Context, ninth pass: a fact or an event told alone ("He had a fall in the bathroom
in November. Broke his wrist.": every cue an `event` word, no negation, no word of
change, effect or consequence) is not_stated.

Mechanism, intervention, output: presence and absence words, a negated presence
being an absence; for an intervention, a presence word in the scope of a plan
("we talked about going to the dietitian together") is no delivery; a claim the speaker contradicts ("he says we cooked together.
We didn't") is absent; plans, intentions and "only talked about" are absent for an
intervention; "don't know" is not_stated.

The confidence of a rule reading is a rough share of agreeing evidence; the
trained model (`model.py`) gives the confidence the reader reports.
"""

from __future__ import annotations

from typing import NamedTuple

from flows.nlp.cues import Cue
from flows.nlp.states import State

UNCLEAR = "unclear"
#: "same" words that say a change goes on ("still does", "stadig"): after a change
#: they keep it, they do not undo it
CONTINUING = frozenset({"still", "stadig", "stadigvæk", "kept up", "keep up", "carried on"})


class Verdict(NamedTuple):
    label: str
    confidence: float
    cues: tuple[str, ...]
    reason: str = ""  # which rule gave the label (`latest`, `relapse`, `numbers`, ...)


def decide_outcome(
    states: list[State],
    plans: bool,
    nonaction: bool,
    relapse: list[int],
    latest_words: bool,
    contradicted: bool = False,
    negated_then_and_now: bool = False,
    then_now: int | None = None,
    numbers: int | None = None,
    uncertain: bool = False,
    anchored: bool = True,
    someone_else: bool = False,
) -> Verdict:
    """An outcome label from the states (module docstring)."""
    planned = [s for s in states if s.topical and s.planned]
    own = [s for s in states if s.topical and not s.planned]
    cues = tuple(dict.fromkeys(s.cue for s in own))
    if (
        nonaction
        and not any(s.value == 1 and s.anchor == "latest" for s in own)
        and not any(s.value == 1 and s.anchor == "baseline" for s in own)
    ):  # a habit done at the baseline was no plan: "i skuffen" now is a stop
        return Verdict("no_change", 0.6, cues or ("plan not carried out",), "nonaction")
    now = [s for s in own if s.anchor not in ("baseline", "early") and s.value is not None]
    gains = [s for s in own if s.value == 1]
    # "Nu er han begyndt igen", "he's started again": a start in the last relapse
    # clause is the behaviour taken up again; what was resumed decides (the latest state)
    resumed = relapse and any(
        s.label == "start" and s.value == 1 and s.clause == max(relapse) for s in own
    )
    if (
        relapse
        and gains
        and not resumed
        and not any(s.value == 1 and s.clause > max(relapse) for s in own)
    ):
        return Verdict("no_change", 0.6, cues, "relapse")
    if contradicted and (not now or any(s.value == 1 for s in now)):
        return Verdict("no_change", 0.55, (*cues, "claim contradicted"), "contradicted")
    if now and numbers is not None and all(s.value == 0 and s.cue in CONTINUING for s in now):
        # "from once a month to three or four times a week now, and it still holds":
        # "still" keeps the change the numbers give
        label = {1: "improved", 0: "no_change", -1: "worsened"}[numbers]
        return Verdict(label, 0.6, (*cues, "numbers"), "numbers")
    lifelong = [s.clause for s in now if s.label == "lifelong" and s.anchor != "latest"]
    if lifelong and not any(s.clause > lifelong[-1] and s.value != 0 for s in now):
        # "she has always walked the dog, and she still does", "det har han altid
        # gjort": a habit held always, with no change told after it, is no change,
        # whatever its words of frequency say
        return Verdict("no_change", 0.6, cues, "lifelong")
    if (
        negated_then_and_now
        and now
        and not any(s.anchor in ("baseline", "latest") for s in own)
        and all(s.label == "object" or s.negated for s in now)
    ):
        # "Ole never missed his tablets, not before and not now": the negated habit
        # told once, its times only in clauses of their own
        return Verdict("no_change", 0.55, (*cues, "not before, not now"), "negated_both")
    if now:
        last_clause = now[-1].clause
        if now[-1].value == 0 and now[-1].cue in CONTINUING:
            earlier = [s for s in now if s.clause < last_clause and s.value != 0]
            if earlier and earlier[-1].value is not None:
                last_clause = earlier[-1].clause
        last = {s.value for s in now if s.clause == last_clause}
        if len(last) > 1:
            last = {s.value for s in now if s.clause == last_clause and s.label != "same"}
        if len(last) == 1:
            value = last.pop()
            label = {1: "improved", 0: "no_change", -1: "worsened"}[value]
            agree = sum(1 for s in now if s.value == value) / len(now)
            return Verdict(label, round(0.5 + 0.4 * agree, 2), cues, "latest")
        return Verdict(UNCLEAR, 0.3, cues, "conflict")
    if negated_then_and_now and not own:
        return Verdict("no_change", 0.55, ("not before, not now",), "negated_both")
    if numbers is not None and not now:
        label = {1: "improved", 0: "no_change", -1: "worsened"}[numbers]
        return Verdict(label, 0.6, (*cues, "numbers"), "numbers")
    if then_now and not now:
        label = "improved" if then_now > 0 else "worsened"
        return Verdict(label, 0.55, (*cues, "then and now"), "then_now")
    old = [s for s in own if s.anchor == "baseline" and s.value is not None]
    if old and latest_words:
        value = old[-1].value
        if value == -1:
            return Verdict("improved", 0.6, cues, "old_habit")
        if value == 1:
            return Verdict("worsened", 0.5, cues, "old_habit")
    if someone_else and not own:
        return Verdict("not_stated", 0.5, ("someone else",), "someone_else")
    if plans or planned:
        return Verdict("not_stated", 0.55, cues or ("intention",), "plan")
    if uncertain and not own:
        return Verdict("not_stated", 0.5, ("uncertain",), "uncertain")
    if not own and not anchored:
        return Verdict("not_stated", 0.4, ("no state",), "nothing")
    return Verdict(UNCLEAR, 0.2, cues, "none")


def decide_context(
    found: list[Cue], no_effect: bool, uncertain: bool = False, event_only: bool = False
) -> Verdict:
    """facilitator / barrier / not_stated from context cues; `event_only`: every cue is
    an event or a clinical fact told with nothing of what it did (`reader.events_only`:
    "He had a fall in the bathroom in November. Broke his wrist."), not_stated."""
    if no_effect:
        return Verdict("not_stated", 0.6, ("no difference",), "no_effect")
    if uncertain:
        return Verdict("not_stated", 0.55, ("uncertain",), "uncertain")
    if event_only:
        return Verdict("not_stated", 0.5, tuple(dict.fromkeys(c.cue for c in found)), "event_only")
    votes: dict[str, list[Cue]] = {}
    for cue in found:
        if cue.label not in ("barrier", "facilitator"):
            continue
        side = cue.label
        if cue.negated or any(
            c.label == "gone" and c.clause >= cue.clause and not c.negated for c in found
        ):
            side = "facilitator" if side == "barrier" else "barrier"
        votes.setdefault(side, []).append(cue)
    cues = tuple(dict.fromkeys(c.cue for c in found))
    if not votes:
        return Verdict(UNCLEAR, 0.2, cues, "none")
    if len(votes) == 1:
        side = next(iter(votes))
        return Verdict(side, 0.7, cues, "one_side")
    after = {side for side, cs in votes.items() if any(c.contrast for c in cs)}
    if len(after) == 1:
        return Verdict(after.pop(), 0.55, cues, "contrast")
    return Verdict(UNCLEAR, 0.3, cues, "conflict")


def decide_presence(
    found: list[Cue], uncertain: bool, plans: bool, component: str, contradicted: bool = False
) -> Verdict:
    """present / absent / not_stated for a mechanism, intervention or output."""
    cues = tuple(dict.fromkeys(c.cue for c in found))
    if contradicted:
        return Verdict("absent", 0.55, (*cues, "claim contradicted"), "contradicted")
    if uncertain:
        return Verdict("not_stated", 0.6, cues or ("uncertain",), "uncertain")
    if component == "intervention" and plans:
        found = [c for c in found if not (c.label == "present" and c.planned)]
    present = sum(1 for c in found if c.label == "present" and not c.negated)
    absent = sum(1 for c in found if c.label == "absent" and not c.negated) + sum(
        1 for c in found if c.label == "present" and c.negated
    )
    if component == "intervention" and plans and not present:
        return Verdict("absent", 0.55, cues or ("plan",), "plan")
    if present and not absent:
        return Verdict("present", 0.7, cues, "one_side")
    if absent and not present:
        return Verdict("absent", 0.7, cues, "one_side")
    if present and absent:
        return Verdict(UNCLEAR, 0.3, cues, "conflict")
    return Verdict(UNCLEAR, 0.2, cues, "none")

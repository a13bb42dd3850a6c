"""The behaviour at the baseline against now when no direction word says so
(`then_and_now`: "Before, I didn't measure. Now I do it every morning"), and a
negation at both times (`negated_then_and_now`: "hverken før eller nu").

Split from `states.py` (decision 0433) with no change in behaviour.
"""

from __future__ import annotations

from flows.nlp.anchors import bare_time
from flows.nlp.excerpt import Parsed, Profile
from flows.nlp.states import lower_objects


def negated_then_and_now(parsed: Parsed) -> bool:
    """A negation in a clause at the baseline and one in a clause of now ("he
    wasn't active before, and he isn't now", "hverken før eller nu")."""
    numbers = parsed.clause_numbers()
    anchors = {parsed.clauses[numbers[n]].anchor for n in parsed.negations if numbers[n] >= 0}
    return "baseline" in anchors and "latest" in anchors


def then_and_now(
    parsed: Parsed,
    profile: Profile,
    topical: list[bool],
    lower_spans: list[tuple[int, int]] | None = None,
) -> int | None:
    """What the behaviour was at the baseline against what it is now when no
    direction word says so, by polarity: "Before, I didn't measure at all. Now I do it
    every morning" (+1); "I used to go every three months. I don't bother anymore"
    (-1). A clause is about doing the behaviour unless negated ("none", "aldrig",
    "didn't"); a thing of which less is better turns it ("Before it was cola every
    day. Now I don't touch it" is +1). The last topical clause at the baseline and
    the last one now decide (with no clause anchored now, the last unanchored one:
    "Han måler hver morgen. Det gjorde han slet ikke, da vi startede"); the same
    polarity is 0 (done then and now: no verdict of its own, a feature for the
    model), None where one of the two times is missing."""
    numbers = parsed.clause_numbers()
    negated_clauses = {numbers[n] for n in parsed.negations if numbers[n] >= 0}
    # "the meter is in the drawer", "still in the box": a thing left unused is not doing
    negated_clauses |= {numbers[s] for s, _ in parsed.found.get("nonaction", ()) if numbers[s] >= 0}
    if lower_spans is None:
        lower_spans = lower_objects(parsed, profile)
    objects = {numbers[s[0]] for s in lower_spans if numbers[s[0]] >= 0}
    if profile.better == "lower":
        # where lower is better, a clause that names no thing of which more is
        # better is about the theme's own object ("I never had the pains before")
        good = parsed.clause_numbers_naming(profile.good)
        objects |= {n for n in range(len(parsed.clauses)) if not good[n]}
    then = now = present = None
    for n, clause in enumerate(parsed.clauses):
        if not topical[n] or clause.anchor not in ("baseline", "latest", None):
            continue
        if bare_time(parsed.found, clause.start, clause.end):
            continue  # "da vi startede": a time, not the behaviour
        doing = 0 if n in negated_clauses else 1
        if n in objects:
            doing = 1 - doing
        if clause.anchor == "baseline":
            then = doing
        elif clause.anchor == "latest":
            now = doing
        else:
            present = doing
    if now is None:
        now = present  # no clause says "now": the present tense speaks of now
    if then is None or now is None:
        return None
    return now - then

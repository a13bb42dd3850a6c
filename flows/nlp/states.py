"""The states an excerpt describes for one theme's behaviour.

A state is what one clause says of the behaviour: its time anchor (`anchors.py`),
a direction (+1 healthier, 0 the same, -1 less healthy), the words that say so, and
who asserts it and how (a reported claim, an intention, a plan never carried out).

How a direction word becomes a direction:

- `up`, `start`, `better` are +1; `down`, `stop`, `worse` are -1; `same` is 0.
- A thing of which less is better in the clause (`lower_is_better`, the profile's
  `lower`: cola, sitting, skipped doses, cancelled appointments, and for a study
  theme with `better = "lower"` its own example and label words: breath, puffed)
  turns the QUANTITY words `up`, `down`, `start` and `stop` around: "less cola",
  "stopped skipping", "less puffed" are +1. EVALUATIVE words (`better`, `worse`,
  `same`) never turn: "my breathing is better" is +1 whatever is better.
- Where lower is better for the theme itself (`better = "lower"`: smoking,
  breathlessness), a quantity word with no object in its clause is about the
  theme's own behaviour and turns too ("I've cut down", "jeg ryger mere"), unless
  the clause names a thing of which more is better ("I can walk further": `good`).
- A negation turns `up`, `start`, `better` and `same` into 0 or -1 ("not more" is
  the same; "not the same" is a change of unknown sign) and `down`, `stop`, `worse`
  into 0 ("hasn't stopped"), except that a negated thing of which less is better
  with no direction word is +1 in the latest state ("never skips now", "hasn't
  missed once").
- A bare thing of which less is better, not negated, in a clause anchored at the
  baseline, is the old bad habit: -1 there ("I used to forget my tablets").

A clause that names another theme's words and none of this theme's is about
something else (a distractor): its states are marked `topical=False`.

The records (`Profile`, `State`, `Parsed`) are in `excerpt.py`, the baseline set
against now with no direction word in `then_now.py` (decision 0433); this module
exports the records as before.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from operator import attrgetter

from flows.nlp.anchors import COMPARISON, Clause
from flows.nlp.excerpt import Parsed, Profile, State  # noqa: F401 (exported: the records)

DIRECTION_CLASSES = {
    "up": 1,
    "start": 1,
    "better": 1,
    "down": -1,
    "stop": -1,
    "worse": -1,
    "same": 0,
    "lifelong": 0,  # "has always", "har altid": a habit held since ever (decision 0349)
}
#: classes a thing of which less is better turns around
TURNED = frozenset({"up", "down", "start", "stop"})
#: `better` words that say only how often: a thing of which less is better turns them
#: like a quantity ("ready meals, nearly every day now", "færdigretter hver dag")
FREQUENT = frozenset({"every day", "daily", "regularly", "hver dag", "dagligt", "regelmæssigt"})
#: words that open a time clause: a start or stop word right after them names a time
#: ("when we started", "since we started", "da vi startede", "før Bjarne begyndte"),
#: not a change of the behaviour
TIME_OPENERS = frozenset(
    {"when", "since", "until", "till", "before", "after", "da", "siden", "før", "efter", "indtil"}
)
#: the words between a time opener and its verb: a subject, at most two tokens
TIME_GAP = 2


def topical_clauses(parsed: Parsed, profile: Profile, others: frozenset[str]) -> list[bool]:
    """Per clause: False where it names other themes' words and none of this one's,
    while some clause of the excerpt names this one's."""
    own = parsed.clause_numbers_naming(profile.words)
    if not any(own):
        return [True] * len(parsed.clauses)
    theirs = parsed.clause_numbers_naming(others)
    return [mine or not other for mine, other in zip(own, theirs, strict=True)]


def _inside(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """`a` lies within `b` and is shorter."""
    return b[0] <= a[0] and a[1] <= b[1] and (b[1] - b[0]) > (a[1] - a[0])


def _overlaps(a: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(s < a[1] and a[0] < e for s, e in spans)


def names_a_time(parsed: Parsed, span: tuple[int, int], clause: Clause) -> bool:
    """A start or stop word in a time clause ("when we started", "da vi startede")."""
    lo = max(clause.start, span[0] - TIME_GAP - 1)
    return any(parsed.lower[i] in TIME_OPENERS for i in range(lo, span[0]))


#: start words that join something (a group, a class): where lower is better they
#: start no bad habit unless the clause names the theme's object
JOINING = frozenset({"join", "sign", "melde"})
#: "without stopping", "uden at stoppe": a stop word after these is no stop
WITHOUT = frozenset({"without", "uden"})


def _without(parsed: Parsed, span: tuple[int, int], clause: Clause) -> bool:
    """A stop word right after "without" or "uden (at)"."""
    before = parsed.lower[max(clause.start, span[0] - 2) : span[0]]
    return bool(before) and (before[-1] in WITHOUT or before == ["uden", "at"])


def lower_objects(
    parsed: Parsed, profile: Profile, others: frozenset[str] = frozenset()
) -> list[tuple[int, int]]:
    """The things of which less is better named in the excerpt, for this theme: the
    language's `lower_is_better` words, except those that are another outcome theme's
    own words ("sugar" is eating's, not a visit to the GP "about the sugar"), and the
    profile's `lower` words."""
    lower, lemma = parsed.lower, parsed.lemma
    spans = [
        s
        for s in parsed.found.get("lower_is_better", [])
        if not (
            s[1] - s[0] == 1
            and (lower[s[0]] in others or lemma[s[0]] in others)
            and lower[s[0]] not in profile.words
            and lemma[s[0]] not in profile.words
        )
    ]
    if profile.lower.isdisjoint(lower) and profile.lower.isdisjoint(lemma):
        return spans  # the common case, found without a loop in Python
    return spans + [
        (i, i + 1) for i, w in enumerate(lower) if w in profile.lower or lemma[i] in profile.lower
    ]


def outcome_states(
    parsed: Parsed,
    profile: Profile,
    topical: list[bool],
    lower_spans: list[tuple[int, int]] | None = None,
) -> list[State]:
    """The states an excerpt describes for an outcome behaviour, in text order.

    A thing of which less is better turns the direction words of its own clause,
    and of the other clauses of its sentence that name none ("The cola, I've
    stopped completely")."""
    if lower_spans is None:
        lower_spans = lower_objects(parsed, profile)
    numbers = parsed.clause_numbers()
    by_sentence: dict[int, list[tuple[int, int]]] = {}
    for o in lower_spans:
        if numbers[o[0]] >= 0:
            by_sentence.setdefault(parsed.clauses[numbers[o[0]]].sentence, []).append(o)
    # a theme where lower is better (breathlessness): its own behaviour is the thing
    # whose quantity a direction word gives, unless the clause names a thing of which
    # more is better ("I can walk further")
    implicit = profile.better == "lower"
    good = parsed.clause_numbers_naming(profile.good) if implicit else [False] * len(parsed.clauses)
    own_words = parsed.clause_numbers_naming(profile.words)
    states: list[State] = []
    directions = parsed.by_clause(DIRECTION_CLASSES)
    relapses = parsed.found.get("relapse", [])
    latest = "latest" in parsed.found  # `_no_longer` reads only these words
    # clauses that say outright it got worse ("Det er blevet værre med kagerne")
    worse_named = {numbers[s[0]] for s in parsed.found.get("worse", ())}
    for n, clause in enumerate(parsed.clauses):
        objects = (
            [s for s in lower_spans if clause.start <= s[0] < clause.end] if lower_spans else []
        )
        turning = objects or ([] if good[n] else by_sentence.get(clause.sentence, []))
        if not turning and not good[n] and not own_words[n]:
            # "The cola, I've stopped. Haven't touched a drop since": a clause that
            # names nothing is about the thing of which less is better named before
            turning = [o for o in lower_spans if numbers[o[0]] < n]
        bare = implicit and not objects and not good[n]
        found = directions[n]
        direction_spans = [span for _, span in found]
        for label, span in found:
            base = DIRECTION_CLASSES[label]
            if any(_inside(span, other) for other in direction_spans):
                continue  # the longest phrase wins: "ikke mere", not "mere"
            if label in ("start", "stop") and names_a_time(parsed, span, clause):
                continue
            if any(_inside(span, r) for r in relapses):
                continue  # "faldet tilbage", "fallen back": a relapse, not a direction
            if label == "stop" and _without(parsed, span, clause):
                continue  # "up the hill without stopping": an ability, not a stop
            neg = parsed.is_negated(span, clause)
            if neg and label == "up" and _no_longer_word(parsed, span):
                # "glemmer ikke mine piller mere": no longer; the negation is the stop's
                label, base, neg = "stop", -1, False
            turned = label in TURNED and (
                (bare and parsed.lemma[span[0]] not in JOINING)
                or any(not _overlaps(o, [span]) for o in turning)
            )
            if label == "better" and parsed.words(span) in FREQUENT:
                # only by a thing in its clause, or in its sentence where the clause
                # names none of the theme's words ("nu går jeg en tur hver dag" is walking)
                # (fourteenth pass, decision 0434) or named before it with a word of
                # worse ("værre med kagerne. ... nu er det nærmest hver dag")
                turned = (
                    bare
                    or bool(objects)
                    or (
                        not own_words[n]
                        and (
                            bool(by_sentence.get(clause.sentence))
                            or any(numbers[o[0]] in worse_named for o in turning)
                        )
                    )
                )
            value: int | None = base
            if neg:
                value = 0 if base != 0 else None
                if label == "same":
                    value = None
            elif turned and value is not None:
                value = -value
            states.append(
                State(
                    n,
                    clause.anchor,
                    value,
                    label,
                    parsed.words(span),
                    neg,
                    turned,
                    topical[n],
                    clause.contrast,
                )
            )
        if not found and latest:
            states += _no_longer(parsed, clause, n, topical[n], objects, bare)
        for span in objects:
            if _overlaps(span, direction_spans):
                continue
            neg = parsed.is_negated(span, clause)
            if neg:
                value = 1
            elif clause.anchor == "baseline":
                value = -1
            else:
                continue
            states.append(
                State(
                    n,
                    clause.anchor,
                    value,
                    "object",
                    parsed.words(span),
                    neg,
                    True,
                    topical[n],
                    clause.contrast,
                )
            )
    states.sort(key=_CLAUSE)
    if not _plans_named(parsed):
        return states  # `_planned` would hand each back as it is
    return [_planned(parsed, s) for s in states]


#: a state's clause: the order of `outcome_states` (as the key `(s.clause,)` orders)
_CLAUSE = attrgetter("clause")


def in_plan(parsed: Parsed, position: int, clause: Clause) -> bool:
    """An intention or advice word stands before `position` in its clause."""
    if not _plans_named(parsed):
        return False
    return any(
        clause.start <= start < position
        for label in ("intention", "advice")
        for start, _ in parsed.found.get(label, ())
    )


def _plans_named(parsed: Parsed) -> bool:
    """The excerpt has an intention or advice word at all (most have neither)."""
    return "intention" in parsed.found or "advice" in parsed.found


def _planned(parsed: Parsed, state: State) -> State:
    """The state with `planned` set when an intention or advice word stands before its
    words in its clause ("she wants to start", "han vil begynde", "you should eat
    more"): a plan, not a state of the behaviour."""
    if not _plans_named(parsed):
        return state
    clause = parsed.clauses[state.clause]
    first = clause.end
    if state.cue:
        with contextlib.suppress(ValueError):  # a cue that is no word ("counted")
            first = parsed.lower.index(state.cue.split(" ")[0], clause.start)
    for label in ("intention", "advice"):
        for start, _ in parsed.found.get(label, ()):
            if clause.start <= start < min(first, clause.end):
                return replace(state, planned=True)
    return state


def _no_longer_word(parsed: Parsed, span: tuple[int, int]) -> bool:
    """A one-word "mere" / "længere" / "anymore" that is not a comparison ("mere end")."""
    if span[1] - span[0] != 1 or parsed.lower[span[0]] not in NO_LONGER:
        return False
    after = parsed.lower[span[1]] if span[1] < len(parsed.lower) else ""
    return after not in COMPARISON


#: "anymore" and the like: negated, they say the behaviour stopped
NO_LONGER = frozenset({"anymore", "any more", "any longer", "længere", "mere"})


def _no_longer(
    parsed: Parsed,
    clause: Clause,
    n: int,
    topical: bool,
    objects: list[tuple[int, int]],
    bare: bool,
) -> list[State]:
    """ "He doesn't cook anymore", "hun laver ikke mad længere": a negated "anymore" in
    a clause with no direction word is a stop (-1; +1 of a thing of which less is better)."""
    for span in parsed.in_clause("latest", clause):
        if parsed.words(span) in NO_LONGER and parsed.is_negated(span, clause):
            value = 1 if objects or bare else -1
            return [
                State(
                    n,
                    "latest",
                    value,
                    "stop",
                    parsed.words(span),
                    True,
                    bool(objects) or bare,
                    topical,
                    clause.contrast,
                )
            ]
    return []

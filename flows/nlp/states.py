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
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import compress
from operator import attrgetter

from flows.nlp.anchors import COMPARISON, Clause, bare_time
from flows.nlp.negation import negated

try:  # the typed twin of the naming walk, where built and current (decision 0376)
    from flows.nlp._words import naming as _typed_naming
except ImportError:
    _typed_naming = None

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


@dataclass(frozen=True)
class Profile:
    """What the reader knows of a theme: its component, topic words, the things of
    which less is better, and which direction of the behaviour itself is better."""

    theme_id: str
    behaviour: str
    component: str
    words: frozenset[str]
    lower: frozenset[str]
    better: str = "higher"
    #: where lower is better: things of which more is better, beside which a
    #: quantity word is not about the theme's object ("I can walk further")
    good: frozenset[str] = frozenset()
    #: read from what the study says of it (no scheme theme's profile)
    own: bool = False
    language: str = ""


@dataclass(frozen=True, init=False)
class State:
    """One clause's statement about the behaviour."""

    clause: int
    anchor: str | None
    value: int | None  # +1, 0, -1; None: a change of unknown sign
    label: str  # the word class that says it
    cue: str  # the words as written
    negated: bool
    turned: bool  # a thing of which less is better turned it around
    topical: bool
    contrast: bool
    planned: bool = False  # in the scope of an intention or advice ("wants to start")

    def __init__(
        self, clause, anchor, value, label, cue, negated, turned, topical, contrast, planned=False
    ):
        # the dataclass's own __init__ (frozen: object.__setattr__ per field), written
        # out so that the compiled module runs it in C (decision 0263)
        # (by keywords, in field order: no zip over the fields, decision 0410)
        self.__dict__.update(
            clause=clause,
            anchor=anchor,
            value=value,
            label=label,
            cue=cue,
            negated=negated,
            turned=turned,
            topical=topical,
            contrast=contrast,
            planned=planned,
        )


@dataclass
class Parsed:
    """An excerpt read once: forms, matched word classes, negations and clauses."""

    lower: list[str]
    lemma: list[str]
    found: dict[str, list[tuple[int, int]]]
    negations: list[int]
    clauses: list[Clause]
    negation_after: int
    gap_words: frozenset[str]

    def __post_init__(self) -> None:
        # the per-excerpt caches as plain attributes, made when the parse is (every
        # reading asks for the clause numbers): an attribute read, not a `__dict__`
        # fetch and a `get` or `setdefault` call per question (decision 0410)
        numbers = [-1] * len(self.lower)
        for n, clause in enumerate(self.clauses):
            start, end = clause.start, clause.end
            numbers[start:end] = [n] * (end - start)
        self._clause_numbers = numbers
        self._negated: dict = {}
        self._naming: dict = {}
        self._contradicted: bool | None = None  # `cues.claim_contradicted`

    def clause_numbers(self) -> list[int]:
        """Per token, the number of its clause (-1: between clauses), computed once
        (when the parse is made)."""
        return self._clause_numbers

    def clauses_of(self, spans: list[tuple[int, int]]) -> set[int]:
        """The numbers of the clauses in which these spans start (the clauses that
        name an object, given its spans); a span between clauses gives none."""
        numbers = self._clause_numbers
        return {numbers[s[0]] for s in spans if numbers[s[0]] >= 0}

    def by_clause(self, labels) -> list[list[tuple[str, tuple[int, int]]]]:
        """Per clause, the (label, span) of these classes starting in it, by label then
        position."""
        numbers = self.clause_numbers()
        out: list[list[tuple[str, tuple[int, int]]]] = [[] for _ in self.clauses]
        for label in labels:
            for span in self.found.get(label, ()):
                n = numbers[span[0]]
                if n >= 0:
                    out[n].append((label, span))
        return out

    def words(self, span: tuple[int, int]) -> str:
        return " ".join(self.lower[span[0] : span[1]])

    def in_clause(self, label: str, clause: Clause) -> list[tuple[int, int]]:
        return [s for s in self.found.get(label, ()) if clause.start <= s[0] < clause.end]

    def is_negated(self, span: tuple[int, int], clause: Clause) -> bool:
        """Whether a span is negated in its clause (`negation.negated`), computed once
        per span."""
        if not self.negations:
            return False
        cache = self._negated
        key = (span, clause.start, clause.end)
        value = cache.get(key)
        if value is None:
            value = cache[key] = negated(
                span,
                (clause.start, clause.end),
                self.negations,
                self.lower,
                self.negation_after,
                self.gap_words,
            )
        return value

    def mentions(self, words: frozenset[str], clause: Clause) -> bool:
        return self.clause_numbers_naming(words)[self.clauses.index(clause)]

    def clause_numbers_naming(self, words: frozenset[str]) -> list[bool]:
        """Per clause: whether it names one of the words (a token's form or lemma, or
        two neighbouring forms); computed once per set of words (the theme's own
        words are asked for by several parts of a reading). Callers only read it."""
        cache = self._naming
        named = cache.get(words)
        if named is None:
            named = cache[words] = self._clause_numbers_naming(words)
        return named

    def _clause_numbers_naming(self, words: frozenset[str]) -> list[bool]:
        numbers = self._clause_numbers
        named = [False] * len(self.clauses)
        lower, lemma = self.lower, self.lemma
        firsts = _two_word_firsts(words)
        pool = _words_and_firsts(words)
        if pool.isdisjoint(lower) and words.isdisjoint(lemma):
            return named  # no token names one (checked in C, no call per token)
        if _typed_naming is not None:  # the same walk in one C loop (decision 0376)
            return _typed_naming(lower, lemma, numbers, len(named), words, firsts)
        positions = range(len(lower))
        hits = [*compress(positions, map(pool.__contains__, lower))]
        hits += compress(positions, map(words.__contains__, lemma))
        for i in hits:
            n = numbers[i]
            if n < 0 or named[n]:
                continue
            if (
                lower[i] in words
                or lemma[i] in words
                or (
                    lower[i] in firsts
                    and numbers[i + 1 : i + 2] == [n]
                    and f"{lower[i]} {lower[i + 1]}" in words
                )
            ):
                named[n] = True
        return named


@lru_cache(maxsize=64)
def _two_word_firsts(words: frozenset[str]) -> frozenset[str]:
    """The first words of the two-word terms among `words`."""
    return frozenset(w.split(" ")[0] for w in words if w.count(" ") == 1)


@lru_cache(maxsize=64)
def _words_and_firsts(words: frozenset[str]) -> frozenset[str]:
    """The words and the first words of their two-word terms."""
    return words | _two_word_firsts(words)


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
                turned = (
                    bare
                    or bool(objects)
                    or (not own_words[n] and bool(by_sentence.get(clause.sentence)))
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

"""What an own theme's excerpt counts of its object, and what it compares it with
(issue #12; decision 0314): read only for a theme that is no scheme theme and where
lower is better (`own_times.applies`), as the health-service-use and event themes of
other fields are (admissions, missed sessions, falls).

- `unanchored`: a time word inside the object's own words ("koblet af før tid",
  "came off early") says what the object is, not when: it anchors no clause.
- `compared`: a quantity comparative of the object set against a baseline by
  "than" / "end" ("beder jeg oftere om at blive koblet af før tid, end jeg gjorde
  sidste år", "I've been in more often than the year before") is the change itself,
  read in the comparative's clause: the comparison is of now against the baseline.
- `none_now`: the object counted at a time before, then a clause of the same
  sentence that names nothing and negates a count ("In the spring I missed four
  times ..., and since the summer not one time", "... og siden ikke en eneste gang"):
  none now, +1 (the mirror of decision 0226's none then and a count now).
- `first_time`: the object named as it happened ("de sendte mig op på
  akutmodtagelsen", "Hun var forbi den psykiatriske akutmodtagelse en nat i marts"),
  then a clause at the baseline that negates it or a pronoun for it with "before"
  ("Det har jeg aldrig prøvet før", "hvor hun ikke havde haft akutte kontakter i
  årene før"): the rules' then-and-now verdict (worsened) stands (decision 0315).
- `settle`: the rules' verdict where it rests on what is read here or in
  `own_times`: the reason `OWN_TIMES`, so that the reader answers with it (decision
  0225); and a count of the object with no baseline and nothing else said of it ("Jeg
  har været indlagt et par gange i år", "he was admitted twice this year") is
  `not_stated`: a count is no change (the scheme: compare the latest state with
  the baseline).
"""

from __future__ import annotations

from dataclasses import replace

from flows.nlp.anchors import Clause
from flows.nlp.numbers import NUMBER_WORDS
from flows.nlp.own_events import attending, opposed, unnamed_happening, untouched
from flows.nlp.own_groups import named_quantities, returned
from flows.nlp.own_held import held_then
from flows.nlp.own_more import back_to, settle_more
from flows.nlp.own_times import OWN_TIMES, TIMES, applies, stands
from flows.nlp.own_years import about, unquantified
from flows.nlp.states import Parsed, Profile, State

#: the words that set a comparative against what it is compared with
THAN = frozenset({"than", "end"})
#: the classes of a quantity comparative ("more often", "oftere", "fewer", "færre")
QUANTITY = ("up", "down")
#: the labels of the states read by `compared` and `none_now`
COMPARED = "compared"
NONE_NOW = "none_now"
#: words that with a negation say not a single time ("not once", "ikke en eneste gang")
ONCE = frozenset({"once", "eneste"})
#: words before "times" / "gange" that count more than once ("a couple of times",
#: "et par gange", "nogle gange", "several times")
SOME = frozenset({"par", "couple", "few", "several", "nogle", "flere", "adskillige"})
#: words that say the object happened before (a relapse, a readmission): no plain count
AGAIN = frozenset({"again", "igen", "back", "tilbage", "re-admitted", "readmitted"})


def unanchored(parsed: Parsed, profile: Profile, objects: list[tuple[int, int]]) -> Parsed:
    """The parse with no clause anchored only by a time word inside an object's words
    ("før tid" in "koblet af før tid"): such a clause gets no anchor; and with no
    quantity word inside a cue of several words ("reduced hours": `own_groups`)."""
    if not applies(profile):
        return parsed
    found = named_quantities(parsed, profile)  # "reduced hours": a name (decision 0389)
    if found is not parsed.found:
        parsed = replace(parsed, found=found)
    found = attending(parsed, profile, objects)  # "went to A&E twice" (decision 0420)
    if found is not parsed.found:
        parsed = replace(parsed, found=found)
    found = untouched(parsed, objects)  # "har ikke rørt en cigaret": a stop (0420)
    if found is not parsed.found:
        parsed = replace(parsed, found=found)
    parsed = held_then(parsed)  # "When I started I was still teaching" (decision 0390)
    parsed = unquantified(parsed, objects)  # "more like", "i mange år" (decision 0453)
    if not objects:
        return parsed
    clauses = list(parsed.clauses)
    changed = False
    for n, clause in enumerate(clauses):
        if clause.anchor not in ("baseline", "early"):
            continue
        spans = [*parsed.in_clause("baseline", clause), *parsed.in_clause("early", clause)]
        if spans and all(any(o[0] <= s[0] and s[1] <= o[1] for o in objects) for s in spans):
            clauses[n] = replace(clause, anchor=None)
            changed = True
    return replace(parsed, clauses=clauses) if changed else parsed


def compared(
    parsed: Parsed, profile: Profile, states: list[State], objects: list[tuple[int, int]]
) -> list[State]:
    """A quantity comparative ("oftere", "more often", "færre") in a clause naming the
    object, followed in its sentence by "than" / "end" and a time before ("end jeg
    gjorde sidste år", "than before"): the comparative's clause is read now, its
    states are the change (`COMPARED`: more of the object -1, less +1)."""
    if not applies(profile) or not objects:
        return states
    numbers = parsed.clause_numbers()
    named = parsed.clauses_of(objects)
    lower = parsed.lower
    found = []
    for label in QUANTITY:
        for span in parsed.found.get(label, ()):
            n = numbers[span[0]]
            if n < 0 or n not in named:
                continue
            clause = parsed.clauses[n]
            if parsed.is_negated(span, clause):
                continue
            than = _than_before(parsed, span[1], clause.sentence)
            if than is None:
                continue
            value = -1 if label == "up" else 1  # more of the object is worse
            cue = f"{parsed.words(span)} … {lower[than]}"
            found.append(State(n, None, value, COMPARED, cue, False, True, True, False))
    if not found or len({s.value for s in found}) > 1:
        return states
    return sorted([*states, found[0]], key=lambda s: s.clause)


def none_now(
    parsed: Parsed, profile: Profile, states: list[State], objects: list[tuple[int, int]]
) -> list[State]:
    """A clause at the baseline or early that names the object and counts it, then a
    clause of its sentence, after it, naming no object, not at the baseline, that
    negates a count ("not one time", "not once", "ikke en eneste gang"): +1
    (`NONE_NOW`) in that clause."""
    if not applies(profile) or not objects:
        return states
    named = parsed.clauses_of(objects)
    then = [
        n
        for n in named
        if parsed.clauses[n].anchor in ("baseline", "early") and _counted(parsed, n)
    ]
    for n, clause in enumerate(parsed.clauses):
        if n in named or clause.anchor not in (None, "latest"):
            continue
        if not any(m < n and parsed.clauses[m].sentence == clause.sentence for m in then):
            continue
        negated = [i for i in parsed.negations if clause.start <= i < clause.end]
        words = parsed.lower[clause.start : clause.end]
        if not negated or not any(w in TIMES or w in ONCE for w in words):
            continue
        cue = " ".join(parsed.lower[negated[0] : clause.end])
        state = State(n, "latest", 1, NONE_NOW, cue, True, True, True, clause.contrast)
        return sorted([*states, state], key=lambda s: s.clause)
    return states


def _counted(parsed: Parsed, n: int) -> bool:
    """Clause `n` counts something ("four times", "to gange", "twice")."""
    clause = parsed.clauses[n]
    words = parsed.lower[clause.start : clause.end]
    return bool(parsed.in_clause("frequency", clause)) or _counts(words)


def _than_before(parsed: Parsed, start: int, sentence: int) -> int | None:
    """The position of "than" / "end" after `start` in the sentence, when a baseline
    word follows it there ("end jeg gjorde sidste år", "than before")."""
    numbers = parsed.clause_numbers()
    baseline = [s[0] for s in parsed.found.get("baseline", ())]
    for i in range(start, len(parsed.lower)):
        n = numbers[i]
        if n >= 0 and parsed.clauses[n].sentence != sentence:
            return None
        if parsed.lower[i] in THAN:
            end = next(
                (c.end for c in parsed.clauses if c.sentence == sentence and c.end > i),
                i,
            )
            return i if any(i < b < end for b in baseline) else None
    return None


#: "That's new", "Det er nyt": said after the object, it started now (decision 0357)
NEW = frozenset({"new", "nyt", "ny"})
#: the other words such a clause may hold ("that's quite new", "det er helt nyt")
NEW_FRAME = frozenset(
    {"that", "it", "this", "'s", "is", "was", "det", "dette", "er", "var", "quite", "all"}
    | {"completely", "something", "helt", "noget", "også", "too", "also", "and", "og", "så"}
)
NEW_NOW = "new_now"


def new_now(
    parsed: Parsed, profile: Profile, states: list[State], objects: list[tuple[int, int]]
) -> list[State]:
    """A clause that says only that something is new ("That's new", "Det er nyt"), after
    a clause naming the object, not negated and not at the baseline: the object
    started, -1 (`NEW_NOW`), in place of what the lexicon reads there (a new habit is
    a gain for a scheme theme; of an own object where lower is better it is a loss).
    Then, where nothing is read of the object now, a return to what it takes away
    ("she's back at work": `own_groups.returned`, decision 0388). An own theme where
    more is better: a return to it now, or a level of it reached (`own_more.back_to`,
    decision 0419)."""
    states = _new_now(parsed, profile, double_negation(parsed, profile, states), objects)
    return back_to(parsed, profile, returned(parsed, profile, states))


#: the words that open a relative clause ("a day when I don't", "en dag, hvor jeg ikke")
RELATIVE = frozenset({"when", "where", "that", "which", "hvor", "der", "som", "hvori"})


def double_negation(parsed: Parsed, profile: Profile, states: list[State]) -> list[State]:
    """A relative clause that negates ("hvor jeg ikke har ondt", "when I don't have
    pain") after a negated count of one in its clause or the clause before in its
    sentence ("næsten ikke en dag", "hardly a day", "not a week"): the two negations
    cancel (pain almost every day),
    and neither clause says a change; their states are dropped (decision 0391). Own
    themes where lower is better only."""
    if not applies(profile):
        return states
    dropped = _cancelled(parsed)
    return [s for s in states if s.clause not in dropped] if dropped else states


def _cancelled(parsed: Parsed) -> set[int]:
    """The clauses of a double negation (`double_negation`)."""
    lower, negations = parsed.lower, set(parsed.negations)

    def negates(start: int, end: int) -> bool:
        return any(i in negations or lower[i] in HARDLY for i in range(start, end))

    def none_of_one(start: int, end: int) -> bool:  # "hardly a day", "ikke en dag"
        at = [i for i in range(start, end) if i in negations or lower[i] in HARDLY]
        return bool(at) and any(w in ONE for w in lower[at[0] + 1 : end])

    dropped: set[int] = set()
    for n, clause in enumerate(parsed.clauses):
        # within the clause: "hardly a day when I don't have pain"
        for r in range(clause.start + 1, clause.end - 1):
            if lower[r] in RELATIVE and none_of_one(clause.start, r) and negates(r + 1, clause.end):
                dropped.add(n)
        before = parsed.clauses[n - 1] if n else None
        if before is None or clause.sentence != before.sentence:
            continue
        # across two clauses: "næsten ikke en dag, | hvor jeg ikke har ondt"
        relative = lower[clause.start] in RELATIVE and negates(clause.start + 1, clause.end)
        if relative and none_of_one(before.start, before.end):
            dropped |= {n, n - 1}
    return dropped


#: pronouns for an object of several ("them", "dem")
THEM = frozenset({"them", "dem"})


def _still_taken(parsed: Parsed) -> bool:
    """A clause anchored now, not negated, holding a pronoun for a plural object."""
    return any(
        c.anchor == "latest"
        and not _negated(parsed, c)
        and any(w in THEM for w in parsed.lower[c.start : c.end])
        for c in parsed.clauses
    )


#: one of a count after the negation ("not a day", "ikke en eneste dag"); "ikke længere
#: har dage, hvor ..." (no longer) is a change, no double negation
ONE = frozenset({"a", "an", "one", "single", "en", "et", "én", "eneste"})
#: words that negate a count as "not" does ("hardly a day", "barely a week")
HARDLY = frozenset({"hardly", "barely", "scarcely", "knap", "knapt"})


def _new_now(parsed, profile, states, objects):
    if not applies(profile):
        return states
    happened = _happened(parsed, objects)
    for n, clause in enumerate(parsed.clauses):
        words = parsed.lower[clause.start : clause.end]
        if not any(w in NEW for w in words) or not all(w in NEW or w in NEW_FRAME for w in words):
            continue
        if _negated(parsed, clause):
            continue
        # the object named as it happened; or, where no word of it is named, what
        # happened before "That's new" (decision 0420)
        if not any(m < n for m in happened) and (
            objects or not unnamed_happening(parsed, profile, n)
        ):
            continue
        cue = " ".join(words)
        kept = [s for s in states if s.clause != n]
        state = State(n, "latest", -1, NEW_NOW, cue, False, True, True, clause.contrast)
        return sorted([*kept, state], key=lambda s: s.clause)
    return states


def _happened(parsed: Parsed, objects: list[tuple[int, int]]) -> list[int]:
    """The clauses naming the object as it happened: not negated, not at the baseline
    or early, and saying no less of it ("under tre kilo": a level, not an event)."""
    named = sorted(parsed.clauses_of(objects))
    out = []
    for n in named:
        clause = parsed.clauses[n]
        if clause.anchor in ("baseline", "early"):
            continue
        if _negated(parsed, clause):
            continue
        if any(w in LESS for w in parsed.lower[clause.start : clause.end]):
            continue
        out.append(n)
    return out


def _negated(parsed: Parsed, clause: Clause) -> bool:
    """Whether `clause` holds a negation."""
    return any(clause.start <= i < clause.end for i in parsed.negations)


#: words that say a level below something, not an event ("under tre kilo", "less")
LESS = frozenset({"under", "below", "less", "fewer", "mindre", "færre", "sjældnere", "rarely"})


def settle(verdict, parsed: Parsed, profile: Profile, states: list[State], objects):
    """The rules' verdict for an own theme where lower is better: with the reason
    `OWN_TIMES` where it rests on `own_times`' constructions or on `compared`, or is a
    plan with no clause of now ("I'm going to start a fluid diary after Christmas"); a count
    of the object alone, with no baseline, no state and no negation, is `not_stated`
    (reason `OWN_TIMES`); where more is better, `own_more.settle_more`. Any other
    verdict as it is."""
    more = settle_more(verdict, parsed, profile, states)
    if more is not verdict:
        return more
    if stands(verdict, states) or _compared_last(verdict, states):
        return verdict._replace(reason=OWN_TIMES)
    if not applies(profile):
        return verdict
    # the object now, then "never before" (decision 0315); a count now with it too
    # ("flere gange om måneden nu. Det gjorde han ikke før", decision 0357)
    first = verdict.label == "worsened" and verdict.reason in ("then_now", "latest")
    if first and _first_time(parsed, objects):
        return verdict._replace(reason=OWN_TIMES)
    # no state beside the plan, and nothing the same (a state of now even where the
    # lexicon reads a plan: "I'm on about the same as before ... I know, I know")
    alone = not any(s.topical and (not s.planned or s.value == 0) for s in states)
    # nor set against anything ("I'd like to say she's cut down ..., but ...")
    alone = alone and not any(c.contrast for c in parsed.clauses)
    if verdict.reason == "plan" and alone and not any(c.anchor == "latest" for c in parsed.clauses):
        # a plan alone, nothing said of now: not_stated (decision 0358)
        return verdict._replace(reason=OWN_TIMES)
    if verdict.reason == "latest" and opposed(parsed, states, objects):
        # "Less takeaway, more home cooking": two words of the object, opposite ways
        return verdict._replace(label="unclear", confidence=0.3, reason=OWN_TIMES)
    if verdict.reason == "old_habit" and _still_taken(parsed):
        # the object before, and a pronoun for it now ("Før tog jeg to piller ..., og nu
        # tager jeg dem både morgen, middag og aften"): no old habit (decision 0391)
        return verdict._replace(label="unclear", confidence=0.2, reason=OWN_TIMES)
    if verdict.label == "unclear" and about(parsed):
        # "now it's more like every other day": no quantity, no frequency compared
        return verdict._replace(reason=OWN_TIMES)
    if verdict.label == "unclear" and _cancelled(parsed):
        # a double negation and nothing else ("hardly a day when I don't have pain")
        return verdict._replace(reason=OWN_TIMES)
    # no state, anchored or not ("He went to the emergency room twice": decision 0420)
    if verdict.reason in ("none", "nothing") and _count_alone(parsed, states, objects):
        return verdict._replace(
            label="not_stated", confidence=0.6, cues=("counted, no baseline",), reason=OWN_TIMES
        )
    return verdict


#: "before" in a clause at the baseline: "aldrig prøvet før", "never been before"
BEFORE = frozenset({"before", "før", "forinden"})


def _first_time(parsed: Parsed, objects: list[tuple[int, int]]) -> bool:
    """A clause naming the object, not negated and not at the baseline or early, and
    after it a clause at the baseline with a negation and "before" / "før"."""
    happened = _happened(parsed, objects)
    for m, clause in enumerate(parsed.clauses):
        if clause.anchor != "baseline" or not any(n < m for n in happened):
            continue
        words = parsed.lower[clause.start : clause.end]
        if _negated(parsed, clause) and any(w in BEFORE for w in words):
            return True
    return False


def _compared_last(verdict, states: list[State]) -> bool:
    """The verdict is the change a `compared` or `none_now` state reads in the last
    clause of now."""
    if verdict.reason != "latest":
        return False
    now = [s for s in states if s.topical and not s.planned and s.value is not None]
    now = [s for s in now if s.anchor not in ("baseline", "early")]
    label = {1: "improved", -1: "worsened"}
    return bool(now) and any(
        s.label in (COMPARED, NONE_NOW, NEW_NOW)
        and s.clause == now[-1].clause
        and label[s.value] == verdict.label
        for s in now
    )


def _count_alone(parsed: Parsed, states: list[State], objects: list[tuple[int, int]]) -> bool:
    """The object counted in a clause that names it ("twice", "et par gange"), with no
    state read, no quantity word, no clause at the baseline or early, no negation and
    nothing said to happen again."""
    if not objects or parsed.negations or any(s.topical and s.value is not None for s in states):
        return False
    if any(c.anchor in ("baseline", "early") for c in parsed.clauses):
        return False
    if any(w in AGAIN for w in parsed.lower) or parsed.found.get("relapse"):
        return False
    if any(parsed.found.get(label) for label in QUANTITY):
        return False  # "down two kilos since ...": a change, not a count
    named = parsed.clauses_of(objects)
    # events counted ("twice", "et par gange"), not a rate ("every morning")
    return any(
        _counts(parsed.lower[parsed.clauses[n].start : parsed.clauses[n].end]) for n in named
    )


def _counts(words: list[str]) -> bool:
    """ "twice", "three times", "et par gange", "a couple of times", "4 times"."""
    for i, w in enumerate(words):
        if w == "twice":
            return True
        if w in TIMES and i > 0:
            before = words[max(0, i - 3) : i]
            if any(b in SOME or b.isdigit() and int(b) > 1 for b in before):
                return True
            if any(table.get(b, 0) > 1 for b in before for table in NUMBER_WORDS.values()):
                return True
    return False

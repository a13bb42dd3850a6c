"""An own object where lower is better as an event: going to it is the object
happening, and "That's new" after a happening the excerpt does not name by the
theme's words (issue #12; decision 0420). Own themes where lower is better only
(`own_times.applies`), as `own_counts`.

- `attending`: the lexicon's words of going to or booking something ("went to", "goes
  to", "gik til", "går til", "booked", "fået en tid") are a gain for a scheme theme (a
  class attended, a check-up booked); said of an own object where lower is better ("He
  went to the emergency room twice", "Hun gik til lægevagten to gange") they say the
  object happened, no direction: they are no state there. What is left is a count of
  the object with nothing to compare it with (`own_counts._count_alone`: not_stated).
- `untouched`: "har ikke rørt en cigaret", "hasn't touched a cigarette since": the
  lexicon's mark of a plan not carried out ("haven't touched the gym card") where the
  same words are a stop of the object: for an object where lower is better, a stop
  (+1), no plan: the mark is dropped from clauses that name the object.
- `opposed`: "Less takeaway, more home cooking": two clauses of one sentence, at one
  time, turn opposite ways on two different words of the object; the study's groups
  hold the object's opposite where nothing says which (no help word in that group:
  `profiles.helping_groups`): the reading is `unclear`, not the last clause's.
- `unnamed_happening`: the clauses before "That's new" / "Det er nyt" that may be the
  object happening where the excerpt names none of the theme's object words ("He's been
  ringing the doctor at night. That's new", coded to the theme's emergency contacts):
  not negated, not at the baseline, no less of anything, and naming nothing that helps
  (the theme's `good` things, the lexicon's help words) (`own_counts._new_now`).
"""

from __future__ import annotations

from flows.nlp.states import Parsed, Profile

#: the lexicon's `better` words that say going to or booking something: for an own
#: object where lower is better, the object happening
ATTENDING = frozenset(
    {
        "went to",
        "goes to",
        "go to",
        "booked",
        "rebooked",
        "made an appointment",
        "got an appointment",
        "gik til",
        "går til",
        "bestilt",
        "bestilt tid",
        "booket",
        "fået en tid",
    }
)
#: words that say less of something ("under tre kilo", "less"): no happening
LESS = frozenset({"under", "below", "less", "fewer", "mindre", "færre", "sjældnere", "rarely"})


def attending(parsed: Parsed, profile: Profile, objects: list[tuple[int, int]]) -> dict:
    """`parsed.found` without the `ATTENDING` words of the clauses that name the object
    and nothing of what helps against it (`Profile.good`)."""
    spans = parsed.found.get("better", [])
    if not spans or not objects:
        return parsed.found
    numbers = parsed.clause_numbers()
    named = parsed.clauses_of(objects)
    kept = [
        s
        for s in spans
        if parsed.words(s) not in ATTENDING
        or numbers[s[0]] not in named
        or _names_good(parsed, profile, s, parsed.clauses[numbers[s[0]]])
    ]
    if len(kept) == len(spans):
        return parsed.found
    return {**parsed.found, "better": kept}


def _names_good(parsed: Parsed, profile: Profile, span: tuple[int, int], clause) -> bool:
    """The clause names a thing that helps outside `span` ("gik" of "gik til" is a form
    of "gå", a walking word)."""
    return any(
        (parsed.lower[k] in profile.good or parsed.lemma[k] in profile.good)
        for k in range(clause.start, clause.end)
        if not span[0] <= k < span[1]
    )


def untouched(parsed: Parsed, objects: list[tuple[int, int]]) -> dict:
    """`parsed.found` without the `nonaction` marks that overlap a `stop` phrase of a
    clause naming the object ("Jeg har ikke rørt en cigaret, siden ...")."""
    marks = parsed.found.get("nonaction", [])
    stops = parsed.found.get("stop", [])
    if not marks or not stops or not objects:
        return parsed.found
    numbers = parsed.clause_numbers()
    named = parsed.clauses_of(objects)
    kept = [
        m
        for m in marks
        if numbers[m[0]] not in named or not any(a < m[1] and m[0] < b for a, b in stops)
    ]
    if len(kept) == len(marks):
        return parsed.found
    return {**parsed.found, "nonaction": kept}


def opposed(parsed: Parsed, states: list, objects: list[tuple[int, int]]) -> bool:
    """Two turned states of opposite sign, of clauses of one sentence at one time
    (neither at the baseline or early), whose clauses name different words of the
    object and none in common."""
    numbers = parsed.clause_numbers()
    named: dict[int, set[str]] = {}
    for o in objects:
        if numbers[o[0]] >= 0:
            named.setdefault(numbers[o[0]], set()).add(parsed.words(o))
    turned = [
        s
        for s in states
        if s.turned
        and s.topical
        and not s.planned
        and s.value in (1, -1)
        and s.anchor not in ("baseline", "early")
        and s.clause in named
    ]
    for a in turned:
        for b in turned:
            if a.value != 1 or b.value != -1 or a.anchor != b.anchor:
                continue
            if parsed.clauses[a.clause].sentence != parsed.clauses[b.clause].sentence:
                continue
            if a.clause != b.clause and not named[a.clause] & named[b.clause]:
                return True
    return False


def unnamed_happening(parsed: Parsed, profile: Profile, before: int) -> bool:
    """A clause before clause `before` that may be the object happening where the
    excerpt names none of its words: not negated, not at the baseline or early, saying
    no less of anything and naming nothing that helps."""
    good = parsed.clause_numbers_naming(profile.good) if profile.good else None
    for m in range(before):
        clause = parsed.clauses[m]
        if clause.anchor in ("baseline", "early"):
            continue
        if any(clause.start <= k < clause.end for k in parsed.negations):
            continue
        words = parsed.lower[clause.start : clause.end]
        if any(w in LESS for w in words):
            continue
        if (good is not None and good[m]) or parsed.in_clause("facilitator", clause):
            continue
        return True
    return False

"""Which example groups of an own theme name the object's opposite, read from the
study file alone (issue #12; decision 0388).

An own outcome where lower is better (sick days, missed sessions) often comes with
a group of the state the programme aims to bring back: `back_at_work = ["back at
work", "return to work", "raskmeldt", "tilbage på arbejde"]` beside `sick_leave =
["sick leave", "signed off", "sygemeldt"]`. A cue that says a return ("back at",
"back to", "return to", "graded return", "tilbage på", "tilbage til") or a Danish
"rask-" word (fit: "raskmeldt", "raskmelding") names what the object takes away, so
a group where at least half the cues say so is what helps against the object: more
of it is better (`profiles.helping_groups`). "back in" ("back in hospital") names
no return to a good state and is left out, and a group where a return is one cue
among the object's ("readmitted", "in hospital", "back to hospital") stays the
object.
"""

from __future__ import annotations

#: the first two words of a cue that says a return to something ("back at work",
#: "tilbage på arbejde")
RETURN_STARTS = frozenset(
    {("back", "at"), ("back", "to"), ("tilbage", "på"), ("tilbage", "til"), ("return", "to")}
)
#: words that say a return wherever they stand in a cue ("graded return")
RETURN_WORDS = frozenset({"return", "returned", "returning", "tilbagevenden"})
#: Danish "rask" (fit, well) and "raskmeldt", "raskmelding" (reported fit)
FIT = "rask"
FIT_REPORTED = "raskmeld"


def returning(cue: str) -> bool:
    """A cue that says a return to the state the object takes away: "back at work",
    "return to work", "graded return", "tilbage på arbejde", "raskmeldt"."""
    words = cue.strip().lower().split()
    if not words:
        return False
    if tuple(words[:2]) in RETURN_STARTS and len(words) > 2:
        return True
    return any(w in RETURN_WORDS or w == FIT or w.startswith(FIT_REPORTED) for w in words)


def return_group(cues: list[str]) -> bool:
    """An example group of an own theme where at least half the cues say a return."""
    return bool(cues) and 2 * sum(returning(c) for c in cues) >= len(cues)


#: the direction classes of the lexicon read inside a cue ("reduced", "cut", "more",
#: "stærkere", "bad")
QUANTITY = ("up", "down", "better", "worse")


def named_quantities(parsed, profile) -> dict[str, list[tuple[int, int]]]:
    """`parsed.found` without the direction words that stand inside one of the theme's
    cues of several words, beside a word of the cue outside them ("reduced" in
    "reduced hours", "cut" in "cut short", "stærkere" in "noget stærkere"): they name
    the thing, they say no change of it. A cue that is the quantity phrase itself ("put on", "tager på") keeps it.
    Own themes where lower is better only (`own_counts.unanchored` calls it)."""
    inside = cue_spans(parsed, profile)
    if not inside:
        return parsed.found
    found = dict(parsed.found)
    for label in QUANTITY:
        spans = found.get(label, [])
        kept = [
            s for s in spans if not any(a <= s[0] and s[1] <= b and (a, b) != s for a, b in inside)
        ]
        if len(kept) != len(spans):
            found[label] = kept
    return found


def cue_spans(parsed, profile) -> list[tuple[int, int]]:
    """The spans of the theme's cues of several words in the excerpt."""
    lower = parsed.lower
    return [
        (i, i + len(words))
        for words in (p.split() for p in sorted(profile.words) if " " in p)
        for i in range(len(lower) - len(words) + 1)
        if lower[i : i + len(words)] == words
    ]


def inside_cue(parsed, state, spans: list[tuple[int, int]]) -> bool:
    """A one-word state's cue stands, in its clause, only inside a cue of several
    words (`spans`): "stærkere" of "noget stærkere" names the thing."""
    clause = parsed.clauses[state.clause]
    at = [i for i in range(clause.start, clause.end) if parsed.lower[i] == state.cue]
    return bool(at) and all(any(a <= i < b for a, b in spans) for i in at)


#: the label of a state read by `returned`
RETURNED = "returned"


def returned(parsed, profile, states: list):
    """Where nothing is read of an own object now (no state of a clause not at the
    baseline), a clause not at the baseline that names a return cue of the theme's
    opposite ("Han er tilbage på arbejde på 25 timer nu", "she's back at work",
    "raskmeldt"), with no negation and no plan in it: less of the object, +1
    (`RETURNED`). Own themes where lower is better only."""
    from flows.nlp.own_times import applies  # own_times imports this module's callers
    from flows.nlp.states import State, _planned

    if not applies(profile) or any(
        s.topical and not s.planned and s.anchor not in ("baseline", "early") for s in states
    ):
        return states
    phrases = [p.split() for p in sorted(profile.good & profile.words) if returning(p)]
    lower = parsed.lower
    numbers = parsed.clause_numbers()
    for words in phrases:
        for i in range(len(lower) - len(words) + 1):
            if lower[i : i + len(words)] != words or numbers[i] < 0:
                continue
            clause = parsed.clauses[numbers[i]]
            if clause.anchor in ("baseline", "early"):
                continue
            if any(clause.start <= k < clause.end for k in parsed.negations):
                continue
            cue = " ".join(words)
            state = State(numbers[i], None, 1, RETURNED, cue, False, True, True, clause.contrast)
            state = _planned(parsed, state)
            if state.planned:
                continue
            return sorted([*states, state], key=lambda s: s.clause)
    return states

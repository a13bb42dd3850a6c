"""What an own theme where more is better says of its object without a direction word
(issue #12; decision 0419): read only for a theme that is no scheme theme and whose
`better` is not "lower" (return to work, walking, contacts), as `own_times` and
`own_counts` read the themes where less is better.

- `back_to`: a return to the object, said now ("He's back full time", "David er
  tilbage på fuld tid", "Han er tilbage på arbejdet et par dage om ugen"): away from
  it then, at it now, +1 (`BACK_TO`); and a level of the object reached now ("nu er
  han oppe på tre dage om ugen", "now he's up to three days a week"): +1 (`REACHED`).
  "back" / "tilbage" must stand right before a word of the theme (a few small words
  between: "back at work", "tilbage på arbejdet"), in a clause not at the baseline,
  not negated and not planned ("he wants to go back to work": a plan). What is "the
  same" of the thing returned to ("same desk", "samme skrivebord") names the thing,
  not a habit kept: it is dropped from the return's sentence.
- `settle_more`: the rules' verdict where it rests on these states (the reader then
  answers with it, as for the themes where less is better: decision 0225); an
  "again" / "igen" of a clause after the return that names the theme ("komme ud
  blandt kollegerne igen") is the return's, not a relapse.
"""

from __future__ import annotations

from flows.nlp.own_times import is_number
from flows.nlp.states import Parsed, Profile, State, _planned

#: the words that say a return: "back", "tilbage"
BACK = frozenset({"back", "tilbage"})
#: small words between a return and its object: "back at work", "back to the job",
#: "tilbage på arbejdet", "tilbage til sit job"
BETWEEN = frozenset(
    {
        "at",
        "to",
        "on",
        "in",
        "into",
        "the",
        "my",
        "his",
        "her",
        "their",
        "work's",
        "på",
        "til",
        "i",
        "ved",
        "sit",
        "sin",
        "sine",
        "mit",
        "min",
        "hans",
        "hendes",
        "den",
        "det",
    }
)
#: how many small words may stand between "back" and the theme's word
GAP = 2
#: a return from something ("back from hospital", "tilbage fra ferie") names no return to
#: the object
FROM = frozenset({"from", "fra"})
#: "up to", "oppe på", "op på": a level reached
UP = {("up", "to"), ("oppe", "på"), ("op", "på")}
#: "same" / "samme" before the theme's word names the thing returned to
SAME = frozenset({"same", "samme"})
#: the labels of the states read here
BACK_TO = "back_to"
REACHED = "reached"
MORE_LABELS = frozenset({BACK_TO, REACHED})
#: the reason of a verdict that rests on them (as `own_times.OWN_TIMES`)
OWN_TIMES = "own_times"


def applies(profile: Profile) -> bool:
    """An own theme where more is better (any `better` but "lower")."""
    return profile.own and profile.better != "lower"


def _theme_words(profile: Profile) -> frozenset[str]:
    return frozenset(w for w in profile.words if " " not in w) - BACK


def _names_after(lower: list[str], i: int, end: int, words, hinders: set[int]) -> bool:
    """A word of the theme at most `GAP` small words after position `i`, not one the
    lexicon reads as a thing of which less is better or a hindrance (`hinders`: "back
    on the sofa" is no return to the theme where a study lists "sofa" beside "walk")."""
    k = i + 1
    while k < end and k - i <= GAP + 1:
        if lower[k] in words:
            return k not in hinders
        if lower[k] not in BETWEEN:
            return False
        k += 1
    return False


def back_to(parsed: Parsed, profile: Profile, states: list[State]) -> list[State]:
    """The states with a return to the object now and a level of it reached now (module
    docstring); other themes' states as they are."""
    if not applies(profile) or profile.component != "outcome":
        return states
    words = _theme_words(profile)
    lower = parsed.lower
    numbers = parsed.clause_numbers()
    hinders = {
        k
        for label in ("lower_is_better", "barrier")
        for a, b in parsed.found.get(label, ())
        for k in range(a, b)
    }
    found: list[State] = []
    for i, word in enumerate(lower):
        n = numbers[i]
        if n < 0:
            continue
        clause = parsed.clauses[n]
        if clause.anchor in ("baseline", "early"):
            continue
        if any(clause.start <= k < clause.end for k in parsed.negations):
            continue
        pair = (word, lower[i + 1]) if i + 1 < clause.end else None
        if word in BACK and not (i + 1 < clause.end and lower[i + 1] in FROM):
            if not _names_after(lower, i, clause.end, words, hinders):
                continue
            label = BACK_TO
        elif (
            pair in UP and clause.anchor == "latest" and _level(parsed, i + 2, clause.end, profile)
        ):
            label = REACHED
            word = " ".join(pair)
        else:
            continue
        state = _planned(parsed, State(n, clause.anchor, 1, label, word, False, False, True, False))
        if not state.planned and all(s.clause != n for s in found):
            found.append(state)
    if not found:
        return states
    first = found[0].clause
    sentence = parsed.clauses[first].sentence
    kept = [s for s in states if not _same_thing(parsed, s, first, sentence, words)]
    kept = [s for s in kept if s.clause not in {f.clause for f in found}]
    return sorted([*kept, *found], key=lambda s: s.clause)


def _level(parsed: Parsed, start: int, end: int, profile: Profile) -> bool:
    """A number first (or after one word) and then a cue of the theme, after "up to" /
    "oppe på": "tre dage om ugen", "three days a week"."""
    rest = parsed.lower[start:end]
    counted = [k for k, w in enumerate(rest) if is_number(w)]
    if not counted or counted[0] > 1:
        return False
    after = " ".join(rest[counted[0] + 1 :])
    cues = [c for c in profile.words if c not in BACK]
    return any(after == c or after.startswith(c + " ") or f" {c} " in f" {after} " for c in cues)


def _same_thing(parsed: Parsed, state: State, first: int, sentence: int, words) -> bool:
    """A "same" state, in the return's sentence at or after it, whose word stands right
    before a word of the theme ("same desk")."""
    if state.label != "same" or state.clause < first:
        return False
    clause = parsed.clauses[state.clause]
    if clause.sentence != sentence:
        return False
    lower = parsed.lower
    at = [k for k in range(clause.start, clause.end) if lower[k] in SAME]
    return bool(at) and all(k + 1 < clause.end and lower[k + 1] in words for k in at)


def settle_more(verdict, parsed: Parsed, profile: Profile, states: list[State]):
    """The rules' verdict with the reason `OWN_TIMES` where it rests on a return or a
    level reached now (the last clause's states all of them); a relapse read from an
    "again" of the return's sentence, in a clause after it that names the theme, is
    the return's: improved. Any other verdict as it is."""
    if not applies(profile):
        return verdict
    mine = [s for s in states if s.label in MORE_LABELS]
    if not mine:
        return verdict
    if verdict.reason == "latest":
        now = [s for s in states if s.topical and not s.planned and s.value is not None]
        now = [s for s in now if s.anchor not in ("baseline", "early")]
        last = now[-1].clause
        if all(s.label in MORE_LABELS for s in now if s.clause == last):
            return verdict._replace(reason=OWN_TIMES)
        return verdict
    if verdict.reason == "relapse" and _again_of_return(parsed, profile, mine[-1]):
        cues = tuple(dict.fromkeys(s.cue for s in mine))
        return verdict._replace(label="improved", confidence=0.6, cues=cues, reason=OWN_TIMES)
    return verdict


def _again_of_return(parsed: Parsed, profile: Profile, state: State) -> bool:
    """Every relapse word stands in a clause of the return's sentence after it that names
    the theme and is not negated ("..., og det har gjort ham godt at komme ud blandt
    kollegerne igen")."""
    words = _theme_words(profile)
    numbers = parsed.clause_numbers()
    sentence = parsed.clauses[state.clause].sentence
    spans = parsed.found.get("relapse", [])
    for start, _ in spans:
        n = numbers[start]
        clause = parsed.clauses[n] if n >= 0 else None
        if clause is None or n <= state.clause or clause.sentence != sentence:
            return False
        if any(clause.start <= k < clause.end for k in parsed.negations):
            return False
        if not any(w in words for w in parsed.lower[clause.start : clause.end]):
            return False
    return bool(spans)

"""What an own theme's excerpt says of its object at both times, or since the start
(issue #12; decision 0278): constructions of the health-service-use and event themes
other fields bring (admissions, falls, A&E, panic attacks), read only for a theme
that is no scheme theme and where lower is better.

- `both_times`: "no acute contacts, either before or during", "nothing on his record
  from A&E either before or since", "hverken før eller nu": none then and none now,
  no change. The negated object of such a sentence, and any negated object after it
  that no clause anchors now, says no change (not the +1 a negated object is).
- `seasons`: "last winter", "sidste vinter" is the baseline where the excerpt
  speaks of now;
- `degrees`: how much of the object then and now ("from full sick leave to a partial
  return");
- `appeared`: Danish "Der er kommet panikanfald til": the object now, none before;
- `since_start`: "she's been readmitted again, that makes twice since she started",
  "er faldet to gange, siden vi startede", "det var anden gang, siden hun startede",
  "Det var første gang": the object counted since the start (or a first time), with
  nothing else said of it, is the object now where there was none of it: -1.

Each gives states (`states.State`) the rules decide on as any other (`seasons` gives
clauses their anchor); a state's label says which construction read it, and
`stands` tells the reader that the rules' verdict rests on `both_times`,
`since_start` or `appeared` (the reader then answers with it, as for numbers
compared across time: decision 0225). `degrees` and `appeared` and `since_start`
read only where nothing else is read of the object now.
"""

from __future__ import annotations

from dataclasses import replace

from flows.nlp.numbers import NUMBER_WORDS
from flows.nlp.own_held import held_clauses
from flows.nlp.states import Parsed, Profile, State

#: "either before or since", "neither before nor now", "hverken før eller nu": the
#: first word, "before", the joining word, and the later times
EITHER = frozenset({"either", "neither", "hverken"})
BEFORE = frozenset({"before", "før", "then", "dengang"})
OR = frozenset({"or", "nor", "eller"})
LATER = frozenset(
    {"since", "during", "after", "now", "today", "siden", "under", "efter", "nu", "i dag"}
)
#: words that count the object since a time: "twice since", "to gange, siden"
SINCE = frozenset({"since", "siden"})
#: "ved siden af" (beside), "på siden" (on the page): no time
NOT_SINCE = frozenset({"ved", "på"})
#: an ordinal count of times: "second time since", "anden gang"
ORDINALS = frozenset({"second", "third", "fourth", "anden", "andet", "tredje", "fjerde"})
TIMES = frozenset({"time", "times", "gang", "gange"})
#: a first time: "det var første gang", "the first time ever"
FIRST = frozenset({"første", "first"})
#: the labels of the states read here
BOTH_TIMES = "both_times"
SINCE_START = "since_start"
APPEARED = "appeared"
#: none then, a count now (`own_states._none_then`, decision 0226)
NONE_THEN = "none_then"
OWN_LABELS = frozenset({BOTH_TIMES, SINCE_START, APPEARED, NONE_THEN})


def applies(profile: Profile) -> bool:
    """An own theme where lower is better."""
    return profile.own and profile.better == "lower"


def both_times(parsed: Parsed, profile: Profile, states: list[State]) -> list[State]:
    """The states with what "either before or since" says: the sentence's clause that
    holds it is 0 (`BOTH_TIMES`), anchored now; a negated object in that sentence, or
    after it and not anchored now, is 0 too (none then, none now)."""
    if not applies(profile):
        return states
    found = _both_times_clauses(parsed)
    if not found:
        return states
    first = min(found)
    sentences = {parsed.clauses[n].sentence for n in found}
    out = []
    for s in states:
        clause = parsed.clauses[s.clause]
        late = s.clause >= first and s.anchor != "latest"
        if s.label == "object" and s.negated and (clause.sentence in sentences or late):
            s = replace(s, value=0, label=BOTH_TIMES)
        out.append(s)
    last = max(found)
    words = " ".join(parsed.lower[parsed.clauses[min(found)].start : parsed.clauses[last].end])
    out.append(State(last, None, 0, BOTH_TIMES, words, True, False, True, False))
    return sorted(out, key=lambda s: s.clause)


def _both_times_clauses(parsed: Parsed) -> list[int]:
    """The clauses of "either before or since" in a sentence that negates something
    (hverken is itself a negation)."""
    lower = parsed.lower
    numbers = parsed.clause_numbers()
    negated_sentences = {
        parsed.clauses[numbers[i]].sentence for i in parsed.negations if numbers[i] >= 0
    }
    out: list[int] = []
    for i, word in enumerate(lower[:-3]):
        if word not in EITHER or lower[i + 1] not in BEFORE or lower[i + 2] not in OR:
            continue
        if lower[i + 3] not in LATER and " ".join(lower[i + 3 : i + 5]) not in LATER:
            continue
        n = numbers[i]
        if n < 0 or parsed.clauses[n].sentence not in negated_sentences:
            continue
        out += sorted({numbers[j] for j in range(i, i + 4) if numbers[j] >= 0})
    return out


def since_start(
    parsed: Parsed,
    profile: Profile,
    states: list[State],
    objects: list[tuple[int, int]],
    counts: int | None,
) -> list[State]:
    """Where nothing else was read of an own object (no state, no numbers compared),
    a clause that counts it since a time ("twice since she started", "to gange, siden
    vi startede", "anden gang, siden") or calls it a first time ("Det var første
    gang") is -1 (`SINCE_START`), when the excerpt names the object there or before
    and no negation stands in that clause; none of it ever before ("never ... in my
    life") is nothing else read."""
    if not applies(profile) or counts is not None or not objects:
        return states
    # none of it ever before ("I'd never set foot in A&E in my life, and now I've been
    # twice since ...") is no state against the count (decision 0420)
    if any(s.topical and not s.planned and not _never_before(s) for s in states):
        return states
    numbers = parsed.clause_numbers()
    first_object = min(numbers[o[0]] for o in objects if numbers[o[0]] >= 0)
    out = []
    for n, clause in enumerate(parsed.clauses):
        if n < first_object:
            continue
        words = parsed.lower[clause.start : clause.end]
        following = _next_in_sentence(parsed, n)
        since = _since(words) or (
            following is not None and _since(following) and not _any_count(following)
        )
        cue = _counted_since(words, since) or _first_time(words)
        end = parsed.clauses[n + 1].end if following is not None else clause.end
        if cue is None or any(clause.start <= i < end for i in parsed.negations):
            continue  # "to gange, og siden sommer har jeg ikke været derude"
        # the count is of the programme's time, whatever the clause's own anchor ("første")
        out.append(State(n, None, -1, SINCE_START, cue, False, True, True, clause.contrast))
        break
    return sorted([*states, *out], key=lambda s: s.clause)


def _never_before(state: State) -> bool:
    """Stable absence of the object read under "never" (`own_states._stable`): none
    then, nothing said of now."""
    return state.label == "same" and state.negated and state.value == 0 and state.turned


def _next_in_sentence(parsed: Parsed, n: int) -> list[str] | None:
    """The words of the clause after `n` in its sentence."""
    if n + 1 >= len(parsed.clauses):
        return None
    after = parsed.clauses[n + 1]
    if after.sentence != parsed.clauses[n].sentence:
        return None
    return parsed.lower[after.start : after.end]


def _since(words: list[str]) -> bool:
    """ "since" as a time ("since she started", "siden vi startede"), not "ved siden af"."""
    return any(
        w in SINCE and (i == 0 or words[i - 1] not in NOT_SINCE) and i + 1 < len(words)
        for i, w in enumerate(words)
    )


def _counted_since(words: list[str], since: bool) -> str | None:
    """ "twice", "two times", "to gange", "anden gang" in a clause of a time since."""
    if not since:
        return None
    for i, w in enumerate(words):
        after = words[i + 1] if i + 1 < len(words) else ""
        if w == "twice" or (after in TIMES and (w in ORDINALS or _more_than_one(w))):
            return " ".join(words[i : i + 2])
    return None


def _any_count(words: list[str]) -> bool:
    """A number in the words ("I've only gone in once since"): two counts compared."""
    return any(is_number(w) for w in words)


def is_number(word: str) -> bool:
    """Digits or a number word of any language ("3", "tre", "three")."""
    return word.isdigit() or any(word in table for table in NUMBER_WORDS.values())


def _more_than_one(word: str) -> bool:
    if word.isdigit():
        return int(word) > 1
    return any(table.get(word, 0) > 1 for table in NUMBER_WORDS.values())


def _first_time(words: list[str]) -> str | None:
    """ "første gang", "the first time" (not "for the first time in years", which the
    lexicon reads)."""
    for i, w in enumerate(words[:-1]):
        if w in FIRST and words[i + 1] in TIMES and "in" not in words[i + 2 : i + 3]:
            return f"{w} {words[i + 1]}"
    return None


#: the reason of a verdict that rests on the states read here (`stands`)
OWN_TIMES = "own_times"


def stands(verdict, states: list[State]) -> bool:
    """The rules' verdict rests on the last clause's states read here: all of them are
    `OWN_LABELS` (the reader then answers with the rules' verdict, as it does for
    numbers compared across time: decision 0225)."""
    if verdict.reason != "latest":
        return False
    now = [s for s in states if s.topical and not s.planned and s.value is not None]
    now = [s for s in now if s.anchor not in ("baseline", "early")]
    if not now:
        return False
    last = now[-1].clause
    return all(s.label in OWN_LABELS for s in now if s.clause == last)


#: seasons: "last winter", "back in the autumn", "sidste vinter", "i vinter", "om
#: vinteren", "vinteren før" name a time before the latest one
SEASONS = frozenset(
    {
        "winter",
        "autumn",
        "spring",
        "summer",
        "vinter",
        "vinteren",
        "efterår",
        "efteråret",
        "forår",
        "foråret",
        "sommer",
        "sommeren",
    }
)
#: the words before a season that put it in the past ("last winter", "back in the
#: autumn", "sidste vinter", "i vinter", "om vinteren")
PAST_SEASON = frozenset({"last", "sidste", "i", "om"})
#: after a season: "the winter before", "vinteren før"
SEASON_BEFORE = frozenset({"before", "før"})


def seasons(parsed: Parsed, profile: Profile) -> Parsed:
    """For an own theme where lower is better, an excerpt that speaks of now (a clause
    anchored at the latest state) and of a past season ("last winter", "back in the
    autumn", "sidste vinter", "i vinter", "vinteren før"): the season's clause, when
    no anchor of its own, is at the baseline, and so are the clauses after it in its
    sentence that have none ("Last winter he was in A&E three times, and since the
    group once"). The lexicons anchor "last year" so; a season is anchored only here,
    for the health-service-use themes other fields bring, which are counted by winter."""
    if not applies(profile) or not any(c.anchor == "latest" for c in parsed.clauses):
        return parsed
    lower = parsed.lower
    numbers = parsed.clause_numbers()
    past = set()
    for i, word in enumerate(lower):
        if word not in SEASONS or numbers[i] < 0:
            continue
        before = lower[max(0, i - 3) : i]
        if any(w in SINCE for w in before):
            continue  # "since the summer", "siden sommer": the latest time
        after = lower[i + 1 : i + 2]
        if (
            (before and before[-1] in PAST_SEASON)
            or "back" in before
            or (after and after[0] in SEASON_BEFORE)
        ):
            past.add(numbers[i])
    if not past:
        return parsed
    clauses = list(parsed.clauses)
    for n in sorted(past):
        if clauses[n].anchor is not None:
            continue
        clauses[n] = replace(clauses[n], anchor="baseline")
        m = n + 1
        while m < len(clauses) and clauses[m].sentence == clauses[n].sentence:
            if clauses[m].anchor is not None:
                break
            clauses[m] = replace(clauses[m], anchor="baseline")
            m += 1
    return replace(parsed, clauses=clauses)


#: how much of a thing: all of it (2) or part of it (1): "fully signed off", "fra fuld
#: sygemelding til delvis raskmelding", "from part-time to fully signed off"
DEGREES = {
    "full": 2,
    "fully": 2,
    "completely": 2,
    "totally": 2,
    "entirely": 2,
    "fuld": 2,
    "fuldt": 2,
    "fuldtid": 2,
    "helt": 2,
    "fuldstændig": 2,
    "fuldstændigt": 2,
    "partial": 1,
    "partly": 1,
    "partially": 1,
    "half": 1,
    "delvis": 1,
    "delvist": 1,
    "deltid": 1,
    "halv": 1,
    "halvt": 1,
    "halvtid": 1,
}
#: "part-time", "full-time", "half-time" (three tokens)
DEGREE_PAIRS = {"part": 1, "full": 2, "half": 1}
FROM = frozenset({"from", "fra"})
TO = frozenset({"to", "til"})
DEGREE = "degree"


def _degrees(lower: list[str], start: int, end: int) -> list[tuple[int, int]]:
    """(position, degree) of the degree words in a range."""
    out = []
    for i in range(start, end):
        word = lower[i]
        if word in DEGREE_PAIRS and lower[i + 1 : i + 3] in (["-", "time"], ["-", "timer"]):
            out.append((i, DEGREE_PAIRS[word]))
        elif word in DEGREES:
            out.append((i, DEGREES[word]))
    return out


def degrees(
    parsed: Parsed, profile: Profile, states: list[State], objects: list[tuple[int, int]]
) -> list[State]:
    """Where nothing is read of an own object now, how much of it then and now: "gone
    from full sickness benefit to a partial return", "fra fuld sygemelding til delvis
    raskmelding" (less of the object: +1), "from part-time at the school to fully
    signed off" (more: -1); in two clauses, a clause of now that names the object with
    a degree and a baseline clause with another ("She's now fully on sick leave. When
    she was referred she was still managing part-time work"). The object must be named
    in the sentence of the degree of now."""
    if not applies(profile) or not objects:
        return states
    if any(
        s.topical
        and not s.planned
        and s.anchor not in ("baseline", "early")
        and s.value is not None
        for s in states
    ):
        return states
    numbers = parsed.clause_numbers()
    named = {parsed.clauses[numbers[o[0]]].sentence for o in objects if numbers[o[0]] >= 0}
    lower = parsed.lower
    found = _degrees(lower, 0, len(lower))
    if len(found) < 2 and not (found and held_clauses(parsed)):
        return states
    change = None
    for (i, first), (j, second) in zip(found, found[1:], strict=False):
        n, m = numbers[i], numbers[j]
        if n < 0 or m < 0 or parsed.clauses[m].sentence not in named:
            continue
        between = lower[i:j]
        if any(w in FROM for w in lower[max(0, i - 3) : i]) and any(w in TO for w in between):
            change = (m, second - first, f"{lower[i]} … {lower[j]}")
    if change is None:
        named_clauses = parsed.clauses_of(objects)
        change = _then_and_now(parsed, found, named, named_clauses)
    if change is None or change[1] == 0:
        return states
    m, more, cue = change
    value = -1 if more > 0 else 1  # more of a thing of which less is better is worse
    state = State(m, None, value, DEGREE, cue, False, True, True, parsed.clauses[m].contrast)
    return sorted([*states, state], key=lambda s: s.clause)


def _then_and_now(parsed: Parsed, found, named: set[int], named_clauses: set[int]):
    """A degree in a clause of now naming the object's sentence against one in a
    baseline clause, or the full degree now against something else held still at the
    baseline (`own_held`): (clause of now, change, cue)."""
    numbers = parsed.clause_numbers()
    then = [(i, d) for i, d in found if parsed.clauses[numbers[i]].anchor == "baseline"]
    now = [
        (i, d)
        for i, d in found
        if parsed.clauses[numbers[i]].anchor in ("latest", None)
        and parsed.clauses[numbers[i]].sentence in named
    ]
    if not then and len(now) == 1 and now[0][1] == max(DEGREES.values()):
        # nothing of the object's degree then, something else held still then
        # ("I was still teaching ..., and since February I've been signed off
        # completely"): the object's full degree now is more of it (decision 0390)
        held = [n for n in held_clauses(parsed) if parsed.clauses[n].anchor == "baseline"]
        j = now[0][0]
        if held and numbers[j] in named_clauses and not set(held) & named_clauses:
            return numbers[j], 1, f"{parsed.lower[j]} … still"
    if len(then) != 1 or len(now) != 1:
        return None
    (i, first), (j, second) = then[0], now[0]
    return numbers[j], second - first, f"{parsed.lower[j]} … {parsed.lower[i]}"


#: Danish "er kommet til" (have appeared: "Der er kommet panikanfald til", "De her
#: angstanfald er kommet til hen over foråret")
COME = frozenset({"kommet", "kommer", "kom"})
#: what may follow the particle "til" (no place: "kommet til lægen")
PARTICLE_AFTER = frozenset(
    {",", ".", "hen", "i", "igen", "siden", "nu", "efter", "under", "og", "men", "som", "da"}
)


def appeared(
    parsed: Parsed, profile: Profile, states: list[State], objects: list[tuple[int, int]]
) -> list[State]:
    """Where nothing else is read of an own object now, a clause naming it in which it
    "er kommet til" (appeared) is the object now where there was none: -1."""
    if not applies(profile) or not objects or "til" not in parsed.lower:
        return states
    if any(s.topical and not s.planned and s.anchor not in ("baseline", "early") for s in states):
        return states
    numbers = parsed.clause_numbers()
    lower = parsed.lower
    named = parsed.clauses_of(objects)
    for i, word in enumerate(lower):
        if word not in COME or numbers[i] not in named:
            continue
        n = numbers[i]
        for j in range(i + 1, min(i + 4, parsed.clauses[n].end)):
            after = lower[j + 1] if j + 1 < len(lower) else "."
            if lower[j] == "til" and after in PARTICLE_AFTER:
                if any(parsed.clauses[n].start <= k < j for k in parsed.negations):
                    break
                cue = f"{word} … til"
                state = State(n, None, -1, APPEARED, cue, False, True, True, False)
                return sorted([*states, state], key=lambda s: s.clause)
    return states

"""An own theme's states that no direction word says, and its objects as the model
sees them (issue #12; split from `profiles.py`):

- `own_states`: a comparative of the theme's word ("lonelier", "gladere"), stable
  absence ("I've never been in A&E") and none then against some now;
- `own_objects`: the spans of its cues of several words where lower is better;
- `as_scheme`: the parse as the trained model sees it for an own theme where lower
  is better: its object words in the class of things of which less is better;
- `counted`: a clause that counts something.
"""

from __future__ import annotations

from dataclasses import replace

from flows.nlp.anchors import Clause
from flows.nlp.numbers import NUMBER_WORDS
from flows.nlp.own_groups import cue_spans, inside_cue
from flows.nlp.own_times import NONE_THEN, both_times
from flows.nlp.states import Parsed, Profile, State, _planned


def as_scheme(parsed: Parsed, profile: Profile, objects: list[tuple[int, int]]) -> Parsed:
    """What the model sees of an own theme where lower is better: its object words
    ("admissions", "puffed", "vægten") in the class of things of which less is better,
    as a scheme theme's are ("cola", "skipped doses"), so that the trained model reads
    "less puffed" as it reads "less cola". Any other theme: the parse as it is."""
    if profile.better != "lower" or not profile.own:
        return parsed
    known = parsed.found.get("lower_is_better", [])
    extra = [o for o in objects if o not in known]
    if not extra:
        return parsed
    found = {**parsed.found, "lower_is_better": sorted([*known, *extra])}
    return replace(parsed, found=found)


def own_states(
    parsed: Parsed,
    profile: Profile,
    states: list[State],
    topical: list[bool],
    objects: list[tuple[int, int]] | None = None,
) -> list[State]:
    """An own theme's states (`states.outcome_states`) with what no direction word
    says: a comparative of its words (`_comparatives`), stable absence (a thing of
    which less is better under "never", `_stable`) and none then against some now
    (`_none_then`; `objects`: the excerpt's things of which less is better). A scheme
    theme's states as they are."""
    if not profile.own:
        return states
    out = [_stable(parsed, s) for s in both_times(parsed, profile, states)]
    spans = cue_spans(parsed, profile)  # "noget stærkere" names the thing (decision 0389)
    for n, clause in enumerate(parsed.clauses):
        found = _comparatives(parsed, profile, clause, n, topical[n])
        out += [_planned(parsed, s) for s in found if not inside_cue(parsed, s, spans)]
    objects = objects or []
    then = _none_then(parsed, states, out, topical, objects, profile.language)
    out += [_planned(parsed, s) for s in then]
    out.sort(key=lambda s: s.clause)
    return out


def own_objects(parsed: Parsed, profile: Profile) -> list[tuple[int, int]]:
    """The spans of an own theme's cues of several words where lower is better ("been
    in", "in bed", "on the floor", "ligger ned"): a cue of one word is found by
    `states.lower_objects`, a cue of several only here."""
    if not profile.own or profile.better != "lower":
        return []
    phrases = [p.split(" ") for p in sorted(profile.lower) if " " in p]
    lower = parsed.lower
    return [
        (i, i + len(words))
        for words in phrases
        for i in range(len(lower) - len(words) + 1)
        if lower[i : i + len(words)] == words
    ]


def _none_then(
    parsed: Parsed,
    states: list[State],
    read: list[State],
    topical: list[bool],
    objects: list[tuple[int, int]],
    language: str | None = None,
) -> list[State]:
    """None then, some now: where an excerpt says there was none of an own theme's
    object at the baseline or ever ("I'd never been in hospital in my life", "before
    that I hadn't been in"), a clause neither negated nor anchored at the baseline
    that counts the object (a number or a frequency word) and says nothing else of
    it is the object now: -1 ("... and I've been in twice since January"); so is a
    clause of the same sentence, after it, that counts and names nothing ("og nu har
    jeg været der to gange"). `states`: as read, before `_stable`; `read`: every
    state so far."""
    nothing = {
        s.clause
        for s in states
        if s.label == "object"
        and s.negated
        and (s.anchor == "baseline" or (s.anchor != "latest" and _stable(parsed, s) != s))
    }
    if not nothing:
        return []
    said = {s.clause for s in read}
    numbers = parsed.clause_numbers()
    named: dict[int, list[tuple[int, int]]] = {}
    for span in sorted(objects):
        named.setdefault(numbers[span[0]], []).append(span)
    after = {
        n
        for n, clause in enumerate(parsed.clauses)
        if n not in named
        and any(m < n and parsed.clauses[m].sentence == clause.sentence for m in nothing)
    }
    out = []
    for n, clause in enumerate(parsed.clauses):
        if n in nothing or n in said or not topical[n] or not (n in named or n in after):
            continue
        if clause.anchor not in (None, "latest") or not counted(parsed, clause, language):
            continue  # "the ambulance crew were lovely": no count of the object
        spans = named.get(n) or [(clause.start, clause.end)]
        if any(parsed.is_negated(span, clause) for span in spans):
            continue
        cue = parsed.words(spans[0]) if n in named else "counted"
        out.append(State(n, clause.anchor, -1, NONE_THEN, cue, False, True, True, clause.contrast))
    return out


def _stable(parsed: Parsed, state: State) -> State:
    """A negated thing of which less is better under "never" / "aldrig", in a clause
    not anchored now: none then and none now, no change ("I've never been in A&E",
    "det har aldrig været mit problem"); "I never get puffed now" stays +1."""
    if state.label != "object" or not state.negated or state.anchor == "latest":
        return state
    clause = parsed.clauses[state.clause]
    first = parsed.lower.index(state.cue.split(" ")[0], clause.start)
    if not _never(parsed, (first, first + 1), clause):
        return state
    return replace(state, value=0, label="same")


#: negations that speak of all time: with nothing said of a time, no change
NEVER = frozenset({"never", "aldrig"})


def _never(parsed: Parsed, span: tuple[int, int], clause: Clause) -> bool:
    """The negation before `span` in its clause is "never" / "aldrig"."""
    before = [i for i in parsed.negations if clause.start <= i < span[0]]
    return bool(before) and parsed.lower[before[-1]] in NEVER


def _comparative(form: str, lemma: str, language: str) -> bool:
    """A comparative of its lemma: "lonelier" (lonely), "calmer", "slimmer",
    "slankere" (slank), "ensommere" (ensom); not a plural ("venner") or a present
    tense ("ryger")."""
    if form == lemma or len(lemma) < 3:
        return False
    if language == "da":
        return form in (lemma + "ere", lemma + lemma[-1] + "ere")
    forms = {lemma + "er", lemma + lemma[-1] + "er"}
    if lemma.endswith("y"):
        forms.add(lemma[:-1] + "ier")
    if lemma.endswith("e"):
        forms.add(lemma + "r")
    return form in forms


def _comparatives(
    parsed: Parsed, profile: Profile, clause: Clause, n: int, topical: bool
) -> list[State]:
    """An own theme's states said by a comparative of one of its words, which no
    direction word says ("It's lonelier than it was", "he's calmer", "hun er
    gladere"): the comparative of a word the lexicon reads as a hindrance
    (`barrier`: lonely, low) or of the object of a theme where lower is better is
    -1 (`worse`); of a help (`facilitator`: calm, happy, rolig), of what helps against
    the object (`Profile.good`) or of a theme's word where higher is better, +1
    (`better`). A theme's own example that is itself a comparative where lower is
    better ("slankere" for weight) says no direction: which way it goes is not known.
    Negated, it is no change ("not calmer")."""
    out = []
    hinder = parsed.in_clause("barrier", clause)
    helps = parsed.in_clause("facilitator", clause)
    for i in range(clause.start, clause.end):
        form, lemma = parsed.lower[i], parsed.lemma[i]
        if not _comparative(form, lemma, profile.language):
            continue
        if lemma in profile.good or form in profile.good:
            value = 1
        elif lemma not in profile.words and form not in profile.words:
            continue
        elif any(s <= i < e for s, e in hinder):
            value = -1
        elif any(s <= i < e for s, e in helps) or profile.better != "lower":
            value = 1
        elif form in profile.words:
            continue
        else:
            value = -1
        neg = parsed.is_negated((i, i + 1), clause)
        out.append(
            State(
                n,
                clause.anchor,
                0 if neg else value,
                "better" if value > 0 else "worse",
                form,
                neg,
                False,
                topical,
                clause.contrast,
            )
        )
    return out


def counted(parsed: Parsed, clause: Clause, language: str | None = None) -> bool:
    """The clause counts something: a frequency word ("twice", "to gange") or a
    number other than one ("four days", "3") of the excerpt's language (English "to"
    is no Danish two: "nothing to do there", decision 0421); "one", "a" and "en" are
    too often no count ("one of the nurses")."""
    if parsed.in_clause("frequency", clause):
        return True
    tables = [NUMBER_WORDS[language]] if language in NUMBER_WORDS else NUMBER_WORDS.values()
    words = {w for table in tables for w, v in table.items() if v > 1}
    return any(w in words or w.isdigit() for w in parsed.lower[clause.start : clause.end])

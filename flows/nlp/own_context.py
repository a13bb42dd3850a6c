"""An own context theme's reading (issue #12): a study's context theme that is no
scheme theme, read from what the study file says of it.

- `own_context`: the rules' verdict where the excerpt tells a then and a now
  (decision 0316; moved here from `own_counts`), and, for a theme whose object is
  itself a hindrance, what that object does (decision 0451);
- `hindrance`: the theme's object is a hindrance ("Side effects of psychiatric
  medication", "Long-term condition symptoms", examples "træt", "tung"): its label
  names side effects or symptoms, or its words are the lexicon's hindrances and none
  its helps;
- `holds_back`: such an object named as it is now, and what it keeps the person from
  ("... so I don't feel like doing anything", "it's a real obstacle", "it holds him
  back", "det holder ham inde").
"""

from __future__ import annotations

from functools import lru_cache

from flows.nlp.lexicons import load_words
from flows.nlp.own_times import OWN_TIMES
from flows.nlp.states import Parsed, Profile

#: the context labels a cue may give
SIDES = ("barrier", "facilitator")


def own_context(verdict, parsed: Parsed, profile: Profile, found: list) -> object:
    """An own context theme's rules' verdict where the excerpt tells a then and a now
    (decision 0316): the cues of one side (`found`: `cues.Cue`) all in clauses anchored
    now, after a clause at the baseline or after every cue of the other side, with a
    clause anchored now ("The afternoon shift used to wreck my teaching, and now ...
    it fits round the job nicely", "Børnene var det store problem ... Det er løst nu,
    de går i klub"): that side, reason `OWN_TIMES` (the rules stand). Then, for a
    theme whose object is a hindrance (`hindered`, decision 0451). Any other verdict,
    and every scheme theme, as it is."""
    if not profile.own:
        return verdict
    if verdict.label in (*SIDES, "unclear") and found:
        both = _then_and_now(verdict, parsed, found)
        if both is not verdict:
            return both
    return hindered(verdict, parsed, profile, found)


def _then_and_now(verdict, parsed: Parsed, found: list) -> object:
    if verdict.reason not in ("one_side", "contrast", "conflict"):
        return verdict
    clauses = parsed.clauses
    now = {n for n, c in enumerate(clauses) if c.anchor == "latest"}
    sides = {side: [c for c in found if c.label == side and not c.planned] for side in SIDES}
    for side, other in (SIDES, SIDES[::-1]):
        mine, theirs = sides[side], sides[other]
        if not mine or any(c.negated for c in mine) or not all(c.clause in now for c in mine):
            continue
        first = min(c.clause for c in mine)
        before = any(clauses[n].anchor == "baseline" for n in range(first))
        if theirs and all(c.clause < first and c.clause not in now for c in theirs):
            before = True
        elif theirs:
            continue
        if before:
            cues = tuple(dict.fromkeys(c.cue for c in mine))
            return verdict._replace(label=side, confidence=0.6, cues=cues, reason=OWN_TIMES)
    return verdict


def hindered(verdict, parsed: Parsed, profile: Profile, found: list) -> object:
    """For an own context theme whose object is a hindrance (`hindrance`; decision
    0451):

    - the rules' barrier from one side's words (hindrances, or helps negated; nothing
      said to have gone) stands: such a theme's hindrance said is a barrier, whatever words
      the model learnt elsewhere ("My breathing is bad in the cold and that keeps me
      in": "keeps me" is a help to the model, from "keeps me going");
    - where the rules found no side (or only "no difference" from a negated change:
      "We haven't changed his depot dose"), the object named as it is now and what it
      keeps the person from (`holds_back`) is a barrier, and the rules stand.

    Any other verdict as it is: a hindrance gone ("the heaviness lifted") is the
    rules' and the model's to read."""
    if not hindrance(profile):
        return verdict
    if any(c.label == "gone" for c in found):
        return verdict
    if verdict.label == "barrier" and verdict.reason == "one_side":
        # every side's cue reads barrier: a hindrance, or a help negated ("ikke lyst")
        return verdict._replace(reason=OWN_TIMES)
    if (verdict.label, verdict.reason) not in (("unclear", "none"), ("not_stated", "no_effect")):
        return verdict
    cue = holds_back(parsed, profile, wishes=verdict.reason == "none")
    if cue is None:
        return verdict
    return verdict._replace(label="barrier", confidence=0.6, cues=(cue,), reason=OWN_TIMES)


#: words of a label that name a hindrance kind: "side effects", "symptoms",
#: "bivirkninger", "symptomer", "gener"
HINDRANCE_NAMES = frozenset(
    {"symptom", "symptoms", "symptomer", "symptomerne", "bivirkning", "bivirkninger"}
    | {"bivirkningerne", "gener", "generne"}
)
#: a label's pair of words that name a hindrance kind ("Side effects of ...")
HINDRANCE_PAIRS = (frozenset({"side", "effects"}), frozenset({"side", "effect"}))


def hindrance(profile: Profile) -> bool:
    """An own context theme whose object is itself a hindrance: its words (examples and
    label) name a hindrance kind (`HINDRANCE_NAMES`, "side effects"), or hold a word
    the lexicon of either language reads as a hindrance (`barrier`: "træt", "tung",
    "pain") and none it reads as a help (`facilitator`). "Transport" (a lift, a bus)
    or "Family situation" (a grandchild) are not."""
    if not profile.own or profile.component != "context":
        return False
    words = profile.words
    if words & HINDRANCE_NAMES or any(pair <= words for pair in HINDRANCE_PAIRS):
        return True
    hinders, helps = _sides()
    return bool(words & hinders) and not words & helps


@lru_cache(maxsize=1)
def _sides() -> tuple[frozenset[str], frozenset[str]]:
    """The single words the lexicons of both languages read as a hindrance, as a help."""
    hinders: set[str] = set()
    helps: set[str] = set()
    for language in ("en", "da"):
        words = load_words(language)
        hinders |= {w for w in words["barrier"] if " " not in w}
        helps |= {w for w in words["facilitator"] if " " not in w}
    return frozenset(hinders), frozenset(helps)


#: a verb that holds someone somewhere, with a particle after its object ("holds him
#: back", "keeps me in", "holder ham inde", "holder hende tilbage")
HOLDS = frozenset({"hold", "holds", "held", "holding", "keep", "keeps", "kept", "keeping"})
HOLDS |= frozenset({"holder", "holdt"})
#: the particle ("back", "in", "inde", "tilbage"); "in" and "inde" end the clause
HELD = frozenset({"back", "in", "inde", "tilbage"})
#: words that say something is in the way
IN_THE_WAY = frozenset(
    {"obstacle", "obstacles", "hinders", "hindered", "forhindring", "forhindrer", "bremser"}
    | {"bremsede", "hæmmer", "hæmmede"}
)
#: what a hindrance keeps someone from wanting, after a negation ("don't want to go
#: out", "don't feel like doing anything", "ikke lyst til", "orker ikke", "gider ikke")
WISHES = frozenset(
    {"want", "wants", "feel", "feels", "bothered", "lyst", "orker", "orke", "gider", "gide"}
)


def holds_back(parsed: Parsed, profile: Profile, wishes: bool = True) -> str | None:
    """The words that say what a hindrance keeps someone from, where a clause names
    the theme's object as it is now (not negated, not at the baseline or early):
    in that clause or a later one of its sentence or the next, "holds him back",
    "keeps me in", "det holder ham inde", "an obstacle", "spænder ben", not negated;
    or (with `wishes`) a negation before a wish ("so I don't feel like doing
    anything", "you don't want to go out", "Man får ikke lyst til at gå ud")."""
    named = parsed.clause_numbers_naming(profile.words)
    clauses = parsed.clauses
    for n, clause in enumerate(clauses):
        if not named[n] or clause.anchor in ("baseline", "early"):
            continue
        if any(clause.start <= i < clause.end for i in parsed.negations):
            continue
        for m in range(n, len(clauses)):
            later = clauses[m]
            if later.sentence > clause.sentence + 1:
                break
            cue = _held(parsed, later) or (_unwished(parsed, later) if wishes else None)
            if cue is not None:
                return cue
    return None


def _held(parsed: Parsed, clause) -> str | None:
    """ "holds him back", "keeps me in", "obstacle", "spænder ben", not negated."""
    lower = parsed.lower
    for i in range(clause.start, clause.end):
        word = lower[i]
        if word in IN_THE_WAY or (word == "spænder" and "ben" in lower[i + 1 : clause.end]):
            found = (i, i + 1)
        elif word in HOLDS:
            after = [j for j in range(i + 1, min(i + 4, clause.end)) if lower[j] in HELD]
            if not after or (lower[after[0]] in ("in", "inde") and after[0] != clause.end - 1):
                continue
            found = (i, after[0] + 1)
        else:
            continue
        if not parsed.is_negated(found, clause):
            return parsed.words(found)
    return None


def _unwished(parsed: Parsed, clause) -> str | None:
    """A negation, then within three words a wish: "don't want to", "ikke lyst"."""
    lower = parsed.lower
    for i in parsed.negations:
        if not clause.start <= i < clause.end:
            continue
        for j in range(i + 1, min(i + 4, clause.end)):
            if lower[j] in WISHES:
                return " ".join(lower[i : j + 1])
    return None

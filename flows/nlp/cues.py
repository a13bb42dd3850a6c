"""Cues of context and presence themes, and reported claims the speaker contradicts.

A context theme (barrier, facilitator) or a presence theme (present, absent) is
read from its cue words rather than from states over time: `cues` lists each cue
of the asked classes with its clause, its negation, whether its clause opens with
a contrast and whether it stands in the scope of an intention or advice
(`states.in_plan`). `claim_contradicted` says whether a reported claim ("he says")
is doubted or set against the speaker's own observation.
"""

from __future__ import annotations

from dataclasses import dataclass

from flows.nlp.states import Parsed, in_plan


def marks(parsed: Parsed, label: str) -> list[int]:
    """The clause numbers where words of a class stand."""
    spans = parsed.found.get(label)
    if not spans:
        return []
    numbers = parsed.clause_numbers()
    return sorted({numbers[start] for start, _ in spans if numbers[start] >= 0})


@dataclass(frozen=True, init=False)
class Cue:
    """A cue of a context or presence theme: its class, negated or not, and where."""

    label: str
    cue: str
    negated: bool
    clause: int
    contrast: bool
    planned: bool = False  # an intention or advice word before it in its clause

    def __init__(
        self,
        label: str,
        cue: str,
        negated: bool,
        clause: int,
        contrast: bool,
        planned: bool = False,
    ):
        # the dataclass's own __init__ (frozen: object.__setattr__ per field), written
        # out so that the compiled module runs it in C (decision 0263)
        self.__dict__.update(
            label=label, cue=cue, negated=negated, clause=clause, contrast=contrast, planned=planned
        )


def cues(parsed: Parsed, labels: tuple[str, ...]) -> list[Cue]:
    """Cues of these classes with their negation, in text order."""
    out = []
    numbers = parsed.clause_numbers()
    for label in labels:
        for span in parsed.found.get(label, ()):
            n = numbers[span[0]]
            if n < 0:
                continue
            clause = parsed.clauses[n]
            out.append(
                Cue(
                    label,
                    parsed.words(span),
                    parsed.is_negated(span, clause),
                    n,
                    clause.contrast,
                    in_plan(parsed, span[0], clause),
                )
            )
    out.sort(key=lambda c: (c.clause, c.label, c.cue))
    return out


#: word classes that tell what a condition did, or how things went: with one of them
#: an event is more than told
_CHANGE = ("up", "down", "start", "stop", "better", "worse", "relapse", "nonaction", "gone")
_EFFECT = ("effect", "no_effect", "intention", "advice", "uncertain", "consequence")
CONSEQUENCE = (*_CHANGE, *_EFFECT, "lower_is_better")


def events_only(parsed: Parsed, found: list[Cue]) -> bool:
    """Every barrier or facilitator cue is an event or a clinical fact (`event`: "fell",
    "broke", "døde", "indlagt", "COPD"), and nothing else is said: no negation, no word
    of change, effect or consequence (`consequence`: "after that", "derefter", "so I
    can", "ligegyldigt"; a thing of which less is better: "cancelled") ("He had a fall in the bathroom in November. Broke
    his wrist."; the scheme: mentioned with no effect stated is not_stated)."""
    events = parsed.found.get("event")
    if not events or parsed.negations or any(parsed.found.get(c) for c in CONSEQUENCE):
        return False
    words = {parsed.words(span) for span in events}
    sides = [c for c in found if c.label in ("barrier", "facilitator")]
    routine = _went_fine(parsed)
    return bool(sides) and all(c.cue in words or c.clause in routine for c in sides)


#: "went fine", "gik fint": said of an event (an operation), how it went, not what it
#: did for the programme (fourteenth pass, decision 0434)
WENT = frozenset({"went", "gone", "gik", "gået"})
FINE = frozenset({"fine", "well", "smoothly", "ok", "okay", "fint", "godt", "glat"})


def _went_fine(parsed: Parsed) -> set[int]:
    """The clauses where "went fine" / "gik fint" (or "well", "godt") stands."""
    lower, numbers = parsed.lower, parsed.clause_numbers()
    return {
        numbers[i]
        for i in range(len(lower) - 1)
        if lower[i] in WENT and lower[i + 1] in FINE and numbers[i] >= 0
    }


def claim_contradicted(parsed: Parsed) -> bool:
    """`_claim_contradicted`, computed once per excerpt."""
    value = parsed._contradicted
    if value is None:
        value = parsed._contradicted = _claim_contradicted(parsed)
    return value


def _claim_contradicted(parsed: Parsed) -> bool:
    """A reported claim ("he says", "han siger", "if you ask him") that the speaker
    doubts ("not convinced", "tror ikke på det", "we didn't") or sets against their own
    observation in a later sentence or after a contrast word ("but the fridge was
    full", "when I counted the packets", "da jeg talte op"), unless the speaker
    confirms it ("that's true", "ingen grund til at tvivle")."""
    claims = marks(parsed, "reported")
    doubts = _doubts(parsed, bool(claims))
    reported = claims + doubts
    if not reported or parsed.found.get("confirm"):
        return False
    first = min(reported)
    if any(n >= first for n in doubts):
        return True
    sentence = parsed.clauses[first].sentence
    return any(
        n > first and (parsed.clauses[n].contrast or parsed.clauses[n].sentence > sentence)
        for n in marks(parsed, "observed")
    )


#: doubt words that deny a claim only when there is one ("he didn't", "we didn't",
#: "so no"); without a reported claim they are a plain negation ("Before, he didn't
#: even know where the meter was")
DENIALS = frozenset({"we didn't", "he didn't", "she didn't", "so no", "det gjorde vi ikke"})


def _doubts(parsed: Parsed, claimed: bool) -> list[int]:
    """The clause numbers of the doubt words; denials only after a reported claim."""
    spans = parsed.found.get("doubt")
    if not spans:
        return []
    numbers = parsed.clause_numbers()
    return sorted(
        {
            numbers[start]
            for start, end in spans
            if numbers[start] >= 0
            and (claimed or parsed.words((start, end)).replace(" n't", "n't") not in DENIALS)
        }
    )

"""What an own theme's excerpt says was still so at a time before (issue #12; decision
0390): "When I started I was still teaching three days a week", "When she was referred
she was still managing part-time work", "Da jeg startede, var jeg stadig i arbejde".

"still" after a verb in the past ("was still", "var stadig", "var hun stadig") says
what held then, and that it held no longer: it is no "same" state (nothing changed)
and no anchor at the latest time, as "still" of the present is ("I'm still signed
off"). Read for an own theme where lower is better only (`own_counts.unanchored`
calls `held_then`):

- `held_then`: such a clause is at the baseline, and its "still" is no state;
- `held_clauses`: those clauses, for `own_times.degrees`: a clause of now naming the
  object at its full degree ("since February I've been signed off completely")
  after a clause at the baseline that holds something else still ("still teaching")
  says there is more of the object now: -1.
"""

from __future__ import annotations

from dataclasses import replace

#: "still" and its Danish forms
STILL = frozenset({"still", "stadig", "stadigvæk"})
#: verbs in the past before "still" ("was still", "var stadig", "kunne hun stadig")
PAST = frozenset(
    {"was", "were", "had", "could", "did", "var", "havde", "kunne", "gik", "arbejdede"}
)
#: the words that may stand between the verb and "still" (Danish inversion: "var hun
#: stadig")
BETWEEN = frozenset(
    {"i", "he", "she", "we", "they", "you", "jeg", "han", "hun", "vi", "de", "du", "man"}
)
#: the lexicon's classes a "still" of the past is taken out of
STILL_CLASSES = ("same", "latest", "contrast")


def _held_positions(lower: list[str]) -> list[int]:
    """The positions of "still" after a verb in the past."""
    out = []
    for i, word in enumerate(lower):
        if word not in STILL or i == 0:
            continue
        before = lower[i - 1]
        if before in PAST or (i > 1 and before in BETWEEN and lower[i - 2] in PAST):
            out.append(i)
    return out


def held_clauses(parsed) -> list[int]:
    """The clauses holding a "still" of the past."""
    numbers = parsed.clause_numbers()
    return sorted({numbers[i] for i in _held_positions(parsed.lower) if numbers[i] >= 0})


def held_then(parsed):
    """The parse with each clause holding a "still" of the past at the baseline, and
    that "still" in none of the lexicon's classes `STILL_CLASSES`."""
    positions = _held_positions(parsed.lower)
    if not positions:
        return parsed
    numbers = parsed.clause_numbers()
    found = dict(parsed.found)
    for label in STILL_CLASSES:
        spans = found.get(label)
        if spans:
            found[label] = [s for s in spans if not (s[0] in positions and s[1] == s[0] + 1)]
    clauses = list(parsed.clauses)
    for i in positions:
        n = numbers[i]
        if n >= 0:
            clauses[n] = replace(clauses[n], anchor="baseline")
    return replace(parsed, found=found, clauses=clauses)

"""Words of an own theme's excerpt that look like a quantity and are none (issue #12;
decision 0453), read for an own theme where lower is better (`own_counts.unanchored`
calls `unquantified`):

- `approximate`: "more like once a month", "more or less every week", "mere eller
  mindre": "more" / "less" that says about, not more of the object; where nothing
  else decides, the rules' `unclear` stands (`about`, from `own_counts.settle`): the
  frequencies then and now are not compared ("one or two days a week ... now it's
  more like every other day");
- `years_without`: the object negated for a span of years ("hun havde ikke været
  indlagt i mange år", "she hadn't been admitted in years", "for years"): the span
  is the time before, not more of anything ("flere", "mange") nor the same ("i mange
  år"); the clause is at the baseline (none then), so an admission or a count now
  reads against it (decisions 0226, 0315).
"""

from __future__ import annotations

from dataclasses import replace

#: "more" / "less" and what follows it when it says "about"
ABOUT = {("more", "like"), ("more", "or"), ("mere", "eller"), ("less", "like")}
#: the classes such a word is taken out of
QUANTITY_CLASSES = ("up", "down")
#: "years" and the words that make a span of them ("many years", "flere år"); Danish
#: "i år" is this year, so "år" needs a word of many before it, English "years" only
#: "in" or "for" ("in years", "for years")
YEARS = frozenset({"years", "år", "årevis"})
MANY = frozenset({"many", "several", "mange", "flere", "adskillige"})
SPAN = MANY | frozenset({"in", "for", "i"})
#: the classes a span of years is taken out of
YEARS_CLASSES = ("up", "same", "frequency", "latest")


def unquantified(parsed, objects: list[tuple[int, int]]):
    """The parse with `approximate` and `years_without` applied."""
    return years_without(approximate(parsed), objects)


def approximate(parsed):
    """The parse with "more" / "less" of "more like", "more or less" in no class of
    quantity."""
    lower = parsed.lower
    about = {i for i in range(len(lower) - 1) if (lower[i], lower[i + 1]) in ABOUT}
    if not about:
        return parsed
    return replace(parsed, found=_without(parsed.found, QUANTITY_CLASSES, about))


def years_without(parsed, objects: list[tuple[int, int]]):
    """The parse with each clause that names the object, negates it and holds a span of
    years ("i mange år", "in years", "for years") at the baseline, and the span's words
    in none of the classes `YEARS_CLASSES`."""
    if not objects or not parsed.negations:
        return parsed
    lower = parsed.lower
    named = parsed.clauses_of(objects)
    clauses = list(parsed.clauses)
    spans: set[int] = set()
    for n in sorted(named):
        clause = clauses[n]
        if not any(clause.start <= i < clause.end for i in parsed.negations):
            continue
        years = [i for i in range(clause.start, clause.end) if lower[i] in YEARS]
        years = [i for i in years if i > clause.start and _spans(lower, i)]
        if not years:
            continue
        first = years[0] - 1
        while first - 1 >= clause.start and lower[first - 1] in SPAN:
            first -= 1
        spans |= set(range(first, years[0] + 1))
        clauses[n] = replace(clause, anchor="baseline")
    if not spans:
        return parsed
    found = _without(parsed.found, YEARS_CLASSES, spans)
    return replace(parsed, found=found, clauses=clauses)


def _spans(lower: list[str], i: int) -> bool:
    """The "years" / "år" at `i` ends a span of them: "i mange år", "in years", "for
    many years", "i årevis"; not "i år" (this year)."""
    before = lower[i - 1]
    if lower[i] == "årevis" or before in MANY:
        return True
    return lower[i] == "years" and before in SPAN


def about(parsed) -> bool:
    """The excerpt says "more like", "more or less": about (`approximate`)."""
    lower = parsed.lower
    return any((lower[i], lower[i + 1]) in ABOUT for i in range(len(lower) - 1))


def _without(found: dict, labels: tuple[str, ...], positions: set[int]) -> dict:
    """`found` with the spans of these classes that start at one of `positions` taken
    out."""
    out = dict(found)
    for label in labels:
        spans = out.get(label)
        if spans:
            out[label] = [s for s in spans if s[0] not in positions]
    return out

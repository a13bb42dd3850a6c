"""Numbers compared across time: "from two to seven", "twice a year before, five times
last year", "fem diabeteskontakter det seneste år, mod én året før".

A count is a number (digits or a number word of the language) with the time unit
that follows it within a few tokens ("a week", "om ugen"); counts with different
units are compared per year. Two patterns give a comparison:

- "from X to Y" / "fra X til Y" in one sentence: Y against X;
- a count in a clause anchored at the baseline and one in a clause of now (the
  latest anchor, "at follow-up", "i år", or no anchor: the present): the one of
  now against the one of the baseline;
- a count, then none since ("twice in the first month, and nothing since", "to
  gange ..., og jeg har ikke været derinde siden"): none against that count.

Hours count as sixty minutes ("from sixty minutes a week to three hours").

The sign of the difference is the change in how often the behaviour happens; a
thing of which less is better in the clauses of the two numbers ("missed", "cola", "days
without measuring") turns it (`states.then_and_now` and `outcome_states` do the same
for words).
"""

from __future__ import annotations

from functools import lru_cache
from itertools import compress

from flows.nlp.states import WITHOUT, Parsed, Profile, lower_objects

NUMBER_WORDS = {
    "en": {
        "none": 0,
        "zero": 0,
        "nothing": 0,
        "never": 0,
        "once": 1,
        "one": 1,
        "twice": 2,
        "two": 2,
        "three": 3,
        "four": 4,
        "five": 5,
        "six": 6,
        "seven": 7,
        "eight": 8,
        "nine": 9,
        "ten": 10,
        "eleven": 11,
        "twelve": 12,
        "thirteen": 13,
        "fourteen": 14,
        "fifteen": 15,
        "sixteen": 16,
        "seventeen": 17,
        "eighteen": 18,
        "nineteen": 19,
        "twenty": 20,
        "thirty": 30,
        "forty": 40,
        "fifty": 50,
        "sixty": 60,
        "seventy": 70,
        "eighty": 80,
        "ninety": 90,
        "hundred": 100,
    },
    "da": {
        "ingen": 0,
        "nul": 0,
        "ingenting": 0,
        "aldrig": 0,
        "én": 1,
        "ét": 1,
        "ene": 1,
        "to": 2,
        "tre": 3,
        "fire": 4,
        "fem": 5,
        "seks": 6,
        "syv": 7,
        "otte": 8,
        "ni": 9,
        "ti": 10,
        "elleve": 11,
        "tolv": 12,
        "tretten": 13,
        "fjorten": 14,
        "femten": 15,
        "seksten": 16,
        "sytten": 17,
        "atten": 18,
        "nitten": 19,
        "tyve": 20,
        "tredive": 30,
        "fyrre": 40,
        "halvtreds": 50,
    },
}
#: time units and how many of them make a year
UNITS = {
    "day": 365,
    "days": 365,
    "week": 52,
    "weeks": 52,
    "fortnight": 26,
    "month": 12,
    "months": 12,
    "year": 1,
    "years": 1,
    "dag": 365,
    "dagen": 365,
    "dage": 365,
    "uge": 52,
    "ugen": 52,
    "uger": 52,
    "måned": 12,
    "måneden": 12,
    "måneder": 12,
    "år": 1,
    "året": 1,
}
#: hours, counted in minutes
HOURS = frozenset({"hour", "hours", "timer"})
SINCE = frozenset({"since", "siden"})
FROM = frozenset({"from", "fra"})
TO = frozenset({"to", "til"})
UNIT_REACH = 4


#: Danish articles that count one only right before "gang" ("en gang om måneden": once
#: a month); anywhere else they are no number
ONE_TIME = {"en": "gang", "et": "gang"}


def _value(word: str, words: dict[str, int]) -> float | None:
    if word.isdigit():
        return float(word)
    if word in words:
        return float(words[word])
    # "to-tre", "3-4" as one token: a range, counted as its middle
    low, dash, high = word.partition("-")
    if dash and low and high:
        a, b = _value(low, words), _value(high, words)
        if a is not None and b is not None and a < b:
            return (a + b) / 2
    return None


#: "three or four", "three - four", "2 til 3": a range, counted as its middle
RANGE_WORDS = frozenset({"or", "-", "eller", "to", "til"})
#: words that measure a count in minutes, not hours
MINUTES = frozenset({"minutes", "minute", "mins", "min", "minutter", "minut"})


def counts(parsed: Parsed, language: str) -> list[tuple[int, float, int | None]]:
    """(token position, count, units per year or None) of every number. A range
    ("three or four", "to-tre") is one count, its middle; a bare number after a count
    in hours is in hours too ("two hours a week ... around five at follow-up")."""
    words = NUMBER_WORDS.get(language, {})
    out = []
    lower = parsed.lower
    skip = -1
    in_hours = False
    # only a number word, digits or a one-token range ("to-tre", "3-4") can count
    countable = _countable(language)
    for i in [*compress(range(len(lower)), map(countable.__getitem__, lower))]:
        if i <= skip:
            continue
        v = _value(lower[i], words)
        if v is None:
            if language != "da" or lower[i + 1 : i + 2] != [ONE_TIME.get(lower[i])]:
                continue
            v = 1.0  # "en gang om måneden": once a month

        # "twenty-two": tens, a hyphen and a unit make one number
        if v >= 20 and v % 10 == 0 and lower[i + 1 : i + 2] == ["-"]:
            unit_value = _value(lower[i + 2], words) if i + 2 < len(lower) else None
            if unit_value is not None and 0 < unit_value < 10:
                v, skip = v + unit_value, i + 2
        if skip < i and i + 2 < len(lower) and lower[i + 1] in RANGE_WORDS:
            high = _value(lower[i + 2], words)
            # "two to three times" is a range, "from two to seven" is not
            is_from = i > 0 and lower[i - 1] in FROM
            if high is not None and v < high and not (is_from and lower[i + 1] in TO):
                v, skip = (v + high) / 2, i + 2
        end = max(i, skip)
        unit = next(
            (
                UNITS[lower[j]]
                for j in range(end + 1, min(len(lower), end + 1 + UNIT_REACH))
                if lower[j] in UNITS
            ),
            None,
        )
        following = lower[end + 1] if end + 1 < len(lower) else ""
        if following in HOURS:
            in_hours = True
            v *= 60  # "three hours" against "sixty minutes"
        elif in_hours and following not in MINUTES:
            v *= 60  # "two hours a week at baseline and around five at follow-up"
        out.append((i, v, unit))
    return out


class _Countable(dict):
    """word -> whether it can be a count (a number word of the language, digits, or a
    one-token range), found once per word and kept: the words of a language recur."""

    def __init__(self, words: dict[str, int]):
        super().__init__()
        self.words = words

    def __missing__(self, word: str) -> bool:
        value = self[word] = word in self.words or word.isdigit() or "-" in word or word in ONE_TIME
        return value


@lru_cache(maxsize=8)
def _countable(language: str) -> _Countable:
    return _Countable(NUMBER_WORDS.get(language, {}))


def _nothing_since(
    parsed: Parsed, found: list[tuple[int, float, int | None]]
) -> tuple[int, float, int | None] | None:
    """A count of none now: "nothing since", "none since he joined", "jeg har ikke
    været derinde siden" (a clause not at the baseline with "since" and a zero or a
    negation before it)."""
    for clause in parsed.clauses:
        if clause.anchor == "baseline":
            continue
        since = [i for i in range(clause.start, clause.end) if parsed.lower[i] in SINCE]
        if not since:
            continue
        inside = [f for f in found if clause.start <= f[0] < clause.end]
        zeros = [f for f in inside if f[1] == 0 and f[0] < since[0]]
        if zeros:
            return zeros[0]
        negations = [i for i in parsed.negations if clause.start <= i < since[0]]
        if negations and not inside:
            return (negations[0], 0.0, None)
    return None


def _compare(a: tuple[int, float, int | None], b: tuple[int, float, int | None]) -> int:
    """The sign of b against a, per year when both have a unit."""
    va, vb = a[1], b[1]
    if a[2] and b[2] and a[2] != b[2]:
        va, vb = va * a[2], vb * b[2]
    return (vb > va) - (vb < va)


def number_change(
    parsed: Parsed,
    profile: Profile,
    language: str,
    lower_spans: list[tuple[int, int]] | None = None,
) -> int | None:
    """+1 / -1 / 0 for a count that rose / fell / stayed, turned for a thing of which
    less is better; None without a comparison of numbers."""
    found = counts(parsed, language)
    if not found:
        return None  # no number: nothing to compare (and no "nothing since" to look for)
    zero = _nothing_since(parsed, found)
    if len(found) < 2 and not (found and zero):
        return None
    numbers = parsed.clause_numbers()
    pair = None
    lower = parsed.lower
    # "from X to Y", "from takeaway three times a week to about once a month"
    for a, b in zip(found, found[1:], strict=False):
        if _after_from(parsed, numbers, a[0], language) and any(
            lower[k] in TO for k in range(a[0] + 1, b[0])
        ):
            pair = (a, b)
            break
    if pair is None:
        then = [f for f in found if _anchor(parsed, numbers, f) == "baseline"]
        now = [f for f in found if _anchor(parsed, numbers, f) in ("latest", None)]
        before = [f for f in found if zero and f[0] < zero[0] and f[1] > 0]
        if then and now:
            pair = (then[-1], now[-1]) if now[-1][0] > then[-1][0] else (then[0], now[0])
        elif zero and before:
            pair = (before[-1], zero)  # "twice in the first month, and nothing since"
        else:
            return None
    sign = _compare(*pair)
    # a thing of which less is better in the clauses of the two numbers turns it
    held = {numbers[f[0]] for f in pair}
    if lower_spans is None:
        lower_spans = lower_objects(parsed, profile)
    turned = any(numbers[s[0]] in held for s in lower_spans) or any(
        numbers[i] in held and w in WITHOUT for i, w in enumerate(lower)
    )
    if not turned and profile.better == "lower":
        # a theme where lower is better: the count is of its own object unless the
        # clauses name a thing of which more is better
        good = parsed.clause_numbers_naming(profile.good)
        turned = not any(good[n] for n in held if n >= 0)
    return -sign if turned else sign


def _after_from(parsed: Parsed, numbers: list[int], position: int, language: str) -> bool:
    """A "from" stands before the number in its clause, at most FROM_REACH tokens
    back, with no other number between them."""
    lower = parsed.lower
    words = NUMBER_WORDS.get(language, {})
    for k in range(position - 1, max(-1, position - 1 - FROM_REACH), -1):
        if numbers[k] != numbers[position] or _value(lower[k], words) is not None:
            return False
        if lower[k] in FROM:
            return True
    return False


#: how far back a "from" may stand before its number ("from takeaway pizza three")
FROM_REACH = 5


def _anchor(parsed: Parsed, numbers: list[int], count: tuple[int, float, int | None]):
    n = numbers[count[0]]
    return parsed.clauses[n].anchor if n >= 0 else "none"

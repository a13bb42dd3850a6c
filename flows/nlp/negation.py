# cython: infer_types=True
"""Negation scope: which words of a clause a negation turns around.

English puts the negation before the verb ("he doesn't walk", "never skips"): a
negation negates what follows it in its clause. Danish main clauses put the finite
verb first and the negation after it ("han går ikke", "nu går han ikke mere",
inversion: "så holdt han op"): there a negation also negates the verb up to
`negation_after` tokens before it when only gap words (pronouns, sentence
adverbials: "han", "jo", "nok", "vel", "da", "altså") stand between.

What a negation does not negate:
- a negation inside an uncertainty or hedge phrase ("not sure", "ikke sikker");
- a tag question ("..., ikke?", "..., right?") and "not only" / "ikke kun";
- a negation written inside a word-class term ("no longer", "ikke længere",
  "never misses") belongs to that term.

Two negations over the same word cancel ("not that he never walks"): the parity
of the negations that reach a word decides.
"""

from __future__ import annotations

from functools import lru_cache

TAG_FOLLOWERS = frozenset({"?", "!"})
NOT_ONLY = frozenset({"only", "just", "kun", "bare"})


def negation_positions(
    lower: list[str],
    negations: frozenset[str],
    found: dict[str, list[tuple[int, int]]],
    inert_classes: tuple[str, ...] = ("uncertain", "hedge", "neutral"),
) -> list[int]:
    """Positions of the negations that negate something."""
    may: dict = _candidates(negations)
    candidates = []
    for i in range(len(lower)):  # a loop in C in the compiled module (decision 0306)
        word = lower[i]
        value = may.get(word)
        if value is None:
            value = may[word] = word in negations or word.endswith("n't")
        if value:
            candidates.append(i)
    if not candidates:
        return candidates
    inert: set[int] = set()
    for label in inert_classes:
        for start, end in found.get(label, ()):
            inert.update(range(start, end))
    out = []
    for i in candidates:
        if i in inert:
            continue
        nxt = lower[i + 1] if i + 1 < len(lower) else ""
        if nxt in TAG_FOLLOWERS and i and lower[i - 1] == ",":
            continue  # "..., ikke?" asks, negates nothing
        if nxt in NOT_ONLY:
            continue
        out.append(i)
    return out


def negated(
    span: tuple[int, int],
    clause: tuple[int, int],
    negs: list[int],
    lower: list[str],
    after: int = 0,
    gap_words: frozenset[str] = frozenset(),
) -> bool:
    """Whether the word at `span` is negated: an odd number of negations before it in
    its clause, or (Danish) one just after it past gap words only. Negations inside the
    span are the span's own and do not count."""
    start, end = span
    lo, hi = clause
    before = sum(1 for n in negs if lo <= n < start)
    if after:
        i = end
        while i < min(hi, end + after):
            if i in negs:
                before += 1
                break
            if lower[i] not in gap_words:
                break
            i += 1
    return before % 2 == 1


@lru_cache(maxsize=8)
def _candidates(negations: frozenset[str]) -> dict[str, bool]:
    """word -> whether it may be a negation (a negation word, or ending in "n't"),
    found once per word and kept (`negation_positions`): the words of a language
    recur."""
    return {}

"""The records a reading is made of: a theme's `Profile`, one clause's `State`, and
the excerpt read once (`Parsed`: forms, matched word classes, negations, clauses,
and the per-excerpt caches the parts of a reading share).

Split from `states.py` (decision 0433) with no change in behaviour; `states` still
exports the three names.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import compress

from flows.nlp.anchors import Clause
from flows.nlp.negation import negated

try:  # the typed twin of the naming walk, where built and current (decision 0376)
    from flows.nlp._words import naming as _typed_naming
except ImportError:
    _typed_naming = None


@dataclass(frozen=True)
class Profile:
    """What the reader knows of a theme: its component, topic words, the things of
    which less is better, and which direction of the behaviour itself is better."""

    theme_id: str
    behaviour: str
    component: str
    words: frozenset[str]
    lower: frozenset[str]
    better: str = "higher"
    #: where lower is better: things of which more is better, beside which a
    #: quantity word is not about the theme's object ("I can walk further")
    good: frozenset[str] = frozenset()
    #: read from what the study says of it (no scheme theme's profile)
    own: bool = False
    language: str = ""


@dataclass(frozen=True, init=False)
class State:
    """One clause's statement about the behaviour."""

    clause: int
    anchor: str | None
    value: int | None  # +1, 0, -1; None: a change of unknown sign
    label: str  # the word class that says it
    cue: str  # the words as written
    negated: bool
    turned: bool  # a thing of which less is better turned it around
    topical: bool
    contrast: bool
    planned: bool = False  # in the scope of an intention or advice ("wants to start")

    def __init__(
        self, clause, anchor, value, label, cue, negated, turned, topical, contrast, planned=False
    ):
        # the dataclass's own __init__ (frozen: object.__setattr__ per field), written
        # out so that the compiled module runs it in C (decision 0263)
        # (by keywords, in field order: no zip over the fields, decision 0410)
        self.__dict__.update(
            clause=clause,
            anchor=anchor,
            value=value,
            label=label,
            cue=cue,
            negated=negated,
            turned=turned,
            topical=topical,
            contrast=contrast,
            planned=planned,
        )


@dataclass
class Parsed:
    """An excerpt read once: forms, matched word classes, negations and clauses."""

    lower: list[str]
    lemma: list[str]
    found: dict[str, list[tuple[int, int]]]
    negations: list[int]
    clauses: list[Clause]
    negation_after: int
    gap_words: frozenset[str]

    def __post_init__(self) -> None:
        # the per-excerpt caches as plain attributes, made when the parse is (every
        # reading asks for the clause numbers): an attribute read, not a `__dict__`
        # fetch and a `get` or `setdefault` call per question (decision 0410)
        numbers = [-1] * len(self.lower)
        for n, clause in enumerate(self.clauses):
            start, end = clause.start, clause.end
            numbers[start:end] = [n] * (end - start)
        self._clause_numbers = numbers
        self._negated: dict = {}
        self._naming: dict = {}
        self._contradicted: bool | None = None  # `cues.claim_contradicted`

    def clause_numbers(self) -> list[int]:
        """Per token, the number of its clause (-1: between clauses), computed once
        (when the parse is made)."""
        return self._clause_numbers

    def clauses_of(self, spans: list[tuple[int, int]]) -> set[int]:
        """The numbers of the clauses in which these spans start (the clauses that
        name an object, given its spans); a span between clauses gives none."""
        numbers = self._clause_numbers
        return {numbers[s[0]] for s in spans if numbers[s[0]] >= 0}

    def by_clause(self, labels) -> list[list[tuple[str, tuple[int, int]]]]:
        """Per clause, the (label, span) of these classes starting in it, by label then
        position."""
        numbers = self.clause_numbers()
        out: list[list[tuple[str, tuple[int, int]]]] = [[] for _ in self.clauses]
        for label in labels:
            for span in self.found.get(label, ()):
                n = numbers[span[0]]
                if n >= 0:
                    out[n].append((label, span))
        return out

    def words(self, span: tuple[int, int]) -> str:
        return " ".join(self.lower[span[0] : span[1]])

    def in_clause(self, label: str, clause: Clause) -> list[tuple[int, int]]:
        return [s for s in self.found.get(label, ()) if clause.start <= s[0] < clause.end]

    def is_negated(self, span: tuple[int, int], clause: Clause) -> bool:
        """Whether a span is negated in its clause (`negation.negated`), computed once
        per span."""
        if not self.negations:
            return False
        cache = self._negated
        key = (span, clause.start, clause.end)
        value = cache.get(key)
        if value is None:
            value = cache[key] = negated(
                span,
                (clause.start, clause.end),
                self.negations,
                self.lower,
                self.negation_after,
                self.gap_words,
            )
        return value

    def mentions(self, words: frozenset[str], clause: Clause) -> bool:
        return self.clause_numbers_naming(words)[self.clauses.index(clause)]

    def clause_numbers_naming(self, words: frozenset[str]) -> list[bool]:
        """Per clause: whether it names one of the words (a token's form or lemma, or
        two neighbouring forms); computed once per set of words (the theme's own
        words are asked for by several parts of a reading). Callers only read it."""
        cache = self._naming
        named = cache.get(words)
        if named is None:
            named = cache[words] = self._clause_numbers_naming(words)
        return named

    def _clause_numbers_naming(self, words: frozenset[str]) -> list[bool]:
        numbers = self._clause_numbers
        named = [False] * len(self.clauses)
        lower, lemma = self.lower, self.lemma
        firsts = _two_word_firsts(words)
        pool = _words_and_firsts(words)
        if pool.isdisjoint(lower) and words.isdisjoint(lemma):
            return named  # no token names one (checked in C, no call per token)
        if _typed_naming is not None:  # the same walk in one C loop (decision 0376)
            return _typed_naming(lower, lemma, numbers, len(named), words, firsts)
        positions = range(len(lower))
        hits = [*compress(positions, map(pool.__contains__, lower))]
        hits += compress(positions, map(words.__contains__, lemma))
        for i in hits:
            n = numbers[i]
            if n < 0 or named[n]:
                continue
            if (
                lower[i] in words
                or lemma[i] in words
                or (
                    lower[i] in firsts
                    and numbers[i + 1 : i + 2] == [n]
                    and f"{lower[i]} {lower[i + 1]}" in words
                )
            ):
                named[n] = True
        return named


@lru_cache(maxsize=64)
def _two_word_firsts(words: frozenset[str]) -> frozenset[str]:
    """The first words of the two-word terms among `words`."""
    return frozenset(w.split(" ")[0] for w in words if w.count(" ") == 1)


@lru_cache(maxsize=64)
def _words_and_firsts(words: frozenset[str]) -> frozenset[str]:
    """The words and the first words of their two-word terms."""
    return words | _two_word_firsts(words)

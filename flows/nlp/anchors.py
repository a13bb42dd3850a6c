# cython: infer_types=True
"""Clauses and their time anchors.

An excerpt is cut into sentences (at . ! ? ; …) and clauses (also at , : – and the
language's clause words, "but", "because", "men", "fordi", and coordinators "and",
"og"). Each clause gets the time it speaks of:

- `baseline`: before the programme ("before", "used to", "back then", "før",
  "plejede", "dengang");
- `early`: an early or temporary phase ("at first", "for a while", "i starten",
  "en overgang");
- `latest`: the latest state ("now", "these days", "anymore", "nu", "i dag",
  "længere");
- None: no anchor of its own. Within a sentence a clause without an anchor takes
  the anchor of the clause before it ("Before, he forgot them, and skipped the
  evening ones"); a sentence without any anchor speaks of the present.

A clause that is nothing but a time ("when we started", "da vi startede", "before
the programme") gives its anchor to the clause before it in its sentence when that
one has none of its own ("Det gjorde han slet ikke, da vi startede").

"than before" / "end før" (also a few words apart: "less than I did even before")
and "as before" / "som før" compare with the baseline rather than describe it: they
anchor nothing. A clause that draws the speaker's conclusion ("so it's better", "så
det er da bedre") takes no anchor from the clause before it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

SENTENCE_END = frozenset({".", "!", "?", ";", "…", "..."})
CLAUSE_PUNCT = frozenset({",", ":", "—", "–", "(", ")", '"', "-"})
COMPARISON = frozenset({"than", "as", "like", "end", "som", "ligesom"})
ANCHORS = ("baseline", "early", "latest")
#: "than" a few words before "before": a comparison with the baseline, no baseline
THAN = frozenset({"than", "end"})
#: a clause that draws the speaker's conclusion now ("..., so it's better", "så det er
#: da bedre"): it takes no anchor from the clause before it
CONCLUSIONS = frozenset(
    {("so", "it", "'s"), ("so", "it", "is"), ("so", "that", "'s"), ("så", "det", "er")}
)


@dataclass(frozen=True, init=False)
class Clause:
    """A clause: its token range, sentence number, anchor and whether it follows a
    contrast word ("but", "men") in its sentence."""

    start: int
    end: int
    sentence: int
    anchor: str | None
    contrast: bool

    def __init__(self, start: int, end: int, sentence: int, anchor: str | None, contrast: bool):
        # the dataclass's own __init__ (frozen: object.__setattr__ per field), written
        # out so that the compiled module runs it in C (decision 0263)
        self.__dict__.update(
            start=start, end=end, sentence=sentence, anchor=anchor, contrast=contrast
        )


#: a Clause made without calling its class (`clauses`)
_new = object.__new__


def cut(
    lower: list[str],
    clause_words: frozenset[str],
    coordinators: frozenset[str],
    joined: frozenset[int] = frozenset(),
    breaks: frozenset[str] | None = None,
):
    """Token ranges of the clauses and the sentence number of each. `joined`: the
    positions of hyphens inside a word ("check-ups", "follow-up"), which cut nothing;
    `breaks`: `break_words(clause_words, coordinators)` when the caller has it."""
    spans: list[tuple[int, int, int]] = []
    start, sentence = 0, 0
    if breaks is None:
        breaks = _breaks(clause_words, coordinators)
    for i in range(len(lower)):  # a loop in C in the compiled module (decision 0306)
        word = lower[i]
        if word not in breaks:
            continue
        if word in SENTENCE_END:
            if i > start:
                spans.append((start, i, sentence))
            start, sentence = i + 1, sentence + 1
        elif word in CLAUSE_PUNCT:
            if i in joined:
                continue  # a hyphen inside a word cuts nothing
            if i > start:
                spans.append((start, i, sentence))
            start = i + 1
        elif i > start:
            spans.append((start, i, sentence))
            start = i
    if start < len(lower):
        spans.append((start, len(lower), sentence))
    return spans


@lru_cache(maxsize=16)
def _breaks(clause_words: frozenset[str], coordinators: frozenset[str]) -> frozenset[str]:
    """Every word that may end a sentence or open a clause."""
    return SENTENCE_END | CLAUSE_PUNCT | clause_words | coordinators


break_words = _breaks


def anchor_spans(found: dict[str, list[tuple[int, int]]], lower: list[str]) -> dict[int, str]:
    """The anchor each token position opens, from the matched anchor words."""
    at: dict[int, str] = {}
    for anchor in ANCHORS:
        for start, _end in found.get(anchor, ()):
            if start and lower[start - 1] in COMPARISON:
                continue  # "than before", "som før": a comparison, not a time
            if start > 1 and lower[start - 2] in COMPARISON and lower[start - 1] in {"i", "jeg"}:
                continue  # "than I used to"
            if anchor == "baseline" and not THAN.isdisjoint(lower[max(0, start - 4) : start]):
                continue  # "less than I did even before", "mindre end jeg gjorde før"
            at.setdefault(start, anchor)
    return at


def clauses(
    lower: list[str],
    found: dict[str, list[tuple[int, int]]],
    clause_words: frozenset[str],
    coordinators: frozenset[str],
    contrast_words: frozenset[str],
    joined: frozenset[int] = frozenset(),
    breaks: frozenset[str] | None = None,
) -> list[Clause]:
    """The excerpt's clauses with their anchors (module docstring); `breaks` as `cut`."""
    at = anchor_spans(found, lower)
    out: list[Clause] = []
    previous: Clause | None = None
    placed = sorted(at.items())
    for start, end, sentence in cut(lower, clause_words, coordinators, joined, breaks):
        own = [anchor for i, anchor in placed if start <= i < end] if placed else ()
        # a clause naming two times ("before ... now") is read by its last one
        anchor = own[-1] if own else None
        if (
            anchor is None
            and previous is not None
            and previous.sentence == sentence
            and tuple(lower[start : start + 3]) not in CONCLUSIONS
        ):
            anchor = previous.anchor
        contrast = lower[start] in contrast_words or bool(
            previous and previous.sentence == sentence and previous.contrast
        )
        # Clause(start, end, sentence, anchor, contrast) without calling the class
        # through its __init__ (a third of the clauses' cost, decision 0306): the
        # same fields in the same order
        clause = _new(Clause)
        fields: dict = clause.__dict__
        fields["start"] = start
        fields["end"] = end
        fields["sentence"] = sentence
        fields["anchor"] = anchor
        fields["contrast"] = contrast
        if (
            own
            and previous is not None
            and previous.sentence == sentence
            and bare_time(found, start, end)
            and not any(i in at for i in range(previous.start, previous.end))
        ):
            out[-1] = replace(previous, anchor=anchor)
        out.append(clause)
        previous = clause
    return out


def bare_time(found: dict[str, list[tuple[int, int]]], start: int, end: int) -> bool:
    """The clause is one anchor phrase and nothing else ("da vi startede")."""
    for anchor in ANCHORS:
        spans = found.get(anchor)
        if spans and (start, end) in spans:
            return True
    return False


def clause_of(clauses_: list[Clause], index: int) -> Clause | None:
    """The clause that holds token `index`."""
    for clause in clauses_:
        if clause.start <= index < clause.end:
            return clause
    return None

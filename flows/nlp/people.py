"""Who a clause is about: the peer, or someone else named in the answer.

The scheme codes the peer. "My sister has gone mad on greens, she gets a vegetable
box every week" says nothing of the peer's eating: someone else's habit is not the
peer's state (not_stated). A clause is someone else's when another person
(`other_person`: "my daughter", "his wife", "min nabo", "hendes mand") is its subject
(opens it, after at most "and", "but", "og", "men"), and it has no first-person word
and no reported word ("my wife says I walk more" is a claim about the peer); the clauses
after it in its sentence are that person's too ("Min søster, hun er gået helt amok
med grønt, hun får en grøntsagskasse"), until one speaks in the first person ("I",
"jeg", "we", "vi") or opens with a contrast ("but me, I ...").
"""

from __future__ import annotations

from flows.nlp.states import Parsed

#: first-person words: a clause with one speaks of the speaker again; "we"/"vi" too,
#: the peer with the other person ("My wife cooks differently now, so we both eat
#: better": the peer's eating as well, ninth pass)
FIRST_PERSON = frozenset({"i", "me", "myself", "we", "us", "jeg", "mig", "vi", "os"})
#: words that may stand before the person at the head of a clause
JOINING = frozenset({"and", "but", "so", "well", "og", "men", "så", "nå"})


def someone_elses(parsed: Parsed) -> frozenset[int]:
    """The numbers of the clauses that speak of another person than the peer."""
    spans = parsed.found.get("other_person")
    if not spans:
        return frozenset()
    numbers = parsed.clause_numbers()
    reported = set(_clauses_with(parsed, "reported"))
    named = {numbers[s[0]] for s in spans if _subject(parsed, s, numbers)} - reported
    out: set[int] = set()
    for n in sorted(named):
        if _first_person(parsed, n):
            continue  # "my wife and I walk": the peer too
        sentence = parsed.clauses[n].sentence
        out.add(n)
        for k in range(n + 1, len(parsed.clauses)):
            clause = parsed.clauses[k]
            if clause.sentence != sentence or k in reported or clause.contrast:
                break
            if _first_person(parsed, k):
                break
            out.add(k)
    return frozenset(out)


def _subject(parsed: Parsed, span: tuple[int, int], numbers: list[int]) -> bool:
    """The person opens its clause, after at most a joining word: the subject ("my
    daughter goes", "og hans kone laver"), not an object or a time ("since his
    brother died Ole's just let it go")."""
    n = numbers[span[0]]
    if n < 0:
        return False
    before = parsed.lower[parsed.clauses[n].start : span[0]]
    return not before or (len(before) == 1 and before[0] in JOINING)


def _first_person(parsed: Parsed, n: int) -> bool:
    clause = parsed.clauses[n]
    return not FIRST_PERSON.isdisjoint(parsed.lower[clause.start : clause.end])


def _clauses_with(parsed: Parsed, label: str) -> list[int]:
    numbers = parsed.clause_numbers()
    return [numbers[s[0]] for s in parsed.found.get(label, ()) if numbers[s[0]] >= 0]

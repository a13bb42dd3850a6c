"""Boolean minimisation (Quine–McCluskey) over configuration strings.

The prime implicants of the configurations with the outcome (remainders as
don't-cares for the parsimonious solution), the essential ones, and every
cover with the fewest prime implicants (exhaustive search, as R's QCA does by
default); `term_expression` writes a term in the usual notation.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence

#: Exhaustive search of the prime-implicant chart stops past this many combinations.
MAX_COMBINATIONS = 2_000_000


def covers(pattern: str, configuration: str) -> bool:
    """Whether an implicant ("1-0") covers a configuration ("110")."""
    return all(p == "-" or p == c for p, c in zip(pattern, configuration, strict=True))


def term_key(pattern: str) -> tuple:
    """Sort order of terms: fewer literals first, then present before absent, by condition."""
    rank = {"1": 0, "0": 1, "-": 2}
    return (sum(1 for p in pattern if p != "-"), tuple(rank[p] for p in pattern))


def _check_configurations(configurations: Iterable[str], k: int | None) -> set[str]:
    found = set(configurations)
    for c in found:
        if set(c) - {"0", "1"}:
            raise ValueError(f"configuration {c!r}: only 0 and 1 allowed")
        if k is not None and len(c) != k:
            raise ValueError(f"configuration {c!r}: expected {k} values")
        k = len(c)
    return found


def prime_implicants(minterms: Iterable[str], dont_cares: Iterable[str] = ()) -> tuple[str, ...]:
    """Quine–McCluskey: the prime implicants of the minterms, with don't-cares.

    Terms that differ in exactly one fixed position merge (that position becomes
    "-"), level after level; a term that merges with no other is prime. Prime
    implicants covering only don't-cares are dropped. Sorted by `term_key`.
    """
    on = _check_configurations(minterms, None)
    k = len(next(iter(on))) if on else None
    dc = _check_configurations(dont_cares, k) - on
    if not on:
        return ()
    primes: set[str] = set()
    current = on | dc
    while current:
        groups: dict[tuple[str, int], list[str]] = defaultdict(list)
        for term in current:
            dashes = "".join("-" if p == "-" else "." for p in term)
            groups[(dashes, term.count("1"))].append(term)
        merged: set[str] = set()
        used: set[str] = set()
        for (dashes, ones), group in groups.items():
            for upper in groups.get((dashes, ones + 1), ()):
                for lower in group:
                    diff = [i for i, (a, b) in enumerate(zip(lower, upper, strict=True)) if a != b]
                    if len(diff) == 1:
                        i = diff[0]
                        merged.add(lower[:i] + "-" + lower[i + 1 :])
                        used.update((lower, upper))
        primes |= current - used
        current = merged
    useful = [p for p in primes if any(covers(p, m) for m in on)]
    return tuple(sorted(useful, key=term_key))


def essential_prime_implicants(primes: Sequence[str], minterms: Iterable[str]) -> tuple[str, ...]:
    """Prime implicants that are the only ones to cover some minterm."""
    essential = set()
    for m in minterms:
        covering = [p for p in primes if covers(p, m)]
        if len(covering) == 1:
            essential.add(covering[0])
    return tuple(sorted(essential, key=term_key))


def minimal_covers(
    primes: Sequence[str], minterms: Iterable[str], max_combinations: int = MAX_COMBINATIONS
) -> list[tuple[str, ...]]:
    """Every cover of the minterms with the fewest prime implicants.

    The essential prime implicants are in every cover; the remaining minterms
    are covered by an exhaustive search over combinations of the other prime
    implicants, smallest first (as R's QCA does with `all.sol = FALSE`). Each
    cover is sorted by `term_key`; covers are sorted by total literals, then terms.
    """
    on = set(minterms)
    if not on:
        return [()]
    chart = {p: frozenset(m for m in on if covers(p, m)) for p in primes}
    uncovered = on - set().union(*chart.values()) if chart else on
    if uncovered:
        raise ValueError(f"no prime implicant covers {sorted(uncovered)}")
    essential = essential_prime_implicants(primes, on)
    rest = on - set().union(*(chart[e] for e in essential))
    candidates = [p for p in primes if p not in essential and chart[p] & rest]
    found: list[tuple[str, ...]] = []
    tried = 0
    for size in range(len(candidates) + 1):
        tried += math.comb(len(candidates), size)
        if tried > max_combinations:
            raise ValueError(
                f"the prime implicant chart is too large to search exhaustively "
                f"({len(candidates)} prime implicants): use fewer conditions"
            )
        for combo in itertools.combinations(candidates, size):
            if rest <= set().union(*(chart[c] for c in combo)):
                found.append(tuple(sorted((*essential, *combo), key=term_key)))
        if found:
            break
    return sorted(
        found, key=lambda cover: (sum(term_key(t)[0] for t in cover), [term_key(t) for t in cover])
    )


def minimise(minterms: Iterable[str], dont_cares: Iterable[str] = ()) -> list[tuple[str, ...]]:
    """Quine–McCluskey minimisation: every minimal sum of prime implicants."""
    on = set(minterms)
    return minimal_covers(prime_implicants(on, dont_cares), on)


def term_expression(pattern: str, conditions: Sequence[str], negation: str = "case") -> str:
    """A term in the usual notation: `FINANCES*energy` ("case") or `FINANCES*~ENERGY` ("tilde")."""
    literals = []
    for value, name in zip(pattern, conditions, strict=True):
        if value == "1":
            literals.append(name.upper())
        elif value == "0":
            literals.append(name.lower() if negation == "case" else "~" + name.upper())
    return "*".join(literals) or "1"

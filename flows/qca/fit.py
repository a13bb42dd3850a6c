"""Set-theoretic fit: sufficiency and necessity consistency and coverage,
relevance of necessity, and the parameters of fit of every single condition.
"""

from __future__ import annotations

from collections.abc import Sequence

from flows.qca.minimisation import term_expression
from flows.qca.results import ConditionFit


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def sufficiency(in_set: Sequence[int], outcome: Sequence[int]) -> tuple[float | None, float | None]:
    """Consistency |X∩Y|/|X| and coverage |X∩Y|/|Y| of X as sufficient for Y (crisp)."""
    both = sum(1 for x, y in zip(in_set, outcome, strict=True) if x and y)
    return _ratio(both, sum(in_set)), _ratio(both, sum(outcome))


def necessity(in_set: Sequence[int], outcome: Sequence[int]) -> tuple[float | None, float | None]:
    """Consistency |X∩Y|/|Y| and coverage |X∩Y|/|X| of X as necessary for Y (crisp)."""
    both = sum(1 for x, y in zip(in_set, outcome, strict=True) if x and y)
    return _ratio(both, sum(outcome)), _ratio(both, sum(in_set))


def relevance_of_necessity(in_set: Sequence[int], outcome: Sequence[int]) -> float | None:
    """Σ(1−X)/Σ(1−min(X,Y)) (Schneider & Wagemann 2012): low when X is near-constant."""
    both = sum(1 for x, y in zip(in_set, outcome, strict=True) if x and y)
    n = len(in_set)
    return _ratio(n - sum(in_set), n - both)


def condition_parameters(
    configurations: Sequence[str], outcome: Sequence[int], conditions: Sequence[str]
) -> tuple[ConditionFit, ...]:
    """Parameters of fit of every condition and its negation, over the cases."""
    fits = []
    for order, name in enumerate(conditions):
        for present in (True, False):
            wanted = "1" if present else "0"
            in_set = [1 if c[order] == wanted else 0 for c in configurations]
            pattern = "".join(wanted if i == order else "-" for i in range(len(conditions)))
            suff = sufficiency(in_set, outcome)
            nec = necessity(in_set, outcome)
            fits.append(
                ConditionFit(
                    condition=name,
                    condition_order=order,
                    present=present,
                    expression=term_expression(pattern, conditions),
                    n_cases=len(in_set),
                    n_in_set=sum(in_set),
                    n_outcome=sum(outcome),
                    n_both=sum(1 for x, y in zip(in_set, outcome, strict=True) if x and y),
                    sufficiency_consistency=suff[0],
                    sufficiency_coverage=suff[1],
                    necessity_consistency=nec[0],
                    necessity_coverage=nec[1],
                    necessity_relevance=relevance_of_necessity(in_set, outcome),
                )
            )
    return tuple(fits)

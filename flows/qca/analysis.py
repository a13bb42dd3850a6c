"""The analysis: `analyse` turns the data matrix (and the SQL truth table) into a
`QCAResult`: truth table, parameters of fit, conservative and parsimonious
solutions, and notes on limited diversity, contradictions and model ambiguity.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import pandas as pd

from flows.qca.fit import _ratio, condition_parameters, sufficiency
from flows.qca.minimisation import (
    covers,
    essential_prime_implicants,
    minimal_covers,
    prime_implicants,
    term_expression,
    term_key,
)
from flows.qca.results import KINDS, QCAResult, Solution, Term
from flows.qca.truth_table import Settings, TruthTableRow, _codes_from_frame, truth_table_rows

#: Minimisation enumerates all 2^k configurations: beyond this, refuse.
MAX_CONDITIONS = 12

#: Columns of the data matrix and truth table that are not conditions.
NON_CONDITION_COLUMNS = frozenset(
    {
        "case_id",
        "outcome",
        "configuration",
        "row_number",
        "outcome_code",
        "n",
        "n_outcome",
        "consistency",
        "case_ids",
        "outcome_case_ids",
    }
)


def _binary(frame: pd.DataFrame, column: str) -> list[int]:
    values = frame[column].tolist()
    if any(pd.isna(v) or v not in (0, 1) for v in values):
        raise ValueError(f"column {column!r}: crisp sets take only 0 and 1")
    return [int(v) for v in values]


def _fit(members: Sequence[bool], outcome: Sequence[int]) -> tuple[float | None, float | None]:
    """Consistency and coverage of a term or solution as sufficient for the outcome."""
    return sufficiency([int(m) for m in members], outcome)


def _solutions(
    kind: str,
    covers_found: list[tuple[str, ...]],
    essential: set[str],
    conditions: Sequence[str],
    case_ids: Sequence[str],
    configurations: Sequence[str],
    outcome: Sequence[int],
    remainders: Sequence[str],
) -> list[Solution]:
    solutions = []
    n_outcome = sum(outcome)
    for model, cover in enumerate(covers_found, start=1):
        memberships = {t: [covers(t, c) for c in configurations] for t in cover}
        terms = []
        for t in cover:
            consistency, coverage = _fit(memberships[t], outcome)
            others = [
                any(memberships[o][i] for o in cover if o != t) for i in range(len(configurations))
            ]
            unique = sum(
                1 for i, y in enumerate(outcome) if y and memberships[t][i] and not others[i]
            )
            terms.append(
                Term(
                    pattern=t,
                    expression=term_expression(t, conditions),
                    expression_tilde=term_expression(t, conditions, negation="tilde"),
                    n_literals=term_key(t)[0],
                    essential=t in essential,
                    consistency=consistency,
                    raw_coverage=coverage,
                    unique_coverage=_ratio(unique, n_outcome),
                    case_ids=tuple(
                        sorted(c for c, m in zip(case_ids, memberships[t], strict=True) if m)
                    ),
                )
            )
        in_solution = [any(memberships[t][i] for t in cover) for i in range(len(configurations))]
        consistency, coverage = _fit(in_solution, outcome)
        solutions.append(
            Solution(
                kind=kind,
                model=model,
                n_models=len(covers_found),
                terms=tuple(terms),
                consistency=consistency,
                coverage=coverage,
                case_ids=tuple(sorted(c for c, m in zip(case_ids, in_solution, strict=True) if m)),
                remainders_used=tuple(
                    sorted(r for r in remainders if any(covers(t, r) for t in cover))
                ),
            )
        )
    return solutions


def analyse(
    conditions: pd.DataFrame,
    truth_table: pd.DataFrame | None = None,
    *,
    condition_names: Sequence[str] | None = None,
    settings: Settings | None = None,
    case_column: str = "case_id",
    outcome_column: str = "outcome",
) -> QCAResult:
    """Crisp-set QCA of the outcome over the conditions.

    `conditions` is the data matrix (the `qca_conditions` table): one row per
    case, a 0/1 column per condition and the 0/1 outcome. `condition_names`
    gives the conditions in order (default: every column except the case id,
    the outcome and `configuration`, in frame order). `truth_table` is the
    `qca_truth_table` table (remainder rows with n = 0 may be included): its
    outcome codes are used after checking it groups the same cases; without
    it, the rows are coded here with `settings`.

    Rows coded 1 are the minterms. Contradictory rows (C) and rows coded 0 are
    excluded: no solution covers them. The remainders (configurations without
    cases, and rows coded R) are don't-cares for the parsimonious solution only.
    """
    settings = settings or Settings()
    names = tuple(
        condition_names
        if condition_names is not None
        else [c for c in conditions.columns if c not in NON_CONDITION_COLUMNS | {case_column}]
    )
    missing = [c for c in (case_column, outcome_column, *names) if c not in conditions.columns]
    if missing:
        raise ValueError(f"conditions frame lacks columns {missing}")
    if not names:
        raise ValueError("no conditions")
    if len(names) > MAX_CONDITIONS:
        raise ValueError(
            f"{len(names)} conditions: at most {MAX_CONDITIONS} (2^k configurations); keep k small"
        )
    case_ids = [str(c) for c in conditions[case_column].tolist()]
    if len(set(case_ids)) != len(case_ids):
        raise ValueError(f"column {case_column!r}: case ids must be unique")
    values = {name: _binary(conditions, name) for name in names}
    outcome = _binary(conditions, outcome_column)
    configurations = ["".join(str(values[name][i]) for name in names) for i in range(len(case_ids))]

    rows = truth_table_rows(case_ids, configurations, outcome, settings)
    if truth_table is not None:
        codes = _codes_from_frame(truth_table, names, rows)
        rows = tuple(
            TruthTableRow(
                r.configuration,
                r.n,
                r.n_outcome,
                r.case_ids,
                r.outcome_case_ids,
                codes[r.configuration],
            )
            for r in rows
        )
    observed = {r.configuration for r in rows}
    every = ("".join(bits) for bits in itertools.product("01", repeat=len(names)))
    remainders = tuple(
        sorted(
            {c for c in every if c not in observed}
            | {r.configuration for r in rows if r.outcome_code == "R"}
        )
    )
    positives = [r.configuration for r in rows if r.outcome_code == "1"]

    primes = {
        "conservative": prime_implicants(positives),
        "parsimonious": prime_implicants(positives, remainders),
    }
    solutions: list[Solution] = []
    if positives:
        for kind in KINDS:
            found = minimal_covers(primes[kind], positives)
            essential = set(essential_prime_implicants(primes[kind], positives))
            solutions += _solutions(
                kind, found, essential, names, case_ids, configurations, outcome, remainders
            )

    return QCAResult(
        conditions=names,
        settings=settings,
        n_cases=len(case_ids),
        truth_table=rows,
        remainders=remainders,
        parameters=condition_parameters(configurations, outcome, names),
        prime_implicants=primes,
        solutions=tuple(solutions),
        notes=_notes(rows, remainders, names, solutions),
    )


def _notes(
    rows: Sequence[TruthTableRow],
    remainders: Sequence[str],
    names: Sequence[str],
    solutions: Sequence[Solution],
) -> tuple[str, ...]:
    notes = []
    total = 2 ** len(names)
    observed = sum(1 for r in rows if r.outcome_code != "R")
    notes.append(
        f"{len(names)} conditions, {sum(r.n for r in rows)} cases: {observed} of {total} "
        f"configurations observed, {len(remainders)} remainders (limited diversity)."
    )
    contradictory = [r for r in rows if r.outcome_code == "C"]
    if contradictory:
        listed = "; ".join(f"{r.configuration} ({', '.join(r.case_ids)})" for r in contradictory)
        notes.append(
            f"Contradictory configurations, left out of both solutions: {listed}. "
            "Resolve them (re-examine the cases, add or change a condition) before reading "
            "the solutions."
        )
    if not any(r.outcome_code == "1" for r in rows):
        notes.append("No configuration is coded 1: there is no solution to minimise.")
    for kind in KINDS:
        n_models = sum(1 for s in solutions if s.kind == kind)
        if n_models > 1:
            notes.append(
                f"Model ambiguity: {n_models} {kind} models cover the positive configurations "
                "equally well; all are reported."
            )
    return tuple(notes)

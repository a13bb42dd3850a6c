"""What the analysis concludes: fit of conditions, solutions, their terms.

Frozen dataclasses; `QCAResult.tables()` gives the frames to store
(`qca_parameters`, `qca_solutions`, `qca_solution_terms`, `qca_notes`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from flows.qca.truth_table import Settings, TruthTableRow

#: Solution kinds, in the order they are reported.
KINDS = ("conservative", "parsimonious")


@dataclass(frozen=True)
class ConditionFit:
    """Parameters of fit of one condition (present) or its negation (absent).

    With X the cases in the condition's set and Y the cases with the outcome:
    sufficiency consistency |X∩Y|/|X| and coverage |X∩Y|/|Y|; necessity
    consistency |X∩Y|/|Y| and coverage |X∩Y|/|X|; relevance of necessity
    (N−|X|)/(N−|X∩Y|) (Schneider & Wagemann 2012). None when a denominator is 0.
    """

    condition: str
    condition_order: int
    present: bool
    expression: str
    n_cases: int
    n_in_set: int
    n_outcome: int
    n_both: int
    sufficiency_consistency: float | None
    sufficiency_coverage: float | None
    necessity_consistency: float | None
    necessity_coverage: float | None
    necessity_relevance: float | None


@dataclass(frozen=True)
class Term:
    """One prime implicant of a solution, with its fit on the cases."""

    pattern: str
    expression: str
    expression_tilde: str
    n_literals: int
    essential: bool
    consistency: float | None
    raw_coverage: float | None
    unique_coverage: float | None
    case_ids: tuple[str, ...]


@dataclass(frozen=True)
class Solution:
    """One model of a solution kind (several when models are equally minimal)."""

    kind: str
    model: int
    n_models: int
    terms: tuple[Term, ...]
    consistency: float | None
    coverage: float | None
    case_ids: tuple[str, ...]
    remainders_used: tuple[str, ...]

    @property
    def expression(self) -> str:
        return " + ".join(t.expression for t in self.terms)

    @property
    def expression_tilde(self) -> str:
        return " + ".join(t.expression_tilde for t in self.terms)


@dataclass(frozen=True)
class QCAResult:
    """Everything the analysis concludes, ready to render and to store."""

    conditions: tuple[str, ...]
    settings: Settings
    n_cases: int
    truth_table: tuple[TruthTableRow, ...]
    remainders: tuple[str, ...]
    parameters: tuple[ConditionFit, ...]
    prime_implicants: dict[str, tuple[str, ...]]
    solutions: tuple[Solution, ...]
    notes: tuple[str, ...]

    def solutions_of(self, kind: str) -> tuple[Solution, ...]:
        return tuple(s for s in self.solutions if s.kind == kind)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The result as frames, one per table; lists are joined with "; "."""
        return {
            "qca_parameters": self.parameters_frame(),
            "qca_solutions": self.solutions_frame(),
            "qca_solution_terms": self.terms_frame(),
            "qca_notes": pd.DataFrame(
                {"note_order": range(len(self.notes)), "note": list(self.notes)},
                columns=["note_order", "note"],
            ),
        }

    def parameters_frame(self) -> pd.DataFrame:
        columns = list(ConditionFit.__dataclass_fields__)
        return pd.DataFrame([vars(p) for p in self.parameters], columns=columns)

    def solutions_frame(self) -> pd.DataFrame:
        columns = [
            "kind",
            "model",
            "n_models",
            "expression",
            "expression_tilde",
            "n_terms",
            "consistency",
            "coverage",
            "n_cases_covered",
            "case_ids",
            "n_remainders_used",
            "remainders_used",
        ]
        rows = [
            {
                "kind": s.kind,
                "model": s.model,
                "n_models": s.n_models,
                "expression": s.expression,
                "expression_tilde": s.expression_tilde,
                "n_terms": len(s.terms),
                "consistency": s.consistency,
                "coverage": s.coverage,
                "n_cases_covered": len(s.case_ids),
                "case_ids": "; ".join(s.case_ids),
                "n_remainders_used": len(s.remainders_used),
                "remainders_used": "; ".join(s.remainders_used),
            }
            for s in self.solutions
        ]
        return pd.DataFrame(rows, columns=columns)

    def terms_frame(self) -> pd.DataFrame:
        columns = [
            "kind",
            "model",
            "term_order",
            "expression",
            "expression_tilde",
            "pattern",
            "n_literals",
            "essential",
            "consistency",
            "raw_coverage",
            "unique_coverage",
            "case_ids",
        ]
        rows = [
            {
                "kind": s.kind,
                "model": s.model,
                "term_order": i,
                "expression": t.expression,
                "expression_tilde": t.expression_tilde,
                "pattern": t.pattern,
                "n_literals": t.n_literals,
                "essential": t.essential,
                "consistency": t.consistency,
                "raw_coverage": t.raw_coverage,
                "unique_coverage": t.unique_coverage,
                "case_ids": "; ".join(t.case_ids),
            }
            for s in self.solutions
            for i, t in enumerate(s.terms)
        ]
        return pd.DataFrame(rows, columns=columns)

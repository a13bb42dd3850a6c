"""Limited diversity: solutions withheld below the benchmark number of cases
(the one-row `qca_diversity` table; docs/decisions/0052).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from flows.qca.results import QCAResult


@dataclass(frozen=True)
class Diversity:
    """The limited-diversity check (the one-row `qca_diversity` table)."""

    n_cases: int
    n_conditions: int
    n_possible: int
    n_observed: int
    benchmark_min_cases: int | None
    solutions_shown: bool

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Diversity:
        row = frame.iloc[0]
        benchmark = row["benchmark_min_cases"]
        return cls(
            n_cases=int(row["n_cases"]),
            n_conditions=int(row["n_conditions"]),
            n_possible=int(row["n_possible"]),
            n_observed=int(row["n_observed"]),
            benchmark_min_cases=None if pd.isna(benchmark) else int(benchmark),
            solutions_shown=bool(row["solutions_shown"]),
        )

    def note(self) -> str:
        """Why solutions are withheld, in one sentence for the index."""
        benchmark = (
            f"below the usual benchmark of {self.benchmark_min_cases} cases for "
            f"{self.n_conditions} conditions (Marx & Dusa 2011)"
            if self.benchmark_min_cases is not None
            else f"beyond the usual benchmarks for {self.n_conditions} conditions"
        )
        return (
            f"Limited diversity: {self.n_cases} cases, {benchmark}; {self.n_observed} of "
            f"{self.n_possible} configurations observed. The truth table is shown without "
            "solutions, which would rest mostly on configurations no case has: choose fewer "
            "conditions (rules.qca_condition_ids) or add cases (rules.qca_solutions_below_benchmark "
            "= true shows them anyway)."
        )


def withhold_solutions(result: QCAResult, diversity: Diversity) -> QCAResult:
    """The result without solutions (and with a note saying why) when the check
    says they are not to be shown; unchanged otherwise. The truth table and the
    single conditions' parameters of fit stay: they describe the cases."""
    if diversity.solutions_shown:
        return result
    return replace(result, solutions=(), notes=(diversity.note(), *result.notes))

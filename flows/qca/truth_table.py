"""The truth table: thresholds, rows and their outcome codes.

`Settings` holds the thresholds (the `qca_settings` table) and codes a
configuration 1, 0, contradictory (C) or remainder (R); `truth_table_rows`
groups the cases by configuration; `_codes_from_frame` takes the codes of the
SQL model's `qca_truth_table` after checking it groups the same cases.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

#: The outcome codes of a truth-table row.
OUTCOME_CODES = ("1", "0", "C", "R")


@dataclass(frozen=True)
class Settings:
    """Thresholds of the truth table (the columns of the `qca_settings` table).

    A configuration's outcome is 1 when its consistency is at least
    `consistency_threshold`, 0 when it is at most `consistency_threshold_0`,
    contradictory (C) in between; with fewer than `min_cases` cases it is a
    remainder (R).
    """

    consistency_threshold: float = 1.0
    consistency_threshold_0: float = 0.0
    min_cases: int = 1

    def __post_init__(self) -> None:
        if not 0 <= self.consistency_threshold_0 < self.consistency_threshold <= 1:
            raise ValueError(
                "thresholds must satisfy 0 <= consistency_threshold_0 < consistency_threshold <= 1"
            )
        if self.min_cases < 1:
            raise ValueError("min_cases must be at least 1")

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Settings:
        """Read the one-row `qca_settings` table (extra columns are ignored)."""
        row = frame.iloc[0]
        return cls(
            consistency_threshold=float(row["consistency_threshold"]),
            consistency_threshold_0=float(row["consistency_threshold_0"]),
            min_cases=int(row["min_cases"]),
        )

    def code(self, n: int, n_outcome: int) -> str:
        """The outcome code of a configuration with n cases, n_outcome of them positive."""
        if n < self.min_cases:
            return "R"
        consistency = n_outcome / n
        if consistency >= self.consistency_threshold:
            return "1"
        if consistency <= self.consistency_threshold_0:
            return "0"
        return "C"


@dataclass(frozen=True)
class TruthTableRow:
    """One observed configuration of the truth table."""

    configuration: str
    n: int
    n_outcome: int
    case_ids: tuple[str, ...]
    outcome_case_ids: tuple[str, ...]
    outcome_code: str

    @property
    def consistency(self) -> float | None:
        return self.n_outcome / self.n if self.n else None

    @property
    def row_number(self) -> int:
        """The configuration read as a binary number, plus one (as in R's QCA)."""
        return int(self.configuration, 2) + 1


def truth_table_rows(
    case_ids: Sequence[str],
    configurations: Sequence[str],
    outcome: Sequence[int],
    settings: Settings,
) -> tuple[TruthTableRow, ...]:
    """Group cases by configuration and code each row (the SQL model's rule)."""
    grouped: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for case_id, configuration, y in zip(case_ids, configurations, outcome, strict=True):
        grouped[configuration].append((case_id, y))
    rows = []
    for configuration, members in grouped.items():
        n, n_outcome = len(members), sum(y for _, y in members)
        rows.append(
            TruthTableRow(
                configuration=configuration,
                n=n,
                n_outcome=n_outcome,
                case_ids=tuple(sorted(c for c, _ in members)),
                outcome_case_ids=tuple(sorted(c for c, y in members if y)),
                outcome_code=settings.code(n, n_outcome),
            )
        )
    return tuple(sorted(rows, key=lambda r: (-(r.consistency or 0), -r.n, r.row_number)))


def _codes_from_frame(
    truth_table: pd.DataFrame, conditions: Sequence[str], rows: Sequence[TruthTableRow]
) -> dict[str, str]:
    """The outcome code of each observed configuration, as the truth-table frame has it,
    after checking that the frame describes the same cases."""
    missing = [c for c in (*conditions, "outcome_code", "n") if c not in truth_table.columns]
    if missing:
        raise ValueError(f"truth table lacks columns {missing}")
    codes, sizes = {}, {}
    for _, record in truth_table.iterrows():
        if int(record["n"]) == 0:
            continue  # a remainder row (qca_remainders unioned in)
        configuration = "".join(str(int(record[c])) for c in conditions)
        code = str(record["outcome_code"])
        if code not in OUTCOME_CODES:
            raise ValueError(f"truth table row {configuration}: unknown outcome code {code!r}")
        codes[configuration], sizes[configuration] = code, int(record["n"])
    expected = {r.configuration: r.n for r in rows}
    if sizes != expected:
        raise ValueError(
            "the truth table does not match the cases: "
            f"truth table {sorted(sizes.items())}, cases {sorted(expected.items())}"
        )
    return codes

"""Crisp-set QCA: truth table, parameters of fit and Boolean minimisation.

Plain functions and frozen dataclasses: data in, data out, no I/O, no Prefect.
The relational steps (each case's condition values, the truth table, the
remainders) are SQL models (`sql/marts/qca_*.sql`); this module takes their
frames and adds what is not relational:

- parameters of fit of each single condition and its negation (sufficiency and
  necessity consistency and coverage, relevance of necessity);
- Quine–McCluskey minimisation: the prime implicants of the configurations with
  the outcome, then every cover of them with the fewest prime implicants
  (exhaustive search after the essential prime implicants, as the R package QCA
  does by default), giving the **conservative** solution (no remainders) and the
  **parsimonious** solution (remainders as don't-cares), with the consistency and
  coverage of each term and solution.

Conventions (see docs/qca.md): a configuration is a string of condition values
in condition order ("10110"); a term or implicant is a pattern over "0", "1"
and "-" (the condition does not matter). Expressions use upper case for a
present condition and lower case for an absent one (`FINANCES*energy`), or a
tilde (`FINANCES*~ENERGY`); terms are joined with " + ".

Entry point: `analyse(conditions, truth_table, settings=...)` returns a
`QCAResult`; `QCAResult.tables()` gives the frames to store (`qca_parameters`,
`qca_solutions`, `qca_solution_terms`, `qca_notes`).
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import pandas as pd

#: The outcome codes of a truth-table row.
OUTCOME_CODES = ("1", "0", "C", "R")
#: Solution kinds, in the order they are reported.
KINDS = ("conservative", "parsimonious")
#: Minimisation enumerates all 2^k configurations: beyond this, refuse.
MAX_CONDITIONS = 12
#: Exhaustive search of the prime-implicant chart stops past this many combinations.
MAX_COMBINATIONS = 2_000_000
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


# ---------------------------------------------------------------- settings


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


# ---------------------------------------------------------------- results


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


# ---------------------------------------------------------------- set-theoretic fit


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


# ---------------------------------------------------------------- Boolean minimisation


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


# ---------------------------------------------------------------- the analysis


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


def _binary(frame: pd.DataFrame, column: str) -> list[int]:
    values = frame[column].tolist()
    if any(pd.isna(v) or v not in (0, 1) for v in values):
        raise ValueError(f"column {column!r}: crisp sets take only 0 and 1")
    return [int(v) for v in values]


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

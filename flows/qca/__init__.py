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

The package, by step: `flows.qca.truth_table` (settings, rows, outcome codes),
`flows.qca.fit` (parameters of fit), `flows.qca.minimisation`
(Quine–McCluskey), `flows.qca.analysis` (`analyse`), `flows.qca.results`
(the result and its tables) and `flows.qca.diversity` (solutions withheld
under limited diversity). Every name is importable from `flows.qca`.
"""

from flows.qca.analysis import MAX_CONDITIONS, NON_CONDITION_COLUMNS, analyse
from flows.qca.diversity import Diversity, withhold_solutions
from flows.qca.fit import condition_parameters, necessity, relevance_of_necessity, sufficiency
from flows.qca.minimisation import (
    MAX_COMBINATIONS,
    covers,
    essential_prime_implicants,
    minimal_covers,
    minimise,
    prime_implicants,
    term_expression,
    term_key,
)
from flows.qca.results import KINDS, ConditionFit, QCAResult, Solution, Term
from flows.qca.truth_table import OUTCOME_CODES, Settings, TruthTableRow, truth_table_rows

__all__ = [
    "KINDS",
    "MAX_COMBINATIONS",
    "MAX_CONDITIONS",
    "NON_CONDITION_COLUMNS",
    "OUTCOME_CODES",
    "ConditionFit",
    "Diversity",
    "QCAResult",
    "Settings",
    "Solution",
    "Term",
    "TruthTableRow",
    "analyse",
    "condition_parameters",
    "covers",
    "essential_prime_implicants",
    "minimal_covers",
    "minimise",
    "necessity",
    "prime_implicants",
    "relevance_of_necessity",
    "sufficiency",
    "term_expression",
    "term_key",
    "truth_table_rows",
    "withhold_solutions",
]

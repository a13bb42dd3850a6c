-- grain: cross-case (rebuilt whole from the case marts each run; flows/incremental.py)
-- Limited diversity of the QCA (one row): how many of the 2^k configurations of
-- the k conditions the cases show, and whether the number of cases reaches the
-- usual benchmark for k conditions (docs/qca.md, "Limited diversity"). Below
-- the benchmark the index shows the truth table without solutions, unless
-- rules.qca_solutions_below_benchmark is true.
--   benchmark_min_cases: the minimum number of cases for k conditions in the
--     crisp-set benchmark table (Marx & Dusa 2011); NULL past the table (k > 8),
--     which counts as below it.
with n_conditions as (
    select count(*)::integer as k from qca_condition_set
),

n_cases as (
    select count(*)::integer as n from qca_conditions
),

observed as (
    select count(*)::integer as n_observed from qca_truth_table
),

benchmark (k, min_cases) as (
    values (1, 2), (2, 4), (3, 6), (4, 10), (5, 12), (6, 16), (7, 20), (8, 26)
),

rules as (
    select
        coalesce(
            try_cast(to_json(cfg_rules) ->> 'qca_solutions_below_benchmark' as boolean), false
        ) as solutions_below_benchmark
    from cfg_rules
),

diversity as (
    select
        n_cases.n as n_cases,
        n_conditions.k as n_conditions,
        (1::bigint << n_conditions.k) as n_possible,
        observed.n_observed,
        (1::bigint << n_conditions.k) - observed.n_observed as n_remainders,
        observed.n_observed / (1::bigint << n_conditions.k) as share_observed,
        benchmark.min_cases as benchmark_min_cases,
        benchmark.min_cases is null or n_cases.n < benchmark.min_cases as below_benchmark,
        rules.solutions_below_benchmark
    from n_conditions
    cross join n_cases
    cross join observed
    cross join rules
    left join benchmark on benchmark.k = n_conditions.k
)

select
    *,
    not below_benchmark or solutions_below_benchmark as solutions_shown
from diversity

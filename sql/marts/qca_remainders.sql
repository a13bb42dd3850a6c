-- grain: cross-case (rebuilt whole from the case marts each run; flows/incremental.py)
-- The logical remainders of the QCA truth table: every configuration of the
-- conditions (2^k of them) that no case has, with its condition values, coded R.
-- The parsimonious solution may use them as don't-cares (flows/qca/minimisation.py); the
-- conservative solution never does. Keep k small: with few cases most of the
-- 2^k configurations are remainders (limited diversity).
with conditions as (
    select condition, condition_order from qca_condition_set
),

n_conditions as (
    select count(*)::integer as k from conditions
),

observed as (
    select configuration from qca_truth_table
),

all_rows as (
    select unnest(range(0, (1::bigint << k))) as row_index from n_conditions
),

row_values as (
    select
        all_rows.row_index,
        conditions.condition,
        conditions.condition_order,
        ((all_rows.row_index >> (n_conditions.k - 1 - conditions.condition_order)) & 1)::integer
            as value
    from all_rows
    cross join conditions
    cross join n_conditions
),

configurations as (
    select row_index, string_agg(value::varchar, '' order by condition_order) as configuration
    from row_values
    group by row_index
),

condition_values as (
    pivot (select row_index, condition, value from row_values)
    on condition in (select condition from qca_condition_set order by condition_order)
    using any_value(value)
    group by row_index
),

remainders as (
    select
        (configurations.row_index + 1)::bigint as row_number,
        configurations.configuration,
        condition_values.* exclude (row_index),
        'R' as outcome_code,
        0 as n
    from configurations
    inner join condition_values using (row_index)
    where configurations.configuration not in (select configuration from observed)
)

select * from remainders
order by row_number

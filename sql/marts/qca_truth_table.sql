-- grain: cross-case (rebuilt whole from the case marts each run; flows/incremental.py)
-- The crisp-set QCA truth table (Ragin): one row per configuration of the
-- conditions that some case has, with its cases and the share of them that
-- achieved outcomes (consistency). Outcome code (qca_settings):
--   1  consistency >= consistency_threshold (default 1.0);
--   0  consistency <= consistency_threshold_0 (default 0.0);
--   C  contradictory: in between (cases with and without the outcome);
--   R  fewer than min_cases cases (default 1): treated as a remainder.
-- Configurations no case has (the remainders) are in qca_remainders.
-- row_number is the configuration read as a binary number (first condition the
-- most significant bit) plus one, as in the R package QCA.
with memberships as (
    select * from qca_memberships
),

settings as (
    select * from qca_settings
),

n_conditions as (
    select count(*)::integer as k from qca_condition_set
),

case_rows as (
    select
        memberships.case_id,
        (sum(memberships.value::bigint << (n_conditions.k - 1 - memberships.condition_order)) + 1)::bigint
            as row_number
    from memberships
    cross join n_conditions
    group by memberships.case_id
),

cases as (
    select qca_conditions.case_id, qca_conditions.outcome, qca_conditions.configuration, case_rows.row_number
    from qca_conditions
    inner join case_rows using (case_id)
),

configuration_cases as (
    select
        configuration,
        any_value(row_number) as row_number,
        count(*)::integer as n,
        sum(outcome)::integer as n_outcome,
        list(case_id order by case_id) as case_ids,
        coalesce(list(case_id order by case_id) filter (where outcome = 1), []::varchar[])
            as outcome_case_ids
    from cases
    group by configuration
),

coded as (
    select
        configuration_cases.*,
        n_outcome / n as consistency,
        case
            when n < settings.min_cases then 'R'
            when n_outcome / n >= settings.consistency_threshold then '1'
            when n_outcome / n <= settings.consistency_threshold_0 then '0'
            else 'C'
        end as outcome_code
    from configuration_cases
    cross join settings
),

condition_values as (
    pivot (
        select distinct cases.configuration, memberships.condition, memberships.value
        from memberships
        inner join cases using (case_id)
    )
    on condition in (select condition from qca_condition_set order by condition_order)
    using any_value(value)
    group by configuration
),

truth_table as (
    select
        coded.row_number,
        condition_values.*,
        coded.outcome_code,
        coded.n,
        coded.n_outcome,
        coded.consistency,
        coded.case_ids,
        coded.outcome_case_ids
    from coded
    inner join condition_values using (configuration)
)

select * from truth_table
order by consistency desc, n desc, row_number

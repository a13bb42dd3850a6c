-- grain: cross-case (rebuilt whole from the case marts each run; flows/incremental.py)
-- The QCA data matrix: one row per case, its crisp (0/1) membership in each
-- condition (a column each, in qca_condition_set order), the outcome (1 = the
-- case achieved outcomes, case_classification), and its configuration: the
-- condition values as one string in condition order (e.g. "10110").
with memberships as (
    select * from qca_memberships
),

classification as (
    select case_id, achieved from case_classification
),

condition_values as (
    pivot (select case_id, condition, value from memberships)
    on condition in (select condition from qca_condition_set order by condition_order)
    using any_value(value)
    group by case_id
),

configurations as (
    select case_id, string_agg(value::varchar, '' order by condition_order) as configuration
    from memberships
    group by case_id
),

data_matrix as (
    select
        condition_values.*,
        classification.achieved::integer as outcome,
        configurations.configuration
    from condition_values
    inner join classification using (case_id)
    inner join configurations using (case_id)
)

select * from data_matrix
order by case_id

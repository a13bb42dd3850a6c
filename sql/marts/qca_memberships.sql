-- grain: cross-case (rebuilt whole from the case marts each run; flows/incremental.py)
-- Each case's crisp (0/1) membership in each QCA condition (qca_condition_set),
-- with what decided it: the interviews' consensus stance on the theme, or how
-- many activities were delivered.
with conditions as (
    select * from qca_condition_set
),

settings as (
    select * from qca_settings
),

verdicts as (
    select case_id, theme_id, qualitative_stance from case_theme_verdicts
),

classification as (
    select case_id, n_activities_delivered, n_activities from case_classification
),

theme_memberships as (
    select
        verdicts.case_id,
        conditions.condition,
        conditions.condition_order,
        case when verdicts.qualitative_stance = conditions.member_stance then 1 else 0 end as value,
        verdicts.qualitative_stance as basis
    from conditions
    inner join verdicts using (theme_id)
),

activity_memberships as (
    select
        classification.case_id,
        conditions.condition,
        conditions.condition_order,
        case when classification.n_activities_delivered >= settings.min_activities then 1 else 0 end
            as value,
        classification.n_activities_delivered || ' of ' || classification.n_activities
            || ' activities delivered' as basis
    from conditions
    cross join classification
    cross join settings
    where conditions.kind = 'activity_count'
),

memberships as (
    select * from theme_memberships
    union all
    select * from activity_memberships
)

select * from memberships
order by case_id, condition_order

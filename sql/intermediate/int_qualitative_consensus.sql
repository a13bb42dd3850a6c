-- What the interviews say together, per case and theme: the stance most of the
-- speaking roles hold (a tie is "mixed"), with the number of roles per stance
-- and every example they give. Used for fit with the survey and for verdicts.
with sources as (
    select * from int_source_stances
    where source_kind = 'informant'
),

speaking as (
    select * from sources
    where stance not in ('silent', 'not_interviewed', 'withdrawn')
),

votes as (
    select case_id, theme_id, stance, count(*) as n_roles
    from speaking
    where stance not in ('mixed', 'not_stated', 'unclear')
    group by all
),

ranked as (
    select *, rank() over (partition by case_id, theme_id order by n_roles desc) as rnk
    from votes
),

top_stance as (
    select
        case_id,
        theme_id,
        case when count(*) > 1 then 'mixed' else any_value(stance) end as stance
    from ranked
    where rnk = 1
    group by all
),

evidence as (
    select
        case_id,
        theme_id,
        count(*) as n_roles_speaking,
        list_sort(list_distinct(flatten(list(examples)))) as examples
    from speaking
    group by all
),

role_counts as (
    select
        case_id,
        theme_id,
        count(*) filter (where stance = 'improved') as n_roles_improved,
        count(*) filter (where stance in ('no_change', 'worsened')) as n_roles_not_improved,
        count(*) filter (where stance = 'present') as n_roles_present,
        count(*) filter (where stance = 'absent') as n_roles_absent
    from speaking
    group by all
),

qualitative_consensus as (
    select
        evidence.case_id,
        evidence.theme_id,
        coalesce(top_stance.stance, 'mixed') as stance,
        evidence.n_roles_speaking,
        role_counts.n_roles_improved,
        role_counts.n_roles_not_improved,
        role_counts.n_roles_present,
        role_counts.n_roles_absent,
        evidence.examples
    from evidence
    left join top_stance using (case_id, theme_id)
    left join role_counts using (case_id, theme_id)
)

select * from qualitative_consensus

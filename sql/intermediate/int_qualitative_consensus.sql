-- What the interviews say together, per case and theme: the stance most of the
-- speaking roles hold, with the number of roles per stance and every example
-- they give. Used for fit with the survey and for verdicts.
-- Each speaking role has one vote. A role whose readings conflict ("mixed": one
-- reading each way, or two supporters who disagree) is not dropped: its vote is
-- split evenly over the stances its readings state, so the other roles' single
-- readings do not decide alone. A tie at the top is "mixed". Where no role states
-- a stance, the consensus is "not_stated" (a role spoke without a direction) or
-- "unclear" (only readings the suggester abstained on): "mixed" only where
-- readings really conflict. "not_stated" and "unclear" never vote.
-- few_machine_readings: the consensus stance is not established by the speaking
-- roles' readings together (int_stance_support's rule, over all of them: a
-- coded or reviewed reading, or rules.min_machine_readings machine suggestions
-- from any of the roles); a discordant fit on it is held back for review
-- (fit.sql, decision 0137).
with sources as (
    select * from int_source_stances
    where source_kind = 'informant'
),

speaking as (
    select * from sources
    where stance not in ('silent', 'not_interviewed', 'withdrawn')
),

single_votes as (
    select case_id, theme_id, source, stance, 1.0 as vote
    from speaking
    where stance not in ('mixed', 'not_stated', 'unclear')
),

mixed_stances as (
    select distinct excerpts.case_id, excerpts.theme_id, excerpts.role as source, excerpts.stance
    from stg_excerpts as excerpts
    inner join speaking
        on speaking.case_id = excerpts.case_id
        and speaking.theme_id = excerpts.theme_id
        and speaking.source = excerpts.role
    where speaking.stance = 'mixed' and excerpts.stance not in ('not_stated', 'unclear')
),

split_votes as (
    select
        case_id,
        theme_id,
        source,
        stance,
        1.0 / count(*) over (partition by case_id, theme_id, source) as vote
    from mixed_stances
),

votes as (
    select case_id, theme_id, stance, sum(vote) as n_roles
    from (select * from single_votes union all select * from split_votes)
    group by all
),

ranked as (
    select *, rank() over (partition by case_id, theme_id order by round(n_roles, 6) desc) as rnk
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
        bool_or(stance = 'not_stated') as any_not_stated,
        bool_or(stance = 'unclear') as any_unclear,
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

support as (
    select case_id, theme_id, stance, established
    from int_stance_support
    where source is null
),

qualitative_consensus as (
    select
        evidence.case_id,
        evidence.theme_id,
        case
            when top_stance.stance is not null then top_stance.stance
            when evidence.any_not_stated then 'not_stated'
            when evidence.any_unclear then 'unclear'
            else 'mixed'
        end as stance,
        evidence.n_roles_speaking,
        role_counts.n_roles_improved,
        role_counts.n_roles_not_improved,
        role_counts.n_roles_present,
        role_counts.n_roles_absent,
        evidence.examples,
        coalesce(top_stance.stance, 'mixed') <> 'mixed'
        and not coalesce(support.established, false) as few_machine_readings
    from evidence
    left join top_stance using (case_id, theme_id)
    left join role_counts using (case_id, theme_id)
    left join support
        on support.case_id = evidence.case_id
        and support.theme_id = evidence.theme_id
        and support.stance = top_stance.stance
)

select * from qualitative_consensus

-- Each informant's stance per case and theme: the stance most of their excerpts
-- carry ("not stated" counts only when nothing else is said, and a reader's "unclear"
-- (it abstained) only when not even that is; a tie is "mixed").
-- An informant asked about the case who never speaks to the theme is "silent";
-- a withdrawn informant is "withdrawn" (absent, not silent).
with covering as (
    select * from stg_informant_cases
),

themes as (
    select theme_id from cfg_themes
),

excerpts as (
    select * from stg_excerpts
),

stance_counts as (
    select
        case_id,
        theme_id,
        person_id,
        stance,
        count(*) as n
    from excerpts
    group by all
),

ranked as (
    select
        *,
        rank() over (
            partition by case_id, theme_id, person_id
            order by (stance = 'unclear'), (stance = 'not_stated'), n desc
        ) as rnk
    from stance_counts
),

informant_stance as (
    select
        case_id,
        theme_id,
        person_id,
        case when count(*) > 1 then 'mixed' else any_value(stance) end as stance
    from ranked
    where rnk = 1
    group by all
),

informant_evidence as (
    select
        case_id,
        theme_id,
        person_id,
        count(*) as n_excerpts,
        list_sort(list_distinct(flatten(list(examples)))) as examples
    from excerpts
    group by all
),

informant_grid as (
    select covering.case_id, themes.theme_id, covering.person_id, covering.role, covering.status
    from covering cross join themes
),

joined as (
    select
        grid.case_id,
        grid.theme_id,
        grid.person_id,
        grid.role,
        case
            when grid.status = 'withdrawn' then 'withdrawn'
            when informant_stance.stance is null then 'silent'
            else informant_stance.stance
        end as stance,
        coalesce(informant_evidence.n_excerpts, 0) as n_excerpts,
        coalesce(informant_evidence.examples, []::varchar[]) as examples
    from informant_grid as grid
    left join informant_stance using (case_id, theme_id, person_id)
    left join informant_evidence using (case_id, theme_id, person_id)
)

select * from joined

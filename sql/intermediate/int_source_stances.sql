-- Each source's stance per case and theme. The sources are the informant roles
-- and the survey. Several informants of one role (two supporters) combine as:
-- the stance they share when all who speak agree, "mixed" when they disagree,
-- "silent" when none speaks, "withdrawn" when all withdrew. An informant whose
-- stance the reader could not read ("unclear") counts only when no one else of the
-- role speaks: the role is then "unclear", which later steps treat as no stance.
-- A role nobody was asked about the case is "not_interviewed"; the survey is
-- "not_asked" for themes it has no items for. Neither counts as silence.
with roles as (
    select * from cfg_roles
),

themes as (
    select * from cfg_themes
),

cases as (
    select case_id from raw_cases
),

informants as (
    select * from int_informant_stances
),

role_stance as (
    select
        case_id,
        theme_id,
        role as source,
        count(*) as n_informants,
        sum(n_excerpts)::integer as n_excerpts,
        list_sort(list_distinct(flatten(list(examples)))) as examples,
        coalesce(
            list_sort(list_distinct(list(stance) filter (where stance not in ('silent', 'withdrawn', 'unclear')))),
            []::varchar[]
        ) as spoken,
        bool_or(stance = 'unclear') as any_unclear,
        bool_and(stance = 'withdrawn') as all_withdrawn
    from informants
    group by all
),

role_grid as (
    select cases.case_id, themes.theme_id, roles.role_id as source, roles.role_order as source_order
    from cases cross join themes cross join roles
),

roles_combined as (
    select
        grid.case_id,
        grid.theme_id,
        grid.source,
        grid.source_order,
        'informant' as source_kind,
        case
            when role_stance.source is null then 'not_interviewed'
            when role_stance.all_withdrawn then 'withdrawn'
            when len(role_stance.spoken) = 0 and role_stance.any_unclear then 'unclear'
            when len(role_stance.spoken) = 0 then 'silent'
            when len(role_stance.spoken) = 1 then role_stance.spoken[1]
            else 'mixed'
        end as stance,
        coalesce(role_stance.n_informants, 0) as n_informants,
        coalesce(role_stance.n_excerpts, 0) as n_excerpts,
        coalesce(role_stance.examples, []::varchar[]) as examples
    from role_grid as grid
    left join role_stance using (case_id, theme_id, source)
),

survey_stance as (
    select
        cases.case_id,
        themes.theme_id,
        'survey' as source,
        (select max(role_order) + 1 from roles) as source_order,
        'survey' as source_kind,
        case
            when themes.survey_domain is null then 'not_asked'
            else coalesce(domains.stance, 'not_computable')
        end as stance,
        0 as n_informants,
        0 as n_excerpts,
        coalesce(domains.examples, []::varchar[]) as examples
    from cases
    cross join themes
    left join int_survey_domain_stances as domains
        on domains.case_id = cases.case_id and domains.domain = themes.survey_domain
)

select * from roles_combined
union all
select * from survey_stance

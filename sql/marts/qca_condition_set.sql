-- grain: cross-case (rebuilt whole from the case marts each run; flows/incremental.py)
-- The conditions of the crisp-set QCA, one row each, in the order the truth
-- table and the solutions show them (condition_order 0, 1, ...):
--   one per context theme: 1 when the interviews' consensus calls it a
--     facilitator, 0 otherwise (barrier, mixed, no evidence);
--   the activity condition "activities_<n>plus": 1 when at least
--     qca_settings.min_activities of the intervention's activities were delivered.
-- By default every context theme of the study file, in theme order, then the
-- activity condition. When qca_settings.conditions lists names, exactly those,
-- in that order; a listed intervention, mechanism, output or actor theme is 1
-- when its consensus is "present". Outcome themes are never conditions.
-- Condition names become column names, so they must not be one of the truth
-- table's own columns.
with settings as (
    select * from qca_settings
),

themes as (
    select * from cfg_themes
),

theme_conditions as (
    select
        themes.theme_id as condition,
        themes.label,
        themes.theme_id,
        themes.kind,
        case when themes.kind = 'context' then 'facilitator' else 'present' end as member_stance,
        case
            when themes.kind = 'context'
                then '1 = facilitator by interview consensus; 0 = barrier, mixed or no evidence'
            else '1 = present by interview consensus; 0 = absent, mixed or no evidence'
        end as membership_rule,
        themes.theme_order as default_order
    from themes
    where themes.kind <> 'outcome'
),

activity_condition as (
    select
        'activities_' || settings.min_activities || 'plus' as condition,
        'At least ' || settings.min_activities || ' activities delivered' as label,
        null::varchar as theme_id,
        'activity_count' as kind,
        null::varchar as member_stance,
        '1 = at least ' || settings.min_activities
            || ' activities delivered (consensus "present"); 0 = fewer' as membership_rule,
        (select count(*) from themes) as default_order
    from settings
),

candidates as (
    select * from theme_conditions
    union all
    select * from activity_condition
),

chosen as (
    select
        candidates.*,
        case
            when settings.conditions is null then candidates.default_order
            else list_position(settings.conditions, candidates.condition)
        end as position
    from candidates
    cross join settings
    where case
        when settings.conditions is null then candidates.kind in ('context', 'activity_count')
        else list_contains(settings.conditions, candidates.condition)
    end
),

unknown as (
    select string_agg(listed, ', ' order by listed) as names
    from (select unnest(conditions) as listed from settings)
    where listed not in (select condition from candidates)
),

reserved as (
    select string_agg(condition, ', ' order by condition) as names
    from chosen
    where condition in (
        'case_id', 'outcome', 'configuration', 'row_number', 'outcome_code', 'n', 'n_outcome',
        'consistency', 'case_ids', 'outcome_case_ids'
    )
),

checks as (
    select
        case
            when unknown.names is not null
                then error('rules.qca_condition_ids: not a theme that can be a condition (outcome themes cannot) nor the activity condition: ' || unknown.names)
            when reserved.names is not null
                then error('QCA condition name clashes with a truth-table column: ' || reserved.names)
            when (select count(*) from chosen) = 0
                then error('rules.qca_condition_ids: no QCA conditions chosen')
            else true
        end as passed
    from unknown
    cross join reserved
),

condition_set as (
    select
        (row_number() over (order by chosen.position, chosen.condition) - 1)::integer
            as condition_order,
        chosen.condition,
        chosen.label,
        chosen.kind,
        chosen.theme_id,
        chosen.member_stance,
        chosen.membership_rule
    from checks
    left join chosen on true
    where checks.passed and chosen.condition is not null
)

select * from condition_set
order by condition_order

-- What the case's evidence concludes per theme, with the rule's inputs kept:
--   outcome themes: achieved when the survey shows improvement and at least
--     rules.min_roles_corroborating roles say improved; or, with no computable
--     survey stance, when at least rules.min_roles_without_survey roles say
--     improved and none says no change or worse (0 switches this route off);
--   activities: delivered when the interviews' consensus is "present";
--   mechanisms and outputs: active when the consensus is "present";
--   context factors: facilitator or barrier by the interviews' consensus.
with themes as (
    select * from cfg_themes
),

rules as (
    select * from cfg_rules
),

cases as (
    select case_id from raw_cases
),

qualitative as (
    select * from int_qualitative_consensus
),

survey as (
    select case_id, theme_id, stance from int_source_stances where source = 'survey'
),

convergence as (
    select case_id, theme_id, code from convergence
),

fit as (
    select case_id, theme_id, fit from fit
),

grid as (
    select cases.case_id, themes.*
    from cases cross join themes
),

verdicts as (
    select
        grid.case_id,
        grid.theme_id,
        grid.label,
        grid.kind,
        grid.is_activity,
        grid.counts_as_outcome,
        grid.theme_order,
        coalesce(qualitative.stance, 'no_evidence') as qualitative_stance,
        survey.stance as survey_stance,
        coalesce(qualitative.n_roles_improved, 0) as n_roles_improved,
        coalesce(qualitative.n_roles_not_improved, 0) as n_roles_not_improved,
        convergence.code as convergence_code,
        fit.fit,
        case
            when grid.kind <> 'outcome' then null
            when survey.stance = 'improved'
                then coalesce(qualitative.n_roles_improved, 0) >= rules.min_roles_corroborating
            when survey.stance in ('not_asked', 'not_computable')
                then rules.min_roles_without_survey > 0
                    and coalesce(qualitative.n_roles_improved, 0) >= rules.min_roles_without_survey
                    and coalesce(qualitative.n_roles_not_improved, 0) = 0
            else false
        end as outcome_achieved,
        case
            when grid.kind <> 'outcome' then null
            when survey.stance = 'improved' and coalesce(qualitative.n_roles_improved, 0) >= rules.min_roles_corroborating
                then 'survey improved, corroborated by ' || qualitative.n_roles_improved || ' informant role(s)'
            when survey.stance = 'improved'
                then 'survey improved, but no informant role corroborates it'
            when survey.stance in ('not_asked', 'not_computable') and rules.min_roles_without_survey = 0
                then 'no survey evidence, and the study file accepts no outcome without it'
            when survey.stance in ('not_asked', 'not_computable')
                then 'no survey evidence; ' || coalesce(qualitative.n_roles_improved, 0) || ' role(s) say improved, '
                    || coalesce(qualitative.n_roles_not_improved, 0) || ' say not'
            else 'survey shows ' || replace(survey.stance, '_', ' ')
        end as outcome_reason,
        grid.is_activity and coalesce(qualitative.stance, '') = 'present' as activity_delivered
    from grid
    cross join rules
    left join qualitative using (case_id, theme_id)
    left join survey using (case_id, theme_id)
    left join convergence using (case_id, theme_id)
    left join fit using (case_id, theme_id)
)

select * from verdicts
order by case_id, theme_order

-- Fetters, Curry & Creswell (2013) fit of qualitative and quantitative
-- evidence, per case and theme where the survey has a computable stance:
--   confirmation: the interviews' consensus stance equals the survey's and
--                 they share a specific claim (or the interviews name none);
--   expansion:    same stance but the interviews speak of other examples than
--                 the survey, or the interviews are mixed / not stated (they add
--                 without contradicting);
--   discordance:  the interviews' consensus stance differs from the survey's.
-- Themes the survey has no items for get no fit ("not_asked").
-- A discordance whose interview side is not established (the consensus stance
-- rests on fewer than rules.min_machine_readings unreviewed machine readings:
-- int_qualitative_consensus.few_machine_readings) is held back for review: the
-- interviews are taken as not stating a direction, so the fit is "expansion",
-- and fit_held_back says why (decision 0137).
with survey as (
    select * from int_source_stances where source = 'survey'
),

qualitative as (
    select * from int_qualitative_consensus
),

judged as (
    select
        survey.case_id,
        survey.theme_id,
        survey.stance as survey_stance,
        qualitative.stance as qualitative_stance,
        survey.examples as survey_examples,
        coalesce(qualitative.examples, []::varchar[]) as qualitative_examples,
        case
            when survey.stance = 'not_asked' then 'not_asked'
            when survey.stance = 'not_computable' then 'not_computable'
            when qualitative.stance is null then 'no_qualitative_evidence'
            when qualitative.stance in ('mixed', 'not_stated', 'unclear') then 'expansion'
            when qualitative.stance <> survey.stance then 'discordance'
            when len(qualitative.examples) = 0 or len(list_intersect(qualitative.examples, survey.examples)) > 0
                then 'confirmation'
            else 'expansion'
        end as judged_fit,
        coalesce(qualitative.few_machine_readings, false) as few_machine_readings
    from survey
    left join qualitative using (case_id, theme_id)
),

fitted as (
    select
        * exclude (judged_fit, few_machine_readings),
        case when judged_fit = 'discordance' and few_machine_readings then 'expansion' else judged_fit end as fit,
        judged_fit = 'discordance' and few_machine_readings as fit_held_back
    from judged
)

select * from fitted
order by case_id, theme_id

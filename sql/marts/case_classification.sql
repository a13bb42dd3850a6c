-- Case classification: a case achieves outcomes when at least
-- rules.min_outcome_themes outcome themes are achieved (see case_theme_verdicts),
-- counting only the outcome themes the study counts (counts_as_outcome; a theme
-- with counts_as_outcome = false is listed in outcomes_not_counted instead).
-- Alongside: how many of the intervention's activities were delivered, which
-- mechanisms were active, which context factors helped or hindered, and how
-- many themes are dissonant.
with verdicts as (
    select * from case_theme_verdicts
),

rules as (
    select * from cfg_rules
),

case_summary as (
    select
        case_id,
        count(*) filter (where outcome_achieved and counts_as_outcome) as n_outcomes_achieved,
        list(label order by theme_order) filter (where outcome_achieved and counts_as_outcome)
            as outcomes_achieved,
        list(label order by theme_order) filter (where outcome_achieved and not counts_as_outcome)
            as outcomes_not_counted,
        count(*) filter (where activity_delivered) as n_activities_delivered,
        count(*) filter (where is_activity) as n_activities,
        list(label order by theme_order) filter (where activity_delivered) as activities_delivered,
        list(label order by theme_order) filter (where kind in ('mechanism', 'output') and qualitative_stance = 'present') as mechanisms_active,
        list(label order by theme_order) filter (where kind = 'context' and qualitative_stance = 'facilitator') as facilitators,
        list(label order by theme_order) filter (where kind = 'context' and qualitative_stance = 'barrier') as barriers,
        count(*) filter (where convergence_code = 'dissonance') as n_dissonances,
        count(*) filter (where convergence_code = 'partial_agreement') as n_partial_agreements,
        count(*) filter (where convergence_code = 'agreement') as n_agreements,
        count(*) filter (where convergence_code = 'silence') as n_silences
    from verdicts
    group by case_id
),

classified as (
    select
        case_summary.case_id,
        case_summary.n_outcomes_achieved >= rules.min_outcome_themes as achieved,
        case
            when case_summary.n_outcomes_achieved >= rules.min_outcome_themes then 'outcomes achieved'
            else 'outcomes not achieved'
        end as classification,
        case_summary.n_outcomes_achieved,
        coalesce(case_summary.outcomes_achieved, []::varchar[]) as outcomes_achieved,
        coalesce(case_summary.outcomes_not_counted, []::varchar[]) as outcomes_not_counted,
        case_summary.n_activities_delivered,
        case_summary.n_activities,
        coalesce(case_summary.activities_delivered, []::varchar[]) as activities_delivered,
        coalesce(case_summary.mechanisms_active, []::varchar[]) as mechanisms_active,
        coalesce(case_summary.facilitators, []::varchar[]) as facilitators,
        coalesce(case_summary.barriers, []::varchar[]) as barriers,
        case_summary.n_dissonances,
        case_summary.n_partial_agreements,
        case_summary.n_agreements,
        case_summary.n_silences,
        rules.min_outcome_themes
    from case_summary
    cross join rules
)

select * from classified
order by case_id

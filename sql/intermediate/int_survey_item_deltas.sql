-- Survey delta per case and item: follow-up minus baseline, signed so that a
-- positive value is better, and its direction against the item's smallest
-- change that counts (mcid). A missing wave makes the delta not computable,
-- with the reason kept for the dossier.
with cases as (
    select case_id from raw_cases
),

items as (
    select * from cfg_survey_items
),

survey as (
    select * from stg_survey_values
),

case_items as (
    select cases.case_id, items.*
    from cases cross join items
),

waves as (
    select
        case_items.case_id,
        case_items.item_id,
        case_items.label,
        case_items.unit,
        case_items.domain,
        case_items.better,
        case_items.mcid,
        case_items.example,
        case_items.item_order,
        max(survey.value) filter (where survey.wave = 'baseline') as baseline,
        max(survey.value) filter (where survey.wave = 'followup') as followup
    from case_items
    left join survey
        on survey.case_id = case_items.case_id and survey.item_id = case_items.item_id
    group by all
),

survey_direction as (
    select
        *,
        followup - baseline as delta,
        (followup - baseline) * case when better = 'higher' then 1 else -1 end as signed_delta,
        case
            when baseline is null and followup is null then 'not_computable'
            when baseline is null then 'not_computable'
            when followup is null then 'not_computable'
            when (followup - baseline) * case when better = 'higher' then 1 else -1 end >= mcid then 'improved'
            when (followup - baseline) * case when better = 'higher' then 1 else -1 end <= -mcid then 'worsened'
            else 'no_change'
        end as direction,
        case
            when baseline is null and followup is null then 'no answer at either wave'
            when baseline is null then 'baseline answer missing'
            when followup is null then 'follow-up answer missing'
        end as not_computable_reason
    from waves
)

select * from survey_direction

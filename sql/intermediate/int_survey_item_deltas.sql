-- Survey delta per case and item: follow-up minus baseline, signed so that a
-- positive value is better, and its direction against the item's smallest
-- change that counts (mcid). A missing wave makes the delta not computable,
-- with the reason kept for the dossier.
-- Arithmetic is exact: answers and mcid become DECIMAL(38, 10) (a typed 16.4
-- is 16.4, not the nearest double), so 16.4 -> 15.4 is a change of exactly
-- 1.0 and meets a 1.0 mcid. The results go back to DOUBLE for the pages and
-- exports: the double nearest an exact decimal prints as typed (-2.8).
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
        cast(case_items.mcid as decimal(38, 10)) as mcid_exact,
        case_items.mcid,
        case_items.example,
        case_items.item_order,
        max(cast(survey.value as decimal(38, 10))) filter (where survey.wave = 'baseline') as baseline_exact,
        max(cast(survey.value as decimal(38, 10))) filter (where survey.wave = 'followup') as followup_exact
    from case_items
    left join survey
        on survey.case_id = case_items.case_id and survey.item_id = case_items.item_id
    group by all
),

exact as (
    select
        *,
        followup_exact - baseline_exact as delta_exact,
        (followup_exact - baseline_exact) * case when better = 'higher' then 1 else -1 end as signed_exact
    from waves
),

survey_direction as (
    select
        case_id,
        item_id,
        label,
        unit,
        domain,
        better,
        mcid,
        example,
        item_order,
        cast(baseline_exact as double) as baseline,
        cast(followup_exact as double) as followup,
        cast(delta_exact as double) as delta,
        cast(signed_exact as double) as signed_delta,
        case
            when baseline_exact is null or followup_exact is null then 'not_computable'
            when signed_exact >= mcid_exact then 'improved'
            when signed_exact <= -mcid_exact then 'worsened'
            else 'no_change'
        end as direction,
        case
            when baseline_exact is null and followup_exact is null then 'no answer at either wave'
            when baseline_exact is null then 'baseline answer missing'
            when followup_exact is null then 'follow-up answer missing'
        end as not_computable_reason
    from exact
)

select * from survey_direction

-- Survey answers in long form with what the study file says about each item.
-- Missing answers stay NULL (never zero).
with source as (
    select * from raw_survey
),

items as (
    select * from cfg_survey_items
),

joined as (
    select
        source.case_id,
        source.wave,
        source.item_id,
        items.domain,
        items.better,
        items.mcid,
        items.example,
        source.value
    from source
    inner join items using (item_id)
)

select * from joined

-- Survey deltas for export: one row per case and item.
select
    case_id, domain, item_id, label, unit, better, mcid, baseline, followup, delta, direction,
    not_computable_reason
from int_survey_item_deltas
order by case_id, item_order

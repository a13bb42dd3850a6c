-- Per case of $case_ids: its survey items at both waves, with delta and direction. Only the
-- columns a dossier reads.
select
    case_id,
    label,
    unit,
    domain,
    better,
    mcid,
    example,
    baseline,
    followup,
    delta,
    direction,
    not_computable_reason
from int_survey_item_deltas
where case_id in (select unnest($case_ids))
order by case_id, item_order

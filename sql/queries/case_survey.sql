-- Per case of $case_ids: its survey items at both waves, with delta and direction.
select * from int_survey_item_deltas where case_id in (select unnest($case_ids)) order by case_id, item_order

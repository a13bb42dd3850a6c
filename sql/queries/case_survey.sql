-- One case's survey items at both waves, with delta and direction.
select * from int_survey_item_deltas where case_id = $case_id order by item_order

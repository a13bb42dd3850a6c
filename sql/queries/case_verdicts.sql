-- Per case of $case_ids: its verdict per theme (outcome rule inputs, activity delivery, codes).
select * from case_theme_verdicts where case_id in (select unnest($case_ids)) order by case_id, theme_order

-- One case's verdict per theme (outcome rule inputs, activity delivery, codes).
select * from case_theme_verdicts where case_id = $case_id order by theme_order

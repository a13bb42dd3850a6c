-- One case's stance per theme and source, with how many excerpts back it.
select * from int_source_stances where case_id = $case_id order by theme_id, source_order

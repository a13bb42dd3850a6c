-- Per case of $case_ids: its stance per theme and source, with how many excerpts back it.
select * from int_source_stances where case_id in (select unnest($case_ids)) order by case_id, theme_id, source_order

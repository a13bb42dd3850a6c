-- Per case of $case_ids: its pairwise convergence judgements (the evidence behind each row code).
select * from convergence_pairs where case_id in (select unnest($case_ids)) order by case_id, theme_id, order_a, order_b

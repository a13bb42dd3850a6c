-- One case's pairwise convergence judgements (the evidence behind each row code).
select * from convergence_pairs where case_id = $case_id order by theme_id, order_a, order_b

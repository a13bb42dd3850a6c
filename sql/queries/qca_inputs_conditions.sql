-- The QCA data matrix: one row per case, a 0/1 column per condition, the outcome.
select * from qca_conditions order by case_id

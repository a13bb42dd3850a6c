-- The observed rows of the truth table, in the R package QCA's row order.
select * from qca_truth_table order by row_number

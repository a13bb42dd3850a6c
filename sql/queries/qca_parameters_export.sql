-- Sufficiency and necessity of each condition and its negation.
select * from qca_parameters order by condition_order, present desc

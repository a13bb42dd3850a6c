-- The QCA's limited-diversity check (one row): observed vs possible configurations,
-- the benchmark number of cases, and whether solutions are shown.
select * from qca_diversity

-- Conservative and parsimonious solutions with their consistency and coverage.
select * from qca_solutions order by kind, model

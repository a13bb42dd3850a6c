-- The convergence table for export (one row per case and theme).
select * from convergence_table

-- Every table in the warehouse (for the leak audit).
select table_name from information_schema.tables order by table_name

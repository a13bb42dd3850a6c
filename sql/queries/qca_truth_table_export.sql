-- The truth table for export and display: observed rows, case lists joined with "; ".
select
    * exclude (case_ids, outcome_case_ids),
    array_to_string(case_ids, '; ') as case_ids,
    array_to_string(outcome_case_ids, '; ') as outcome_case_ids
from qca_truth_table
order by row_number

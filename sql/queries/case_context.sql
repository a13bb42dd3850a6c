-- Per case of $case_ids: its baseline context profile (every variable, null where not recorded).
select
    cases.case_id,
    variables.label,
    context.value
from (select unnest($case_ids) as case_id) as cases
cross join cfg_context_variables as variables
left join raw_context as context
    on context.variable_id = variables.variable_id and context.case_id = cases.case_id
order by cases.case_id, variables.variable_order

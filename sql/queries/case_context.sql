-- One case's baseline context profile.
select
    variables.variable_id,
    variables.label,
    context.value
from cfg_context_variables as variables
left join raw_context as context
    on context.variable_id = variables.variable_id and context.case_id = $case_id
order by variables.variable_order

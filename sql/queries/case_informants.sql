-- Per case of $case_ids: its informants and their individual stances (shown where a role has several).
select informants.*
from int_informant_stances as informants
inner join cfg_roles as roles on roles.role_id = informants.role
where informants.case_id in (select unnest($case_ids))
order by informants.case_id, informants.theme_id, roles.role_order, informants.person_id

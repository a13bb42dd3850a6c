-- Per case of $case_ids: its excerpts, grouped by theme, then informant role, then informant.
select
    excerpts.*,
    themes.theme_order,
    roles.role_order,
    roles.label as role_label
from stg_excerpts as excerpts
inner join cfg_themes as themes using (theme_id)
inner join cfg_roles as roles on roles.role_id = excerpts.role
where excerpts.case_id in (select unnest($case_ids))
order by excerpts.case_id, themes.theme_order, roles.role_order, excerpts.person_id, excerpts.interview_id, excerpts.position, excerpts.excerpt_id

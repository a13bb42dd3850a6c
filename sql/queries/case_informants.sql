-- Per case of $case_ids: its informants and their individual stances, only where a
-- dossier shows them (decision 0439): every informant of a theme and role that has
-- several (the matrix cell lists them) or a withdrawn one (a data-quality note). A
-- role's single informant is the cell's own stance, read from case_sources; leaving
-- those rows out (about 95% of them) leaves every page the same.
with shown as (
    select case_id, theme_id, role
    from int_informant_stances
    where case_id in (select unnest($case_ids))
    group by case_id, theme_id, role
    having count(*) > 1 or bool_or(stance = 'withdrawn')
)

select informants.*
from int_informant_stances as informants
semi join shown using (case_id, theme_id, role)
inner join cfg_roles as roles on roles.role_id = informants.role
order by informants.case_id, informants.theme_id, roles.role_order, informants.person_id

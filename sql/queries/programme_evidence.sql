-- Programme-level evidence for the index: excerpts about no case
-- ([qda] no_case = "programme"), pseudonymised like every excerpt, grouped by
-- theme (in theme order), then informant role and position. Withdrawn
-- informants' excerpts never reach raw_programme_excerpts.
select
    themes.theme_id,
    themes.label as theme_label,
    themes.kind,
    excerpts.excerpt_id,
    excerpts.interview_id,
    excerpts.person_id,
    roles.label as role_label,
    coalesce(excerpts.coded_stance, excerpts.suggested_stance) as stance,
    case when excerpts.coded_stance is not null then 'coded' else 'suggested' end as stance_source,
    excerpts.text
from raw_programme_excerpts as excerpts
inner join cfg_themes as themes using (theme_id)
left join cfg_roles as roles on roles.role_id = excerpts.role
order by themes.theme_order, roles.role_order, excerpts.interview_id, excerpts.position, excerpts.excerpt_id

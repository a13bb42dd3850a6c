-- Per case of $case_ids: its excerpts, grouped by theme, then informant role, then informant.
-- Only the columns a dossier reads (not the excerpt's code or role id: decision 0439).
select
    excerpts.excerpt_id,
    excerpts.interview_id,
    excerpts.person_id,
    excerpts.case_id,
    excerpts.theme_id,
    excerpts.stance,
    excerpts.basis,
    excerpts.stance_source,
    excerpts.machine_read,
    excerpts.low_confidence,
    excerpts.suggestion_confidence,
    excerpts.suggestion_cues,
    excerpts.examples,
    excerpts.position,
    excerpts.coder,
    excerpts.text,
    roles.label as role_label
from stg_excerpts as excerpts
inner join cfg_themes as themes using (theme_id)
inner join cfg_roles as roles on roles.role_id = excerpts.role
where excerpts.case_id in (select unnest($case_ids))
order by excerpts.case_id, themes.theme_order, roles.role_order, excerpts.person_id, excerpts.interview_id, excerpts.position, excerpts.excerpt_id

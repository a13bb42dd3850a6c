-- The review sheet's rows: every machine-read excerpt (suggested or unclear),
-- those deciding a provisional dissonance, discordant fit or outcome verdict
-- first (verdict_basis.review_rank), then the excerpts already reviewed.
select
    excerpts.excerpt_id,
    excerpts.case_id,
    excerpts.theme_id,
    themes.label as theme_label,
    roles.label as role_label,
    excerpts.person_id,
    excerpts.text,
    excerpts.suggested_stance,
    excerpts.suggestion_confidence,
    excerpts.suggestion_cues,
    excerpts.reviewed_stance,
    case when excerpts.machine_read then verdicts.review_rank end as review_rank
from stg_excerpts as excerpts
inner join cfg_themes as themes using (theme_id)
inner join cfg_roles as roles on roles.role_id = excerpts.role
left join verdict_basis as verdicts using (case_id, theme_id)
where excerpts.machine_read or excerpts.basis = 'reviewed'
order by
    excerpts.basis = 'reviewed',
    coalesce(case when excerpts.machine_read then verdicts.review_rank end, 5),
    excerpts.case_id,
    themes.theme_order,
    roles.role_order,
    excerpts.person_id,
    excerpts.position,
    excerpts.excerpt_id

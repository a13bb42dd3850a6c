-- Per case of $case_ids: its verdict per theme (outcome rule inputs, codes) and what each
-- rests on (verdict_basis). Only the columns a dossier reads (each value fetched costs).
select
    verdicts.case_id,
    verdicts.theme_id,
    verdicts.label,
    verdicts.kind,
    verdicts.qualitative_stance,
    verdicts.survey_stance,
    verdicts.convergence_code,
    verdicts.fit,
    verdicts.outcome_achieved,
    verdicts.outcome_reason,
    basis.basis,
    basis.n_machine_read,
    basis.n_held_back,
    basis.fit_held_back,
    basis.convergence_provisional,
    basis.fit_provisional,
    basis.verdict_provisional,
    basis.provisional,
    basis.review_rank
from case_theme_verdicts as verdicts
left join verdict_basis as basis using (case_id, theme_id)
where verdicts.case_id in (select unnest($case_ids))
order by verdicts.case_id, verdicts.theme_order

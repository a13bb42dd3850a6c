-- Per case of $case_ids: its verdict per theme (outcome rule inputs, activity delivery,
-- codes) and what each rests on (verdict_basis).
select
    verdicts.*,
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

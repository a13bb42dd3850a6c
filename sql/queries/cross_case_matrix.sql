-- Cases x themes: each cell the convergence code and what the interviews say.
select
    verdicts.case_id,
    verdicts.theme_id,
    verdicts.qualitative_stance,
    verdicts.survey_stance,
    verdicts.convergence_code,
    verdicts.fit,
    coalesce(basis.convergence_provisional, false) as provisional
from case_theme_verdicts as verdicts
left join verdict_basis as basis using (case_id, theme_id)
order by verdicts.case_id, verdicts.theme_order

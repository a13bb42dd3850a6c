-- Cases x themes: each cell the convergence code and what the interviews say.
select
    verdicts.case_id,
    verdicts.theme_id,
    verdicts.qualitative_stance,
    verdicts.survey_stance,
    verdicts.convergence_code,
    verdicts.fit
from case_theme_verdicts as verdicts
order by verdicts.case_id, verdicts.theme_order

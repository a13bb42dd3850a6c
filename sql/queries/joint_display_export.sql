-- The joint display (Guetterman et al. 2015): cases x themes, each row mixing what
-- the interviews say, what the survey measured (items moved by at least the mcid),
-- the convergence code and the fit.
with verdicts as (
    select * from case_theme_verdicts
),

moved_items as (
    select
        deltas.case_id,
        themes.theme_id,
        string_agg(
            deltas.item_id || ' ' || case when deltas.delta > 0 then '+' else '' end || deltas.delta::varchar,
            '; ' order by deltas.item_order
        ) filter (where deltas.direction in ('improved', 'worsened')) as survey_items_moved,
        string_agg(deltas.item_id, '; ' order by deltas.item_order)
            filter (where deltas.direction = 'not_computable') as survey_items_not_computable
    from int_survey_item_deltas as deltas
    inner join cfg_themes as themes on themes.survey_domain = deltas.domain
    group by all
)

select
    verdicts.case_id,
    verdicts.theme_id as theme,
    verdicts.kind,
    verdicts.qualitative_stance as interviews,
    verdicts.survey_stance as survey,
    moved_items.survey_items_moved,
    moved_items.survey_items_not_computable,
    verdicts.convergence_code as convergence,
    verdicts.fit,
    verdicts.outcome_achieved,
    verdicts.activity_delivered,
    basis.basis,
    basis.provisional,
    case when basis.provisional then basis.n_machine_read else 0 end as to_review
from verdicts
left join moved_items using (case_id, theme_id)
left join verdict_basis as basis using (case_id, theme_id)
order by verdicts.case_id, verdicts.theme_order

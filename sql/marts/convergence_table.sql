-- The convergence table for export: one row per case and theme with its code,
-- fit, and each source's stance in a column of its own (source order from the
-- study file; the survey last).
with convergence as (
    select * from convergence
),

fit as (
    select case_id, theme_id, fit from fit
),

sources as (
    select case_id, theme_id, source || '_stance' as source_column, stance
    from int_source_stances
),

stances as (
    pivot sources on source_column using any_value(stance) group by case_id, theme_id
)

select
    convergence.case_id,
    convergence.theme_id as theme,
    convergence.code,
    fit.fit,
    stances.* exclude (case_id, theme_id)
from convergence
inner join stances using (case_id, theme_id)
left join fit using (case_id, theme_id)
order by convergence.case_id, convergence.theme_order

-- The convergence table for export: one row per case and theme with its code,
-- fit, and each source's stance in a column of its own (source order from the
-- study file; the survey last). basis: what the code and fit rest on;
-- provisional: they rest on at least one unreviewed machine reading; to_review:
-- how many machine readings decide them (verdict_basis); held_back: how many
-- source pairs would be a dissonance but are held back for review, and
-- fit_held_back: a discordant fit held back (decision 0137).
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

basis as (
    select case_id, theme_id, basis, provisional, n_machine_read, n_held_back, fit_held_back from verdict_basis
),

stances as (
    pivot sources on source_column using any_value(stance) group by case_id, theme_id
)

select
    convergence.case_id,
    convergence.theme_id as theme,
    convergence.code,
    fit.fit,
    basis.basis,
    basis.provisional,
    case when basis.provisional then basis.n_machine_read else 0 end as to_review,
    basis.n_held_back as held_back,
    basis.fit_held_back,
    stances.* exclude (case_id, theme_id)
from convergence
inner join stances using (case_id, theme_id)
left join fit using (case_id, theme_id)
left join basis using (case_id, theme_id)
order by convergence.case_id, convergence.theme_order

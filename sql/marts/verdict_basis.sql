-- What each case-and-theme verdict rests on: the readings behind it (coded,
-- reviewed, machine-suggested, unclear), its basis (the kinds present joined by
-- "+", plus "survey" where the survey takes part), and which verdicts are
-- provisional, i.e. rest on at least one unreviewed machine reading:
--   convergence_provisional: a pair behind the code is provisional (or, with no
--     pair, a source that speaks is);
--   fit_provisional: a fit was judged and a speaking informant source is;
--   verdict_provisional: the interviews' consensus (outcome achieved, activity
--     delivered, mechanism active, facilitator or barrier) rests on one.
-- review_rank orders the readings to review: 1 behind a provisional dissonance
-- or a dissonance held back for review (n_held_back: pairs held back), 2 behind a
-- provisional discordant fit or one held back (fit_held_back), 3 behind a
-- provisional outcome verdict (the classification counts outcomes), 4 behind
-- another provisional verdict. A held-back code waits for exactly these reviews
-- (decision 0137).
with sources as (
    select * from int_source_basis
),

pairs as (
    select * from convergence_pairs
),

verdicts as (
    select * from case_theme_verdicts
),

fits as (
    select case_id, theme_id, fit_held_back from fit
),

source_counts as (
    select
        case_id,
        theme_id,
        sum(n_readings)::integer as n_readings,
        sum(n_coded)::integer as n_coded,
        sum(n_reviewed)::integer as n_reviewed,
        sum(n_suggested)::integer as n_suggested,
        sum(n_unclear)::integer as n_unclear,
        sum(n_low_confidence)::integer as n_low_confidence,
        bool_or(provisional) as any_provisional
    from sources
    group by all
),

pair_counts as (
    select
        case_id,
        theme_id,
        bool_or(provisional) as any_pair_provisional,
        count(*) filter (where held_back) as n_held_back,
        bool_or('survey' in (basis_a, basis_b)) as survey_compared
    from pairs
    group by all
),

based as (
    select
        verdicts.case_id,
        verdicts.theme_id,
        verdicts.kind,
        verdicts.theme_order,
        verdicts.convergence_code,
        verdicts.fit,
        coalesce(source_counts.n_readings, 0) as n_readings,
        coalesce(source_counts.n_coded, 0) as n_coded,
        coalesce(source_counts.n_reviewed, 0) as n_reviewed,
        coalesce(source_counts.n_suggested, 0) as n_suggested,
        coalesce(source_counts.n_unclear, 0) as n_unclear,
        coalesce(source_counts.n_low_confidence, 0) as n_low_confidence,
        coalesce(source_counts.n_suggested + source_counts.n_unclear, 0) as n_machine_read,
        coalesce(pair_counts.n_held_back, 0) as n_held_back,
        coalesce(fits.fit_held_back, false) as fit_held_back,
        nullif(
            concat_ws(
                '+',
                case when source_counts.n_coded > 0 then 'coded' end,
                case when source_counts.n_reviewed > 0 then 'reviewed' end,
                case when source_counts.n_suggested > 0 then 'suggested' end,
                case when source_counts.n_unclear > 0 then 'unclear' end,
                case when coalesce(pair_counts.survey_compared, false)
                    or verdicts.fit in ('confirmation', 'expansion', 'discordance') then 'survey' end
            ),
            ''
        ) as basis,
        coalesce(pair_counts.any_pair_provisional, coalesce(source_counts.any_provisional, false))
            as convergence_provisional,
        verdicts.fit in ('confirmation', 'expansion', 'discordance')
            and coalesce(source_counts.any_provisional, false) as fit_provisional,
        coalesce(source_counts.any_provisional, false) as verdict_provisional
    from verdicts
    left join source_counts using (case_id, theme_id)
    left join pair_counts using (case_id, theme_id)
    left join fits using (case_id, theme_id)
),

ranked as (
    select
        *,
        convergence_provisional or fit_provisional or verdict_provisional as provisional,
        case
            when convergence_provisional and convergence_code = 'dissonance' then 1
            when n_held_back > 0 then 1
            when fit_provisional and fit = 'discordance' then 2
            when fit_held_back then 2
            when verdict_provisional and kind = 'outcome' then 3
            when convergence_provisional or fit_provisional or verdict_provisional then 4
        end as review_rank
    from based
)

select * from ranked
order by case_id, theme_order

-- One convergence code per case and theme, summarising its source pairs:
-- dissonance if any pair is dissonant, else partial agreement if any pair is
-- partial, else agreement if any pair agrees, else silence if only one source
-- speaks while another asked source is silent. A theme with fewer than two
-- asked sources is "not_compared"; one nobody speaks to is "no_evidence".
with pairs as (
    select * from convergence_pairs
),

sources as (
    select * from int_source_stances
),

themes as (
    select * from cfg_themes
),

pair_counts as (
    select
        case_id,
        theme_id,
        count(*) filter (where code = 'dissonance') as n_dissonant_pairs,
        count(*) filter (where code = 'partial_agreement') as n_partial_pairs,
        count(*) filter (where code = 'agreement') as n_agreeing_pairs,
        count(*) filter (where code = 'silence') as n_silent_pairs
    from pairs
    group by all
),

source_counts as (
    select
        case_id,
        theme_id,
        count(*) filter (where stance not in ('silent', 'not_interviewed', 'not_asked', 'withdrawn', 'not_computable')) as n_sources_speaking,
        count(*) filter (where stance = 'silent') as n_sources_silent,
        count(*) filter (where stance not in ('not_interviewed', 'not_asked', 'withdrawn', 'not_computable')) as n_sources_asked,
        list(source order by source_order) filter (where stance = 'silent') as silent_sources,
        list(source order by source_order) filter (where stance = 'withdrawn') as withdrawn_sources
    from sources
    group by all
),

coded as (
    select
        source_counts.case_id,
        source_counts.theme_id,
        themes.kind,
        themes.theme_order,
        case
            when coalesce(n_dissonant_pairs, 0) > 0 then 'dissonance'
            when coalesce(n_partial_pairs, 0) > 0 then 'partial_agreement'
            when coalesce(n_agreeing_pairs, 0) > 0 then 'agreement'
            when coalesce(n_silent_pairs, 0) > 0 then 'silence'
            when n_sources_speaking = 0 then 'no_evidence'
            else 'not_compared'
        end as code,
        n_sources_speaking,
        n_sources_silent,
        n_sources_asked,
        coalesce(silent_sources, []::varchar[]) as silent_sources,
        coalesce(withdrawn_sources, []::varchar[]) as withdrawn_sources,
        coalesce(n_dissonant_pairs, 0) as n_dissonant_pairs,
        coalesce(n_partial_pairs, 0) as n_partial_pairs,
        coalesce(n_agreeing_pairs, 0) as n_agreeing_pairs,
        coalesce(n_silent_pairs, 0) as n_silent_pairs
    from source_counts
    inner join themes using (theme_id)
    left join pair_counts using (case_id, theme_id)
)

select * from coded
order by case_id, theme_order

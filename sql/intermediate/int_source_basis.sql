-- What each informant source's stance rests on, per case and theme: how many of
-- its readings were coded, reviewed, machine-suggested or unclear (the suggester
-- abstained), its basis (the kinds present, joined by "+", e.g. "coded+suggested";
-- null for a source without readings), and whether it is provisional (at least one
-- unreviewed machine reading). low_confidence_only: the source's stance holds
-- only through suggestions below rules.min_suggestion_confidence (every reading
-- of its stance is one; or, for "mixed", its readings conflict only through one);
-- such a stance never creates a dissonance on its own (convergence_pairs).
-- few_machine_readings: the source's stance is not established (the rule is
-- int_stance_support's, per role); a "mixed" stance needs two established
-- stances to conflict. Such a stance holds back a dissonance for review
-- (convergence_pairs, decision 0137).
with excerpts as (
    select * from stg_excerpts
),

sources as (
    select case_id, theme_id, source, stance
    from int_source_stances
    where source_kind = 'informant'
),

counts as (
    select
        case_id,
        theme_id,
        role as source,
        count(*) as n_readings,
        count(*) filter (where basis = 'coded') as n_coded,
        count(*) filter (where basis = 'reviewed') as n_reviewed,
        count(*) filter (where basis = 'suggested') as n_suggested,
        count(*) filter (where basis = 'unclear') as n_unclear,
        count(*) filter (where low_confidence) as n_low_confidence,
        count(distinct stance) filter (
            where not low_confidence and stance not in ('not_stated', 'unclear')
        ) as n_firm_stances
    from excerpts
    group by all
),

support as (
    select case_id, theme_id, source, stance, established
    from int_stance_support
    where source is not null
),

n_established as (
    select case_id, theme_id, source, count(*) filter (where established) as n_established_stances
    from support
    group by all
),

by_stance as (
    select
        case_id,
        theme_id,
        role as source,
        stance,
        count(*) filter (where not low_confidence) as n_firm
    from excerpts
    group by all
),

based as (
    select
        sources.case_id,
        sources.theme_id,
        sources.source,
        sources.stance,
        coalesce(counts.n_readings, 0) as n_readings,
        coalesce(counts.n_coded, 0) as n_coded,
        coalesce(counts.n_reviewed, 0) as n_reviewed,
        coalesce(counts.n_suggested, 0) as n_suggested,
        coalesce(counts.n_unclear, 0) as n_unclear,
        coalesce(counts.n_low_confidence, 0) as n_low_confidence,
        nullif(
            concat_ws(
                '+',
                case when counts.n_coded > 0 then 'coded' end,
                case when counts.n_reviewed > 0 then 'reviewed' end,
                case when counts.n_suggested > 0 then 'suggested' end,
                case when counts.n_unclear > 0 then 'unclear' end
            ),
            ''
        ) as basis,
        coalesce(counts.n_suggested + counts.n_unclear, 0) > 0 as provisional,
        case
            when coalesce(counts.n_low_confidence, 0) = 0 then false
            when sources.stance = 'mixed' then counts.n_firm_stances <= 1
            else coalesce(by_stance.n_firm, 0) = 0 and by_stance.stance is not null
        end as low_confidence_only,
        case
            when sources.stance = 'mixed' then coalesce(n_established.n_established_stances, 0) <= 1
            else support.stance is not null and not support.established
        end as few_machine_readings
    from sources
    left join counts using (case_id, theme_id, source)
    left join by_stance using (case_id, theme_id, source, stance)
    left join support using (case_id, theme_id, source, stance)
    left join n_established using (case_id, theme_id, source)
)

select * from based

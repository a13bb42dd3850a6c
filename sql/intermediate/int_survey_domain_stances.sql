-- The survey's stance per case and outcome domain, rolled up from its items:
-- improved when some item improved by at least its mcid and none worsened,
-- worsened in the mirror case, mixed when both happened, no change otherwise;
-- not computable when no item of the domain has both waves.
-- The survey's example claims are its computable items, each as
-- "example:direction" (e.g. "vegetables:no_change"), comparable with what
-- informants claim about the same example.
with deltas as (
    select * from int_survey_item_deltas
),

domain_counts as (
    select
        case_id,
        domain,
        count(*) filter (where direction = 'improved') as n_improved,
        count(*) filter (where direction = 'worsened') as n_worsened,
        count(*) filter (where direction <> 'not_computable') as n_computable,
        count(*) as n_items,
        coalesce(
            list_sort(list(example || ':' || direction) filter (where direction <> 'not_computable' and example is not null)),
            []::varchar[]
        ) as example_claims
    from deltas
    group by case_id, domain
),

survey_direction as (
    select
        case_id,
        domain,
        n_improved,
        n_worsened,
        n_computable,
        n_items,
        case
            when n_computable = 0 then 'not_computable'
            when n_improved > 0 and n_worsened = 0 then 'improved'
            when n_worsened > 0 and n_improved = 0 then 'worsened'
            when n_worsened > 0 and n_improved > 0 then 'mixed'
            else 'no_change'
        end as stance,
        list_sort(list_distinct(example_claims)) as examples
    from domain_counts
)

select * from survey_direction

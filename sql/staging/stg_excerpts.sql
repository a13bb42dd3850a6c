-- One row per coded excerpt: the stance it carries and what that stance rests
-- on (its basis): "coded" by the researcher in the QDA tool or the native
-- column, "reviewed" by the researcher in the review sheet (counts as coded),
-- "suggested" by the NLP layer (with a confidence), or "unclear" when the
-- suggester abstained (never counted as a stance). A coded stance always wins,
-- then a reviewed one, then the suggestion. stance_source is "coded" for coded
-- and reviewed stances, "suggested" for machine readings. A suggestion below
-- rules.min_suggestion_confidence is marked low_confidence. Each theme example
-- the excerpt names becomes a claim "example:stance" (e.g. "walking:improved"),
-- the unit Farmer's second element (the specific examples) is compared on.
with source as (
    select * from raw_excerpts
),

rules as (
    select min_suggestion_confidence from cfg_rules
),

based as (
    select
        *,
        coalesce(coded_stance, reviewed_stance, suggested_stance) as stance,
        case
            when coded_stance is not null then 'coded'
            when reviewed_stance is not null then 'reviewed'
            when suggested_stance = 'unclear' then 'unclear'
            else 'suggested'
        end as basis
    from source
),

renamed as (
    select
        -- ids
        excerpt_id,
        interview_id,
        person_id,
        role,
        case_id,
        theme_id,
        code,
        -- stance and its basis
        stance,
        basis,
        case when basis in ('coded', 'reviewed') then 'coded' else 'suggested' end as stance_source,
        basis in ('suggested', 'unclear') as machine_read,
        basis = 'suggested' and suggestion_confidence < rules.min_suggestion_confidence as low_confidence,
        coded_stance,
        reviewed_stance,
        suggested_stance,
        suggestion_confidence,
        suggestion_cues,
        -- evidence
        examples as example_tags,
        list_transform(examples, lambda tag: tag || ':' || stance) as examples,
        position,
        coder,
        text
    from based
    cross join rules
)

select * from renamed

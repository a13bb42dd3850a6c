-- One row per coded excerpt: the stance it carries, coded by the researcher or
-- suggested by the NLP layer. A coded stance always wins (issue: "a coded stance
-- always wins"); stance_source records which one this is. Each theme example the
-- excerpt names becomes a claim "example:stance" (e.g. "walking:improved"), the
-- unit Farmer's second element (the specific examples) is compared on.
with source as (
    select * from raw_excerpts
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
        -- stance
        coalesce(coded_stance, suggested_stance) as stance,
        case when coded_stance is not null then 'coded' else 'suggested' end as stance_source,
        coded_stance,
        suggested_stance,
        suggestion_confidence,
        suggestion_cues,
        -- evidence
        examples as example_tags,
        list_transform(examples, lambda tag: tag || ':' || coalesce(coded_stance, suggested_stance)) as examples,
        position,
        coder,
        text
    from source
)

select * from renamed

-- One row per coded excerpt: the stance it carries, coded by the researcher or
-- suggested by the NLP layer. A coded stance always wins (issue: "a coded stance
-- always wins"); stance_source records which one this is.
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
        examples,
        position,
        coder,
        text
    from source
)

select * from renamed

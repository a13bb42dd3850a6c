-- Farmer et al. (2006) convergence coding for every pair of sources, per case
-- and theme, from two separate judgements:
--   meaning:  do the two sources take the same stance?
--   examples: do they make at least one identical specific claim, an example
--             with its direction ("walking:improved"; survey items count as
--             claims with the item's own direction)?
-- agreement = both agree; partial agreement = one agrees; dissonance = neither;
-- silence = one source speaks to the theme while the other, though asked, is
-- silent. When either source names no example, only meaning is judged. A source
-- that speaks to an outcome without stating a direction ("not_stated") is
-- silent on meaning: the pair is coded silence; so is one whose suggested stances
-- the reader abstained on ("unclear").
-- What each pair rests on: basis_a / basis_b (int_source_basis; "survey" for the
-- survey), and provisional when either side rests on an unreviewed machine
-- reading. A pair that would be a dissonance only because one side's stance holds
-- through low-confidence suggestions alone (low_confidence_only) is coded silence
-- instead: that side is taken as not stating a direction, like "not_stated", and
-- the pair is marked held_back so the dossier can say why. So is a pair that
-- would be a dissonance while one side's stance is not established
-- (few_machine_readings: it rests on fewer than rules.min_machine_readings
-- unreviewed machine readings, by default a single one): a misread excerpt must
-- not publish a dissonance; the readings go first on the review sheet, and once
-- reviewed they count as coded, so a confirmed dissonance stands (decision 0137).
-- held_back_reason: "low_confidence" or "few_machine_readings" (null when not
-- held back).
-- Sources never asked (role not interviewed, survey without items, withdrawn,
-- survey not computable) take no part in any pair.
with sources as (
    select
        stances.*,
        case when stances.source_kind = 'survey' then 'survey' else basis.basis end as basis,
        coalesce(basis.provisional, false) as provisional,
        coalesce(basis.low_confidence_only, false) as low_confidence_only,
        coalesce(basis.few_machine_readings, false) as few_machine_readings
    from int_source_stances as stances
    left join int_source_basis as basis using (case_id, theme_id, source)
    where stances.stance not in ('not_interviewed', 'not_asked', 'withdrawn', 'not_computable')
),

pairs as (
    select
        a.case_id,
        a.theme_id,
        a.source as source_a,
        b.source as source_b,
        a.source_order as order_a,
        b.source_order as order_b,
        a.stance as stance_a,
        b.stance as stance_b,
        a.examples as examples_a,
        b.examples as examples_b,
        a.basis as basis_a,
        b.basis as basis_b,
        a.provisional or b.provisional as provisional,
        a.low_confidence_only or b.low_confidence_only as low_confidence_side,
        a.few_machine_readings or b.few_machine_readings as few_readings_side
    from sources as a
    inner join sources as b
        on a.case_id = b.case_id and a.theme_id = b.theme_id and a.source_order < b.source_order
    where not (a.stance = 'silent' and b.stance = 'silent')
),

judged as (
    select
        *,
        stance_a <> 'silent' and stance_b <> 'silent' as both_speak,
        stance_a = stance_b and stance_a not in ('mixed', 'not_stated', 'unclear') as meaning_agrees,
        len(examples_a) > 0 and len(examples_b) > 0 as examples_judged,
        len(list_intersect(examples_a, examples_b)) > 0 as examples_agree,
        list_sort(list_intersect(examples_a, examples_b)) as shared_examples
    from pairs
),

sources_in_agreement as (
    select
        case_id,
        theme_id,
        source_a,
        source_b,
        order_a,
        order_b,
        stance_a,
        stance_b,
        case when both_speak then meaning_agrees end as meaning_agrees,
        case when both_speak and examples_judged then examples_agree end as examples_agree,
        shared_examples,
        basis_a,
        basis_b,
        provisional,
        low_confidence_side,
        few_readings_side,
        case
            when not both_speak then 'silence'
            when 'not_stated' in (stance_a, stance_b) or 'unclear' in (stance_a, stance_b) then 'silence'
            when not examples_judged then case when meaning_agrees then 'agreement' else 'dissonance' end
            when meaning_agrees and examples_agree then 'agreement'
            when meaning_agrees or examples_agree then 'partial_agreement'
            else 'dissonance'
        end as judged_code
    from judged
),

reasoned as (
    select
        *,
        case
            when judged_code <> 'dissonance' then null
            when low_confidence_side then 'low_confidence'
            when few_readings_side then 'few_machine_readings'
        end as held_back_reason
    from sources_in_agreement
),

held_back as (
    select
        * exclude (judged_code, low_confidence_side, few_readings_side, held_back_reason),
        held_back_reason is not null as held_back,
        held_back_reason,
        case when held_back_reason is not null then 'silence' else judged_code end as code
    from reasoned
)

select * from held_back
order by case_id, theme_id, order_a, order_b

-- Completeness assessment (Farmer et al. 2006): what each source contributes to
-- a case's theme that no other source of the case does. Per case, theme and
-- source:
--   unique_claims:   the specific claims ("walking:improved") this source makes
--                    and no other source of the case makes for the theme;
--   unique_examples: the examples among them that no other source mentions at
--                    all, in any direction (a new topic, not a counter-claim);
--   only_source_speaking: this source is the only one that speaks to the theme
--                    for the case (the others are silent or were not asked).
-- A source speaks unless it is silent, not interviewed, not asked, withdrawn or
-- not computable (as in convergence.sql). One row per case, theme and source
-- that contributes something unique: at least one unique claim, or the only
-- voice on the theme.
with sources as (
    select * from int_source_stances
),

themes as (
    select theme_id, label, kind, theme_order from cfg_themes
),

speaking as (
    select
        *,
        stance not in ('silent', 'not_interviewed', 'not_asked', 'withdrawn', 'not_computable')
            as speaks
    from sources
),

others as (
    select
        this.case_id,
        this.theme_id,
        this.source,
        coalesce(
            list_distinct(flatten(list(other.examples) filter (where other.source is not null))),
            []::varchar[]
        ) as other_claims,
        count(other.source) filter (where other.speaks) as n_other_sources_speaking
    from speaking as this
    left join speaking as other
        on other.case_id = this.case_id
        and other.theme_id = this.theme_id
        and other.source <> this.source
    group by this.case_id, this.theme_id, this.source
),

unique_contributions as (
    select
        speaking.case_id,
        speaking.theme_id,
        speaking.source,
        speaking.source_order,
        speaking.source_kind,
        speaking.stance,
        speaking.speaks,
        len(speaking.examples) as n_claims,
        list_sort(list_filter(speaking.examples, lambda claim: not list_contains(others.other_claims, claim)))
            as unique_claims,
        list_transform(others.other_claims, lambda claim: split_part(claim, ':', 1)) as other_examples,
        others.n_other_sources_speaking
    from speaking
    inner join others using (case_id, theme_id, source)
),

completeness as (
    select
        unique_contributions.case_id,
        unique_contributions.theme_id,
        themes.label as theme_label,
        themes.kind,
        unique_contributions.source,
        unique_contributions.source_kind,
        unique_contributions.stance,
        unique_contributions.unique_claims,
        len(unique_contributions.unique_claims) as n_unique_claims,
        list_sort(list_distinct(list_filter(
            list_transform(unique_contributions.unique_claims, lambda claim: split_part(claim, ':', 1)),
            lambda example: not list_contains(unique_contributions.other_examples, example)
        ))) as unique_examples,
        unique_contributions.n_claims,
        unique_contributions.speaks and unique_contributions.n_other_sources_speaking = 0
            as only_source_speaking,
        unique_contributions.n_other_sources_speaking,
        themes.theme_order,
        unique_contributions.source_order
    from unique_contributions
    inner join themes using (theme_id)
    where len(unique_contributions.unique_claims) > 0
        or (unique_contributions.speaks and unique_contributions.n_other_sources_speaking = 0)
)

select * from completeness
order by case_id, theme_order, source_order

-- Per case of $case_ids: its stance per theme and source, with how many excerpts back it
-- and what the stance rests on (int_source_basis; the survey: "survey"). Only the columns
-- a dossier reads (not the source's claims: a matrix cell shows none; decision 0439).
select
    sources.case_id,
    sources.theme_id,
    sources.source,
    sources.source_kind,
    sources.stance,
    sources.n_excerpts,
    case when sources.source_kind = 'survey' then 'survey' else basis.basis end as basis,
    coalesce(basis.provisional, false) as provisional,
    coalesce(basis.n_suggested, 0) + coalesce(basis.n_unclear, 0) as n_machine_read,
    coalesce(basis.low_confidence_only, false) as low_confidence_only
from int_source_stances as sources
left join int_source_basis as basis using (case_id, theme_id, source)
where sources.case_id in (select unnest($case_ids))
order by sources.case_id, sources.theme_id, sources.source_order

-- The overview rows (case_overview) of $case_ids alone, in the same order: a render
-- chunk's dossier headers without reading every case's row once per chunk.
select
    classification.*,
    basis.* exclude (case_id)
from case_classification as classification
left join case_basis as basis using (case_id)
where classification.case_id in (select unnest($case_ids))
order by case_id

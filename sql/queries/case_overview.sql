-- Every case's classification, for the index and the dossier header, with how
-- its readings stand (reviewed / machine-read) and its provisional verdicts.
select
    classification.*,
    basis.* exclude (case_id)
from case_classification as classification
left join case_basis as basis using (case_id)
order by case_id

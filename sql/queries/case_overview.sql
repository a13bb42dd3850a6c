-- Every case's classification, for the index and the dossier header.
select * from case_classification order by case_id

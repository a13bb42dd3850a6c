-- Per case of $case_ids: its pairwise convergence judgements (the evidence behind each row
-- code). Only the columns a dossier reads.
select
    case_id,
    theme_id,
    source_a,
    source_b,
    stance_a,
    stance_b,
    meaning_agrees,
    examples_agree,
    shared_examples,
    basis_a,
    basis_b,
    provisional,
    held_back,
    held_back_reason,
    code
from convergence_pairs
where case_id in (select unnest($case_ids))
order by case_id, theme_id, order_a, order_b

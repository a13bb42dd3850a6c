-- Completeness (Farmer et al.): what each source contributes that no other does.
select
    case_id,
    theme_id as theme,
    source,
    stance,
    n_unique_claims,
    array_to_string(unique_claims, '; ') as unique_claims,
    array_to_string(unique_examples, '; ') as unique_examples,
    only_source_speaking
from completeness
order by case_id, theme_order, source_order

-- Case classification for export, lists joined with "; ". basis: what the
-- classification's outcome verdicts rest on; provisional and to_review: whether
-- (and through how many machine readings) it rests on unreviewed suggestions.
-- dissonances_held_back: themes whose dissonance waits for review (decision 0137).
select
    case_id,
    classification,
    basis.classification_basis as basis,
    basis.classification_provisional as provisional,
    basis.classification_to_review as to_review,
    n_outcomes_achieved,
    array_to_string(outcomes_achieved, '; ') as outcomes_achieved,
    n_activities_delivered,
    array_to_string(activities_delivered, '; ') as activities_delivered,
    array_to_string(mechanisms_active, '; ') as mechanisms_active,
    array_to_string(facilitators, '; ') as facilitators,
    array_to_string(barriers, '; ') as barriers,
    n_dissonances,
    basis.n_held_back_dissonances as dissonances_held_back,
    n_partial_agreements,
    n_agreements,
    n_silences
from case_classification
left join case_basis as basis using (case_id)
order by case_id

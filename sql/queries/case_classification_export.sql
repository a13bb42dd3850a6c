-- Case classification for export, lists joined with "; ".
select
    case_id,
    classification,
    n_outcomes_achieved,
    array_to_string(outcomes_achieved, '; ') as outcomes_achieved,
    n_activities_delivered,
    array_to_string(activities_delivered, '; ') as activities_delivered,
    array_to_string(mechanisms_active, '; ') as mechanisms_active,
    array_to_string(facilitators, '; ') as facilitators,
    array_to_string(barriers, '; ') as barriers,
    n_dissonances,
    n_partial_agreements,
    n_agreements,
    n_silences
from case_classification
order by case_id

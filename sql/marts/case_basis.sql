-- Per case: how its readings stand (coded, reviewed, machine-read: suggested or
-- unclear), how many of its verdicts are provisional, and whether the
-- classification is: it counts achieved outcome themes, so it is provisional
-- when any outcome theme's verdict rests on an unreviewed machine reading.
-- n_held_back_dissonances: themes with a dissonance held back for review and no
-- dissonance published; n_held_back_fits: discordant fits held back (decision 0137).
with verdicts as (
    select * from verdict_basis
)

select
    case_id,
    sum(n_readings)::integer as n_readings,
    sum(n_coded)::integer as n_coded,
    sum(n_reviewed)::integer as n_reviewed,
    sum(n_machine_read)::integer as n_machine_read,
    sum(n_machine_read) filter (where provisional)::integer as n_to_review,
    count(*) filter (where convergence_provisional) as n_provisional_codes,
    count(*) filter (where fit_provisional) as n_provisional_fits,
    count(*) filter (where provisional) as n_provisional_verdicts,
    count(*) filter (where convergence_provisional and convergence_code = 'dissonance')
        as n_provisional_dissonances,
    coalesce(bool_or(verdict_provisional) filter (where kind = 'outcome'), false)
        as classification_provisional,
    coalesce(sum(n_machine_read) filter (where kind = 'outcome' and verdict_provisional), 0)::integer
        as classification_to_review,
    nullif(
        concat_ws(
            '+',
            case when sum(n_coded) filter (where kind = 'outcome') > 0 then 'coded' end,
            case when sum(n_reviewed) filter (where kind = 'outcome') > 0 then 'reviewed' end,
            case when sum(n_suggested) filter (where kind = 'outcome') > 0 then 'suggested' end,
            case when sum(n_unclear) filter (where kind = 'outcome') > 0 then 'unclear' end,
            case when bool_or(basis like '%survey%') filter (where kind = 'outcome') then 'survey' end
        ),
        ''
    ) as classification_basis,
    count(*) filter (where n_held_back > 0 and convergence_code <> 'dissonance') as n_held_back_dissonances,
    count(*) filter (where fit_held_back) as n_held_back_fits
from verdicts
group by case_id
order by case_id

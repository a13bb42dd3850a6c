-- What establishes each stance the interviews state, per case and theme: for
-- each speaking informant role (source = the role) and for the speaking roles
-- together (source is null: what the interviews' consensus rests on).
-- n_confirmed: the coded or reviewed readings carrying the stance; n_machine:
-- the machine suggestions carrying it, not counting those below
-- rules.min_suggestion_confidence (low_confidence) or those the reader
-- abstained on ("unclear" is no stance, nor is "not_stated").
-- established: the one rule of decision 0137. A stance is established by a
-- coded or reviewed reading, or by at least rules.min_machine_readings machine
-- suggestions; one that is not can hold back a dissonance (int_source_basis,
-- per role) or a discordant fit (int_qualitative_consensus, the roles together)
-- for review, as a single misread excerpt would otherwise publish one.
with rules as (
    select min_machine_readings from cfg_rules
),

speaking as (
    select case_id, theme_id, source
    from int_source_stances
    where source_kind = 'informant' and stance not in ('silent', 'not_interviewed', 'withdrawn')
),

readings as (
    select
        excerpts.case_id,
        excerpts.theme_id,
        excerpts.role as source,
        excerpts.stance,
        excerpts.basis,
        excerpts.low_confidence
    from stg_excerpts as excerpts
    inner join speaking
        on speaking.case_id = excerpts.case_id
        and speaking.theme_id = excerpts.theme_id
        and speaking.source = excerpts.role
    where excerpts.stance not in ('not_stated', 'unclear')
),

counted as (
    select
        case_id,
        theme_id,
        source,
        stance,
        count(*) filter (where basis in ('coded', 'reviewed')) as n_confirmed,
        count(*) filter (where basis = 'suggested' and not low_confidence) as n_machine
    from readings
    group by grouping sets ((case_id, theme_id, source, stance), (case_id, theme_id, stance))
)

select
    counted.*,
    n_confirmed > 0 or n_machine >= rules.min_machine_readings as established
from counted
cross join rules

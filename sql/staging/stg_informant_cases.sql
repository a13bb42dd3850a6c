-- Which informant was asked about which case: a person covers a case when the
-- roster lists the case for them and they have at least one interview.
-- Withdrawn informants are kept here (by id only) so that their source can be
-- shown as withdrawn (absent), never as silent.
with persons as (
    select * from raw_persons
),

person_cases as (
    select * from raw_person_cases
),

interviewed as (
    select distinct person_id from raw_interviews
),

covering as (
    select
        person_cases.case_id,
        persons.person_id,
        persons.role,
        persons.status
    from person_cases
    inner join persons using (person_id)
    where persons.person_id in (select person_id from interviewed)
)

select * from covering

-- Which informant was asked about which case: a person covers a case when the
-- roster lists the case for them and they have at least one interview.
-- A withdrawn informant has no row in raw_persons (decision 0384): their role is
-- then "not interviewed" where they were its only informant. A `withdrawn`
-- status, should a frame ever hold one, still shows as absent, never silent.
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

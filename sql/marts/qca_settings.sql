-- grain: cross-case (rebuilt whole from the case marts each run; flows/incremental.py)
-- Settings of the crisp-set QCA (docs/qca.md), one row. Each is read from the
-- study's rules (cfg_rules) when they carry the key, else it takes its default:
--   consistency_threshold    (rules.qca_consistency_threshold, default 1.0): a
--       configuration's outcome is 1 when at least this share of its cases
--       achieved outcomes;
--   consistency_threshold_0  (rules.qca_consistency_threshold_0, default 0.0):
--       its outcome is 0 when at most this share did; in between it is
--       contradictory (C);
--   min_cases                (rules.qca_min_cases, default 1): a configuration
--       with fewer cases is treated as a remainder (R);
--   min_activities           (rules.qca_min_activities, default 2): the activity
--       condition is "at least this many activities delivered";
--   conditions               (rules.qca_condition_ids, default none): theme ids
--       (and the activity condition's name) to use, in that order; none means
--       every context theme in theme order, then the activity condition.
-- Keys the rules do not carry read as NULL here, so a study file without them
-- runs with the defaults.
with rules as (
    select to_json(cfg_rules) as rules_json from cfg_rules
),

settings as (
    select
        coalesce(try_cast(rules_json ->> 'qca_consistency_threshold' as double), 1.0)
            as consistency_threshold,
        coalesce(try_cast(rules_json ->> 'qca_consistency_threshold_0' as double), 0.0)
            as consistency_threshold_0,
        coalesce(try_cast(rules_json ->> 'qca_min_cases' as integer), 1) as min_cases,
        coalesce(try_cast(rules_json ->> 'qca_min_activities' as integer), 2) as min_activities,
        from_json(rules_json -> 'qca_condition_ids', '["VARCHAR"]') as conditions
    from rules
),

checked as (
    select *
    from settings
    where case
        when not (consistency_threshold_0 < consistency_threshold and consistency_threshold <= 1
                  and consistency_threshold_0 >= 0)
            then error('rules.qca_consistency_threshold_0 must be at least 0 and below '
                       || 'rules.qca_consistency_threshold, which must be at most 1')
        when min_cases < 1 then error('rules.qca_min_cases must be at least 1')
        when min_activities < 1 then error('rules.qca_min_activities must be at least 1')
        else true
    end
)

select * from checked

"""Hand-written SQL mutants: one or more for every CASE branch in sql/marts/ and
sql/intermediate/ (each WHEN and each ELSE that decides a value).

Each mutant is (file, the exact text to replace, its replacement, what the bug
would mean). The text must occur exactly once in the file, so a mutant can never
silently edit nothing; `run_mutants.py` checks that before running anything.
The first five of convergence_pairs/convergence/fit are the regressions issue #19
names (examples ignored, not_stated no longer silence, partial outranking
dissonance, expansion -> confirmation, no_evidence -> not_compared).
"""

from __future__ import annotations

from typing import NamedTuple


class SqlMutant(NamedTuple):
    file: str
    old: str
    new: str
    meaning: str


PAIRS = "sql/marts/convergence_pairs.sql"
CONV = "sql/marts/convergence.sql"
FIT = "sql/marts/fit.sql"
VERD = "sql/marts/case_theme_verdicts.sql"
CLASS = "sql/marts/case_classification.sql"
QSET = "sql/marts/qca_condition_set.sql"
QMEM = "sql/marts/qca_memberships.sql"
QSETT = "sql/marts/qca_settings.sql"
QTT = "sql/marts/qca_truth_table.sql"
INF = "sql/intermediate/int_informant_stances.sql"
SRC = "sql/intermediate/int_source_stances.sql"
CONS = "sql/intermediate/int_qualitative_consensus.sql"
DOM = "sql/intermediate/int_survey_domain_stances.sql"
DELTA = "sql/intermediate/int_survey_item_deltas.sql"
BASIS = "sql/intermediate/int_source_basis.sql"
SUPPORT = "sql/intermediate/int_stance_support.sql"
VBASIS = "sql/marts/verdict_basis.sql"

MUTANTS: list[SqlMutant] = [
    # ---------------------------------------------------------------- convergence_pairs
    SqlMutant(
        PAIRS,
        "when meaning_agrees and examples_agree then 'agreement'",
        "when meaning_agrees then 'agreement'",
        "examples ignored when meanings agree",
    ),
    SqlMutant(
        PAIRS,
        "when 'not_stated' in (stance_a, stance_b) or 'unclear' in (stance_a, stance_b) then 'silence'",
        "when 'unclear' in (stance_a, stance_b) then 'silence'",
        "not_stated no longer counts as silence",
    ),
    SqlMutant(
        PAIRS,
        "when 'not_stated' in (stance_a, stance_b) or 'unclear' in (stance_a, stance_b) then 'silence'",
        "when 'not_stated' in (stance_a, stance_b) then 'silence'",
        "a source the reader abstained on (unclear) no longer counts as silence",
    ),
    SqlMutant(
        PAIRS,
        "when not both_speak then 'silence'",
        "when not both_speak then 'dissonance'",
        "one source silent coded dissonance",
    ),
    SqlMutant(
        PAIRS,
        "when not examples_judged then case when meaning_agrees then 'agreement' else 'dissonance' end",
        "when not examples_judged then 'partial_agreement'",
        "pairs without examples coded partial agreement",
    ),
    SqlMutant(
        PAIRS,
        "case when meaning_agrees then 'agreement' else 'dissonance' end",
        "case when meaning_agrees then 'agreement' else 'silence' end",
        "disagreeing pair without examples coded silence",
    ),
    SqlMutant(
        PAIRS,
        "when meaning_agrees or examples_agree then 'partial_agreement'",
        "when meaning_agrees then 'partial_agreement'",
        "a shared example with differing meanings no longer partial agreement",
    ),
    SqlMutant(
        PAIRS,
        "            else 'dissonance'\n        end as judged_code",
        "            else 'partial_agreement'\n        end as judged_code",
        "neither meaning nor example agreeing coded partial agreement",
    ),
    SqlMutant(
        PAIRS,
        "stance_a = stance_b and stance_a not in ('mixed', 'not_stated', 'unclear') as meaning_agrees",
        "stance_a = stance_b and stance_a not in ('not_stated', 'unclear') as meaning_agrees",
        "two mixed sources taken to agree in meaning",
    ),
    SqlMutant(
        PAIRS,
        "stance_a = stance_b and stance_a not in ('mixed', 'not_stated', 'unclear') as meaning_agrees",
        "stance_a = stance_b and stance_a not in ('mixed', 'not_stated') as meaning_agrees",
        "two unclear sources taken to agree in meaning",
    ),
    SqlMutant(
        PAIRS,
        "case when both_speak then meaning_agrees end as meaning_agrees",
        "meaning_agrees",
        "meaning judged for a pair with a silent source",
    ),
    SqlMutant(
        PAIRS,
        "case when both_speak and examples_judged then examples_agree end as examples_agree",
        "case when both_speak then examples_agree end as examples_agree",
        "examples judged when one source names none",
    ),
    SqlMutant(
        PAIRS,
        "case when held_back_reason is not null then 'silence' else judged_code end as code",
        "judged_code as code",
        "a dissonance held back for review (low confidence, one machine reading) published",
    ),
    SqlMutant(
        PAIRS,
        "when judged_code <> 'dissonance' then null",
        "when false then null",
        "any pair with a weak side held back and coded silence, not only a dissonance",
    ),
    SqlMutant(
        PAIRS,
        "held_back_reason is not null as held_back",
        "false as held_back",
        "a held-back dissonance not marked held_back (the dossier cannot say why)",
    ),
    SqlMutant(
        PAIRS,
        "when low_confidence_side then 'low_confidence'",
        "when false then 'low_confidence'",
        "a low-confidence hold-back given the wrong reason",
    ),
    SqlMutant(
        PAIRS,
        "when few_readings_side then 'few_machine_readings'",
        "when false then 'few_machine_readings'",
        "a dissonance resting on a single machine reading published (decision 0137)",
    ),
    SqlMutant(
        PAIRS,
        "a.provisional or b.provisional as provisional",
        "a.provisional and b.provisional as provisional",
        "a pair provisional only when both sides rest on unreviewed machine readings",
    ),
    SqlMutant(
        PAIRS,
        "case when stances.source_kind = 'survey' then 'survey' else basis.basis end as basis",
        "basis.basis as basis",
        "the survey side of a pair has no basis",
    ),
    # ---------------------------------------------------------------- convergence
    SqlMutant(
        CONV,
        "when coalesce(n_dissonant_pairs, 0) > 0 then 'dissonance'\n            when coalesce(n_partial_pairs, 0) > 0 then 'partial_agreement'",
        "when coalesce(n_partial_pairs, 0) > 0 then 'partial_agreement'\n            when coalesce(n_dissonant_pairs, 0) > 0 then 'dissonance'",
        "partial agreement outranks dissonance",
    ),
    SqlMutant(
        CONV,
        "when coalesce(n_dissonant_pairs, 0) > 0 then 'dissonance'",
        "when coalesce(n_dissonant_pairs, 0) > 1 then 'dissonance'",
        "one dissonant pair no longer enough",
    ),
    SqlMutant(
        CONV,
        "when coalesce(n_agreeing_pairs, 0) > 0 then 'agreement'\n            when coalesce(n_silent_pairs, 0) > 0 then 'silence'",
        "when coalesce(n_silent_pairs, 0) > 0 then 'silence'\n            when coalesce(n_agreeing_pairs, 0) > 0 then 'agreement'",
        "silence outranks agreement",
    ),
    SqlMutant(
        CONV,
        "when coalesce(n_partial_pairs, 0) > 0 then 'partial_agreement'",
        "when coalesce(n_partial_pairs, 0) > 0 then 'agreement'",
        "partial agreement coded agreement",
    ),
    SqlMutant(
        CONV,
        "when coalesce(n_silent_pairs, 0) > 0 then 'silence'",
        "when coalesce(n_silent_pairs, 0) > 0 then 'no_evidence'",
        "silence coded no evidence",
    ),
    SqlMutant(
        CONV,
        "when n_sources_speaking = 0 then 'no_evidence'",
        "when n_sources_speaking = 0 then 'not_compared'",
        "no_evidence turned into not_compared",
    ),
    SqlMutant(
        CONV,
        "            else 'not_compared'\n        end as code",
        "            else 'no_evidence'\n        end as code",
        "not_compared turned into no_evidence",
    ),
    # ---------------------------------------------------------------- fit
    SqlMutant(
        FIT,
        "when survey.stance = 'not_asked' then 'not_asked'",
        "when survey.stance = 'not_asked' then 'no_qualitative_evidence'",
        "theme without survey items gets a fit",
    ),
    SqlMutant(
        FIT,
        "when survey.stance = 'not_computable' then 'not_computable'",
        "when survey.stance = 'not_computable' then 'discordance'",
        "survey not computable judged discordant",
    ),
    SqlMutant(
        FIT,
        "when qualitative.stance is null then 'no_qualitative_evidence'",
        "when qualitative.stance is null then 'discordance'",
        "no interview evidence judged discordant",
    ),
    SqlMutant(
        FIT,
        "when qualitative.stance in ('mixed', 'not_stated', 'unclear') then 'expansion'",
        "when qualitative.stance in ('mixed', 'not_stated', 'unclear') then 'discordance'",
        "mixed, unstated or unclear interviews judged discordant",
    ),
    SqlMutant(
        FIT,
        "when qualitative.stance in ('mixed', 'not_stated', 'unclear') then 'expansion'",
        "when qualitative.stance in ('mixed', 'not_stated') then 'expansion'",
        "unclear interviews judged discordant",
    ),
    SqlMutant(
        FIT,
        "when qualitative.stance <> survey.stance then 'discordance'",
        "when qualitative.stance <> survey.stance then 'expansion'",
        "contradicting interviews judged expansion",
    ),
    SqlMutant(
        FIT,
        "then 'confirmation'\n            else 'expansion'",
        "then 'confirmation'\n            else 'confirmation'",
        "expansion turned into confirmation",
    ),
    SqlMutant(
        FIT,
        "when len(qualitative.examples) = 0 or len(list_intersect(qualitative.examples, survey.examples)) > 0",
        "when len(list_intersect(qualitative.examples, survey.examples)) > 0",
        "interviews naming no example no longer confirm",
    ),
    # ---------------------------------------------------------------- informant stances
    SqlMutant(
        INF,
        "order by (stance = 'unclear'), (stance = 'not_stated'), n desc",
        "order by (stance = 'unclear'), n desc",
        "not_stated outvotes a stated stance",
    ),
    SqlMutant(
        INF,
        "order by (stance = 'unclear'), (stance = 'not_stated'), n desc",
        "order by (stance = 'not_stated'), n desc",
        "unclear (the reader abstained) outvotes a stated stance",
    ),
    SqlMutant(
        INF,
        "case when count(*) > 1 then 'mixed' else any_value(stance) end as stance\n    from ranked",
        "min(stance) as stance\n    from ranked",
        "an informant's tie no longer mixed",
    ),
    SqlMutant(
        INF,
        "when grid.status = 'withdrawn' then 'withdrawn'",
        "when grid.status = 'withdrawn' then 'silent'",
        "a withdrawn informant counted silent (staging already drops their excerpts)",
    ),
    SqlMutant(
        INF,
        "when informant_stance.stance is null then 'silent'",
        "when informant_stance.stance is null then 'not_stated'",
        "an informant who never speaks to a theme counted not_stated",
    ),
    # ---------------------------------------------------------------- source stances
    SqlMutant(
        SRC,
        "when role_stance.source is null then 'not_interviewed'",
        "when role_stance.source is null then 'silent'",
        "a role never interviewed counted silent",
    ),
    SqlMutant(
        SRC,
        "when role_stance.all_withdrawn then 'withdrawn'",
        "when role_stance.all_withdrawn then 'silent'",
        "a withdrawn role counted silent",
    ),
    SqlMutant(
        SRC,
        "when len(role_stance.spoken) = 0 and role_stance.any_unclear then 'unclear'",
        "when len(role_stance.spoken) = 0 and role_stance.any_unclear then 'silent'",
        "a role whose only readings are unclear counted silent",
    ),
    SqlMutant(
        SRC,
        "filter (where stance not in ('silent', 'withdrawn', 'unclear'))",
        "filter (where stance not in ('silent', 'withdrawn'))",
        "an unclear informant makes the role mixed when another informant states a stance",
    ),
    SqlMutant(
        SRC,
        "when len(role_stance.spoken) = 0 then 'silent'",
        "when len(role_stance.spoken) = 0 then 'not_interviewed'",
        "a silent role counted not interviewed",
    ),
    SqlMutant(
        SRC,
        "when len(role_stance.spoken) = 1 then role_stance.spoken[1]",
        "when len(role_stance.spoken) >= 1 then role_stance.spoken[1]",
        "two informants disagreeing take the first stance",
    ),
    SqlMutant(
        SRC,
        "            else 'mixed'\n        end as stance,\n        coalesce(role_stance.n_informants",
        "            else 'no_change'\n        end as stance,\n        coalesce(role_stance.n_informants",
        "disagreeing informants of a role not mixed",
    ),
    SqlMutant(
        SRC,
        "when themes.survey_domain is null then 'not_asked'",
        "when themes.survey_domain is null then 'silent'",
        "survey without items counted silent",
    ),
    SqlMutant(
        SRC,
        "else coalesce(domains.stance, 'not_computable')",
        "else coalesce(domains.stance, 'no_change')",
        "uncomputable survey counted no change",
    ),
    # ---------------------------------------------------------------- qualitative consensus
    SqlMutant(
        CONS,
        "case when count(*) > 1 then 'mixed' else any_value(stance) end as stance",
        "min(stance) as stance",
        "a tie between roles no longer mixed",
    ),
    SqlMutant(
        CONS,
        "where stance not in ('mixed', 'not_stated', 'unclear')\n",
        "where stance not in ('mixed', 'unclear')\n",
        "not_stated roles vote in the consensus",
    ),
    SqlMutant(
        CONS,
        "where stance not in ('mixed', 'not_stated', 'unclear')\n",
        "where stance not in ('mixed', 'not_stated')\n",
        "unclear roles vote in the consensus",
    ),
    SqlMutant(
        CONS,
        "when evidence.any_not_stated then 'not_stated'",
        "when evidence.any_not_stated then 'mixed'",
        "roles speaking without a direction make the consensus mixed",
    ),
    SqlMutant(
        CONS,
        "when evidence.any_unclear then 'unclear'",
        "when evidence.any_unclear then 'mixed'",
        "roles the reader abstained on make the consensus mixed",
    ),
    # The consensus's final `else 'mixed'` is unreachable: a role that speaks casts a
    # vote unless it is not_stated or unclear (a mixed role always has stated stances
    # behind it and casts split votes), so with no top stance one of the two branches
    # before it applies, and a mutant of the else alone is equivalent. Its mutant
    # is on the same fall-through instead: the two branches swapped, which changes
    # a case where one role is not_stated and another unclear (C21).
    SqlMutant(
        CONS,
        "            when evidence.any_not_stated then 'not_stated'\n"
        "            when evidence.any_unclear then 'unclear'",
        "            when evidence.any_unclear then 'unclear'\n"
        "            when evidence.any_not_stated then 'not_stated'",
        "a role the reader abstained on outranks one speaking without a direction",
    ),
    # ---------------------------------------------------------------- survey items and domains
    SqlMutant(
        DELTA,
        "(followup_exact - baseline_exact) * case when better = 'higher' then 1 else -1 end as signed_exact",
        "(followup_exact - baseline_exact) as signed_exact",
        "signed delta ignores which direction is better",
    ),
    SqlMutant(
        DELTA,
        "when baseline_exact is null or followup_exact is null then 'not_computable'",
        "when (baseline_exact is null) <> (followup_exact is null) then 'not_computable'",
        "an item unanswered at both waves counted no change",
    ),
    SqlMutant(
        DELTA,
        "when baseline_exact is null or followup_exact is null then 'not_computable'",
        "when followup_exact is null then 'not_computable'",
        "missing baseline counted no change",
    ),
    SqlMutant(
        DELTA,
        "when baseline_exact is null or followup_exact is null then 'not_computable'",
        "when baseline_exact is null then 'not_computable'",
        "missing follow-up counted no change",
    ),
    SqlMutant(
        DELTA,
        "when signed_exact >= mcid_exact then 'improved'",
        "when signed_exact > mcid_exact then 'improved'",
        "a change of exactly the mcid no longer counts",
    ),
    SqlMutant(
        DELTA,
        "when signed_exact <= -mcid_exact then 'worsened'",
        "when signed_exact < -mcid_exact then 'worsened'",
        "a worsening of exactly the mcid no longer counts",
    ),
    SqlMutant(
        DELTA,
        "            else 'no_change'\n        end as direction",
        "            else 'improved'\n        end as direction",
        "a change below the mcid counted improved",
    ),
    SqlMutant(
        DELTA,
        "max(cast(survey.value as decimal(38, 10))) filter (where survey.wave = 'baseline')",
        "max(cast(survey.value as double)) filter (where survey.wave = 'baseline')",
        "delta in binary floating point: 16.4 -> 15.4 falls short of a 1.0 mcid",
    ),
    SqlMutant(
        DELTA,
        "when baseline_exact is null and followup_exact is null then 'no answer at either wave'",
        "when baseline_exact is null and followup_exact is null then 'baseline answer missing'",
        "reason for an item unanswered at both waves",
    ),
    SqlMutant(
        DELTA,
        "when baseline_exact is null then 'baseline answer missing'",
        "when baseline_exact is null then 'follow-up answer missing'",
        "reason for a missing baseline",
    ),
    SqlMutant(
        DELTA,
        "when followup_exact is null then 'follow-up answer missing'",
        "when followup_exact is null then null",
        "reason for a missing follow-up",
    ),
    SqlMutant(
        DOM,
        "when n_computable = 0 then 'not_computable'",
        "when n_computable = 0 then 'no_change'",
        "a domain with nothing computable counted no change",
    ),
    SqlMutant(
        DOM,
        "when n_improved > 0 and n_worsened = 0 then 'improved'",
        "when n_improved > 0 then 'improved'",
        "a domain with items improved and worsened counted improved",
    ),
    SqlMutant(
        DOM,
        "when n_worsened > 0 and n_improved = 0 then 'worsened'",
        "when n_worsened > 0 and n_improved = 0 then 'no_change'",
        "a worsened domain counted no change",
    ),
    SqlMutant(
        DOM,
        "when n_worsened > 0 and n_improved > 0 then 'mixed'",
        "when n_worsened > 0 and n_improved > 0 then 'no_change'",
        "a mixed domain counted no change",
    ),
    SqlMutant(
        DOM,
        "            else 'no_change'\n        end as stance",
        "            else 'improved'\n        end as stance",
        "an unchanged domain counted improved",
    ),
    # ---------------------------------------------------------------- verdicts and classification
    SqlMutant(
        VERD,
        "            when grid.kind <> 'outcome' then null\n            when survey.stance = 'improved'\n                then coalesce",
        "            when grid.kind <> 'outcome' then false\n            when survey.stance = 'improved'\n                then coalesce",
        "non-outcome themes get an outcome verdict",
    ),
    SqlMutant(
        VERD,
        "then coalesce(qualitative.n_roles_improved, 0) >= rules.min_roles_corroborating",
        "then true",
        "survey improvement needs no corroboration",
    ),
    SqlMutant(
        VERD,
        "and coalesce(qualitative.n_roles_not_improved, 0) = 0\n",
        "\n",
        "without a survey, a role saying not improved no longer blocks",
    ),
    SqlMutant(
        VERD,
        "and coalesce(qualitative.n_roles_improved, 0) >= rules.min_roles_without_survey",
        "and coalesce(qualitative.n_roles_improved, 0) >= rules.min_roles_corroborating",
        "without a survey, one role enough",
    ),
    SqlMutant(
        VERD,
        "then rules.min_roles_without_survey > 0\n                    and ",
        "then ",
        "min_roles_without_survey = 0 no longer switches the no-survey route off",
    ),
    SqlMutant(
        VERD,
        "            else false\n        end as outcome_achieved",
        "            else true\n        end as outcome_achieved",
        "survey no change or worse counted achieved",
    ),
    SqlMutant(
        VERD,
        "            when grid.kind <> 'outcome' then null\n            when survey.stance = 'improved' and",
        "            when grid.kind <> 'outcome' then 'not an outcome'\n            when survey.stance = 'improved' and",
        "reason given for non-outcome themes",
    ),
    SqlMutant(
        VERD,
        "then 'survey improved, corroborated by '",
        "then 'survey improved, backed by '",
        "reason for a corroborated improvement",
    ),
    SqlMutant(
        VERD,
        "then 'survey improved, but no informant role corroborates it'",
        "then 'survey improved'",
        "reason for an uncorroborated improvement",
    ),
    SqlMutant(
        VERD,
        "when survey.stance in ('not_asked', 'not_computable') and rules.min_roles_without_survey = 0\n",
        "when false\n",
        "reason when the study file accepts no outcome without a survey",
    ),
    SqlMutant(
        VERD,
        "then 'no survey evidence; '",
        "then 'no survey; '",
        "reason without survey evidence",
    ),
    SqlMutant(
        VERD,
        "else 'survey shows ' || replace(survey.stance, '_', ' ')",
        "else 'survey shows ' || survey.stance",
        "reason when the survey shows no improvement",
    ),
    SqlMutant(
        CLASS,
        "when case_summary.n_outcomes_achieved >= rules.min_outcome_themes then 'outcomes achieved'",
        "when case_summary.n_outcomes_achieved > rules.min_outcome_themes then 'outcomes achieved'",
        "exactly the minimum outcome themes no longer achieves",
    ),
    SqlMutant(
        CLASS,
        "else 'outcomes not achieved'",
        "else 'outcomes achieved'",
        "every case classified as achieving",
    ),
    SqlMutant(
        CLASS,
        "count(*) filter (where outcome_achieved and counts_as_outcome) as n_outcomes_achieved",
        "count(*) filter (where outcome_achieved) as n_outcomes_achieved",
        "outcome themes the study does not count (counts_as_outcome = false) count",
    ),
    SqlMutant(
        CLASS,
        "filter (where outcome_achieved and not counts_as_outcome)",
        "filter (where not counts_as_outcome)",
        "uncounted outcome themes listed as achieved when they are not",
    ),
    # ---------------------------------------------------------------- basis and provisional
    SqlMutant(
        BASIS,
        "coalesce(counts.n_suggested + counts.n_unclear, 0) > 0 as provisional",
        "coalesce(counts.n_suggested, 0) > 0 as provisional",
        "a source resting on unclear machine readings not provisional",
    ),
    SqlMutant(
        BASIS,
        "case when counts.n_unclear > 0 then 'unclear' end",
        "null",
        "unclear readings left out of a source's basis",
    ),
    SqlMutant(
        BASIS,
        "when coalesce(counts.n_low_confidence, 0) = 0 then false",
        "when coalesce(counts.n_low_confidence, 0) = 0 then true",
        "a source without low-confidence readings taken as low-confidence only",
    ),
    SqlMutant(
        BASIS,
        "when sources.stance = 'mixed' then counts.n_firm_stances <= 1",
        "when sources.stance = 'mixed' then false",
        "a mixed source conflicting only through a low-confidence suggestion not held back",
    ),
    SqlMutant(
        BASIS,
        "else coalesce(by_stance.n_firm, 0) = 0 and by_stance.stance is not null",
        "else false",
        "a stance resting on low-confidence suggestions alone not held back",
    ),
    # decision 0137's rule, written once in int_stance_support (more at the end)
    SqlMutant(
        SUPPORT,
        "n_confirmed > 0 or n_machine >= rules.min_machine_readings as established",
        "n_confirmed > 0 or n_machine > rules.min_machine_readings as established",
        "min_machine_readings machine readings not enough to establish a stance (off by one)",
    ),
    SqlMutant(
        SUPPORT,
        "n_confirmed > 0 or n_machine >= rules.min_machine_readings as established",
        "n_machine >= rules.min_machine_readings as established",
        "a coded or reviewed stance held back as resting on too few machine readings",
    ),
    SqlMutant(
        BASIS,
        "when sources.stance = 'mixed' then coalesce(n_established.n_established_stances, 0) <= 1",
        "when sources.stance = 'mixed' then false",
        "a mixed source conflicting only through one machine reading not held back",
    ),
    SqlMutant(
        BASIS,
        "else support.stance is not null and not support.established",
        "else false",
        "a stance resting on one machine reading not held back",
    ),
    SqlMutant(
        CONS,
        "        coalesce(top_stance.stance, 'mixed') <> 'mixed'\n        and not",
        "        false\n        and not",
        "an interviews' consensus on one machine reading taken as established",
    ),
    SqlMutant(
        CONS,
        "    where source is null\n",
        "    where source is not null\n",
        "a consensus established only by one role's readings alone, not the roles' together",
    ),
    SqlMutant(
        FIT,
        "case when judged_fit = 'discordance' and few_machine_readings then 'expansion' else judged_fit end as fit",
        "judged_fit as fit",
        "a discordant fit resting on one machine reading published",
    ),
    SqlMutant(
        FIT,
        "judged_fit = 'discordance' and few_machine_readings as fit_held_back",
        "false as fit_held_back",
        "a held-back discordant fit not marked (the dossier cannot say why)",
    ),
    SqlMutant(
        VBASIS,
        "when n_held_back > 0 then 1",
        "when n_held_back > 0 then 4",
        "the readings behind a held-back dissonance not reviewed first",
    ),
    SqlMutant(
        VBASIS,
        "when fit_held_back then 2",
        "when fit_held_back then 4",
        "the readings behind a held-back discordant fit not reviewed second",
    ),
    SqlMutant(
        VBASIS,
        "when convergence_provisional and convergence_code = 'dissonance' then 1",
        "when convergence_provisional and convergence_code = 'dissonance' then 4",
        "a provisional dissonance no longer reviewed first",
    ),
    SqlMutant(
        VBASIS,
        "when convergence_provisional or fit_provisional or verdict_provisional then 4",
        "when false then 4",
        "other provisional verdicts get no review rank",
    ),
    # ---------------------------------------------------------------- QCA
    SqlMutant(
        QSET,
        "case when themes.kind = 'context' then 'facilitator' else 'present' end as member_stance",
        "case when themes.kind = 'context' then 'barrier' else 'present' end as member_stance",
        "context condition membership from barriers",
    ),
    SqlMutant(
        QSET,
        "else 'present' end as member_stance",
        "else 'absent' end as member_stance",
        "activity condition membership from absence",
    ),
    SqlMutant(
        QSET,
        "then '1 = facilitator by interview consensus; 0 = barrier, mixed or no evidence'",
        "then '1 = present by interview consensus; 0 = absent, mixed or no evidence'",
        "membership rule text for context conditions",
    ),
    SqlMutant(
        QSET,
        "else '1 = present by interview consensus; 0 = absent, mixed or no evidence'",
        "else '1 = facilitator by interview consensus; 0 = barrier, mixed or no evidence'",
        "membership rule text for other conditions",
    ),
    SqlMutant(
        QSET,
        "when settings.conditions is null then candidates.default_order",
        "when settings.conditions is null then -candidates.default_order",
        "default condition order reversed",
    ),
    SqlMutant(
        QSET,
        "else list_position(settings.conditions, candidates.condition)",
        "else -list_position(settings.conditions, candidates.condition)",
        "chosen condition order reversed",
    ),
    SqlMutant(
        QSET,
        "when settings.conditions is null then candidates.kind in ('context', 'activity_count')",
        "when settings.conditions is null then candidates.kind in ('context')",
        "default conditions lose the activity condition",
    ),
    SqlMutant(
        QSET,
        "else list_contains(settings.conditions, candidates.condition)",
        "else true",
        "chosen conditions ignored",
    ),
    SqlMutant(
        QSET,
        "when unknown.names is not null\n",
        "when false\n",
        "unknown condition ids accepted",
    ),
    SqlMutant(
        QSET,
        "when reserved.names is not null\n",
        "when false\n",
        "reserved condition names accepted",
    ),
    SqlMutant(
        QSET,
        "when (select count(*) from chosen) = 0\n",
        "when false\n",
        "an empty condition set accepted",
    ),
    SqlMutant(
        QMEM,
        "case when verdicts.qualitative_stance = conditions.member_stance then 1 else 0 end as value",
        "case when verdicts.qualitative_stance <> 'no_evidence' then 1 else 0 end as value",
        "any evidence makes a theme condition 1",
    ),
    SqlMutant(
        QMEM,
        "case when classification.n_activities_delivered >= settings.min_activities then 1 else 0 end",
        "case when classification.n_activities_delivered > settings.min_activities then 1 else 0 end",
        "exactly the minimum activities no longer 1",
    ),
    SqlMutant(
        QSETT,
        "            then error('rules.qca_consistency_threshold_0 must be",
        "            then true or error('rules.qca_consistency_threshold_0 must be",
        "inconsistent thresholds accepted",
    ),
    SqlMutant(
        QSETT,
        "when min_cases < 1 then error('rules.qca_min_cases must be at least 1')",
        "when min_cases < 1 then true",
        "qca_min_cases below 1 accepted",
    ),
    SqlMutant(
        QSETT,
        "when min_activities < 1 then error('rules.qca_min_activities must be at least 1')",
        "when min_activities < 1 then true",
        "qca_min_activities below 1 accepted",
    ),
    SqlMutant(
        QTT,
        "when n < settings.min_cases then 'R'",
        "when n <= settings.min_cases then 'R'",
        "configurations with exactly min_cases coded remainder",
    ),
    SqlMutant(
        QTT,
        "when n_outcome / n >= settings.consistency_threshold then '1'",
        "when n_outcome / n > settings.consistency_threshold then '1'",
        "consistency exactly at the threshold no longer 1",
    ),
    SqlMutant(
        QTT,
        "when n_outcome / n <= settings.consistency_threshold_0 then '0'",
        "when n_outcome / n < settings.consistency_threshold_0 then '0'",
        "consistency exactly at threshold_0 no longer 0",
    ),
    SqlMutant(
        QTT,
        "            else 'C'\n        end as outcome_code",
        "            else '0'\n        end as outcome_code",
        "contradictory configurations coded 0",
    ),
    # ---------------------------------------------------------------- stance support
    # (more of int_stance_support's, after the two above; here so that the ids of
    # the mutants before them stay as they were)
    SqlMutant(
        SUPPORT,
        "n_confirmed > 0 or n_machine >= rules.min_machine_readings as established",
        "n_confirmed > 0 as established",
        "machine readings never establish a stance, however many",
    ),
    SqlMutant(
        SUPPORT,
        "count(*) filter (where basis = 'suggested' and not low_confidence) as n_machine",
        "count(*) filter (where basis = 'suggested') as n_machine",
        "low-confidence suggestions count towards min_machine_readings",
    ),
    SqlMutant(
        SUPPORT,
        "group by grouping sets ((case_id, theme_id, source, stance), (case_id, theme_id, stance))",
        "group by grouping sets ((case_id, theme_id, source, stance))",
        "no support over the roles together: every stated consensus held back",
    ),
]

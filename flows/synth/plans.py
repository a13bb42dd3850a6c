"""What each case is planned to be (true stances, survey changes, planted
conflicts, context), and which (theme, stance) passages each role's interview
carries."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from flows.synth.facts import (
    ACHIEVER_SHARE,
    INCOMES,
    ITEMS,
    OUTCOME_DOMAINS,
    PEER_CLAIM_SHARE,
    PM_LINKAGE_SHARE,
    TWO_SUPPORTERS,
    pick,
)
from flows.synth.people import NameBook, Person


@dataclass
class CasePlan:
    case_id: str
    peer: Person
    supporters: list[Person]
    manager: Person | None = None
    nurse: Person | None = None
    achieves: bool = False
    income: str = "state pension"
    stances: dict[str, str] = field(default_factory=dict)  # theme -> true stance
    item_deltas: dict[str, tuple[float, float]] = field(default_factory=dict)
    item_direction: dict[str, str] = field(default_factory=dict)
    domain_stance: dict[str, str] = field(default_factory=dict)
    peer_claim: str | None = None  # outcome theme the peer wrongly claims improved
    pm_linkage: bool = False
    context: dict[str, str] = field(default_factory=dict)


def _steps(value: float, step: float) -> list[float]:
    return [round(i * step, 2) for i in range(int(value / step) + 1)]


def _survey_pair(rng: random.Random, item: tuple, direction: str) -> tuple[float, float]:
    """Baseline and follow-up values whose signed change has the wanted direction."""
    _, _, _, better, mcid, low, high, step = item
    span = high - low
    if direction == "improved":
        signed = mcid + rng.choice(_steps(min(mcid * 1.5, span - mcid), step))
    elif direction == "worsened":
        signed = -(mcid + rng.choice(_steps(min(mcid * 1.5, span - mcid), step)))
    else:
        small = [s for s in _steps(mcid, step) if s < mcid]
        signed = rng.choice(small) * rng.choice((-1, 1))
    change = signed if better == "higher" else -signed
    lowest, highest = max(low, low - change), min(high, high - change)
    # baselines lean towards the unhealthy end of the scale, as in the demo
    options = _steps(highest - lowest, step)
    picks = (rng.choice(options), rng.choice(options))
    baseline = lowest + (min(picks) if better == "higher" else max(picks))
    baseline = round(baseline / step) * step
    followup = baseline + change
    return round(baseline, 2), round(followup, 2)


def plan_case(rng: random.Random, case_id: str, names: NameBook) -> CasePlan:
    female = rng.random() < 0.45
    peer = names.person(case_id, "peer", [case_id], female)
    n_sup = 2 if rng.random() < TWO_SUPPORTERS else 1
    supporters = [
        names.person(f"{case_id}-{'ab'[i]}", "supporter", [case_id], rng.random() < 0.55)
        for i in range(n_sup)
    ]
    plan = CasePlan(case_id, peer, supporters)
    plan.achieves = rng.random() < ACHIEVER_SHARE
    a = plan.achieves
    st = plan.stances
    plan.income = pick(
        rng,
        list(INCOMES),
        [4, 3, 2, 1] if a else [1, 3, 5, 1],
    )
    fin = INCOMES[plan.income][1] or pick(rng, ["facilitator", "barrier"])
    st["finances"] = fin
    # activities: social support always; achievers at least one more
    st["social_support"] = "present"
    if a:
        extra = pick(rng, [("daily_management",), ("healthcare_linkage",), ("both",)])[0]
        st["daily_management"] = "present" if extra in ("daily_management", "both") else "absent"
        st["healthcare_linkage"] = (
            "present" if extra in ("healthcare_linkage", "both") else "absent"
        )
    else:
        st["daily_management"] = "present" if rng.random() < 0.06 else "absent"
        st["healthcare_linkage"] = "present" if rng.random() < 0.04 else "absent"
    st["energy"] = ("facilitator" if rng.random() < 0.9 else "barrier") if a else "barrier"
    if not a and rng.random() < 0.1:
        st["energy"] = "facilitator"
    st["health_condition"] = (
        ("facilitator" if rng.random() < 0.7 else "barrier")
        if a
        else ("barrier" if rng.random() < 0.85 else "facilitator")
    )
    st["life_events"] = "facilitator" if rng.random() < (0.7 if a else 0.3) else "barrier"
    st["needs_readiness"] = "present" if (rng.random() < 0.92) == a else "absent"
    st["encouragement"] = "present" if (rng.random() < 0.9) == a else "absent"
    st["social_experience"] = "present" if rng.random() < 0.96 else "absent"
    st["self_care_awareness"] = "present" if rng.random() < 0.88 else "absent"

    # outcome domains: achievers improve in 1-3 domains, tied to their activities
    improved: list[str] = []
    if a:
        pool = []
        if st["daily_management"] == "present":
            pool += ["eating", "physical_activity"]
        if st["healthcare_linkage"] == "present":
            pool += ["healthcare_use", "monitoring", "medication"]
        improved = sorted(rng.sample(pool, k=min(len(pool), rng.choice((1, 1, 2, 2, 3)))))
    worsened = []
    if not a and rng.random() < 0.3:
        worsened = [pick(rng, ["physical_activity", "eating", "medication"], [3, 1, 1])]
    for domain in OUTCOME_DOMAINS:
        stance = (
            "improved" if domain in improved else "worsened" if domain in worsened else "no_change"
        )
        plan.domain_stance[domain] = stance
        st[domain] = stance
        items = [i for i in ITEMS if i[1] == domain]
        key = rng.randrange(len(items))
        for index, item in enumerate(items):
            if stance != "no_change" and index == key:
                direction = stance
            elif stance == "improved" and rng.random() < 0.35:
                direction = "improved"
            else:
                direction = "no_change"
            plan.item_direction[item[0]] = direction
            plan.item_deltas[item[0]] = _survey_pair(rng, item, direction)
    # planted conflicts
    if not a and rng.random() < PEER_CLAIM_SHARE:
        plan.peer_claim = pick(rng, ["eating", "physical_activity", "medication", "monitoring"])
    if st["healthcare_linkage"] == "absent" and rng.random() < PM_LINKAGE_SHARE:
        plan.pm_linkage = True
    plan.context = {
        "sex": "female" if female else "male",
        "age_band": pick(rng, ["<50", "50-65", ">65"], [2, 5, 4]),
        "birthplace": pick(
            rng, ["Denmark", "other Western country", "non-Western country"], [7, 1, 2]
        ),
        "income_source": plan.income,
        "education": pick(rng, ["primary", "secondary", "vocational", "higher"], [3, 3, 3, 1]),
        "living": pick(rng, ["alone", "with partner", "with children"], [5, 4, 1]),
        "diagnoses": ";".join(
            sorted(
                rng.sample(
                    ["arthritis", "mental health", "COPD", "oral health", "other chronic"],
                    rng.randrange(0, 3),
                )
            )
        ),
        "complications": ";".join(
            sorted(
                rng.sample(
                    ["cardiovascular", "hypertension", "neuropathy", "nephropathy", "retinopathy"],
                    rng.randrange(0, 4),
                )
            )
        ),
    }
    return plan


# ---------------------------------------------------------------- per role plans
def peer_themes(rng: random.Random, plan: CasePlan) -> list[tuple[str, str]]:
    """(theme, stance) of each passage in the peer's interview."""
    st = plan.stances
    out = [("social_support", "present")] * rng.choice((1, 2, 2))
    out.append(("daily_management", st["daily_management"]))
    if st["daily_management"] == "present" and rng.random() < 0.5:
        out.append(("daily_management", "present"))
    out.append(("healthcare_linkage", st["healthcare_linkage"]))
    out += [("finances", st["finances"]), ("health_condition", st["health_condition"])]
    if rng.random() < 0.5:
        out.append(("health_condition", st["health_condition"]))
    out.append(("energy", st["energy"]))
    if rng.random() < 0.85:
        out.append(("life_events", st["life_events"]))
    out.append(("needs_readiness", st["needs_readiness"]))
    if rng.random() < 0.9:
        out.append(("encouragement", st["encouragement"]))
    out += [
        ("social_experience", st["social_experience"]),
        ("self_care_awareness", st["self_care_awareness"]),
    ]
    for domain in OUTCOME_DOMAINS:
        stance = "improved" if plan.peer_claim == domain else st[domain]
        if stance != "no_change" or plan.peer_claim == domain or rng.random() < 0.8:
            out += [(domain, stance)] * (2 if rng.random() < 0.4 else 1)
        if stance == "no_change" and rng.random() < 0.05:
            out.append((domain, "not_stated"))
    return out


def supporter_themes(rng: random.Random, plan: CasePlan, share: float) -> list[tuple[str, str]]:
    st = plan.stances

    def maybe(p: float) -> bool:
        return rng.random() < p * share

    out = [("social_support", "present")]
    out += [(t, st[t]) for t in ("daily_management", "healthcare_linkage") if maybe(1.0)]
    out += [("finances", st["finances"])] if maybe(0.5) else []
    out += [("health_condition", st["health_condition"])] if maybe(0.7) else []
    out += [("energy", st["energy"])] if maybe(1.0) else []
    out += [("life_events", st["life_events"])] if maybe(0.5) else []
    out += [("needs_readiness", st["needs_readiness"])] if maybe(0.7) else []
    out += [("encouragement", st["encouragement"])] if maybe(1.0) else []
    out += [("social_experience", st["social_experience"])] if maybe(1.0) else []
    out += [("self_care_awareness", st["self_care_awareness"])] if maybe(0.7) else []
    for domain in OUTCOME_DOMAINS:
        stance = st[domain]
        if plan.peer_claim == domain or stance != "no_change" or maybe(0.7):
            out.append((domain, stance))
    return out


def manager_themes(rng: random.Random, plan: CasePlan) -> list[tuple[str, str]]:
    st = plan.stances
    out = []
    if rng.random() < 0.5:
        out.append(("social_support", "present"))
    if rng.random() < 0.6:
        out.append(("daily_management", st["daily_management"]))
    if plan.pm_linkage:
        out.append(("healthcare_linkage", "claim"))
    elif rng.random() < 0.6:
        out.append(("healthcare_linkage", st["healthcare_linkage"]))
    if rng.random() < 0.5:
        out.append(("finances", st["finances"]))
    if rng.random() < 0.4:
        out.append(("life_events", st["life_events"]))
    improved = [d for d in OUTCOME_DOMAINS if st[d] == "improved"]
    if improved and rng.random() < 0.5:
        out.append((rng.choice(improved), "improved"))
    if rng.random() < 0.1:
        out.append(("encouragement", st["encouragement"]))
    return out


def nurse_themes(rng: random.Random, plan: CasePlan) -> list[tuple[str, str]]:
    st = plan.stances
    out = [("health_condition", st["health_condition"])]
    if rng.random() < 0.5:
        out.append(("energy", st["energy"]))
    must = [d for d in OUTCOME_DOMAINS if st[d] != "no_change" or plan.peer_claim == d]
    rest = [d for d in OUTCOME_DOMAINS if d not in must]
    chosen = must + rng.sample(rest, k=min(len(rest), max(0, 3 - len(must))))
    out += [(d, st[d]) for d in OUTCOME_DOMAINS if d in chosen]
    return out

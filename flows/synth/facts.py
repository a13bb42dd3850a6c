"""Study facts of the synthetic generator: sizes and shares, the demo's theme
codes, stance leaves, outcome domains, survey items, context variables and
income sources; plus two tiny helpers shared by the other modules."""

from __future__ import annotations

import random
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_STUDY = PROJECT_ROOT / "data" / "demo" / "study.toml"

PM_CASES = 30  # cases per project manager
NURSE_CASES = 20  # cases per diabetes nurse
CASES_PER_STAFF_INTERVIEW = 3
TWO_SUPPORTERS = 0.1
ACHIEVER_SHARE = 0.45
PEER_CLAIM_SHARE = 0.25  # non-achievers whose peer claims an improvement nobody else sees
PM_LINKAGE_SHARE = 0.1  # cases without linkage where the PM says it happened
CHILD_CODE_SHARE = 0.35
STANCE_COLUMN_SHARE = 0.05
MISSING_ITEM_SHARE = 0.03

# ---------------------------------------------------------------- study facts
THEME_CODES = {
    "social_support": "Intervention/Social and emotional support",
    "daily_management": "Intervention/Assistance in daily management",
    "healthcare_linkage": "Intervention/Linkage to healthcare services",
    "finances": "Context/Occupation and finances",
    "health_condition": "Context/Health condition",
    "energy": "Context/Energy",
    "life_events": "Context/Life events",
    "needs_readiness": "Mechanism/Perceived needs and readiness",
    "encouragement": "Mechanism/Encouragement and energy",
    "social_experience": "Mechanism/Experience of social and emotional support",
    "self_care_awareness": "Output/Self-care awareness",
    "eating": "Outcome/Eating habits",
    "physical_activity": "Outcome/Physical activity",
    "medication": "Outcome/Medication adherence",
    "monitoring": "Outcome/Blood-sugar monitoring",
    "healthcare_use": "Outcome/Use of healthcare services",
}
STANCE_LEAVES = {
    "improved": "Improved",
    "no_change": "No change",
    "worsened": "Worsened",
    "not_stated": "Not stated",
    "present": "Present",
    "absent": "Absent",
    "facilitator": "Facilitator",
    "barrier": "Barrier",
}
OUTCOME_DOMAINS = ("eating", "physical_activity", "medication", "monitoring", "healthcare_use")

# (item id, domain, example, better, mcid, low, high, step)
ITEMS = (
    ("veg_days_week", "eating", "vegetables", "higher", 2, 0, 7, 1),
    ("fruit_days_week", "eating", "fruit", "higher", 2, 0, 7, 1),
    ("fish_meals_week", "eating", "fish", "higher", 1, 0, 5, 1),
    ("sugary_items_week", "eating", "sugary", "lower", 3, 0, 25, 1),
    ("walking_min_week", "physical_activity", "walking", "higher", 60, 0, 420, 10),
    ("exercise_min_week", "physical_activity", "exercise", "higher", 30, 0, 240, 10),
    ("sitting_hours_day", "physical_activity", "sitting", "lower", 2, 3, 14, 0.5),
    ("med_adherence", "medication", "pills", "higher", 2, 0, 8, 1),
    ("glucose_checks_week", "monitoring", "measuring", "higher", 3, 0, 21, 1),
    ("gp_contacts_12m", "healthcare_use", "gp_visit", "higher", 2, 0, 10, 1),
    ("dietitian_contacts_12m", "healthcare_use", "dietitian", "higher", 1, 0, 4, 1),
    ("eye_contacts_12m", "healthcare_use", "eye_check", "higher", 1, 0, 3, 1),
    ("other_contacts_12m", "healthcare_use", "other_contact", "higher", 1, 0, 4, 1),
)
CONTEXT_VARIABLES = (
    "sex",
    "age_band",
    "birthplace",
    "income_source",
    "education",
    "living",
    "diagnoses",
    "complications",
)

INCOMES = {
    "state pension": ("state pension", "facilitator"),
    "disability pension": ("disability pension", "facilitator"),
    "social security": ("social security", "barrier"),
    "wages": ("wages", None),
}


def words(text: str) -> tuple[str, ...]:
    """The whitespace-separated words of `text`."""
    return tuple(text.split())


def pick(rng: random.Random, options, weights=None):
    """One of `options` drawn with `rng`, by `weights` when given."""
    return rng.choices(options, weights=weights)[0] if weights else rng.choice(options)

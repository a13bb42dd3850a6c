"""Synthetic studies of any size with known ground truth (`triangulate synth`).

`generate_study(n_cases, out_dir, seed)` writes a complete study in the native
CSV layout (docs/input-formats.md): `study.toml` (the demo's roles, themes,
survey items and rules, with its own id and title), `roster.csv`,
`interviews.csv`, `excerpts.csv` and `survey.csv`, plus two answer keys the
pipeline never reads:

- `truth.json`: per case, whether the peer achieves outcomes, the activities
  delivered, the survey domains that improved or worsened beyond the smallest
  change that counts, and the themes where a disagreement between sources was
  planted (which should be coded as dissonance);
- `gold_stances.csv`: the stance each excerpt was written to carry.

Everything is drawn from one `random.Random(seed)`: the same seed gives
byte-identical files. Sizes per case follow the demo: a peer and one
supporter (about one case in ten has two), about 40 coded excerpts of 1-4
sentences, and project managers (one per 30 cases) and diabetes nurses (one
per 20 cases) whose interviews each speak about a few cases. About 40% of the
excerpts carry a coded stance (a child code, or now and then the stance
column); the others carry only the wording a rule-based tagger reads.

The text is spoken English built from phrase banks per theme, stance and
speaker (several hundred fragments) with names and theme examples slotted
in; the example phrases use the example words of the demo's `study.toml`, so
the examples are found. All people are fictional; some excerpts name them, so
pseudonymisation and the leak audit are exercised.

The package's modules: `facts` (sizes, shares, codes, survey items), `people`
(fictional names), `phrases_outcome` and `phrases_themes` (the phrase banks),
`plans` (each case's planned truth and each role's passages), `text` (excerpt
texts), `truth` (the answer key) and `generate` (`generate_study`).
"""

from __future__ import annotations

from flows.synth.facts import (
    CONTEXT_VARIABLES,
    ITEMS,
    OUTCOME_DOMAINS,
    PROJECT_ROOT,
    STANCE_LEAVES,
    TEMPLATE_STUDY,
    THEME_CODES,
)
from flows.synth.generate import generate_study, study_toml
from flows.synth.people import CODERS, FEMALE, MALE, NICKNAMES, SURNAMES, NameBook, Person
from flows.synth.phrases_outcome import EXAMPLE_PHRASES, EXTRA_EXAMPLES, OUTCOME_BAD, OUTCOME_GOOD
from flows.synth.phrases_themes import (
    ACTIVITY,
    ELABORATIONS,
    FILLERS,
    HEDGES,
    OPENERS,
    PM_LINKAGE_CLAIM,
    SENTENCES,
)
from flows.synth.plans import CasePlan, plan_case
from flows.synth.truth import CaseTruth, Truth

__all__ = [
    "ACTIVITY",
    "CODERS",
    "CONTEXT_VARIABLES",
    "CaseTruth",
    "CasePlan",
    "ELABORATIONS",
    "EXAMPLE_PHRASES",
    "EXTRA_EXAMPLES",
    "FEMALE",
    "FILLERS",
    "HEDGES",
    "ITEMS",
    "MALE",
    "NICKNAMES",
    "NameBook",
    "OPENERS",
    "OUTCOME_BAD",
    "OUTCOME_DOMAINS",
    "OUTCOME_GOOD",
    "PM_LINKAGE_CLAIM",
    "PROJECT_ROOT",
    "Person",
    "SENTENCES",
    "STANCE_LEAVES",
    "SURNAMES",
    "TEMPLATE_STUDY",
    "THEME_CODES",
    "Truth",
    "generate_study",
    "plan_case",
    "study_toml",
]

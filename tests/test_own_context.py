"""An own context theme read at both times (decision 0316, `own_counts.own_context`):
the cues of one side all in clauses of now, after a clause at the baseline or after
every cue of the other side, give that side, and the rules' reading is the answer
whatever the model says; a scheme theme reads as before."""

from __future__ import annotations

import math

import pytest

from flows.nlp.model import FamilyModel, StanceModel
from flows.nlp.reader import StanceReader, profile_for

CONTEXT_LABELS = ("barrier", "facilitator", "not_stated")
EXAMPLES = {
    "en": {"schedule": {"shift": ["shift", "slot", "evening slot"], "work": ["job", "school"]}},
    "da": {"schedule": {"work": ["arbejde", "børnene", "klub"], "transport": ["taxa"]}},
}


def _reader(language: str, top: str | None = None) -> StanceReader:
    model = False
    if top is not None:
        bias = [math.log(0.98 if label == top else 0.01) for label in CONTEXT_LABELS]
        model = StanceModel({"context": FamilyModel(CONTEXT_LABELS, bias, {}, threshold=0.5)})
    named = EXAMPLES[language]
    profiles = {"schedule": profile_for("schedule", language, "context", named["schedule"])}
    profiles["life_events"] = profile_for("life_events", language, "context")
    return StanceReader(language, profiles, named, model=model)


@pytest.mark.parametrize(
    ("language", "text", "answer"),
    [
        (
            "en",
            "The afternoon shift used to wreck my teaching, and now I'm on the evening slot "
            "and it fits round the job nicely.",
            "facilitator",
        ),
        (
            "da",
            "Børnene var det store problem, hun kunne ikke være væk fire timer. Det er løst "
            "nu, de går i klub, til hun kommer hjem.",
            "facilitator",
        ),
    ],
)
def test_a_problem_then_and_a_help_now_stands(language, text, answer):
    reading = _reader(language, top="barrier").read(text, "schedule")
    assert (reading.label, reading.rule_label) == (answer, answer)


def test_without_a_then_the_model_answers():
    text = "The evening slot fits round the job nicely."
    assert _reader("en", top="barrier").read(text, "schedule").label == "barrier"


def test_a_scheme_theme_reads_as_before():
    text = (
        "Børnene var det store problem, hun kunne ikke være væk fire timer. Det er løst nu, "
        "de går i klub, til hun kommer hjem."
    )
    assert _reader("da").read(text, "life_events").rule_label == "unclear"

"""An own context theme read at both times (decision 0316, `own_context.own_context`):
the cues of one side all in clauses of now, after a clause at the baseline or after
every cue of the other side, give that side, and the rules' reading is the answer
whatever the model says; a scheme theme reads as before."""

from __future__ import annotations

import pytest
from conftest import outcome_model, own_reader

EXAMPLES = {
    "en": {"schedule": {"shift": ["shift", "slot", "evening slot"], "work": ["job", "school"]}},
    "da": {"schedule": {"work": ["arbejde", "børnene", "klub"], "transport": ["taxa"]}},
}


def _reader(language: str, top: str | None = None):
    model = False if top is None else outcome_model(top, 0.98, "context", threshold=0.5)
    return own_reader(EXAMPLES, language, model, None, "context", "life_events")


@pytest.mark.parametrize(
    ("language", "text", "answer", "cues"),
    [
        (
            "en",
            "The afternoon shift used to wreck my teaching, and now I'm on the evening slot "
            "and it fits round the job nicely.",
            "facilitator",
            ("fits", "job"),
        ),
        (
            "da",
            "Børnene var det store problem, hun kunne ikke være væk fire timer. Det er løst "
            "nu, de går i klub, til hun kommer hjem.",
            "facilitator",
            ("klub",),
        ),
    ],
)
def test_a_problem_then_and_a_help_now_stands(language, text, answer, cues):
    """The side of now, at the rules' confidence of a reading at two times (0.6), with
    the cues of that side only: what the dossier and the review sheet show."""
    for top in ("barrier", None):
        reading = _reader(language, top=top).read(text, "schedule")
        assert (reading.label, reading.rule_label) == (answer, answer)
        assert (reading.confidence, reading.cues) == (0.6, cues)


def test_without_a_then_the_model_answers():
    text = "The evening slot fits round the job nicely."
    assert _reader("en", top="barrier").read(text, "schedule").label == "barrier"


def test_a_scheme_theme_reads_as_before():
    text = (
        "Børnene var det store problem, hun kunne ikke være væk fire timer. Det er løst nu, "
        "de går i klub, til hun kommer hjem."
    )
    assert _reader("da").read(text, "life_events").rule_label == "unclear"

"""Constructions the tenth pass reads (decision 0301), by the rules alone; every case
but the first English one fails on the ninth pass:

- Danish "ikke ... mere" / "ikke ... længere" with words between ("Kurt spiser ikke
  morgenmad længere"): the negation makes the "no longer", a stop of the behaviour
  (turned by a thing of which less is better: "Hun glemmer ikke sine piller mere"
  is improved), no longer a "not more" of unknown sign;
- Danish inversion of a particle verb ("Til sidst holdt hun op med at ..."): a stop;
- a double negation of a habit ("not a day goes by without ...", "there's hardly a
  day she doesn't ...", "der er ikke gået en eneste dag, hvor ..."): done every day.
"""

from __future__ import annotations

import pytest
from conftest import rule_label


@pytest.mark.parametrize(
    ("language", "theme", "text", "label"),
    [
        ("da", "eating", "Ole spiser ikke frokost længere. Før fik han altid rugbrød.", "worsened"),
        ("da", "eating", "Hun drikker ikke sodavand mere, kun vand.", "improved"),
        ("da", "medication_adherence", "Han glemmer ikke sine tabletter mere.", "improved"),
        ("da", "physical_activity", "Jeg cykler ikke på arbejde længere.", "worsened"),
        (
            "da",
            "medication_adherence",
            "Efter et halvt år holdt han op med at tage insulinen.",
            "worsened",
        ),
        (
            "en",
            "physical_activity",
            "Not a day goes by now without her walking the dog. Before, she hardly left the house.",
            "improved",
        ),
        (
            "en",
            "blood_sugar_monitoring",
            "There's hardly a day he doesn't check now. He used to leave it for weeks.",
            "improved",
        ),
        (
            "da",
            "medication_adherence",
            "Der er ikke gået en eneste dag siden påske, hvor hun ikke har taget dem.",
            "improved",
        ),
    ],
)
def test_rules_read_the_construction(language, theme, text, label):
    assert rule_label(language, theme, text) == label

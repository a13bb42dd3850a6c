"""Constructions the twelfth pass reads (decision 0373), by the rules alone; each
case fails on the eleventh pass, but the walk "hver dag" after the old sofa (a guard:
the frequency word is turned only where its clause names none of the theme's words):

- a bad habit begun ("she's started buying ready meals ... She never used to"): "never
  used to" is a baseline, not a plan never carried out ("never used" it), so the
  start, turned by its object, is the latest state (worsened);
- a frequency word ("every day", "hver dag") said of a thing of which less is better
  in its clause, or in its sentence where the clause names none of the theme's words,
  is turned like a quantity ("færdigretter ..., næsten hver dag nu": worsened), while
  "nu går jeg en tur hver dag" after the old sofa stays a gain;
- a frequency that falls: "nearly never", "stort set aldrig", "sjældnere og
  sjældnere, jeg kan ikke huske, hvornår jeg sidst gjorde det" (the last clause no
  good habit "remember" and no uncertainty);
- "begyndt igen", "started again" after a stop at the baseline: a resumption (what
  was resumed decides), not a relapse; "da han kom ind i projektet" anchors the
  baseline;
- "never missed his tablets, not before and not now": the habit told once, its times
  in clauses of their own (no_change);
- context barriers told as little energy ("meget lidt overskud", "det hele falder fra
  hinanden") or fear ("bange for at tage forkert"); an intervention that "kept
  ringing" is present.
"""

from __future__ import annotations

import pytest

from flows.nlp.reader import StanceReader, profile_for

CASES = [
    (
        "en",
        "eating",
        "Jens has started buying frozen pizzas, four or five a week. He never used to, "
        "he always cooked his own dinner.",
        "outcome",
        "worsened",
    ),
    (
        "da",
        "eating",
        "Han er begyndt at købe færdigretter, sådan nogle fra frysedisken, hver dag nu. "
        "Det gjorde han ikke før.",
        "outcome",
        "worsened",
    ),
    (
        "da",
        "physical_activity",
        "Jeg går meget mere nu. Før sad jeg bare foran fjernsynet, nu går jeg en tur hver dag.",
        "outcome",
        "improved",
    ),
    (
        "da",
        "blood_sugar_monitoring",
        "Han målte tre gange om ugen før projektet. Nu er det blevet sjældnere og "
        "sjældnere, han kan ikke huske, hvornår han sidst gjorde det.",
        "outcome",
        "worsened",
    ),
    (
        "da",
        "blood_sugar_monitoring",
        "Hun var holdt op med at måle, da hun kom ind i projektet. Nu er hun begyndt igen, "
        "hver morgen.",
        "outcome",
        "improved",
    ),
    (
        "en",
        "medication_adherence",
        "Karl never missed his insulin, not before and not now. He is very careful.",
        "outcome",
        "no_change",
    ),
    (
        "da",
        "energy",
        "Hun har uger med meget lidt overskud, og så falder det hele fra hinanden.",
        "context",
        "barrier",
    ),
    (
        "da",
        "health_condition",
        "Det med hjertet gør, at jeg er bange for at tage pillerne forkert.",
        "context",
        "barrier",
    ),
    (
        "en",
        "social_emotional_support_activity",
        "She kept ringing him every week through the spring, just to hear how he was.",
        "intervention",
        "present",
    ),
]


@pytest.mark.parametrize(("language", "theme", "text", "component", "label"), CASES)
def test_twelfth_pass_constructions(language, theme, text, component, label):
    reader = StanceReader(language, {theme: profile_for(theme, language)}, model=False)
    assert reader.read(text, theme, component).label == label

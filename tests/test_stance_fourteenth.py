"""Constructions the fourteenth pass reads (decision 0434), by the rules alone, each
in sentences written for the test (none is a row of the corpora); every case fails
on the thirteenth pass but the guards (marked), which hold on both:

- a frequency word ("hver dag", "every day") in a clause that names nothing, after a
  thing of which less is better named before it ("Det er blevet værre med
  slikket. Før var det kun om lørdagen, nu er det hver dag"): turned, as in the
  thing's own sentence;
- a sameness told by parallel clauses ("Det var sådan før, og det er sådan nu",
  "It was like that before, and it's like that now"): no change;
- an operation that "went fine" / "gik fint", told alone: not_stated (how the
  operation went, not what it did for the programme);
- a return after staying away ("begyndt at komme ... igen, efter jeg havde holdt
  mig væk i mange år"): the clause after "efter jeg havde" / "after I had" tells
  the time before;
- a frequency falling told by the time between: "længere og længere imellem",
  "further and further apart" (the first "længere" is no gain);
- a clash with the meetings ("kolliderede med"), debt collectors ("inkassofirma"):
  barriers.
"""

from __future__ import annotations

import pytest

from flows.nlp.reader import StanceReader, profile_for

CASES = [
    # a frequency word turned by a thing of which less is better named before it
    (
        "da",
        "eating",
        "outcome",
        "worsened",
        "Det er gået den forkerte vej med slikket. Før var det kun om lørdagen, nu er det hver dag.",
    ),
    (
        "en",
        "eating",
        "outcome",
        "worsened",
        "It's got worse with the crisps. Before it was only on a Friday, now it's nearly every day.",
    ),
    # guard: the clause names the theme's own behaviour (walking), not the sofa
    (
        "da",
        "physical_activity",
        "outcome",
        "improved",
        "Før sad jeg bare i sofaen. Nu går jeg en tur hver dag.",
    ),
    # a sameness told by parallel clauses
    (
        "da",
        "blood_sugar_monitoring",
        "outcome",
        "no_change",
        "Han tager sit blodsukker, når han husker det. Det var sådan før, og sådan er det nu.",
    ),
    (
        "en",
        "blood_sugar_monitoring",
        "outcome",
        "no_change",
        "She checks her sugar when she remembers. It was like that before, and it's like that now.",
    ),
    # an operation that went fine, told alone
    ("da", "health_condition", "context", "not_stated", "Han fik nyt knæ i marts. Det gik fint."),
    (
        "en",
        "health_condition",
        "context",
        "not_stated",
        "She had the hip replacement in January. It went well.",
    ),
    # a return after staying away
    (
        "da",
        "healthcare_use",
        "outcome",
        "improved",
        "Hun er begyndt at gå til fodterapeuten igen, efter hun havde holdt sig væk i mange år.",
    ),
    # a frequency falling told by the time between
    (
        "da",
        "blood_sugar_monitoring",
        "outcome",
        "worsened",
        "Der går længere og længere imellem, at hun tager sit blodsukker.",
    ),
    (
        "en",
        "blood_sugar_monitoring",
        "outcome",
        "worsened",
        "His readings are getting further and further apart since the winter.",
    ),
    # barriers
    (
        "da",
        "occupation_finances",
        "context",
        "barrier",
        "Praktikken kolliderede med næsten alle møderne i gruppen.",
    ),
]


@pytest.mark.parametrize(("language", "theme", "component", "label", "text"), CASES)
def test_fourteenth_pass_constructions(language, theme, component, label, text):
    reader = StanceReader(language, {theme: profile_for(theme, language)}, model=False)
    assert reader.read(text, theme, component).label == label

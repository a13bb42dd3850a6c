"""The stance reader's speed changes read exactly what the slower code read.

- `StanceReader.annotate` parses a text read for several themes once, and reads
  each theme as if the text were read for it alone;
- `FamilyModel.contributions_of` (indices) names the features `contributions`
  named from the strings, in the same order.

The readings themselves are pinned in `test_stance_pinned.py`.
"""

from __future__ import annotations

import pytest

from flows.nlp.corpus import SCHEME_THEMES, load_set
from flows.nlp.model import load_model
from flows.nlp.reader import StanceReader, profile_for


def test_contributions_by_index_are_those_by_name():
    model = load_model()
    assert model is not None
    for family in model.families.values():
        index = family._compiled()[0]
        names = sorted(family.weights)[::37]
        known = [index[f] for f in names]
        for label in family.labels:
            by_name = family.contributions([*names, "w=not-a-feature"], label)
            assert family.contributions_of(known, label) == by_name
            weights = [family.weights[f][family.labels.index(label)] for f in by_name]
            assert all(w > 0 for w in weights) and weights == sorted(weights, reverse=True)


@pytest.mark.parametrize("language", ["en", "da"])
def test_a_text_read_for_several_themes_reads_as_if_alone(language):
    """`annotate` parses a text once per batch for all its themes: the same readings
    as one text, one theme at a time."""
    themes = {t: c for c, ts in SCHEME_THEMES.items() for t in ts}
    reader = StanceReader(language, {t: profile_for(t, language, c) for t, c in themes.items()})
    texts = [r.text for r in load_set("dev") if r.language == language][::50]
    items = [(text, kind, theme) for text in texts for theme, kind in themes.items()]
    shared = [(s.stance, s.confidence, s.cues) for s, _ in reader.annotate(items, 64)]
    alone = [reader.read(text, theme, kind) for text, kind, theme in items]
    assert shared == [(r.label, r.confidence, r.cues) for r in alone]


def test_the_cycle_collector_is_paused_only_while_a_batch_is_read():
    """`annotate` pauses Python's cycle collector while it reads a batch (decision
    0150) and leaves it as it found it: on after the batch, off if it was off."""
    import gc

    from flows.collector import collector_paused

    reader = StanceReader("en", {"eating": profile_for("eating", "en")})
    seen = []
    parse = reader.parse
    reader.parse = lambda doc: seen.append(gc.isenabled()) or parse(doc)
    items = [("I used to drink cola every day. Now it's water.", "outcome", "eating")]
    assert gc.isenabled()
    answers = reader.annotate(items * 3)
    next(answers)
    assert seen == [False] and gc.isenabled()  # handed out with the collector on
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(ZeroDivisionError), collector_paused():
        raise ZeroDivisionError
    assert gc.isenabled()

"""The stance reader's faster machinery (decision 0171) finds what the slower one found.

- `TermLabels` (a study's examples found from a parse's forms) names the labels
  spaCy's two PhraseMatchers (`WordMatcher`) find, on dev texts and on random runs
  of lexicon terms (one-word and longer terms, lemmas, overlaps).
- `score_batch` sums a row in name order whatever order it comes in, readings
  carry their features sorted, and the readings' parts stay frozen dataclasses
  with their own (compiled) __init__ (decision 0263).

The readings themselves are pinned in `test_stance_pinned.py`.
"""

from __future__ import annotations

import random

import pytest

from flows.nlp.corpus import load_set
from flows.nlp.lexicons import TermLabels, WordMatcher, load_words, shared_pipeline


@pytest.mark.parametrize("language", ["en", "da"])
def test_term_labels_are_the_matchers_labels(language):
    nlp = shared_pipeline(language)
    words = load_words(language)
    matcher, labels = WordMatcher(nlp, words), TermLabels(nlp, words)
    texts = [r.text for r in load_set("dev") if r.language == language][::7]
    terms = [t for ts in words.values() for t in ts]
    rnd = random.Random(12)
    fillers = ["the", "og", ",", ".", "not", "ikke", "more", "mere"]
    for _ in range(600):
        picks = [rnd.choice(terms if rnd.random() < 0.7 else fillers) for _ in range(6)]
        texts.append(" ".join(picks))
    for doc in nlp.pipe(texts):
        assert labels(*matcher.forms(doc)) == set(matcher(doc)), doc.text


def test_term_labels_of_a_studys_examples():
    nlp = shared_pipeline("en")
    named = {"eat|sweet drinks": ("cola", "colas", "fizzy drink"), "walk|steps": ("steps",)}
    matcher, labels = WordMatcher(nlp, named), TermLabels(nlp, named)
    for text, expected in [
        ("No more Cola, just one fizzy drink a week", {"eat|sweet drinks"}),
        ("ten thousand steps", {"walk|steps"}),
        ("a fizzy day", set()),
    ]:
        doc = nlp(text)
        assert labels(*matcher.forms(doc)) == set(matcher(doc)) == expected


def _counting_reader():
    """A reader of two scheme themes that counts the items it reads."""
    from flows.nlp.reader import StanceReader, profile_for

    reader = StanceReader("en", {t: profile_for(t, "en") for t in ("eating", "energy")})
    read = []
    answers = reader._answers

    def counted(batch):
        read.extend((doc.text, theme) for doc, theme, _ in batch)
        return answers(batch)

    reader._answers = counted
    return reader, read


def test_annotate_reads_an_item_once_per_call():
    reader, read = _counting_reader()
    texts = ["I drink less cola now.", "No energy at all.", "We eat more greens than before."]
    items = [(t, None, theme) for t in texts for theme in ("eating", "energy")] * 5
    answers = list(reader.annotate(items, batch_size=4))  # repeats across batches
    assert len(read) == len(set(read)) == 6
    fresh, _ = _counting_reader()
    for item, answer in zip(items, answers, strict=True):
        assert answer == next(fresh.annotate([item]))
    answers[0][1].append("changed")  # each answer's examples its own list
    assert "changed" not in next(reader.annotate(items[:1]))[1]


def test_annotate_keeps_a_callers_answers_between_calls():
    reader, read = _counting_reader()
    kept: dict = {}
    items = [("I drink less cola now.", None, "eating")]
    first = list(reader.annotate(items, answers=kept))
    assert list(reader.annotate(items, answers=kept)) == first
    assert len(read) == 1 and len(kept) == 1
    list(reader.annotate(items))  # no store given: read again
    assert len(read) == 2


def test_a_rows_features_in_any_order_give_the_same_floats():
    """`score_batch` sums a row's weights in the order of their names whatever order
    the row lists them in (decision 0263), also for weights not stored by name."""
    from flows.nlp.model import FamilyModel

    rnd = random.Random(263)
    names = [f"w={rnd.random():.6f}" for _ in range(300)]
    weights = {n: [rnd.uniform(-3, 3) for _ in range(3)] for n in names}  # not by name
    family = FamilyModel(("a", "b", "c"), [0.1, -0.2, 0.05], weights)
    rows = [rnd.sample(names, 40) + ["unknown"] for _ in range(50)]
    probs, known = family.score_batch([sorted(r) for r in rows])
    shuffled = [rnd.sample(r, len(r)) for r in rows]
    probs2, known2 = family.score_batch(shuffled)
    assert probs.tobytes() == probs2.tobytes() and known == known2
    # the sum runs in the order of the names: the same floats as summing by hand
    for row, p in zip(rows, probs.tolist(), strict=True):
        picked = sorted(f for f in row if f in weights)
        assert p == family.probabilities(picked)
        assert family.contributions(picked, "a") == family.contributions(row, "a")


def test_readings_carry_their_features_sorted_and_annotate_the_same_answers():
    """`read_docs` gives each reading its features sorted (`features.features`);
    `annotate`, which reads without them, answers the same label, confidence and cues."""
    from flows.nlp.reader import StanceReader, profile_for

    rows = [r for r in load_set("dev") if r.language == "en"][::40]
    reader = StanceReader("en", {t: profile_for(t, "en") for t in {r.theme for r in rows}})
    docs = list(reader.nlp.pipe([r.text for r in rows]))
    readings = reader.read_docs(
        [(d, r.theme, r.component) for d, r in zip(docs, rows, strict=True)]
    )
    answers = list(reader.annotate([(r.text, r.component, r.theme) for r in rows]))
    for reading, (suggestion, _) in zip(readings, answers, strict=True):
        assert list(reading.features) == sorted(set(reading.features))
        said = (reading.label, reading.confidence, reading.cues)
        assert said == (suggestion.stance, suggestion.confidence, suggestion.cues)


def test_the_readings_parts_are_frozen_dataclasses_as_before():
    """Clause, State, Cue, Suggestion and Reading set their fields in an __init__ of
    their own (compiled, decision 0263): still frozen, compared and replaced by field."""
    import dataclasses

    from flows.nlp.anchors import Clause
    from flows.nlp.cues import Cue
    from flows.nlp.reader import Reading, Suggestion
    from flows.nlp.states import State

    clause = Clause(0, 4, 0, None, False)
    assert dataclasses.replace(clause, anchor="latest") == Clause(0, 4, 0, "latest", False)
    assert hash(clause) == hash(Clause(start=0, end=4, sentence=0, anchor=None, contrast=False))
    state = State(1, "latest", 1, "up", "more", False, False, True, False)
    assert not state.planned and dataclasses.replace(state, planned=True).planned
    assert Cue("present", "helped", False, 0, False).planned is False
    for value in (clause, state, Suggestion("improved", 0.9, ("more",))):
        with pytest.raises(dataclasses.FrozenInstanceError):
            value.anchor = "x"
    reading = Reading("improved", 0.9, (), "improved", ("rule=improved",))
    assert dataclasses.asdict(reading)["features"] == ("rule=improved",)
    assert repr(clause) == "Clause(start=0, end=4, sentence=0, anchor=None, contrast=False)"

"""The stance reader's faster machinery (decision 0171) finds what the slower one found.

- `TermLabels` (a study's examples found from a parse's forms) names the labels
  spaCy's two PhraseMatchers (`WordMatcher`) find, on dev texts and on random runs
  of lexicon terms (one-word and longer terms, lemmas, overlaps).

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

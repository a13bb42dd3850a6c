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

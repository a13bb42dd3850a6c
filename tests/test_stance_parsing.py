"""The parse's quicker machinery (decision 0306) finds exactly what the slower one
found, in the same order.

- `parsing.WordTrie` gives what spaCy's two PhraseMatchers (`WordMatcher`) give:
  the same classes in the same order, the same spans, on dev texts and on random
  runs of lexicon terms (one-word and longer terms, lemmas, overlaps, a term in
  several classes);
- `parsing.form_reader` (the typed `_forms.FormTable` where built) gives the
  forms and lemmas `lexicons.Forms` gives, and survives a pickle (a stored reader);
- the clauses made without calling `Clause` are `Clause`s like any other.

The whole parse is compared between the compiled and the pure-Python modules in
`test_stance_compiled.py`; the readings are pinned in `test_stance_pinned.py`.
"""

from __future__ import annotations

import dataclasses
import pickle
import random

import pytest

from flows.nlp import parsing
from flows.nlp.anchors import Clause, clauses
from flows.nlp.corpus import load_set
from flows.nlp.lexicons import Forms, WordMatcher, load_words, shared_pipeline
from flows.nlp.parsing import WordTrie, form_reader


def _texts(language: str, words: dict[str, tuple[str, ...]]) -> list[str]:
    """Every seventh dev text, and random runs of lexicon terms and fillers."""
    texts = [r.text for r in load_set("dev") if r.language == language][::7]
    terms = [t for ts in words.values() for t in ts]
    rnd = random.Random(306)
    fillers = ["the", "og", ",", ".", "not", "ikke", "more", "mere", "walked", "gik"]
    for _ in range(300):
        picks = [rnd.choice(terms if rnd.random() < 0.7 else fillers) for _ in range(7)]
        texts.append(" ".join(picks))
    return texts


@pytest.mark.parametrize("language", ["en", "da"])
def test_the_trie_finds_what_the_phrase_matchers_find(language):
    nlp = shared_pipeline(language)
    words = load_words(language)
    matcher = WordMatcher(nlp, words)
    trie = WordTrie(nlp, words, matcher.lower, matcher.lemma)
    for doc in nlp.pipe(_texts(language, words)):
        # the order of the classes too: whatever reads `found` in order reads the same
        assert list(trie(*matcher.forms(doc)).items()) == list(matcher(doc).items()), doc.text


def test_the_trie_keeps_a_term_in_several_classes_and_lemma_matches():
    nlp = shared_pipeline("en")
    classes = {
        "b": ("stopped", "give up"),
        "a": ("stop", "give up smoking"),
        "c": ("give up",),
    }
    matcher = WordMatcher(nlp, classes)
    trie = WordTrie(nlp, classes, matcher.lower, matcher.lemma)
    for text in ("He stopped. He gave up smoking, gives up, stops", "give up give up"):
        doc = nlp(text)
        found = trie(*matcher.forms(doc))
        assert list(found.items()) == list(matcher(doc).items())
    assert set(trie(["give", "up"], ["give", "up"])) == {"b", "c"}
    assert trie(["he", "stopped"], ["he", "stop"]) == {"b": [(1, 2)], "a": [(1, 2)]}
    assert trie([], []) == {}


def test_the_trie_fails_when_a_class_is_lost():
    """The comparison above can fail: a trie missing one class finds less."""
    nlp = shared_pipeline("en")
    words = load_words("en")
    matcher = WordMatcher(nlp, words)
    fewer = {k: v for k, v in words.items() if k != "negation"}
    trie = WordTrie(nlp, fewer, matcher.lower, matcher.lemma)
    doc = nlp("He does not walk.")
    assert trie(*matcher.forms(doc)) != matcher(doc)


@pytest.mark.parametrize("language", ["en", "da"])
def test_forms_are_those_of_lexicons_forms(language):
    nlp = shared_pipeline(language)
    forms, reference = form_reader(nlp), Forms(nlp)
    texts = [*_texts(language, load_words(language))[:400], "Han don't ", "", "  "]
    for doc in nlp.pipe(texts):
        assert forms(doc) == reference(doc), doc.text
    again = pickle.loads(pickle.dumps((nlp, forms)))
    doc = again[0]("It wasn't the same as before")
    assert again[1](doc) == reference(nlp("It wasn't the same as before"))


def test_the_typed_forms_are_used_where_built():
    """`form_reader` hands out the typed twin when its build is current (none in a
    pure-Python process: TRIANGULATE_PURE_PYTHON, no compiler)."""
    reader = form_reader(shared_pipeline("en"))
    if parsing.FormTable is None:
        assert isinstance(reader, Forms)
    else:
        assert isinstance(reader, parsing.FormTable)


def test_clauses_are_clauses():
    lower = ["before", "he", "walked", ",", "but", "now", "he", "runs", "."]
    found = {"baseline": [(0, 1)], "latest": [(5, 6)]}
    made = clauses(lower, found, frozenset({"but"}), frozenset(), frozenset({"but"}))
    expected = [Clause(0, 3, 0, "baseline", False), Clause(4, 8, 0, "latest", True)]
    assert made == expected
    assert [repr(c) for c in made] == [repr(c) for c in expected]
    assert [hash(c) for c in made] == [hash(c) for c in expected]
    assert dataclasses.replace(made[0], anchor=None) == Clause(0, 3, 0, None, False)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made[0].anchor = "latest"

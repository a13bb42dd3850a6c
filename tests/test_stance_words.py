"""The per-token loops in C (`_words`, decision 0376) answer as the Python loops do.

- `_words.naming` gives `Parsed._clause_numbers_naming`'s flags, on dev parses and
  on random token lists (two-word terms across a clause break, forms and lemmas);
- `word_features` and `topic_features` give the same names in the same order with
  and without the typed module, negated words and clauses picked or not;
- `cue_words.text_words` with its per-name cache finds what a fresh parse of each
  name finds.

Without a build (TRIANGULATE_PURE_PYTHON, no compiler) the typed tests are skipped;
`test_stance_compiled.py` compares whole readings of the two paths.
"""

from __future__ import annotations

import random

import pytest

from flows.nlp import cue_words
from flows.nlp import excerpt as excerpt_module
from flows.nlp import features as features_module
from flows.nlp.anchors import Clause
from flows.nlp.corpus import load_set
from flows.nlp.reader import StanceReader, profile_for
from flows.nlp.states import Parsed

typed = pytest.mark.skipif(features_module._words is None, reason="_words not built")


def _clause(start: int, end: int) -> Clause:
    return Clause(start, end, 0, None, False)


def _random_parsed(rnd: random.Random) -> Parsed:
    vocabulary = ["walk", "more", "no", "not", "cola", "the", "day", "i", "x1", "3"]
    size = rnd.randrange(0, 30)
    lower = [rnd.choice(vocabulary) for _ in range(size)]
    lemma = [w if rnd.random() < 0.7 else rnd.choice(vocabulary) for w in lower]
    cuts = sorted({0, size, *(rnd.randrange(0, size + 1) for _ in range(rnd.randrange(4)))})
    # clauses with gaps between them (tokens of no clause: -1)
    clauses = [
        _clause(a + (1 if n and a < b - 1 else 0), b)
        for n, (a, b) in enumerate(zip(cuts, cuts[1:], strict=False))
    ]
    negations = sorted(i for i, w in enumerate(lower) if w in ("no", "not"))
    return Parsed(lower, lemma, {}, negations, clauses, rnd.choice((0, 3)), frozenset({"i"}))


def _without_words(monkeypatch, run):
    with monkeypatch.context() as patch:
        patch.setattr(features_module, "_words", None)
        patch.setattr(excerpt_module, "_typed_naming", None)
        return run()


@typed
def test_typed_loops_answer_as_the_python_ones_on_random_parses(monkeypatch):
    rnd = random.Random(376)
    word_sets = [
        frozenset({"walk", "cola day"}),
        frozenset({"more", "the day", "i walk"}),
        frozenset({"x1"}),
    ]
    differed = 0
    for _ in range(3000):
        parsed = _random_parsed(rnd)
        naming = [rnd.random() < 0.4 for _ in parsed.clauses]
        for words in word_sets:
            typed_flags = Parsed(**_fields(parsed))._clause_numbers_naming(words)
            pure_flags = _without_words(
                monkeypatch,
                lambda w=words, p=parsed: Parsed(**_fields(p))._clause_numbers_naming(w),
            )
            assert typed_flags == pure_flags
            differed += typed_flags != [False] * len(parsed.clauses)
        typed_names = (
            features_module.word_features(parsed),
            features_module.topic_features(parsed, naming),
        )
        pure_names = _without_words(
            monkeypatch,
            lambda p=parsed, n=naming: (
                features_module.word_features(p),
                features_module.topic_features(p, n),
            ),
        )
        assert typed_names == pure_names
    assert differed > 100  # the random parses do name the words


def _fields(parsed: Parsed) -> dict:
    return {k: getattr(parsed, k) for k in Parsed.__dataclass_fields__}


@typed
def test_typed_loops_answer_as_the_python_ones_on_dev_parses(monkeypatch):
    rows = [r for r in load_set("dev") if r.language == "da"][:150]
    rows += [r for r in load_set("dev") if r.language == "en"][:150]
    for language in ("da", "en"):
        group = [r for r in rows if r.language == language]
        reader = StanceReader(language, {r.theme: profile_for(r.theme, language) for r in group})
        for row, doc in zip(group, reader.nlp.pipe([r.text for r in group]), strict=True):
            words = reader.profiles[row.theme].words
            parsed = reader.parse(doc)
            naming = parsed.clause_numbers_naming(words)
            typed_answer = (
                naming,
                features_module.word_features(parsed),
                features_module.topic_features(parsed, naming),
            )
            fresh = reader.parse(doc)
            pure_answer = _without_words(
                monkeypatch,
                lambda p=fresh, w=words, n=naming: (
                    p._clause_numbers_naming(w),
                    features_module.word_features(p),
                    features_module.topic_features(p, n),
                ),
            )
            assert typed_answer == pure_answer, row.id


def test_text_words_cache_finds_what_a_fresh_parse_finds():
    lower = ["i", "walk", "more", "of", "it", "now"]
    lemma = ["i", "walk", "much", "of", "it", "now"]
    names = ["w=walk", "output:w=~walk", "t=of_it", "t=walk_of", "has=baseline", "w=now", "w=zz"]
    first = cue_words.text_words(names, lower, lemma)
    assert first == ["walk", "walk", "of it", "walk", "now"]
    assert cue_words._LEMMAS["t=of_it"] == ["of", "it"]
    assert cue_words._LEMMAS["has=baseline"] is None
    assert cue_words.text_words(names, lower, lemma) == first  # from the cache

"""The model's sums and strongest features in C (`_scoring`, decision 0352) are the
numpy path's, bit for bit.

- `_scoring.known_sums` gives the ids and the floats `np.add.reduceat` gives, on
  random rows of every length the pairwise sum treats apart (under 8, up to 128,
  above: halved), empty rows and rows crossed with their component;
- `_scoring.top_ranks` picks the ranks `sorted(...)[:n]` picks;
- `FamilyModel.score_batch` and `contributions_of` with the typed module give the
  same bytes and names as without it, on the shipped model and dev readings.

Without a build (TRIANGULATE_PURE_PYTHON, no compiler) the typed tests are skipped;
`test_stance_compiled.py` compares whole readings of the two paths.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from flows.nlp import model as model_module
from flows.nlp.model import FamilyModel, load_model

typed = pytest.mark.skipif(model_module._scoring is None, reason="_scoring not built")


def _random_model(rnd: random.Random, n_features: int = 600) -> FamilyModel:
    labels = ("improved", "no_change", "worsened", "not_stated")
    weights = {f"f{i:04d}": [round(rnd.gauss(0, 1), 4) for _ in labels] for i in range(n_features)}
    weights |= {f"output:f{i:04d}": [round(rnd.gauss(0, 1), 4) for _ in labels] for i in range(50)}
    return FamilyModel(labels, [0.1, -0.2, 0.05, 0.0], weights, 0.5)


def _rows(rnd: random.Random, count: int = 400) -> list[list[str]]:
    rows = []
    for n in range(count):
        size = (0, 1, 5, 7, 8, 9, 15, 16, 17, 64, 127, 128, 129, 130, 250, 300)[n % 16]
        size = size if n < 32 else rnd.randrange(0, 320)
        # unknown names too, and names in any order
        rows.append([f"f{rnd.randrange(700):04d}" for _ in range(size)])
    return [list(dict.fromkeys(row)) for row in rows]


def _both(family: FamilyModel, rows, components, monkeypatch):
    typed_answer = family.score_batch(rows, components)
    with monkeypatch.context() as patch:
        patch.setattr(model_module, "_scoring", None)
        pure_answer = family.score_batch(rows, components)
    return typed_answer, pure_answer


@typed
def test_known_sums_are_numpys_bit_for_bit(monkeypatch):
    rnd = random.Random(352)
    family = _random_model(rnd)
    rows = _rows(rnd)
    components = [("output" if n % 3 == 0 else None) for n in range(len(rows))]
    for comps in (None, components):
        (probs, known), (pure_probs, pure_known) = _both(family, rows, comps, monkeypatch)
        assert known == pure_known
        assert probs.tobytes() == pure_probs.tobytes()
        index, matrix, _ = family._compiled()
        crossings = [None if c is None else family._crossing(c) for c in comps or [None] * 400]
        sums, ids = model_module._scoring.known_sums(rows, crossings, index, matrix)
        pure_sums, pure_ids, _ = family._sums(rows, comps)
        assert ids == pure_ids
        assert sums.tobytes() == pure_sums.tobytes()


@typed
def test_a_sequential_sum_is_not_numpys():
    """The test above can fail: summing the weights one by one differs from numpy's
    pairwise sum in the last bits for long rows."""
    rnd = random.Random(7)
    family = _random_model(rnd)
    index, matrix, _ = family._compiled()
    row = sorted({rnd.randrange(600) for _ in range(200)})
    sequential = matrix[row[0]].copy()
    for i in row[1:]:
        sequential = sequential + matrix[i]
    numpy_sum = np.add.reduceat(matrix[row], [0], axis=0)[0]
    assert sequential.tobytes() != numpy_sum.tobytes()


@typed
def test_top_ranks_are_the_sorted_first():
    rnd = random.Random(11)
    ranks = list(range(5000))
    rnd.shuffle(ranks)
    array = np.array(ranks, dtype=np.int64)
    for _ in range(500):
        known = rnd.sample(range(5000), rnd.randrange(0, 200))
        n = rnd.randrange(0, 6)
        assert (
            model_module._scoring.top_ranks(array, known, n) == sorted(ranks[i] for i in known)[:n]
        )


def test_the_shipped_models_answers_are_the_same_both_ways(monkeypatch):
    """On the readings of dev rows (the shipped model): the same probabilities' bytes,
    the same known ids and the same strongest features."""
    from flows.nlp.corpus import load_set
    from flows.nlp.model import family_of
    from flows.nlp.reader import StanceReader, profile_for

    model = load_model()
    for language in ("en", "da"):
        rows = [r for r in load_set("dev") if r.language == language][::9]
        reader = StanceReader(
            language, {t: profile_for(t, language) for t in {r.theme for r in rows}}
        )
        docs = reader.nlp.pipe([r.text for r in rows])
        items = [(d, r.theme, r.component) for d, r in zip(docs, rows, strict=True)]
        readings = reader.read_docs(items)
        for name, family in model.families.items():
            picked = [
                (x, r)
                for x, r in zip(readings, rows, strict=True)
                if family_of(r.component) == name
            ]
            feats = [list(x.features) for x, _ in picked]
            (probs, known), (pure_probs, pure_known) = _both(family, feats, None, monkeypatch)
            assert probs.tobytes() == pure_probs.tobytes()
            assert known == pure_known
            for ids in known:
                for label in family.labels:
                    shown = family.contributions_of(ids, label)
                    with monkeypatch.context() as patch:
                        patch.setattr(model_module, "_scoring", None)
                        assert family.contributions_of(ids, label) == shown

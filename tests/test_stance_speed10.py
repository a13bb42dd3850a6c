"""The tenth speed pass (decision 0310) reads exactly what the slower code read:

- the presence family's features crossed with their component are found by id from
  the plain features (`FamilyModel.score_batch` with `components`): the same known
  ids and the same floats as the crossed strings;
- `features.crossed` names the crossed features as `feature_bag` made them;
- `cue_words._find` (candidates by `list.index`) finds the run the plain loop found;
- the model's contributions are the best ranks as before.
"""

from __future__ import annotations

import random

import pytest

from flows.nlp import cue_words
from flows.nlp.corpus import load_set
from flows.nlp.features import crossed, feature_bag
from flows.nlp.model import FamilyModel, load_model
from flows.nlp.reader import StanceReader, profile_for


def _presence_bags(language: str, step: int = 9):
    """(component, bag without the cross, bag with it) of dev rows of the presence
    family, as the reader's rules make them (`feature_bag` called both ways)."""
    from flows.nlp import reader as module

    rows = [
        r
        for r in load_set("dev")
        if r.language == language and r.component in ("mechanism", "intervention", "output")
    ][::step]
    reader = StanceReader(language, {t: profile_for(t, language) for t in {r.theme for r in rows}})
    made = []

    def both(*args, cross=True, **named):
        plain = feature_bag(*args, cross=False, **named)
        made.append((args[1], plain, feature_bag(*args, **named)))
        return plain

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(module, "feature_bag", both)
        reader.read_docs(
            [
                (d, r.theme, r.component)
                for d, r in zip(reader.nlp.pipe([r.text for r in rows]), rows, strict=True)
            ]
        )
    assert len(made) == len(rows)
    return made


@pytest.mark.parametrize("language", ["en", "da"])
def test_crossed_features_by_id_score_as_the_crossed_strings(language):
    family = load_model().families["presence"]
    bags = _presence_bags(language)
    assert len(bags) > 20
    components = [c for c, _, _ in bags]
    plain = [p for _, p, _ in bags]
    strings = [crossed(p, c) for c, p in zip(components, plain, strict=True)]
    probs, known = family.score_batch(strings)
    probs2, known2 = family.score_batch(plain, components)
    assert known == known2 and probs.tobytes() == probs2.tobytes()
    # the cross matters: without it the rows score otherwise
    assert family.score_batch(plain)[1] != known


def test_crossed_names_the_features_feature_bag_crosses():
    for component, plain, full in _presence_bags("en", 23):
        bag = crossed(plain, component)
        assert sorted(bag) == sorted(full) and len(bag) == len(set(bag))
        prefix = f"{component}:"
        assert {f for f in bag if f.startswith(prefix)} == {
            prefix + f for f in plain if not f.startswith("t=")
        }
    assert crossed(["w=walk", "t=walk"], "outcome") == ["w=walk", "t=walk"]


def test_a_model_crossing_a_view_feature_is_not_read_for_an_uncrossed_view():
    """A second-view feature is never crossed (`feature_bag`), so a model that holds
    `output:t=...` (an old one) must not find it from a plain `t=...`."""
    weights = {"output:t=walk": [5.0, 0.0], "output:w=walk": [1.0, 0.0], "t=walk": [0.0, 1.0]}
    family = FamilyModel(("present", "absent"), [0.0, 0.0], weights)
    _, known = family.score_batch([["t=walk", "w=walk"]], ["output"])
    names = sorted(weights)
    assert [names[i] for i in known[0]] == ["output:w=walk", "t=walk"]


def _find_by_loop(lemmas, lower, lemma):
    k = len(lemmas)
    for i in range(len(lemma) - k + 1):
        if list(lemma[i : i + k]) == lemmas:
            return " ".join(lower[i : i + k])
    return _find_by_loop(lemmas[:1], lower, lemma) if k > 1 else ""


def test_cue_words_find_the_run_the_plain_loop_found():
    rnd = random.Random(310)
    vocabulary = ["walk", "more", "less", "of", "it", "be", "go"]
    for _ in range(3000):
        lemma = [rnd.choice(vocabulary) for _ in range(rnd.randrange(0, 8))]
        lower = [w.upper() + str(n) for n, w in enumerate(lemma)]
        wanted = [rnd.choice(vocabulary) for _ in range(rnd.randrange(1, 4))]
        assert cue_words._find(wanted, lower, lemma) == _find_by_loop(wanted, lower, lemma)


def test_contributions_are_the_best_ranks():
    rnd = random.Random(10)
    names = [f"w={n:03d}" for n in range(200)]
    weights = {n: [rnd.choice([-1.0, 0.0, 0.5, 0.5, 2.0]), 0.0] for n in names}  # ties
    family = FamilyModel(("a", "b"), [0.0, 0.0], weights)
    index = family._compiled()[0]
    for _ in range(50):
        row = rnd.sample(names, rnd.randrange(0, 30))
        top = sorted(row, key=lambda f: (-weights[f][0], f))[:4]  # by weight, then name
        assert family.contributions_of([index[f] for f in row], "a") == [
            f for f in top if weights[f][0] > 0
        ]

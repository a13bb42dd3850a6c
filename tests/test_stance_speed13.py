"""The thirteenth speed pass's machinery (decision 0410) reads as before.

- a parse's caches (clause numbers, negations asked, clauses naming a set of words,
  the contradicted claim) are made with the parse: a parse made again by
  `dataclasses.replace` (the own-theme passes change its clauses or word classes)
  has its own, numbered from its own clauses, never the first parse's;
- `feature_bag` without `cross` is one set of the plain features and the second
  view's: no plain feature is named like a second-view one (`t=`), so the set holds
  each of the two lists' names once, as the two sets side by side did.

`test_stance_pinned.py` and `test_stance_compiled.py` compare whole readings.
"""

from __future__ import annotations

from dataclasses import replace

from flows.nlp import features as features_module
from flows.nlp.anchors import Clause
from flows.nlp.corpus import load_set
from flows.nlp.cues import claim_contradicted
from flows.nlp.reader import StanceReader, profile_for
from flows.nlp.states import Parsed


def _numbers(parsed: Parsed) -> list[int]:
    out = [-1] * len(parsed.lower)
    for n, clause in enumerate(parsed.clauses):
        for i in range(clause.start, clause.end):
            out[i] = n
    return out


def test_a_parse_made_again_has_caches_of_its_own():
    lower = ["he", "did", "n't", "walk", ",", "now", "he", "walks", "daily"]
    clauses = [Clause(0, 4, 0, None, False), Clause(5, 9, 0, "latest", False)]
    first = Parsed(lower, lower, {"reported": [(0, 1)]}, [2], clauses, 0, frozenset())
    assert first.clause_numbers() == [0, 0, 0, 0, -1, 1, 1, 1, 1] == _numbers(first)
    assert first.is_negated((3, 4), clauses[0]) is True
    assert first.clause_numbers_naming(frozenset({"walks"})) == [False, True]
    assert claim_contradicted(first) is False
    # clauses cut otherwise, as an own-theme pass may hand them on
    again = replace(first, clauses=[Clause(0, 2, 0, None, False), Clause(2, 9, 0, None, False)])
    assert again.clause_numbers() == [0, 0, 1, 1, 1, 1, 1, 1, 1] == _numbers(again)
    assert again.clause_numbers_naming(frozenset({"walks"})) == [False, True]
    assert again.clause_numbers_naming(frozenset({"did"})) == [True, False]
    # the negation stands in the walk's clause now too; the first parse's answer is
    # not reused for the same span with other clause bounds
    assert again.is_negated((3, 4), again.clauses[1]) is True
    assert again.is_negated((0, 1), again.clauses[0]) is False
    assert again._negated is not first._negated and again._naming is not first._naming
    assert first.clause_numbers() == _numbers(first)


def _bag_rows(language: str):
    rows = [r for r in load_set("dev") if r.language == language][::11]
    themes = {r.theme for r in rows}
    reader = StanceReader(language, {t: profile_for(t, language) for t in themes})
    return reader, rows


def test_the_bag_holds_the_plain_features_and_the_second_view_once_each(monkeypatch):
    seen = []

    def bag(*args, **named):
        made = features_module.feature_bag(*args, **named)
        topic = set(features_module.topic_features(args[0], named.get("naming")))
        seen.append((made, topic))
        return made

    from flows.nlp import reader as reader_module

    monkeypatch.setattr(reader_module, "feature_bag", bag)
    for language in ("en", "da"):
        reader, rows = _bag_rows(language)
        docs = reader.nlp.pipe([r.text for r in rows])
        reader.read_docs([(d, r.theme, r.component) for d, r in zip(docs, rows, strict=True)])
    assert len(seen) > 100
    with_view = 0
    for made, topic in seen:
        assert isinstance(made, set)
        plain = {f for f in made if not f.startswith("t=")}
        assert made == plain | topic and not plain & topic
        with_view += bool(topic)
    assert with_view > len(seen) // 2

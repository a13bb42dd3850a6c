"""The lookup lemmas a pipeline's NORM getter holds as a plain dict keyed by the
strings' hashes (decision 0380): the same lemma as spaCy's `Table` for every
entry and for words it does not hold, and a stored reader's vocabulary pickles
no `Table` (unpickling one costs a Python call per entry)."""

from __future__ import annotations

import pickle

import pytest
import spacy.lookups
from spacy.attrs import NORM

from flows.nlp import lexicons

pytestmark = pytest.mark.skipif(
    lexicons.lemma_table("en") is None, reason="needs spacy-lookups-data"
)


def _table_lemma(table, keep: frozenset[str], string: str) -> str:
    """The NORM getter as it read spaCy's `Table` before decision 0380."""
    lower = string.lower()
    if lower in keep:
        return lower
    value = table.get(lower) or table.get(string) or lower
    return (value if isinstance(value, str) else value[0]).lower()


@pytest.mark.parametrize("language", ["en", "da"])
def test_every_entry_and_unknown_words_get_the_tables_lemma(language):
    table = lexicons.lemma_table(language)
    if table is None:
        pytest.skip(f"no lemma table for {language}")
    keep = lexicons.load_word_order(language).lemma_exceptions
    nlp = lexicons.blank_pipeline(language)
    getter = nlp.vocab.lex_attr_getters[NORM]
    strings = set(nlp.vocab.strings)
    words = [s for s in strings if isinstance(s, str)] + [
        "Walked", "WALKING", "Children", "nonsenseword", "", "Æbler", "gik", "Går", "n't",
    ]  # fmt: skip
    assert len(words) > 1000
    for word in words:
        assert getter(word) == _table_lemma(table, keep, word), word
    # the dict holds exactly the table's entries
    assert lexicons.lemma_lookup(table) == dict(table.items())


def test_a_pickled_pipeline_holds_no_spacy_table_for_its_lemmas():
    nlp = lexicons.blank_pipeline("en")
    made: list[int] = []
    real = spacy.lookups.Table.__setitem__

    def counting(self, key, value):
        made.append(1)
        real(self, key, value)

    loaded = None
    spacy.lookups.Table.__setitem__ = counting
    try:
        loaded = pickle.loads(pickle.dumps(nlp))
    finally:
        spacy.lookups.Table.__setitem__ = real
    # spaCy's own small norm exceptions table may come back; the 41,582 lemmas must not
    assert len(made) < 5_000
    getter = loaded.vocab.lex_attr_getters[NORM]
    assert getter("walked") == nlp.vocab.lex_attr_getters[NORM]("walked") == "walk"

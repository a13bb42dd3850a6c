"""The NLP layer's description in the provenance footer (decision 0189)."""

from __future__ import annotations

import pytest

from flows.nlp import lexicons


@pytest.mark.parametrize("language", ["en", "da", "nb", "sv", "de", "xx", "zz"])
def test_lemma_table_named_without_reading_it(language):
    """Provenance names the lemma table (`has_lemma_table`) without loading it
    (0189); both must agree on every language."""
    assert lexicons.has_lemma_table(language) == (lexicons.lemma_table(language) is not None)
    words = "lookup lemmas" if lexicons.has_lemma_table(language) else "no lemmas"
    assert words in lexicons.pipeline_description(language)

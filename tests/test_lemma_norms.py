"""Decision 0380: the NORM of every lexeme a blank pipeline's vocabulary already
holds when the lemmas are installed (the tokenizer's exceptions: "n't", "'s",
"ca.") is its lookup lemma, as a word met later gets it through the getter."""

from __future__ import annotations

import pytest
from spacy.attrs import NORM

from flows.nlp import lexicons


@pytest.mark.parametrize("language", ["en", "da"])
def test_the_vocabularys_lexemes_have_the_getters_norm(language):
    if lexicons.lemma_table(language) is None:
        pytest.skip(f"no lemma table for {language}")
    nlp = lexicons.blank_pipeline(language)
    getter = nlp.vocab.lex_attr_getters[NORM]
    lexemes = list(nlp.vocab)
    assert len(lexemes) > 50
    assert [x.orth_ for x in lexemes if x.norm_ != getter(x.orth_)] == []
    if language == "en":
        assert nlp.vocab["went"].norm_ == "go"

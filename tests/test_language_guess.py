"""The language guess's lookup table (`language_notes.CODES_OF`, decision 0396):
built at import, so a direct call pins how it is built (the mutation runs mutate
`_codes_of` after the module has built its table)."""

from __future__ import annotations

from flows.language_notes import CODES_OF, FUNCTION_WORDS, _codes_of


def test_each_function_word_lists_its_languages_in_the_tables_order():
    built = _codes_of()
    assert built == CODES_OF
    assert built["jeg"] == ("da", "nb")
    assert built["det"] == ("da", "nb", "sv")
    assert built["the"] == ("en",)
    assert built["que"] == ("es",)
    assert built["har"] == ("da", "nb", "sv")
    order = list(FUNCTION_WORDS)
    assert all(list(codes) == sorted(codes, key=order.index) for codes in built.values())
    assert sum(len(codes) for codes in built.values()) == sum(map(len, FUNCTION_WORDS.values()))


def test_a_danish_interviews_excerpt_read_as_norwegian_is_still_read():
    """A relative of the interview's language is no evidence (decisions 0370, 0396):
    a Danish speaker's "noen", "mye", "nå" read as Norwegian alone, and the excerpt
    stays with the Danish rules; a missing text is read as it always was."""
    from flows.language_notes import guess_language, unread_as

    text = "Jeg har ikke noen hjelp, det er mye bedre nå etter at hun kom."
    assert guess_language(text) == "nb"
    assert unread_as("da", text) is None
    assert unread_as("en", text) == "nb"
    assert unread_as("en", float("nan")) is None
    assert unread_as("en", None) is None

"""The leak audit's word screen must never let a name through that the exact
pattern would find."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from flows.privacy import audit


def reference_words(text: str) -> set[str]:
    return set(re.findall(r"\w+", unicodedata.normalize("NFKC", text).lower()))


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_fast_words_find_every_word_the_regex_finds(text):
    assert reference_words(text) <= audit.words(text)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["hans", "Hans", "ＨＡＮＳ", "“Hans”", "<b>hans</b>", "hansen", "ﬁnn", "æble"]
        ),
        max_size=6,
    ),
    st.sampled_from([" ", "\n", "\u3000", "—", ",", "_"]),
)
def test_names_are_found_in_any_spelling_and_markup(parts, separator):
    text = separator.join(parts)
    screen = audit.NameScreen(("Hans", "Finn"))
    expected = bool(
        re.search(r"(?<!\w)(?:hans|finn)(?!\w)", unicodedata.normalize("NFKC", text), re.I)
    )
    assert bool(screen.lines_with_names(text)) == expected


def test_line_numbers_and_clean_text():
    screen = audit.NameScreen(("Anne Jensen", "Anne"))
    text = "first line\nsaid ANNE today\nnothing\n<p>anne jensen</p>"
    assert screen.lines_with_names(text) == [2, 4]
    assert screen.lines_with_names("annex and jensen") == []


def test_hypothesis_profile_is_fixed():
    """conftest registers one profile: no deadline, derandomised when CI=true."""
    import os

    current = settings()
    assert current.deadline is None
    assert current.derandomize == (os.environ.get("CI") == "true")

"""The leak audit's word screen must never let a name through that the exact
pattern would find."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from flows.privacy import audit


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["hans", "Hans", "ＨＡＮＳ", "“Hans”", "<b>hans</b>", "hansen", "ﬁnn", "æble", "Ｆinn²"]
        ),
        max_size=6,
    ),
    st.sampled_from([" ", "\n", "\u3000", "—", ",", "_"]),
)
def test_names_are_found_in_any_spelling_and_markup(parts, separator):
    text = separator.join(parts)
    screen = audit.NameScreen(("Hans", "Finn"))
    expected = any(p.lower() not in ("hansen", "æble") for p in parts)
    assert bool(screen.hits(audit.line_segments(text))) == expected


def test_locations_and_clean_text():
    screen = audit.NameScreen(("Anne Jensen", "Anne"))
    text = "first line\nsaid ANNE today\nnothing\n<p>anne jensen</p>"
    assert screen.hits(audit.line_segments(text)) == ["line 2", "line 4"]
    assert screen.hits(audit.line_segments("annex and jens")) == []
    # a surname alone names her (flows.privacy.unknown_names: roster name parts)
    assert screen.hits(audit.line_segments("annex and jensen")) == ["line 1"]
    # across a line break and markup, with entities decoded
    page = "<p>said <b>Anne</b>\n<i>Jen&shy;sen</i></p><style>.anne{}</style>"
    assert screen.html_hits(page) == ["line 1"]
    assert screen.html_hits("<p style='anne'>nothing</p>") == []
    assert screen.html_hits('<img alt="A&#110;ne">') == ["line 1 (alt)"]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
@example("Þ0Ꭳ")  # an expanded letter beside a Cherokee capital (casefold gives capitals)
def test_quick_words_hold_every_letter_word_of_the_canonical_text(text):
    from flows.privacy.canonical import TOKEN, canonical

    letter_words = {w for w in TOKEN.findall(canonical(text)) if not w.isdigit()}
    assert letter_words <= audit.quick_words(text)


def test_hypothesis_profile_is_fixed():
    """conftest registers one profile: no deadline, derandomised when CI=true."""
    import os

    current = settings()
    assert current.deadline is None
    assert current.derandomize == (os.environ.get("CI") == "true")

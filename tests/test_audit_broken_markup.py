"""The page audit's screen for a word broken by a hyphen before a tag ("Jen-<br>sen",
decision 0326) answers as its full pattern searched everywhere, at a fraction of
the cost on a page (the merge of the tenth pass: 7 ms a dossier page before)."""

import random

from flows.privacy.audit import _BROKEN_BY_MARKUP, broken_by_markup


def test_the_anchored_screen_answers_as_the_pattern_searched_everywhere():
    rng = random.Random(1)
    for _ in range(20_000):
        text = "".join(rng.choice("aZø-‐ <b></b>\t\n1_>") for _ in range(rng.randint(1, 30)))
        assert broken_by_markup(text) == bool(_BROKEN_BY_MARKUP.search(text)), text


def test_words_broken_over_lines_of_a_page_are_found_and_markup_alone_is_not():
    assert broken_by_markup("<p>Jen-<br>sen</p>")
    assert broken_by_markup("<td>Sø‐ <span class='x'>\n rensen</td>")
    assert not broken_by_markup("<td>-<b>x</b></td>")  # no letter before the hyphen
    assert not broken_by_markup("<p>Jen- sen</p>")  # no tag: the text screen's case
    assert not broken_by_markup("<div style='font-size:1em'>a</div>")

"""The leak audit's name screen, one behaviour at a time: which names it
searches for, where it reports them, its quick pre-screens (which may only
ever skip text that holds no name), and the plain pattern `name_pattern`.

Names chosen so that one layer decides each test: "Anne" alone has no name
part besides itself, so the unknown-name screen (`OutputScreen`, titles and
roster name parts) finds nothing in a text that holds only "Anne"."""

from __future__ import annotations

import html

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from flows.privacy import audit
from flows.privacy.matching import NameSet

ANNE = audit.NameScreen(("Anne",))


def test_distinct_names_split_people_not_identifiers():
    """A person's full name gives its parts (a surname alone names her); an
    identifier (a place, an institution) is searched only as listed: "Aarhus"
    alone is a city, not the hospital. Parts in canonical form (lower case, no
    accents). Longest first, then alphabetical."""
    roster = [
        ("P1", "peer", ["Henrik Sørensen", "Henke"]),
        ("X1", "identifier", ["Aarhus Universitetshospital", "AUH"]),
        ("P2", "nurse", ["Bo Li", " "]),
    ]
    assert audit.distinct_names(roster) == (
        "Aarhus Universitetshospital",
        "Henrik Soerensen",  # a person's two-letter spellings too, not an identifier's
        "Henrik Sørensen",
        "Soerensen",
        "sorensen",
        "henrik",
        "Bo Li",
        "Henke",
        "AUH",
        "bo",
        "li",
    )


def test_screen_of_a_tuple_and_of_its_name_set_search_the_same_names():
    assert audit.as_name_set(("Anne", "Bo")) == NameSet(("Anne", "Bo"))
    roster = [("P1", "peer", ["Anne Berg"])]
    assert audit.as_name_set(roster) == NameSet(("Anne Berg", "anne", "berg"))
    assert audit.names_fingerprint(NameSet(("Anne",))) != audit.names_fingerprint(
        NameSet(("Anna",))
    )


def test_holds_name_finds_a_roster_name_alone_and_a_title_alone():
    assert ANNE.holds_name("we met anne today")
    assert not ANNE.holds_name("we met annex today")
    assert ANNE.holds_name("we met Dr Hansen today")  # nobody listed him: a title + name
    empty = audit.NameScreen(())
    assert not empty.holds_name("we met anne today")
    assert empty.holds_name("we met Dr Hansen today")


def test_holds_roster_name_is_the_roster_part_of_hits_on_joined_texts():
    """`holds_roster_name` (the index audit's one search over its rows' texts
    joined by new lines) finds a roster name, even split over two rows, and
    nothing else: no title screen, no names when the roster is empty."""
    assert ANNE.holds_roster_name("row one\nwe met anne today")
    assert not ANNE.holds_roster_name("row one\nwe met annex today")
    assert not ANNE.holds_roster_name("we met Dr Hansen today")  # titles: titled_in
    split = audit.NameScreen(("Anne Berg",))
    assert split.holds_roster_name("a row ending Anne\nBerg starts the next")
    assert not audit.NameScreen(()).holds_roster_name("we met anne today")


def test_hits_name_each_place_once_in_order():
    """A name in lines 1 and 3 and twice in line 4: three places, each once."""
    text = "Anne came\nnobody\nand ANNE\nanne, anne"
    assert ANNE.hits(audit.line_segments(text)) == ["line 1", "line 3", "line 4"]
    assert ANNE.hits(audit.line_segments("nobody at all")) == []


def test_a_name_split_across_two_segments_is_found_at_the_first():
    screen = audit.NameScreen(("Anne Berg",))
    assert screen.hits([("cell A1", "x"), ("cell B1", "Anne"), ("cell C1", "Berg")]) == ["cell B1"]


def test_a_name_beginning_with_a_digit_is_not_screened_out():
    """The quick word screen reads letters only; a name whose first word is a
    number ("5th Avenue Clinic") must still be searched."""
    screen = audit.NameScreen(("5th Avenue Clinic",))
    assert screen.digit_first
    assert screen.may_hold("nothing here")
    assert screen.hits(audit.line_segments("x\ntaken to the 5th avenue clinic")) == ["line 2"]
    assert not ANNE.digit_first


def test_a_lone_surrogate_beside_a_name_does_not_hide_it():
    """A JSON output may hold an escaped lone surrogate ("\\ud800"): the text is
    still searched, and the name beside it found."""
    assert audit.quick_words("Anne\ud800") == {"anne"}
    assert audit.quick_words("Bo\ud800x anne") >= {"anne"}
    assert ANNE.hits([("$.note", "met Anne\ud800"), ("$.other", "x\ud800y")]) == ["$.note"]


def test_may_hold_html_reads_entities_and_markup():
    """The quick page screen sees entity-decoded text, markup included (a
    superset of what a reader sees); False only when no name can start."""
    assert ANNE.may_hold_html("<p>A&#110;ne</p>")
    assert ANNE.may_hold_html('<p class="anne">x</p>')
    assert ANNE.may_hold_html("<p>anne</p>")
    assert not ANNE.may_hold_html("<p>An&amp;ne</p>")
    assert not ANNE.may_hold_html("<p>nobody</p>")


def test_html_hits_find_a_title_where_no_roster_name_can_be():
    assert ANNE.html_hits("<p>x</p>\n<p>asked Dr Hansen</p>") == ["line 2"]
    assert ANNE.html_hits("<p>x</p>\n<p>asked A&#110;ne</p>") == ["line 2"]
    assert ANNE.html_hits("<p>nobody</p>") == []


def test_html_segments_keep_text_after_the_last_tag_and_before_the_first():
    assert audit.html_segments("Anne<p>x</p>\nBo") == [
        ("line 1", "Anne"),
        ("line 1", "x"),
        ("line 2", "\nBo"),  # located where its text starts
    ]


def test_name_pattern_matches_each_name_as_written_whole_word_any_case():
    roster = [("P1", "peer", ["Anne Berg", "anne", " "]), ("P2", "peer", ["O'Neil (Jr.)"])]
    pattern = audit.name_pattern(roster)
    text = "ANNE BERG met o'neil (jr.) and Anne; annex and berg are not names"
    assert pattern.findall(text) == ["ANNE BERG", "o'neil (jr.)", "Anne"]
    assert audit.name_pattern([("P1", "peer", [" ", ""])]) is None
    assert audit.name_pattern([]) is None


@pytest.mark.parametrize("names", [("Bo",), ("Bo", "Bo Li"), ("Bo Li", "Li", "Ida")])
def test_name_pattern_finds_every_name(names):
    pattern = audit.name_pattern([("P1", "peer", list(names))])
    assert [pattern.search(f"said {n}.").group() for n in names] == list(names)


#: a screen whose remembered clean pieces persist from example to example
PIECES_SCREEN = audit.NameScreen(
    audit.as_name_set([("P1", "peer", ["Henrik Sørensen", "Henke"]), ("P2", "nurse", ["Ib Kjær"])])
)
PAGE_PIECES = [
    "Henrik", "henrik", "Sørensen", "S&oslash;rensen", "SØRENSEN", "Kjær", "kjaer", "Ib", "Henke",
    "Dr", "dr.", "Nurse", "Hansen", "Olsen", "the", "Anne", "x", "3",
    "<", ">", "<p>", "</p>", "<br>", '<img alt="', '">', "<style>", "</style>", "[", "]",
    " ", "  ", "\t", "\n", ".", "-", "_", "'", '"', "=",
    "&amp;", "&amp", "&lt;", "&gt;", "&gt", "&#110;", "&#62;", "&#x3c;", "&", "#", ";", "&no", "t",
]  # fmt: skip


def _whole_page_screen(screen: audit.NameScreen, text: str) -> bool:
    """The quick page screen as it was before decision 0195: the whole page read."""
    raw = html.unescape(text) if "&" in text else text
    return bool((screen.name_set and screen.may_hold(raw)) or screen.unknown.search(raw))


@settings(max_examples=400)
@given(st.lists(st.sampled_from(PAGE_PIECES), max_size=16).map("".join))
@example("<p>Dr <b>Hansen</b></p>")
@example("<p>x&amp>Sørensen</p>")
@example("Dr&gt;Hansen")
@example("<td>Dr Hansen</td><td>Dr</td>")
def test_page_screen_by_pieces_is_the_whole_page_screen(text):
    """Reading a page as its distinct pieces between "<" and ">", and skipping
    pieces found clean before, finds a possible name exactly when reading the
    whole page does (decision 0195)."""
    expected = _whole_page_screen(PIECES_SCREEN, text)
    assert PIECES_SCREEN.may_hold_page(text) == expected
    fresh = audit.NameScreen(PIECES_SCREEN.name_set)
    assert fresh.may_hold_page(text) == expected

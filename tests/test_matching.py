"""`flows.privacy.matching`: the one name matcher of the pseudonymiser and the
leak audit, called directly. Written from the `matching` mutation run
(tests/mutation/run_mutants.py): each test names a property of the matcher."""

from __future__ import annotations

import pytest

from flows.privacy.matching import (
    NameMatcher,
    NameSet,
    common_words,
    genitive,
    initials_before,
    matcher_for,
    person_forms,
)

ROSTER = [
    ("A", ["Anne Marie Berg", "Anne"]),
    ("H", ["Henrik Sørensen", "Henrik"]),
    ("W", ["Will"]),
    ("R", ["Rose"]),
    ("J", ["Jens"]),
]


def found(text: str, language: str = "en", roster=ROSTER) -> list[tuple[str, str]]:
    matcher = NameMatcher.build(roster, language)
    return [(m.key, text[m.start : m.end]) for m in matcher.find(text)]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Anne Marie Berg came", [("A", "Anne Marie Berg")]),  # the longest form wins
        ("Anne-Marie  Berg", [("A", "Anne-Marie  Berg")]),
        ("ANNE–MARIE\nBERG", [("A", "ANNE–MARIE\nBERG")]),
        ("Anne ’ Marie\u200b Berg", [("A", "Anne ’ Marie\u200b Berg")]),
        ("AnneMarieBerg", [("A", "AnneMarieBerg")]),  # written as one
        ("AnneMarieBergs", [("A", "AnneMarieBergs")]),  # and its genitive
        ("Anne. Marie Berg", [("A", "Anne")]),  # punctuation parts the words
        ("Anne Marie", [("A", "Anne")]),
        ("Anne Marie. Berg", [("A", "Anne")]),  # every gap is checked, the last too
        ("Henrik. Sørensen", [("H", "Henrik")]),
        ("Henriks dog", [("H", "Henriks")]),
        ("HenrikSørensens", [("H", "HenrikSørensens")]),
        ("to Søren, Henrik and Jens", [("H", "Henrik"), ("J", "Jens")]),
        ("Jenss", []),  # a name in -s has no genitive in -ss
        ("xHenrik", []),
        ("Henrik, Henrik.", [("H", "Henrik"), ("H", "Henrik")]),
    ],
)
def test_names_in_any_separator_and_case_leftmost_longest(text, names):
    assert found(text) == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Will said so", [("W", "Will")]),  # capitalised at the start
        ("I will go", []),  # a common word in lower case
        ("Will you come?", []),  # a question
        ("“Will you?”", []),
        ("Will the bus come", []),
        ("Will, you know", [("W", "Will")]),  # punctuation parts it from "you"
        ("Will - you know", [("W", "Will")]),
        ("Will said. Will you?", [("W", "Will")]),
        ("I told Rose", [("R", "Rose")]),  # capitalised inside a sentence
        ("I told Rose you", [("R", "Rose")]),
        ("Rose", [("R", "Rose")]),  # alone: the start of a text, nothing after it
        ("Yes. Rose said", [("R", "Rose")]),
        ("Yes.\u200b Rose you", []),  # an invisible opener keeps it sentence-initial
        ("(Will) you", [("W", "Will")]),
        ("the rose bush", []),
        ("will henrik", [("W", "will"), ("H", "henrik")]),  # beside a roster name part
        ("Henrik will", [("H", "Henrik"), ("W", "will")]),
        ("henrik. will", [("H", "henrik"), ("W", "will")]),
        ("will henrik said", [("W", "will"), ("H", "henrik")]),
        ("will go with henrik", [("H", "henrik")]),  # the last word is not beside it
        ("Yes.Will you?", []),  # a sentence end right before it
        ("Fine\nWill you come?", []),  # a line break ends a sentence
        ("Fine\n \u200bWill you come?", []),
        ("a Will you", [("W", "Will")]),  # one letter before it: inside a sentence
        ("I said Will you", [("W", "Will")]),
    ],
)
def test_a_common_word_alias_only_where_it_reads_as_a_name(text, names):
    assert found(text) == names


def test_the_sentence_rule_follows_the_language():
    roster = [("B", ["Bo"]), ("K", ["Kim Holm"])]
    assert found("Bo du her?", "da", roster) == []  # "du" makes it a question
    assert found("Bo hjalp mig.", "da", roster) == [("B", "Bo")]
    assert found("Bo you know", "da", roster) == [("B", "Bo")]  # "you" is English
    # a language without its own list reads the English one
    assert found("Bo you know", "xx", roster) == [("B", "Bo")]  # "bo" is no common word there
    assert NameMatcher.build(roster, "xx", ["Bo"]).find("Bo you") == []


def test_common_words_are_canonical_single_words():
    words = common_words("en")
    assert {"will", "may", "rose", "the"} <= words  # the module's list and spaCy's stop words
    assert common_words("xx") == frozenset()  # an unknown language has none
    assert common_words("xx", ("Sky Blue", "Bø", "")) == frozenset({"bo"})
    assert all(w == w.lower() and " " not in w and w for w in common_words("da"))


def test_person_forms_add_each_part_of_the_full_name():
    assert person_forms(["Henrik Sørensen", "Henne", "", "J. 2 Bo"]) == [
        "Henrik Sørensen",
        "Henne",
        "J. 2 Bo",
        "henrik",
        "sorensen",
        "Henrik Soerensen",  # the two-letter spelling of ø (digraph_spellings)
        "Soerensen",
    ]
    assert person_forms(["J. R. Ewing 2"]) == ["J. R. Ewing 2", "ewing"]
    assert person_forms(["Bo", "bo"]) == ["Bo", "bo"]
    assert person_forms([" ", ""]) == []


def test_genitive():
    assert genitive(("henrik",)) == ("henriks",)
    assert genitive(("anne", "marie")) == ("anne", "maries")
    # only the last word takes the ending, however many come before it (mutants15)
    assert genitive(("anne", "marie", "berg")) == ("anne", "marie", "bergs")
    assert genitive(("hans", "jens")) == ("hans", "jenses")
    assert genitive(("jens",)) == ("jenses",)  # the colloquial Danish -es (decision 0422)
    assert genitive(()) is None


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Yesterday M. Rahimi", "Yesterday "),
        ("Yesterday M Rahimi", "Yesterday "),
        ("Yesterday J.H. Hansen", "Yesterday "),
        ("Yesterday J. H. Hansen", "Yesterday "),
        ("with A.-M. Hansen", "with "),
        ("(M.Rahimi", "("),
        ("then JH Hansen", "then "),
        # no initials: a pronoun, an article, a title, a number, a sentence end
        ("Then I Hansen", "Then I "),
        ("Hi A Hansen", "Hi A "),
        ("Dr. Hansen", "Dr. "),
        ("at 5. Hansen", "at 5. "),
        ("we left. Hansen", "we left. "),
        ("e.g. Hansen", "e.g. "),
    ],
)
def test_initials_before_a_name_go_with_it(text, kept):
    """Decision 0422: "M. Rahimi" becomes one label, not "M. [peer P3]"."""
    assert text[: initials_before(text, len(text) - 6)] == kept


def test_initials_never_reach_before_the_floor():
    assert initials_before("J. Hansen", 3, floor=1) == 3


def test_initials_at_the_start_of_a_text_go_with_the_name():
    """A transcript line that opens with them ("M. Rahimi rang"): the initial
    is no letter left beside the label (mutants15)."""
    assert initials_before("M. Rahimi rang", 3) == 0
    assert initials_before("J.H. Hansen", 5) == 0


def test_name_sets_and_their_matchers():
    names = NameSet(("Anne Berg", "anne"), "en", ("Rose",))
    assert names and not NameSet(())
    assert names.fingerprint != NameSet(("Anne Berg", "anne"), "da", ("Rose",)).fingerprint
    assert names.fingerprint != NameSet(("Anne Berg",), "en", ("Rose",)).fingerprint
    assert names.fingerprint != NameSet(("Anne Berg", "anne")).fingerprint
    matcher = matcher_for(names)
    assert matcher is matcher_for(names)
    assert [(m.start, m.end, m.first_token, m.tokens) for m in matcher.find("to Anne Berg")] == [
        (3, 12, 1, 2)
    ]
    assert matcher.language == "en" and "rose" in matcher.common
    # the set's own common words reach its matcher
    assert matcher_for(NameSet(("Bo",), "xx", ("Bo",))).find("Bo you") == []
    assert len(matcher_for(NameSet(("Bo",), "xx")).find("Bo you")) == 1


def test_a_form_keeps_the_first_key_given():
    matcher = NameMatcher.build([("A", ["Anne"]), ("B", ["anne", "Bo Anne"])])
    assert [m.key for m in matcher.find("Anne and Bo Anne")] == ["A", "B"]


def test_a_one_letter_spelling_that_is_an_english_word_is_no_form():
    """Aage read with one letter is "Age": not a form of the name (found by the
    1,000-case benchmark: every page's "Age" row failed the audit, and "at my
    age" would have been pseudonymised); Aase's "Ase" stays a form."""
    from flows.privacy import audit
    from flows.privacy.matching import digraph_spellings

    assert digraph_spellings("Aage") == []
    # the whole name read with one letter holds "Age"; a mix that keeps "Aage" does not
    assert digraph_spellings("Aage Clausen Bisgaard") == ["Aage Clausen Bisgard"]
    assert digraph_spellings("Aase") == ["Ase"]
    screen = audit.screen_for(audit.as_name_set([("P1", "Aage Clausen Bisgaard", ["Aage"])]))
    assert screen.hits([("row", "Age"), ("text", "at my age, you know")]) == []
    assert screen.hits([("text", "Aage came"), ("x", "Aages bror")]) == ["text", "x"]


def test_person_forms_are_made_once_per_roster_entry(monkeypatch):
    """0231: the audit's names and the pseudonymiser ask for every person's forms;
    the second ask reuses the first's, and a caller's change stays its own."""
    from flows.privacy import matching

    matching._person_forms.cache_clear()
    made = []
    real = matching.digraph_spellings
    monkeypatch.setattr(matching, "digraph_spellings", lambda n: made.append(n) or real(n))
    first = matching.person_forms(["Søren Aagaard", "Sørby"])
    asked = len(made)
    first.append("changed by a caller")
    again = matching.person_forms(["Søren Aagaard", "Sørby"])
    assert asked and len(made) == asked
    assert again == first[:-1] and "Soeren" in again


def test_a_name_with_two_such_places_is_matched_in_each_mix():
    """0283: "Aagaard" was a form as written and read with one letter at both
    places ("Agard", matching "Ågård"), not in a mix: "Ågaard", "Aagård" and
    "Agaard" (the ring dropped) were neither replaced nor found by the audit."""
    from flows.privacy import audit
    from flows.privacy.canonical import canonical
    from flows.privacy.matching import MAX_SITES, digraph_spellings

    found = {canonical(v) for v in digraph_spellings("Aagaard")}
    assert found == {canonical(v) for v in ("Agaard", "Aagard", "Agard")}
    assert len(digraph_spellings("Søgaard")) == 3  # Søgard, Soegaard, Soegard
    screen = audit.screen_for(audit.as_name_set([("P1", "peer", ["Søren Aagaard", "Søren"])]))
    for spelling in ("Ågaard", "Aagård", "Agaard", "Soeren Ågård", "SOEREN AAGÅRD"):
        assert screen.hits([("text", f"then {spelling} came")]) == ["text"], spelling
    # past MAX_SITES places, two: each letter as two letters, each pair as one
    long = "Åb" + "aab" * MAX_SITES + "rup"
    assert digraph_spellings(long) == [
        "Aab" + "aab" * MAX_SITES + "rup",
        "Åb" + "ab" * MAX_SITES + "rup",
    ]


def test_a_particle_between_the_parts_of_a_full_name_is_no_form_of_its_own():
    """ "Al" of "Mohammed Al-Khatib" made every page holding "et al." fail the
    audit, and "van" of "Anne van der Berg" replaced "the van" (decision 0365).
    First and last parts stay forms whatever they are ("Le", "Do": surnames)."""
    from flows.privacy.audit import distinct_names, screen_for

    assert person_forms(["Mohammed Al-Khatib"]) == ["Mohammed Al-Khatib", "mohammed", "khatib"]
    assert person_forms(["Anne van der Berg"]) == ["Anne van der Berg", "anne", "berg"]
    assert person_forms(["Nguyen Van Le"]) == ["Nguyen Van Le", "nguyen", "le"]
    assert person_forms(["Do Thi Lan"])[:4] == ["Do Thi Lan", "do", "thi", "lan"]
    assert "green" in person_forms(["Al Green", "Al"])
    screen = screen_for(
        NameSet(distinct_names([("B-d", "peer", ["Mohammed Al-Khatib", "Mohammad"])]))
    )
    assert not screen.holds_name("Farmer et al.'s convergence code; El Al flies there")
    assert screen.holds_name("Al-Khatib said") and screen.holds_name("AL KHATIB said")

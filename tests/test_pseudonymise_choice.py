"""Which words are replaced by whose label, where the other tests leave cases
out: ties inside a case broken by person id (never by roster row order), a
speaker who is the only carrier linked to the case, common-word aliases (the
default language, the study's own list, set off by punctuation), a person's
surname alone against an identifier's part; identifier counts per label; and
`name_variants`."""

from __future__ import annotations

from flows.privacy import audit
from flows.privacy.pseudonymise import Carrier, Mention, Pseudonymiser, name_variants

# two informants of case C3 are called Lone; Lone is also a peer of case C9
LONES = [
    (Carrier("[peer supporter P3-b]", "P3-b", frozenset({"C3"})), ["Lone Krogh", "Lone"]),
    (Carrier("[peer P3-a]", "P3-a", frozenset({"C3"})), ["Lone Friis", "Lone"]),
    (Carrier("[peer P9]", "P9", frozenset({"C9"})), ["Lone Dahl", "Lone"]),
]


def label_of(people, text, case_id=None, speaker=None):
    [(out, _)] = list(Pseudonymiser(people).pipe([text], mentions=[Mention(case_id, speaker)]))
    return out


def test_a_tie_inside_the_case_goes_to_the_lower_person_id_in_any_row_order():
    """Step 1: people linked to the case, by person id: P3-a before P3-b,
    whichever roster row comes first."""
    for people in (LONES, LONES[::-1], [LONES[2], LONES[0], LONES[1]]):
        assert label_of(people, "Lone said so.", "C3") == "[peer P3-a] said so."
        assert label_of(people, "Lone said so.", "C3", "P3-a") == "[peer supporter P3-b] said so."
        assert label_of(people, "Lone said so.", "C9") == "[peer P9] said so."


def test_a_speaker_alone_in_the_case_with_the_name_gets_their_own_label():
    """Step 2: the speaker carries the name and is the only carrier linked to
    the case, so the mention is theirs (not the other case's Lone)."""
    assert label_of(LONES, "I am Lone Dahl, Lone.", "C9", "P9") == "I am [peer P9], [peer P9]."
    # a case nobody with the name is linked to: the lowest person id overall
    assert label_of(LONES, "I am Lone.", "C5", "P9") == "I am [peer P3-a]."


def test_a_common_word_alias_is_replaced_only_where_it_reads_as_a_name():
    """English by default: the alias "Will" is a name in "Will said", the
    verb in "we will see"."""
    p = Pseudonymiser([("[peer P1]", ["William Holt", "Will"])])
    [(out, n)] = list(p.pipe(["We will see, Will said."]))
    assert (out, n) == ("We will see, [peer P1] said.", 1)


def test_a_common_word_alias_set_off_by_punctuation_at_a_sentence_start_is_a_name():
    """ "Lone" is also an English word: at the start of a sentence it is a name
    unless a pronoun follows it directly, as in the question "Will you". Set off
    by a comma, colon, dash or sentence end it is a name (it used to be kept,
    and the audit, with the same rule, passed it)."""
    p = Pseudonymiser([("[peer P1]", ["Lone Friis", "Lone"]), ("[peer P2]", ["Will Holt", "Will"])])
    texts = ["Lone, she helps me.", "Lone: that is her.", "Lone! She came.", "Will - you know."]
    assert [t for t, _ in p.pipe(texts)] == [
        "[peer P1], she helps me.",
        "[peer P1]: that is her.",
        "[peer P1]! She came.",
        "[peer P2] - you know.",
    ]
    assert [t for t, _ in p.pipe(["Will you come?", "We will see it"])] == [
        "Will you come?",
        "We will see it",
    ]
    screen = audit.NameScreen(audit.distinct_names([("P1", "peer", ["Lone Friis", "Lone"])]))
    assert screen.hits(audit.line_segments("fine\nLone, she helps me.")) == ["line 2"]


def test_name_variants_add_the_genitive_unless_the_name_ends_in_s():
    assert name_variants(["Henrik", "Anne Berg", "Lars", "JENS"]) == {
        "Henrik",
        "Henriks",
        "Anne Berg",
        "Anne Bergs",
        "Lars",
        "JENS",
    }
    assert name_variants([]) == set()


def test_a_persons_surname_alone_is_replaced_an_identifiers_part_is_not():
    """A person's full name gives its parts (a surname alone names him); a
    listed identifier is matched only as listed ("Aarhus" alone is the city)."""
    p = Pseudonymiser(
        [
            (Carrier("[peer P1]", "P1"), ["Henrik Sørensen"]),
            ("[hospital]", ["Aarhus Universitetshospital"]),
        ]
    )
    [(out, n)] = list(p.pipe(["Sørensen left Aarhus Universitetshospital for Aarhus."]))
    assert (out, n) == ("[peer P1] left [hospital] for Aarhus.", 2)


def test_the_studys_own_common_words_are_names_only_where_they_read_as_one():
    """ "River" is not among the built-in common words: a study that lists it
    keeps "the river bank"; without it every "river" is the alias."""
    people = [("[peer P1]", ["River Holm", "River"])]
    text = ["By the river bank I told River."]
    listed = Pseudonymiser(people, common_words=["river"])
    assert [t for t, _ in listed.pipe(text)] == ["By the river bank I told [peer P1]."]
    plain = Pseudonymiser(people)
    assert [t for t, _ in plain.pipe(text)] == ["By the [peer P1] bank I told [peer P1]."]


def test_identifier_counts_add_up_over_patterns_sharing_a_label():
    """Dates are found by four patterns and phone numbers by two: the count per
    label is the sum."""
    p = Pseudonymiser([])
    [item] = list(p.deidentify(["On 2020-03-04 and 4/3/2020 call +45 12 34 56 78 or 12 34 56 78."]))
    assert item.text == "On [date] and [date] call [phone] or [phone]."
    assert item.counts == {"[date]": 2, "[phone]": 2}

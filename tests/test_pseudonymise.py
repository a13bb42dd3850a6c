"""Roster names never survive pseudonymisation."""

from __future__ import annotations

from flows.privacy.pseudonymise import (
    IDENTIFIER_PATTERNS,
    Carrier,
    Mention,
    Pseudonymiser,
    pseudonym_label,
)


def test_labels():
    assert pseudonym_label("P3", "Peer", True) == "[peer P3]"
    assert pseudonym_label("P3-a", "Peer supporter", True) == "[peer supporter P3-a]"
    assert pseudonym_label("PM", "Project manager", False) == "[project manager]"


def test_names_aliases_case_and_genitive():
    p = Pseudonymiser(
        [
            ("[peer P1]", ["Henrik Sørensen", "Henrik", "Henne"]),
            ("[peer supporter P1-a]", ["Anne-Marie Holm", "Anne-Marie"]),
        ]
    )
    text = "Henrik and anne-marie went out. Henriks hund. HENRIK SØRENSEN said Henne's fine. Henrikke is someone else."
    [(out, n)] = list(p.pipe([text]))
    assert out == (
        "[peer P1] and [peer supporter P1-a] went out. [peer P1] hund. [peer P1] said [peer P1]'s fine. "
        "Henrikke is someone else."
    )
    assert n == 5


def test_full_name_wins_over_first_name():
    p = Pseudonymiser([("[a]", ["Ole"]), ("[b]", ["Ole Dam"])])
    [(out, _)] = list(p.pipe(["Ole Dam met Ole."]))
    assert out == "[b] met [a]."


# -- people sharing a name: the label of the person the mention refers to -----

SHARED = [
    (Carrier("[peer P1]", "P1", frozenset({"P1"})), ["Kasper Holm", "Kasper"]),
    (Carrier("[peer supporter P1-a]", "P1-a", frozenset({"P1"})), ["Anna Berg", "Anna"]),
    (Carrier("[peer P2]", "P2", frozenset({"P2"})), ["Anna Dahl", "Anna"]),
    (Carrier("[peer supporter P2-a]", "P2-a", frozenset({"P2"})), ["Kasper Lund", "Kasper"]),
    (Carrier("[peer P3]", "P3", frozenset({"P3"})), ["Lone Friis", "Lone"]),
    (Carrier("[peer supporter P3-a]", "P3-a", frozenset({"P3"})), ["Lone Krogh", "Lone"]),
    (
        Carrier("[project manager]", "PM", frozenset({"P1", "P2"}), staff=True),
        ["Mads Bruun", "Mads"],
    ),
    (Carrier("[diabetes nurse]", "N", frozenset({"P1"}), staff=True), ["Anna Ravn", "Anna"]),
    (Carrier("[peer P4]", "P4", frozenset({"P4"})), ["Mads Riis", "Mads"]),
]


def deidentify(people, text, case_id=None, speaker=None):
    [(out, _)] = list(Pseudonymiser(people).pipe([text], mentions=[Mention(case_id, speaker)]))
    return out


def test_shared_first_name_gets_the_persons_of_the_excerpts_case():
    text = "Kasper and Anna came by. Kaspers bike, Anna's dog."
    assert deidentify(SHARED, text, "P1") == (
        "[peer P1] and [peer supporter P1-a] came by. [peer P1] bike, [peer supporter P1-a]'s dog."
    )
    assert deidentify(SHARED, text, "P2") == (
        "[peer supporter P2-a] and [peer P2] came by. [peer supporter P2-a] bike, [peer P2]'s dog."
    )


def test_full_name_wins_over_a_shared_first_name_of_the_case():
    assert deidentify(SHARED, "Kasper Lund met Kasper.", "P1") == (
        "[peer supporter P2-a] met [peer P1]."
    )


def test_case_informant_before_case_linked_staff():
    # the nurse (linked to P1) is also called Anna: the case's supporter comes first
    assert deidentify(SHARED, "Anna rang.", "P1") == "[peer supporter P1-a] rang."


def test_name_carried_only_by_staff_gets_the_staff_label():
    assert deidentify(SHARED, "Mads Bruun phoned.", "P3") == "[project manager] phoned."
    # "Mads" is the manager's and a peer of another case's: staff before other cases
    assert deidentify(SHARED, "Mads phoned.", "P3") == "[project manager] phoned."
    # ...but the case's own Mads comes first
    assert deidentify(SHARED, "Mads phoned.", "P4") == "[peer P4] phoned."


def test_speaker_is_not_the_first_choice_for_a_name_they_share():
    # both P3 and P3-a are called Lone: each speaks of the other
    assert deidentify(SHARED, "Lone helps me.", "P3", "P3") == "[peer supporter P3-a] helps me."
    assert deidentify(SHARED, "Lone is better.", "P3", "P3-a") == "[peer P3] is better."
    # without a speaker the person id decides
    assert deidentify(SHARED, "Lone is better.", "P3") == "[peer P3] is better."


def test_without_case_the_choice_is_deterministic_and_order_free():
    texts = ["Anna and Kasper and Lone.", "Anna Dahl and Mads."]
    expected = ["[diabetes nurse] and [peer P1] and [peer P3].", "[peer P2] and [project manager]."]
    for people in (SHARED, SHARED[::-1], SHARED[3:] + SHARED[:3]):
        assert [t for t, _ in Pseudonymiser(people).pipe(texts)] == expected


def test_one_entry_per_distinct_name_form():
    p = Pseudonymiser(SHARED)
    # one key per set of carriers, however many people are called Anna
    keys = {form.key for forms in p.matcher.index.values() for form in forms}
    assert len(keys) == len(p.choices)
    text = "Anna, Anna Dahl and Kaspers."
    assert [text[m.start : m.end] for m in p.matches(text)] == ["Anna", "Anna Dahl", "Kaspers"]


def test_identifiers_and_model_counts_per_text():
    p = Pseudonymiser([("[peer P1]", ["Henrik"])])
    items = list(p.deidentify(["Henrik: 12 34 56 78, a@b.dk", "no number here"]))
    assert [i.text for i in items] == ["[peer P1]: [phone], [e-mail]", "no number here"]
    assert [i.names for i in items] == [1, 0]
    assert items[0].counts == {"[phone]": 1, "[e-mail]": 1} and not items[1].counts
    assert p.counts == {"[phone]": 1, "[e-mail]": 1}


def test_every_identifier_pattern_needs_a_digit_or_at_sign():
    # replace_identifiers skips texts without a digit or "@"
    for _, pattern in IDENTIFIER_PATTERNS:
        assert "\\d" in pattern.pattern or "@" in pattern.pattern


def test_generated_study_labels_name_people_of_the_excerpts_case(tmp_path):
    """At 40 cases first names repeat across cases; every per-case label must
    still name a person linked to the excerpt's case."""
    import re

    from flows import stages, synth
    from flows.nlp.annotate import annotate_excerpts

    synth.generate_study(40, tmp_path / "s40", seed=7)
    ingested = stages.ingest(tmp_path / "s40")
    data = ingested.data
    cases = data.cases_by_person()
    firsts = [names[1] for _, _, names in data.roster_names]
    assert len(set(firsts)) < len(firsts)  # shared first names
    out, stats = annotate_excerpts(
        data.excerpts,
        ingested.study.definition,
        data.roster_names,
        extra_names=ingested.identifiers,
        person_cases=cases,
    )
    labels = [
        (case_id, pid)
        for case_id, text in zip(out["case_id"], out["text"], strict=True)
        for pid in re.findall(r"\[peer(?: supporter)? ([^\]\s]+)\]", text)
    ]
    assert len(labels) == stats["names_replaced"] > 50
    assert all(case_id in cases[pid] for case_id, pid in labels)

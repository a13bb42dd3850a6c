"""A withdrawn participant mentioned by others (decision 0367), at the function that
decides it: `annotate.roster_carriers` labels a withdrawn person `[person]`, so the
text another participant says about them carries no person id; everyone else keeps
their label, their cases and their aliases. The end-to-end warm re-run is
`tests/test_privacy_redteam.py`'s (a tiny study: too slow for `make mutants`)."""

from __future__ import annotations

from types import SimpleNamespace

from flows.nlp.annotate import roster_carriers
from flows.privacy.pseudonymise import Carrier, Pseudonymiser
from flows.study.themes import Role

STUDY = SimpleNamespace(
    roles=[
        Role(id="peer", label="Peer supporter", per_case=True),
        Role(id="manager", label="Project manager", per_case=False),
    ]
)
ROSTER = [
    ("A-a", "peer", ["Birgitte Holm"]),
    ("X-9", "unloaded", ["Tove Krag"]),  # a role that was not loaded: the rest still go
    ("A-b", "peer", ["Svend Lauritsen"]),
    ("M-1", "manager", ["Kirsten Dahl"]),
    ("A-c", "peer", ["Jytte Mogensen"]),  # in no case yet (no entry in CASES)
]
CASES = {"A-a": ["A"], "A-b": ["A"], "M-1": ["A", "B"]}


def test_a_withdrawn_person_is_labelled_person_and_no_one_else():
    people = roster_carriers(STUDY, ROSTER, CASES, frozenset({"A-a"}))
    assert [carrier for carrier, _ in people] == [
        Carrier("[person]", "A-a", frozenset({"A"}), staff=False),
        Carrier("[person]", "X-9"),
        Carrier("[peer supporter A-b]", "A-b", frozenset({"A"}), staff=False),
        Carrier("[project manager]", "M-1", frozenset({"A", "B"}), staff=True),
        Carrier("[peer supporter A-c]", "A-c", frozenset(), staff=False),
    ]
    # the withdrawn person's names are still looked for, with their alias parts,
    # as everyone's; a row whose role was not loaded keeps its names as listed
    assert [names for _, names in people] == [
        ["Birgitte Holm", "Birgitte"],
        ["Tove Krag"],
        ["Svend Lauritsen", "Lauritsen"],
        ["Kirsten Dahl", "Kirsten", "Dahl"],
        ["Jytte Mogensen", "Jytte", "Mogensen"],
    ]


def test_without_withdrawals_every_loaded_person_keeps_their_label():
    people = roster_carriers(STUDY, ROSTER, CASES)
    assert [c.label for c, _ in people] == [
        "[peer supporter A-a]",
        "[person]",
        "[peer supporter A-b]",
        "[project manager]",
        "[peer supporter A-c]",
    ]
    assert roster_carriers(STUDY, ROSTER, CASES, frozenset()) == people


def test_another_participants_words_about_the_withdrawn_carry_no_id():
    said = "Birgitte and I walk together; Lauritsen joins us, and Kirsten knows."
    withdrawn = Pseudonymiser(roster_carriers(STUDY, ROSTER, CASES, frozenset({"A-a"})))
    stayed = Pseudonymiser(roster_carriers(STUDY, ROSTER, CASES))
    (after,) = withdrawn.deidentify([said])
    (before,) = stayed.deidentify([said])
    assert after.text == (
        "[person] and I walk together; [peer supporter A-b] joins us, and [project manager] knows."
    )
    assert "A-a" in before.text and "A-a" not in after.text
    assert after.names == before.names == 3

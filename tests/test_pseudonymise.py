"""Roster names never survive pseudonymisation."""

from __future__ import annotations

from flows.pseudonymise import Pseudonymiser, pseudonym_label


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

"""Plain roster names skip nameparser (flows/privacy/name_parts.py): the
fast path gives what nameparser gives, and anything else goes to nameparser."""

from __future__ import annotations

import csv

import pytest
from nameparser import HumanName

from flows.privacy import name_parts

TRICKY = [
    "Anna", "Anna Berg", "Anna Maria Berg", "anna berg", "Åse Ødegård", "Ib Li", "Do Van",
    "Jo Ann Smith", "Dr Anna Berg", "Anna Berg Jr", "Anna van der Berg", "Anna-Marie Berg",
    "Berg, Anna", "Anna 'Bee' Berg", "J Smith", "Anna  Berg", "Mary and Ann", "Sir Bo",
    "Anna B. Berg", "Bo Li Wu Ma",
]  # fmt: skip


def nameparser_pieces(name: str) -> list[str]:
    parsed = HumanName(name)
    return [parsed.first, *parsed.middle_list, parsed.last, parsed.nickname]


@pytest.mark.parametrize("name", TRICKY)
def test_plain_names_parse_as_nameparser_parses_them(name):
    plain = name_parts._plain_name(name)
    assert plain is None or plain == nameparser_pieces(name)


def test_the_demo_roster_parses_the_same_on_either_path(demo_dir):
    with (demo_dir / "roster.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    names = {n.strip() for r in rows for n in [r["name"], *r["aliases"].split(";")] if n.strip()}
    plain = {n: name_parts._plain_name(n) for n in names}
    assert sum(p is not None for p in plain.values()) > len(names) / 2  # the fast path is used
    for name, pieces in plain.items():
        assert pieces is None or pieces == nameparser_pieces(name), name


def test_roster_name_parts_drop_particles_and_split_hyphens():
    assert name_parts.roster_name_parts("Anna van der Berg") == ["Anna", "van der Berg", "Berg"]
    assert name_parts.roster_name_parts("Anne-Marie Berg") == [
        "Anne-Marie", "Anne", "Marie", "Berg",
    ]  # fmt: skip

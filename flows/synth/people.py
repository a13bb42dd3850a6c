"""Fictional people of a synthetic study: name lists, nicknames, coders, the
`Person` record and the `NameBook` that hands out unique full names."""

from __future__ import annotations

import random
from dataclasses import dataclass

from flows.synth.facts import words

# Fictional first names and surnames. None is an English word, so the leak
# audit cannot mistake ordinary text for a name ("Hans" is left out: Office files
# name the script "Hans" in their theme XML, which the audit reads).
MALE = words(
    "Poul Kim Samir Klaus Flemming Bjarne Preben Jørgen Lars Torben Niels Steen Erling Henrik "
    "Søren Morten Jesper Anders Michael Thomas Peter Jens Ole Carsten Brian Kenneth Allan Svend "
    "Knud Arne Leif Erik Johnny Benny Finn Gert Kurt Mogens Ahmed Hassan Omar Tariq "
    "Yusuf Mehmet Piotr Tomasz Marek Dragan Goran Juan Carlos Rasmus Mads Kasper Mikkel Jonas "
    "Nikolaj Frederik Christian Martin Kristian Karsten Palle Verner Vagn Aage Holger Ejnar Kaj"
)
FEMALE = words(
    "Bente Lise Birgitte Susanne Hanne Karen Mette Kirsten Inge Anne Annette Jytte Lene Pia "
    "Tina Dorthe Helle Vibeke Merete Grethe Ingrid Marianne Louise Camilla Tove Ulla Yvonne "
    "Aisha Fatima Leyla Amira Zeynep Agnieszka Ewa Maria Elena Sofia Ida Eva Mia Hanna Jette "
    "Bodil Edith Gerda Irene Winnie Heidi Rikke Trine Maja Signe Astrid Dagmar"
)
NICKNAMES = {
    "Lars": "Lasse",
    "Birgitte": "Gitte",
    "Susanne": "Sanne",
    "Samir": "Sami",
    "Flemming": "Flemse",
    "Michael": "Micky",
    "Christian": "Chris",
    "Kristian": "Kris",
    "Henrik": "Henne",
    "Morten": "Mogge",
    "Annette": "Nette",
    "Frederik": "Freddy",
    "Thomas": "Tommy",
    "Marianne": "Janne",
}
SURNAMES = words(
    "Jensen Nielsen Hansen Pedersen Andersen Christensen Larsen Sørensen Rasmussen Jørgensen "
    "Petersen Madsen Kristensen Olsen Thomsen Christiansen Johansen Møller Mortensen Knudsen "
    "Jakobsen Mikkelsen Frederiksen Laursen Henriksen Lund Holm Schmidt Eriksen Clausen Simonsen "
    "Svendsen Andreasen Iversen Jeppesen Mogensen Vestergaard Nissen Lauridsen Kjær Jepsen Bach "
    "Dahl Skov Brandt Hougaard Thygesen Kaya Yilmaz Hussein Nowak Kowalski Bruun Damgaard "
    "Friis Gregersen Juhl Krogh Lindberg Mathiasen Nygaard Overgaard Riis Vinther Winther "
    "Zimmermann Ahmadi Petrović Kofoed Ravn Lykke Bisgaard Engholm Fogh Gade"
)
CODERS = ("AK", "MB", "LS", "JT")


@dataclass
class Person:
    person_id: str
    role: str
    cases: list[str]
    first: str
    full: str
    aliases: list[str]
    female: bool

    def spoken(self, rng: random.Random) -> str:
        """How others call this person in speech: mostly the first name."""
        roll = rng.random()
        if roll < 0.25 and len(self.aliases) > 1:
            return self.aliases[1]
        if roll > 0.95:
            return self.full
        return self.first


class NameBook:
    """Unique full names; first names repeat, as in any large study."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def person(self, person_id: str, role: str, cases: list[str], female: bool) -> Person:
        first = self.rng.choice(FEMALE if female else MALE)
        while True:
            last = self.rng.choice(SURNAMES)
            if self.rng.random() < 0.3:
                last = f"{self.rng.choice(SURNAMES)} {last}"
            full = f"{first} {last}"
            if full not in self.used:
                break
        self.used.add(full)
        aliases = [first] + ([NICKNAMES[first]] if first in NICKNAMES else [])
        return Person(person_id, role, cases, first, full, aliases, female)

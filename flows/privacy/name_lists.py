"""The name gazetteer and the words that are never a name (part of
`flows.privacy.unknown_names`).

`gazetteer()` reads the frequent first names and surnames shipped in
`gazetteer/names.txt` (plain names) and `gazetteer/name-words.txt` (names that
are also ordinary words), built by scripts/build_gazetteer.py; `NOT_NAMES` are
capitalised words (pronouns, months, weekdays...) never read as a name.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

#: Capitalised words that are never a name after a title or in the gazetteer check.
NOT_NAMES = frozenset(
    """i i'm i've i'd i'll a an the he she it we they you my his her our their this that
    and or but so if when then there here yes no ok okay mr mrs ms dr
    monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december christmas easter
    mandag tirsdag onsdag torsdag fredag lørdag søndag januar februar marts maj juni juli
    oktober jul påske jeg du han hun vi de den det og men så når der her ja nej
    gp covid corona denmark danmark danish dansk english type diabetes""".split()  # noqa: SIM905
)


def _read_list(name: str) -> frozenset[str]:
    text = (resources.files("flows.privacy") / "gazetteer" / name).read_text(encoding="utf-8")
    return frozenset(line for line in text.splitlines() if line)


@dataclass(frozen=True)
class Gazetteer:
    """Frequent first names and surnames (casefolded): plain names, and names that
    are also ordinary words."""

    names: frozenset[str]
    name_words: frozenset[str]

    def kind(self, word: str) -> str | None:
        """ "name", "word" (a name that is also an ordinary word) or None."""
        folded = word.casefold()
        if folded in self.names:
            return "name"
        return "word" if folded in self.name_words else None


@functools.cache
def gazetteer() -> Gazetteer:
    """The shipped gazetteer (read once per process: about 0.05 s)."""
    return Gazetteer(_read_list("names.txt"), _read_list("name-words.txt"))


def is_ordinary_word(word: str) -> bool:
    """A word that is also an ordinary English or Danish word (or a month, pronoun...)."""
    folded = word.casefold()
    return folded in NOT_NAMES or folded in gazetteer().name_words

"""The parts of a roster name that name the person on their own (part of
`flows.privacy.unknown_names`): first, middle and last names, a surname
without its particles, each half of a hyphenated name, split with `nameparser`
(or read directly when the name is plain)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from nameparser import HumanName
from nameparser.config import CONSTANTS

from flows.privacy.name_lists import NOT_NAMES, is_ordinary_word


def roster_name_parts(name: str) -> list[str]:
    """The parts of a roster name that name the person on their own: first,
    middle and last names, a surname without its particles ("van der Berg" ->
    "Berg") and each part of a hyphenated name. Initials are left out."""
    return list(_name_parts(name))


@functools.lru_cache(maxsize=65536)
def _name_parts(name: str) -> tuple[str, ...]:
    """`roster_name_parts`, parsed once per name and process (nameparser takes
    about 0.5 ms a name, and a run asks for every roster name four times)."""
    pieces = _plain_name(name)
    if pieces is None:
        parsed = HumanName(name)
        pieces = [parsed.first, *parsed.middle_list, parsed.last, parsed.nickname]
    last = pieces[-2].split()
    if len(last) > 1:
        pieces += [w for w in last if w.lower().strip(".") not in CONSTANTS.prefixes]
    parts: list[str] = []
    for piece in pieces:
        for candidate in [piece, *re.split(r"[-‐]", piece)] if "-" in piece else [piece]:
            candidate = candidate.strip()
            if len(candidate.strip(".")) > 1 and candidate not in parts and candidate != name:
                parts.append(candidate)
    return tuple(parts)


_PLAIN_WORD = re.compile(r"[^\W\d_]{2,}")
_NAMEPARSER_WORDS = (
    CONSTANTS.titles,
    CONSTANTS.prefixes,
    CONSTANTS.suffix_acronyms,
    CONSTANTS.suffix_not_acronyms,
    CONSTANTS.conjunctions,
)


def _plain_name(name: str) -> list[str] | None:
    """What nameparser makes of a plain name (one to three words of two or more
    letters, single-spaced, none a title, particle, suffix or conjunction of
    nameparser's): first, middle and last name as written (tests check it
    against nameparser on the synthetic rosters); None for anything else."""
    words = name.split(" ")
    if not 1 <= len(words) <= 3 or not all(_PLAIN_WORD.fullmatch(w) for w in words):
        return None
    if any(w.lower() in known for w in words for known in _NAMEPARSER_WORDS):
        return None
    if len(words) == 1:
        return [words[0], "", ""]
    return [words[0], *words[1:-1], words[-1], ""]


def alias_parts(names: Iterable[str]) -> list[str]:
    """The parts of a person's names (`roster_name_parts`) to match like aliases,
    in any case: those that are not ordinary words and not already listed."""
    names = [n for n in names if n.strip()]
    listed = {n.casefold() for n in names}
    extra: list[str] = []
    for name in names:
        for part in roster_name_parts(name):
            if part.casefold() not in listed and not is_ordinary_word(part):
                listed.add(part.casefold())
                extra.append(part)
    return extra


def word_parts(names: Iterable[str]) -> set[str]:
    """The parts of roster names that are ordinary words (casefolded): names only
    where they read as one."""
    return {
        part.casefold()
        for name in names
        if name.strip()
        for part in roster_name_parts(name)
        if is_ordinary_word(part) and part.casefold() not in NOT_NAMES
    }

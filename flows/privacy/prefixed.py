"""Regular expressions for alternatives of literals that `re` can scan quickly.

Python's `re` tries a pattern that opens with a look-behind, or with a letter
matched in any case, at every position of the text (about 30 ns a character:
3-7 ms for a 120 KB dossier). A pattern that opens with a case-sensitive
character class is scanned for that class first, in C, a few ns a character.

`anchored` writes `(?<!B)(?:L1|L2|...)TAIL`, each `Li` a literal (in any case
or not) with an optional suffix pattern, as

    [S](?<!B.)(?:(?<=c1)rest1|(?<=c2)rest2|...)TAIL

where `S` holds every character that can start a match: the ASCII ones found
by asking `re` itself which of the 128 match a first letter, and every
non-ASCII character (so no rule of Unicode case folding is guessed: "K", the
Kelvin sign, matches "k" in any case). The look-behinds check at the same
position what the original checked: nothing but `B` before the start, and the
first character matching the literal's first letter. Every match (start, end,
which alternative) is the original pattern's; `tests/test_prefixed.py`
compares both on random texts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

#: (literal, in any case, pattern after it such as r"\.?")
Literal = tuple[str, bool, str]


def first_characters(literals: Sequence[Literal]) -> str:
    """A case-sensitive character class of every character that can begin one of
    `literals`: ASCII as `re` matches it, and all of non-ASCII."""
    ascii_chars = sorted(
        {
            chr(c)
            for text, any_case, _ in literals
            for c in range(128)
            if re.fullmatch(re.escape(text[0]), chr(c), re.IGNORECASE if any_case else 0)
        }
    )
    return "[" + "".join(re.escape(c) for c in ascii_chars) + "\x80-\U0010ffff]"


def _alternative(text: str, any_case: bool, after: str) -> str:
    head, rest = re.escape(text[0]), re.escape(text[1:])
    if any_case:
        return f"(?<=(?i:{head}))" + (f"(?i:{rest})" if rest else "") + after
    return f"(?<={head})" + rest + after


def anchored(literals: Sequence[Literal], not_before: str, tail: str) -> re.Pattern:
    """`(?<!not_before)(?:alternatives in order)tail` (`not_before`: one
    character class), compiled to start with a character class; literals must
    not be empty, and `tail` is matched case-sensitively (write `(?i:...)` in it
    if needed)."""
    if not literals or any(not text for text, _, _ in literals):
        raise ValueError("anchored needs non-empty literals")
    return re.compile(
        first_characters(literals)
        + f"(?s:(?<!{not_before}.))"
        + "(?:"
        + "|".join(_alternative(*literal) for literal in literals)
        + ")"
        + tail
    )

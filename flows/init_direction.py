"""Which direction is better, guessed for `triangulate init` (every guess marked
`# check:` in the draft).

Sub-codes such as "Less" and "More" say which way something moved, not whether
that is good: "Less" is an improvement of knee pain and a decline of walking.
init reads them per theme, after guessing from the theme's label whether less
of it is better; the same words guess a survey item's `better`.
"""

from __future__ import annotations

import re

#: Sub-code names that say a direction (English, Danish, Norwegian, Swedish) -> which way.
DIRECTION_WORDS: dict[str, str] = {
    "more": "higher",
    "increased": "higher",
    "higher": "higher",
    "up": "higher",
    "mere": "higher",
    "øget": "higher",
    "mer": "higher",
    "flere": "higher",
    "økt": "higher",
    "fler": "higher",
    "ökad": "higher",
    "less": "lower",
    "fewer": "lower",
    "decreased": "lower",
    "reduced": "lower",
    "lower": "lower",
    "down": "lower",
    "mindre": "lower",
    "færre": "lower",
    "nedsat": "lower",
    "redusert": "lower",
    "färre": "lower",
    "minskad": "lower",
}

#: Words of a label naming something of which less is better.
LOWER_IS_BETTER = re.compile(
    r"\b(pain\w*|aches?|fear\w*|afraid|anxi\w*|worr\w*|depress\w*|falls?|falling|lonel\w*|"
    r"isolation|stiff\w*|fatigue|tired\w*|breathless\w*|smok\w*|cigarettes?|alcohol|"
    r"admissions?|readmissions?|hospitali[sz]\w*|emergency|a&e|casualty|kinesiophobia|symptoms?|distress|"
    r"disability|hba1c|smerte\w*|angst|frygt|fald|ensomhed|træthed|indlæggelse\w*|skadestue\w*|akutmodtagelse\w*|"
    # Norwegian and Swedish; screening scores of depression and anxiety
    r"depresjon\w*|depression\w*|nedstemt\w*|nedstämd\w*|ensomhet|ensamhet|tretthet|trötthet|"
    r"utmattelse|smärta|oro|ångest|bekymring\w*|frykt|innleggelse\w*|legevakt\w*|akuttmottak\w*|"
    r"søvnløs\w*|sømnløys\w*|epds|phq\W?\d*|gad\W?\d*|hads)\b",
    re.IGNORECASE,
)


def direction_of(name: str) -> str | None:
    """'higher' or 'lower' for a sub-code that names a direction, else None."""
    return DIRECTION_WORDS.get(" ".join(name.split()).casefold())


def better_of(label: str) -> str:
    """'lower' when the label names something of which less is better, else 'higher'."""
    return "lower" if LOWER_IS_BETTER.search(label) else "higher"


def direction_stance(name: str, better: str) -> str | None:
    """The outcome stance of a direction sub-code for a theme where `better` is better."""
    direction = direction_of(name)
    if direction is None:
        return None
    return "improved" if direction == better else "worsened"

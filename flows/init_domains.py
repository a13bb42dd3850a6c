"""Which outcome theme a survey item measures, by the words its label shares
with the theme's (`triangulate init`): abbreviations and scales' initials spelt
out, medicines taken read as adherence, ties to the theme the label names most
fully. Part of `flows.init`."""

from __future__ import annotations

import re

from flows.init_qda import DraftTheme
from flows.init_survey import slug

STOPWORDS = {
    "the", "and", "per", "last", "week", "day", "days", "of", "in", "with", "from",
    # Norwegian and Danish
    "med", "og", "siste", "sidste", "uker", "uger", "dag", "dager", "dage", "fra", "for",
}  # fmt: skip


MEDICINES = r"(?:medicines?|medications?|meds|pills|tablets|inhalers?|medicin(?:er)?)"
MEDICINES_TAKEN = (
    rf"\b{MEDICINES}\s+(?:\w+\s+)?(?:taken|missed|as\s+prescribed)\b"
    rf"|\b(?:took|taken|take|taking|missed|forgot)\s+(?:\w+\s+){{0,3}}{MEDICINES}\b"
    r"|\b(?:adherence|compliance)\b"
)

#: Abbreviations too short to be words of their own, and scales' initials, spelt
#: out (decision 0369): "A&E attendances" and the theme "A&E visits" share
#: "emergency"; "WEMWBS total score" and the theme "Wellbeing" share "wellbeing".
ABBREVIATIONS = (
    (re.compile(r"(?<![^\W_])a\s*&\s*e(?![^\W_])", re.IGNORECASE), " emergency "),
    (re.compile(r"(?<![^\W_])(?:ED|ER)(?![^\W_])"), " emergency "),
    # scales named by their initials: the theme they usually measure
    (re.compile(r"\bs?wemwbs\b|warwick.edinburgh", re.IGNORECASE), " wellbeing "),
    (re.compile(r"\bucla\b", re.IGNORECASE), " loneliness "),
    (re.compile(r"\b(?:phq|epds)\b", re.IGNORECASE), " depression "),
    (re.compile(r"\bgad\b", re.IGNORECASE), " anxiety "),
    # medicines taken or missed: adherence (walk 14: "Days with all blood pressure
    # medicines taken" measures medication adherence, not blood pressure control)
    (re.compile(MEDICINES_TAKEN, re.IGNORECASE), " medication adherence "),
    (re.compile(rf"\b{MEDICINES}\b", re.IGNORECASE), " medication "),
)


def _words(text: str) -> set[str]:
    """A label's words, spelt as ids are (`Søvn` and `sovn` match)."""
    for pattern, spelt in ABBREVIATIONS:
        text = pattern.sub(spelt, text)
    return {w for w in re.findall(r"[a-z]{3,}", slug(text)) if w not in STOPWORDS}


def _domain(label: str, outcomes: list[DraftTheme]) -> tuple[str, bool]:
    """The outcome theme an item most likely measures, and whether words matched.
    Of themes sharing as many words with the label, the one whose own words the
    label names most fully ("Medication adherence", 2 of 2, over "Blood pressure
    control", 2 of 3), then the first."""

    def score(i: int, theme: DraftTheme) -> tuple[int, float, int, str]:
        own = _words(theme.label + " " + theme.id.replace("_", " "))
        shared = len(_words(label) & own)
        return shared, shared / len(own) if own else 0.0, -i, theme.id

    scored = [score(i, t) for i, t in enumerate(outcomes)]
    best = max(scored)
    return best[3], best[0] > 0

"""Missing-value codes a statistics file labels but does not declare missing.

SPSS users code a missing answer as -99 or 999 and label it ("Missing",
"Not applicable", "Don't know"); declared as a missing value (SPSS's Variable
View, Stata's extended missing values) it is read as missing. Labelled but not
declared, it was read as a number: a UCLA score of -99 at follow-up, a change
of -106, an "improvement". Such a value is read as missing and listed, saying
how to declare it (`[survey] missing_codes`), and `triangulate init` drafts the
codes it finds (walk 14, decision 0425).
"""

from __future__ import annotations

import re

#: A value label that names no answer, in the languages of the studies so far.
MISSING_LABEL = re.compile(
    r"\s*(?:system[\s-]*)?(?:missing|not\s+answered|no\s+answer|unanswered|"
    r"don'?t\s+know|do\s+not\s+know|refused|declined|prefer\s+not\s+to\s+say|"
    r"not\s+applicable|n/?a|not\s+asked|not\s+known|unknown|skipped|"
    # Danish, Norwegian, Swedish, German
    r"mangler|manglende|ved\s+ikke|ikke\s+besvaret|ubesvaret|uoplyst|ikke\s+relevant|"
    r"vet\s+ikke|ikke\s+svart|vet\s+ej|saknas|ej\s+svar|fehlend|keine\s+angabe|"
    r"wei(?:ß|ss)\s+nicht)\b",
    re.IGNORECASE,
)


def is_missing_label(label: str) -> bool:
    """Whether a value label names a missing answer ("Missing", "Ved ikke")."""
    return MISSING_LABEL.match(label) is not None


def undeclared_missing(raw: str, label: str) -> str:
    """The reject reason for such a value, naming what to set. It quotes only the
    words that make the label a missing answer ("Missing"), never what follows
    them ("Missing - his daughter Sofie answered", decision 0445)."""
    found = MISSING_LABEL.match(label)
    said = found.group(0).strip() if found else "a missing answer"
    return (
        f"value {raw} is labelled {said!r}, a missing-value code the file does not "
        "declare missing: treated as missing (to say so, list it in [survey] missing_codes)"
    )


def labelled_missing_codes(labels: dict[str, dict[str, str]]) -> dict[str, str]:
    """Code -> its label, for every code any column labels as a missing answer."""
    found: dict[str, str] = {}
    for mapping in labels.values():
        for code, label in mapping.items():
            if is_missing_label(label):
                found.setdefault(code, label)
    return found

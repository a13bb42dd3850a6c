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
    r"admissions?|readmissions?|appointments?|attendances?|consultations?|hospitali[sz]\w*|emergency|a&e|casualty|kinesiophobia|symptoms?|distress|"
    r"disability|hba1c|blood\s+pressure|salt|sodium|systolic|diastolic|mmhg|hypertension|cholesterol|ldl|"
    r"blodtryk\w*|smerte\w*|angst|frygt|fald|ensomhed|træthed|indlæggelse\w*|skadestue\w*|akutmodtagelse\w*|"
    # Norwegian and Swedish; screening scores of depression and anxiety
    r"depresjon\w*|depression\w*|nedstemt\w*|nedstämd\w*|ensomhet|ensamhet|tretthet|trötthet|"
    r"utmattelse|smärta|oro|ångest|bekymring\w*|frykt|innleggelse\w*|legevakt\w*|akuttmottak\w*|"
    r"søvnløs\w*|sømnløys\w*|epds|phq\W?\d*|gad\W?\d*|hads)\b",
    re.IGNORECASE,
)


def direction_of(name: str) -> str | None:
    """'higher' or 'lower' for a sub-code that names a direction ("Less", or a
    direction and the word it qualifies: "More regular"), else None."""
    words = name.casefold().split()
    if len(words) == 2 and words[0] in DIRECTION_WORDS:
        return DIRECTION_WORDS[words[0]]
    return DIRECTION_WORDS.get(" ".join(words))


def stance_part(name: str, theme: str) -> str:
    """A sub-code's name without its theme's words or their initials: what says
    its stance. QualCoder names every code once in a project, so a stance
    sub-code carries its theme's name ("Less salt", "BP lower" under "Home
    blood pressure", "Home visits delivered" under "CHW home visits"; walk 15,
    decision 0448). The name itself when nothing or everything is left."""
    own = [w.casefold() for w in re.findall(r"[^\W_]+", theme)]
    initials = {
        "".join(w[0] for w in own[i:j]) for i in range(len(own)) for j in range(i + 2, len(own) + 1)
    }
    words = re.findall(r"[^\W_]+", name)
    rest = [w for w in words if w.casefold() not in own and w.casefold() not in initials]
    return " ".join(rest) if rest and len(rest) < len(words) else name


#: Initials of the emergency department (case-sensitive: "er" is a Danish word).
EMERGENCY_INITIALS = re.compile(r"(?<![^\W_])(?:ED|ER)(?![^\W_])")
#: A label naming the control of something or medicines taken: more is better
#: ("Blood pressure control", "Pain control", "Days with all blood pressure
#: medicines taken"), whatever is controlled or treated.
CONTROL = re.compile(r"\b(?:control\w*|kontrol\w*|adheren\w*|taken|taking)\b", re.IGNORECASE)


def better_of(label: str) -> str:
    """'lower' when the label names something of which less is better, else 'higher'."""
    if CONTROL.search(label):
        return "higher"
    found = LOWER_IS_BETTER.search(label) or EMERGENCY_INITIALS.search(label)
    return "lower" if found else "higher"


#: Value labels that answer a question yes or no (English, Danish, Norwegian, Swedish).
YES_WORDS = frozenset({"yes", "y", "ja", "j"})
NO_WORDS = frozenset({"no", "n", "nej", "nei"})


def yes_coded_lower(value_labels: dict[str, str]) -> tuple[str, str] | None:
    """(yes code, no code) when a yes/no item codes its yes as the lower number
    (1 = Yes, 2 = No, as SPSS and Stata files usually do), else None."""
    yes = [v for v, label in value_labels.items() if label.strip().casefold() in YES_WORDS]
    no = [v for v, label in value_labels.items() if label.strip().casefold() in NO_WORDS]
    if len(yes) != 1 or len(no) != 1:
        return None
    try:
        lower = float(yes[0]) < float(no[0])
    except ValueError:
        return None
    return (yes[0], no[0]) if lower else None


def item_better(label: str, value_labels: dict[str, str]) -> tuple[str, str]:
    """A survey item's `better` and the note saying why (decision 0369): from the
    label's words, turned round for a yes/no item whose yes is the lower code
    ("Attends a community group" 1 = Yes, 2 = No: the lower value is better)."""
    better = better_of(label)
    coded = yes_coded_lower(value_labels)
    if coded is None:
        if better == "lower":
            return better, "less is better (a guess: the label names something to reduce)"
        return better, "higher or lower is better (a guess)"
    yes, no = coded
    if better == "lower":  # "yes" is the thing to reduce ("Been to A&E"): no is better
        return "higher", (
            f"coded {yes} = yes, {no} = no, and the label names something to reduce: "
            "a no (the higher value) is better (a guess)"
        )
    return "lower", (
        f"coded {yes} = yes, {no} = no: a yes (the lower value) is better (a guess; "
        "the other way round if a yes is the worse answer)"
    )


def direction_stance(name: str, better: str) -> str | None:
    """The outcome stance of a direction sub-code for a theme where `better` is better."""
    direction = direction_of(name)
    if direction is None:
        return None
    return "improved" if direction == better else "worsened"

"""The words `triangulate init` reads in a QDA project (English, Danish, Norwegian,
Swedish): code folders naming an ICAMO component, sub-codes naming a stance,
variables naming an interview's mode or language, and folders of case codes.
"""

from __future__ import annotations

import re

from flows.study import STANCES_BY_KIND

COMPONENT_WORDS = {
    "intervention": "intervention",
    "interventions": "intervention",
    "activity": "intervention",
    "activities": "intervention",
    "context": "context",
    "contexts": "context",
    "actor": "actor",
    "actors": "actor",
    "mechanism": "mechanism",
    "mechanisms": "mechanism",
    "output": "output",
    "outputs": "output",
    "outcome": "outcome",
    "outcomes": "outcome",
    # Norwegian, Danish and Swedish folder names
    "aktivitet": "intervention",
    "aktiviteter": "intervention",
    "tiltak": "intervention",
    "intervensjon": "intervention",
    "intervensjoner": "intervention",
    "indsats": "intervention",
    "insats": "intervention",
    "insatser": "intervention",
    "kontekst": "context",
    "kontekster": "context",
    "kontext": "context",
    "aktør": "actor",
    "aktører": "actor",
    "aktor": "actor",
    "aktorer": "actor",
    "mekanisme": "mechanism",
    "mekanismer": "mechanism",
    "mekanism": "mechanism",
    "utfall": "outcome",
    "utfallsmål": "outcome",
    "udfald": "outcome",
    "effekt": "outcome",
    "effekter": "outcome",
    "resultat": "outcome",
    "resultater": "outcome",
    "resultaten": "outcome",
}
MODE_WORDS = re.compile(r"\bmode\b|medium|format", re.IGNORECASE)
LANGUAGE_WORDS = re.compile(r"language|sprog|språk|sprache", re.IGNORECASE)
#: A top-level code folder whose sub-codes name cases (`Case\K1`, Taguette's and
#: MAXQDA's way of saying which case a staff member's passage is about).
CASE_FOLDER_WORDS = {"case", "cases", "case id", "sag", "sager", "sak", "saker", "caser"}


#: Sub-code names init reads as stances (English, Danish, Norwegian, Swedish), per stance.
STANCE_GUESSES: dict[str, tuple[str, ...]] = {
    "present": (
        "gitt",
        "levert",
        "gjennomført",
        "mottatt",
        "genomförd",
        "närvarande",
        "delivered",
        "yes",
        "done",
        "given",
        "received",
        "happened",
        "ja",
        "leveret",
        "gennemført",
        "til stede",
    ),
    "absent": (
        "ikke gitt",
        "ikke levert",
        "ikke gjennomført",
        "ikke mottatt",
        "ikke til stede",
        "fraværende",
        "nei",
        "inte genomförd",
        "frånvarande",
        "not delivered",
        "no",
        "not done",
        "not given",
        "not received",
        "did not happen",
        "nej",
        "ikke leveret",
        "ikke gennemført",
    ),
    "improved": ("better", "improved", "yes", "bedre", "forbedret", "ja", "bättre", "förbättrad"),
    "no_change": (
        "same",
        "unchanged",
        "no change",
        "as before",
        "uændret",
        "samme",
        "uendret",
        "som før",
        "oförändrad",
        "oförändrat",
    ),
    "worsened": ("worse", "worsened", "dårligere", "forværret", "verre", "forverret", "sämre"),
    "not_stated": ("not said", "not stated", "unclear", "ikke nævnt", "uklart", "ikke nevnt"),
    "facilitator": (
        "helped",
        "helps",
        "helping",
        "enabler",
        "hjalp",
        "fremmer",
        "hjelper",
        "fremmende",
        "främjar",
    ),
    "barrier": (
        "hindered",
        "hinders",
        "held back",
        "holds back",
        "obstacle",
        "hæmmer",
        "barriere",
        "hemmer",
        "hindrer",
        "hemmende",
        "hinder",
        "hindrar",
    ),
}


def guess_stance(name: str, component: str) -> str | None:
    """The stance a sub-code name reads as for a component, or None."""
    key = " ".join(name.replace("_", " ").replace("-", " ").split()).casefold()
    for stance in STANCES_BY_KIND[component]:
        if key == stance.replace("_", " ") or key in STANCE_GUESSES.get(stance, ()):
            return stance
    return None

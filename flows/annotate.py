"""Prepare excerpts for the warehouse: pseudonymise, then suggest stances.

Pseudonymisation runs first, so that no later step (NLP, SQL, rendering,
logging) ever sees a roster name.
"""

from __future__ import annotations

import pandas as pd

from flows.pseudonymise import Pseudonymiser, pseudonym_label
from flows.stance import StanceTagger
from flows.study import Study


def build_pseudonymiser(
    study: Study,
    roster_names: list[tuple[str, str, list[str]]],
    model: str | None = None,
    extra_names: list[tuple[str, list[str]]] | None = None,
) -> Pseudonymiser:
    """A pseudonymiser for every person in the roster (withdrawn ones too), plus
    the study's extra identifiers (places, institutions) with their labels."""
    roles = {r.id: r for r in study.roles}
    people = [
        (pseudonym_label(pid, roles[role].label, roles[role].per_case), names)
        for pid, role, names in roster_names
    ]
    return Pseudonymiser([*people, *(extra_names or [])], study.study.language, model=model)


def annotate_excerpts(
    excerpts: pd.DataFrame,
    study: Study,
    roster_names: list[tuple[str, str, list[str]]],
    model: str | None = None,
    extra_names: list[tuple[str, list[str]]] | None = None,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Excerpts with de-identified text, suggested stances, cues and examples.

    `model` names an installed trained spaCy pipeline whose entities are redacted
    too. Returns the frame and counts (names and identifiers replaced, words).
    """
    out = excerpts.copy()
    pseudonymiser = build_pseudonymiser(study, roster_names, model, extra_names)
    texts, replaced = [], 0
    for text, n in pseudonymiser.pipe(out["text"].tolist()):
        texts.append(text)
        replaced += n
    out["text"] = texts

    kinds = {t.id: t.kind for t in study.themes}
    suggested, confidence, cues, examples = [], [], [], []
    for language, group in out.groupby("language", sort=True):
        tagger = StanceTagger(str(language), {t.id: t.examples for t in study.themes})
        items = zip(group["text"], group["theme_id"].map(kinds), group["theme_id"], strict=True)
        for index, (suggestion, found) in zip(group.index, tagger.annotate(items), strict=True):
            suggested.append((index, suggestion.stance))
            confidence.append((index, suggestion.confidence))
            cues.append((index, list(suggestion.cues)))
            examples.append((index, found))
    for column, values in (
        ("suggested_stance", suggested),
        ("suggestion_confidence", confidence),
        ("suggestion_cues", cues),
        ("examples", examples),
    ):
        out[column] = pd.Series(dict(values), dtype=object) if values else pd.Series(dtype=object)
    out["suggestion_confidence"] = out["suggestion_confidence"].astype(float)
    words = int(out["text"].str.split().str.len().sum()) if len(out) else 0
    stats = {"names_replaced": replaced, "words": words}
    stats.update({f"replaced {label}": n for label, n in sorted(pseudonymiser.counts.items())})
    return out, stats

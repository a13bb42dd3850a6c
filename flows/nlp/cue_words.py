"""The model's cues as words of the excerpt, for the researcher.

A reading's cues are the words the rules read, then the model's strongest features
(`FamilyModel.contributions_of`). Those are internal names: `w=than`, `t=of_it`,
`output:w=go`, `has=baseline`, `c=same|latest|pos`. A researcher reads the cue
text in the dossier, the review list and `--predictions`, so each word feature is
shown as the excerpt's own word or words (`w=than` -> "than", `t=of_it` -> "of
it", a negated `w=~walk` -> "walk"), and a feature that names no word of the text
(a word class, an anchor, the rules' verdict) is left out: the rules' cues before
it already say what was read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

#: the features that name lemmas of the text: `w=` (a lemma, `~` when negated) and
#: `t=` (the second view: a lemma or two joined by `_`)
WORD_PREFIXES = ("w=", "t=")


def text_words(features: Iterable[str], lower: Sequence[str], lemma: Sequence[str]) -> list[str]:
    """The excerpt's words behind each word feature (first occurrence), in the
    features' order; features that name no word of the text are dropped."""
    out = []
    for name in features:
        lemmas = _LEMMAS.get(name, False)
        if lemmas is False:
            lemmas = _LEMMAS[name] = _named(name)
        if lemmas is None:
            continue
        words = _find(lemmas, lower, lemma)
        if words:
            out.append(words)
    return out


#: feature name -> the lemmas it names (`_named`), found once per name: the model's
#: strongest features are a few thousand names at most (decision 0376)
_LEMMAS: dict[str, list[str] | None] = {}


def _named(name: str) -> list[str] | None:
    """The lemmas a word feature names, None for a feature that names no word."""
    _, _, bare = name.rpartition(":")  # "output:w=go": crossed with its component
    if not bare.startswith(WORD_PREFIXES):
        return None
    wanted = bare[2:].lstrip("~")
    return wanted.split("_") if bare.startswith("t=") else [wanted]


def _find(lemmas: list[str], lower: Sequence[str], lemma: Sequence[str]) -> str:
    """The forms of the first run of tokens whose lemmas are `lemmas`, or ""."""
    k = len(lemmas)
    first, stop, i = lemmas[0], len(lemma) - k + 1, -1
    while True:  # the candidates by their first lemma, found in C (`list.index`)
        try:
            i = lemma.index(first, i + 1, max(stop, 0))
        except ValueError:
            break
        if k == 1 or list(lemma[i : i + k]) == lemmas:
            return " ".join(lower[i : i + k])
    # a pair whose words are read apart ("of_it" across a skipped token): the
    # first lemma alone
    return _find(lemmas[:1], lower, lemma) if k > 1 else ""

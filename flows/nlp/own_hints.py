"""Hints for a researcher on a study's own themes (`triangulate validate`; decision
0227): what the stance reader will not find in the study file.

An own theme (one whose `behaviour` names no scheme profile) is read from its words:
its example cue words and its label (`profiles.own_words`). A clause names the theme
when it holds one of them (a form or its lookup lemma); in an excerpt that names
none, every clause is read as the theme's, and a clause about something else (the
weather, another theme) can decide the reading. The hints say, per own
theme and language, how many of the excerpts coded to it name none of its words, and
which own outcome themes say nothing of which direction is better. A hint never
fails validation, and it names no excerpt's words (names could be among them): the
theme, the language and the counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from flows.nlp.lexicons import Forms, load_behaviours, shared_pipeline
from flows.nlp.profiles import helping_groups, profile_for

LANGUAGES = {"en": "English", "da": "Danish"}
#: a theme whose excerpts name none of its words this often (or more) gets a hint
UNNAMED_SHARE = 0.25
#: and at least this many of them
UNNAMED_LEAST = 3


class Hint(NamedTuple):
    theme_id: str
    language: str | None
    text: str


def names_words(lower: list[str], lemma: list[str], words: frozenset[str]) -> bool:
    """Whether a text (its forms and lookup lemmas) holds one of the words: a form, a
    lemma or two neighbouring forms."""
    if any(w in words for w in lower) or any(w in words for w in lemma):
        return True
    return any(f"{a} {b}" in words for a, b in zip(lower, lower[1:], strict=False))


def unnamed(language: str, texts: Iterable[str], words: frozenset[str]) -> int:
    """How many of the texts name none of the words (the pipeline asked for here:
    the shared one may be replaced between runs, `reader_store`)."""
    nlp = shared_pipeline(language)
    forms = Forms(nlp)
    count = 0
    for doc in nlp.pipe(texts):
        lower, lemma = forms(doc)
        count += not names_words(lower, lemma, words)
    return count


def own_theme_hints(themes, excerpts: Iterable[tuple[str, str, str]]) -> list[Hint]:
    """Hints on the study's own themes (`themes`: the study file's), from its coded
    excerpts as (theme id, language, text)."""
    scheme = load_behaviours()
    own = [t for t in themes if (t.behaviour or t.id) not in scheme]
    by_theme: dict[tuple[str, str], list[str]] = {}
    for theme_id, language, text in excerpts:
        if language in LANGUAGES and isinstance(text, str):
            by_theme.setdefault((theme_id, language), []).append(text)
    hints = []
    for theme in own:
        if theme.kind == "outcome" and theme.better is None:
            hints.append(
                Hint(
                    theme.id,
                    None,
                    f"own theme {theme.id!r} sets no `better`: read as a thing of which more "
                    'is better; set `better = "lower"` where less is better (falls, '
                    "admissions, pain)",
                )
            )
        hints += _helping_hints(theme)
        for language in sorted(LANGUAGES):
            texts = by_theme.get((theme.id, language), [])
            if not texts:
                continue
            profile = profile_for(
                theme.id,
                language,
                theme.kind,
                theme.examples,
                theme.behaviour,
                theme.better,
                theme.label,
            )
            missing = unnamed(language, texts, profile.words)
            if missing >= UNNAMED_LEAST and missing >= UNNAMED_SHARE * len(texts):
                hints.append(
                    Hint(
                        theme.id,
                        language,
                        f"own theme {theme.id!r}: {missing} of {len(texts)} "
                        f"{LANGUAGES[language]} excerpts name none of its example or label "
                        "words: the stance reader cannot tell there which clause is "
                        "about the theme. Add to its `examples` the words they use (other forms, compounds, synonyms, "
                        f"in {LANGUAGES[language]})",
                    )
                )
    return hints


def _helping_hints(theme) -> list[Hint]:
    """An own outcome where lower is better: which of its example groups the reader
    takes as what helps against the object (more of it is better: a help word, or
    what the object lacks, decision 0279), so that a researcher sees it and can move
    a word; the group ids only."""
    if theme.kind != "outcome" or theme.better != "lower" or len(theme.examples or {}) < 2:
        return []
    helping = sorted(
        {g for language in LANGUAGES for g in helping_groups(language, theme.examples, theme.label)}
    )
    if not helping:
        return []
    return [
        Hint(
            theme.id,
            None,
            f"own theme {theme.id!r}: example group(s) {', '.join(helping)} read as what helps "
            "against the theme (more of it is better), the other groups as the thing of which "
            "less is better",
        )
    ]

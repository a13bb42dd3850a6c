"""Rule-based stance suggestion and example tagging on a blank spaCy pipeline.

For an excerpt coded to a theme without a coded stance, suggest one:

- outcomes: improved / no_change / worsened / not_stated, from direction-of-change
  cues ("started", "more", "stopped", "no longer"), flipped when the object is
  something of which less is better ("less soda" is improved) and turned into
  no_change when negated ("I don't walk more");
- context factors: facilitator / barrier, from barrier and facilitator cues,
  flipped by a preceding negation ("don't worry" is a facilitator);
- interventions, mechanisms, outputs: present / absent, absent when negated.

Hedges ("maybe", "I think") and reported speech ("he says") lower the
confidence. Cue words come from `flows/lexicons/<language>.toml`. Every
suggestion carries the cue words that led to it.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import resources

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from flows.errors import TriangulateError

NEGATION_WINDOW = 3  # tokens before a cue in which a negation turns it around
HEDGE_FACTOR = 0.8
REPORTED_FACTOR = 0.85
DEFAULT_CONFIDENCE = 0.4
#: Cue classes each kind of theme reads; the same word may sit in two families
#: ("worse" is a direction for outcomes and a barrier for context factors).
CUE_FAMILIES = {
    "outcome": frozenset({"up", "down", "worse", "same", "change", "bad_objects"}),
    "context": frozenset({"facilitator", "barrier"}),
    "presence": frozenset({"absent", "present"}),
}
SHARED_CUES = frozenset({"neutral", "hedge", "reported"})
ABSENT_WEIGHT = 2  # absence is marked in speech; presence is what coding to a theme implies


@dataclass(frozen=True)
class Suggestion:
    """A machine-suggested stance with the evidence behind it."""

    stance: str
    confidence: float
    cues: tuple[str, ...]


def load_lexicon(language: str) -> dict[str, list[str]]:
    """The cue lexicon shipped for a language."""
    try:
        text = resources.files("flows.lexicons").joinpath(f"{language}.toml").read_text("utf-8")
    except FileNotFoundError:
        raise TriangulateError(f"no stance lexicon for language {language!r}") from None
    return tomllib.loads(text)["cues"]


def blank_pipeline(language: str) -> Language:
    """A blank spaCy pipeline with a sentencizer that knows about ellipses."""
    nlp = spacy.blank(language)
    punct = [".", "!", "?", "...", "…", ";"]
    nlp.add_pipe("sentencizer", config={"punct_chars": punct})
    return nlp


class StanceTagger:
    """Suggests stances and finds theme examples in excerpt text."""

    def __init__(self, language: str, theme_examples: dict[str, dict[str, list[str]]]):
        self.nlp = blank_pipeline(language)
        lexicon = load_lexicon(language)
        self.negations = frozenset(lexicon.pop("negation"))
        self.cues = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        for label, terms in lexicon.items():
            self.cues.add(label, [self.nlp.make_doc(t) for t in terms])
        self.examples = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        for theme_id, examples in theme_examples.items():
            for example, terms in examples.items():
                variants = {v for t in terms for v in (t, t + "s", t + "es")}
                self.examples.add(
                    f"{theme_id}|{example}", [self.nlp.make_doc(v) for v in sorted(variants)]
                )

    # -- public ------------------------------------------------------------
    def annotate(
        self, items: Iterable[tuple[str, str, str]], batch_size: int = 512
    ) -> Iterator[tuple[Suggestion, list[str]]]:
        """For each (text, theme kind, theme id): the suggestion and the examples found."""
        items = list(items)
        docs = self.nlp.pipe((text for text, _, _ in items), batch_size=batch_size)
        for doc, (_, kind, theme_id) in zip(docs, items, strict=True):
            yield self.suggest(doc, kind), self.find_examples(doc, theme_id)

    def find_examples(self, doc: Doc, theme_id: str) -> list[str]:
        """The theme's examples mentioned in the text, sorted."""
        prefix = theme_id + "|"
        names = (self.nlp.vocab.strings[key] for key, _, _ in self.examples(doc))
        return sorted({name[len(prefix) :] for name in names if name.startswith(prefix)})

    def suggest(self, doc: Doc, kind: str) -> Suggestion:
        """The stance the text's cues point to for a theme of this kind."""
        family = "outcome" if kind == "outcome" else "context" if kind == "context" else "presence"
        relevant = CUE_FAMILIES[family] | SHARED_CUES
        spans = filter_spans([s for s in self.cues(doc, as_spans=True) if s.label_ in relevant])
        if kind == "outcome":
            votes, cues = self._outcome_votes(doc, spans)
            default = "not_stated"
        elif kind == "context":
            votes, cues = self._context_votes(doc, spans)
            default = "barrier"
        else:
            votes, cues = self._presence_votes(doc, spans)
            default = "present"
        labels = {s.label_ for s in spans}
        return _decide(votes, cues, default, "hedge" in labels, "reported" in labels)

    # -- rules -----------------------------------------------------------
    def _negated(self, doc: Doc, span: Span, window: int = NEGATION_WINDOW) -> bool:
        """A negation word stands within `window` tokens before the cue, same sentence."""
        start = max(span.sent.start, span.start - window)
        return any(token.lower_ in self.negations for token in doc[start : span.start])

    @staticmethod
    def _object_is_bad(span: Span, spans: list[Span]) -> bool:
        """Something of which less is better follows the cue closely ("less soda")."""
        return any(
            s.label_ == "bad_objects" and span.end <= s.start <= span.end + NEGATION_WINDOW
            for s in spans
        )

    def _outcome_votes(self, doc: Doc, spans: list[Span]) -> tuple[Counter, list[str]]:
        votes: Counter = Counter()
        cues: list[str] = []
        for span in spans:
            negated = self._negated(doc, span)
            if (
                span.label_ == "same"
                and not negated
                or span.label_ == "change"
                and negated
                or span.label_ in ("up", "down", "worse")
                and negated
            ):
                stance = "no_change"
            elif span.label_ == "worse":
                stance = "worsened"
            elif span.label_ in ("up", "down"):
                direction = 1 if span.label_ == "up" else -1
                if self._object_is_bad(span, spans):
                    direction = -direction
                stance = "improved" if direction > 0 else "worsened"
            else:
                continue
            votes[stance] += 1
            cues.append(span.text.lower())
        return votes, cues

    def _context_votes(self, doc: Doc, spans: list[Span]) -> tuple[Counter, list[str]]:
        votes: Counter = Counter()
        cues: list[str] = []
        for span in spans:
            if span.label_ not in ("facilitator", "barrier"):
                continue
            helps = span.label_ == "facilitator"
            if self._negated(doc, span):
                helps = not helps
            votes["facilitator" if helps else "barrier"] += 1
            cues.append(span.text.lower())
        return votes, cues

    def _presence_votes(self, doc: Doc, spans: list[Span]) -> tuple[Counter, list[str]]:
        votes: Counter = Counter()
        cues: list[str] = []
        for span in spans:
            if span.label_ == "absent":
                votes["absent"] += ABSENT_WEIGHT
            elif span.label_ == "present":
                # presence is denied anywhere earlier in its clause: "we didn't shop ... together"
                negated = self._negated(doc, span, window=len(span.sent))
                votes["absent" if negated else "present"] += 1
            else:
                continue
            cues.append(span.text.lower())
        return votes, cues


def _decide(
    votes: Counter, cues: list[str], default: str, hedged: bool, reported: bool
) -> Suggestion:
    """The stance with most votes; confidence from its share, lowered by hedges."""
    total = sum(votes.values())
    if total == 0:
        stance, confidence = default, DEFAULT_CONFIDENCE
    else:
        # most votes wins; a tie goes to the default, then alphabetically
        ranked = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0] != default, kv[0]))
        stance, top = ranked[0]
        confidence = 0.5 + 0.45 * top / total
    if hedged:
        confidence *= HEDGE_FACTOR
    if reported:
        confidence *= REPORTED_FACTOR
    return Suggestion(stance, round(confidence, 2), tuple(dict.fromkeys(cues)))

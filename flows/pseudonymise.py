"""Replace every roster name in excerpt text with a stable pseudonym label.

A spaCy PhraseMatcher on lower-cased tokens matches each person's name and
aliases (plus the Danish genitive in -s); the longest match wins. Runs before
anything is stored, rendered or logged.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import spacy
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans


def pseudonym_label(person_id: str, role_label: str, per_case: bool) -> str:
    """`[peer P3]` for case informants, `[project manager]` for cross-case staff."""
    return f"[{role_label.lower()} {person_id}]" if per_case else f"[{role_label.lower()}]"


def name_variants(names: Iterable[str]) -> set[str]:
    """A person's names plus the Danish genitive form of each ("Henriks")."""
    variants: set[str] = set()
    for name in names:
        variants.add(name)
        if not name.lower().endswith("s"):
            variants.add(name + "s")
    return variants


class Pseudonymiser:
    """Roster-driven replacement of names by labels."""

    def __init__(self, people: Iterable[tuple[str, list[str]]], language: str = "en"):
        """`people`: one (label, [full name, aliases...]) per person."""
        self.nlp = spacy.blank(language)
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.labels: dict[str, str] = {}
        for index, (label, names) in enumerate(people):
            key = f"person_{index}"
            self.labels[key] = label
            self.matcher.add(key, [self.nlp.make_doc(v) for v in sorted(name_variants(names))])

    def spans(self, doc: Doc) -> list[Span]:
        """Name mentions in a doc, longest first where they overlap, in text order."""
        return sorted(filter_spans(self.matcher(doc, as_spans=True)), key=lambda s: s.start)

    def pipe(self, texts: Iterable[str], batch_size: int = 512) -> Iterator[tuple[str, int]]:
        """Yield (pseudonymised text, number of replacements) per text."""
        for doc in self.nlp.pipe(texts, batch_size=batch_size):
            spans = self.spans(doc)
            out, cursor = [], 0
            for span in spans:
                out += [doc.text[cursor : span.start_char], self.labels[span.label_]]
                cursor = span.end_char
            out.append(doc.text[cursor:])
            yield "".join(out), len(spans)

"""De-identify excerpt text before anything is stored, rendered or logged.

Three layers, applied in this order:

1. the roster: a spaCy PhraseMatcher on lower-cased tokens replaces each
   person's name and aliases (plus the Danish genitive in -s) with their
   pseudonym label, e.g. `[peer P3]`; the longest match wins;
2. identifiers by pattern: e-mail addresses, Danish CPR numbers, phone numbers
   (Danish and international), street addresses and exact dates;
3. only when the user names an installed trained spaCy pipeline: its PERSON,
   GPE, LOC, ORG and FAC entities. The model can only add redactions; roster
   replacements are made first and never undone.

Without a model, `review_candidates` lists capitalised words that are not at
the start of a sentence and not known study vocabulary, for a person to check.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from flows.errors import TriangulateError

#: Patterns for identifiers that are not names, most specific first (dates before
#: phone numbers: "2020-03-04" is a date, not four pairs of digits).
IDENTIFIER_PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    ("[e-mail]", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("[CPR number]", re.compile(r"(?<![\w-])[0-3]\d[01]\d\d{2}[- ]?\d{4}(?![\w-])")),
    ("[date]", re.compile(r"\b\d{4}-\d{2}-\d{2}\b")),
    ("[date]", re.compile(r"\b\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})\b")),
    (
        "[phone]",
        re.compile(r"(?<![\w+])(?:\+|00)\d{1,3}[ -]?\(?\d{1,4}\)?(?:[ -]?\d{2,4}){2,4}(?!\w)"),
    ),
    ("[phone]", re.compile(r"(?<![\w+])\d{2}(?:[ -]?\d{2}){3}(?![\w-])")),
    (
        "[address]",
        re.compile(
            r"\b[A-ZÆØÅ][\wæøåÆØÅ.-]*(?:vej|gade|allé|alle|plads|vænge|vænget|stræde|boulevard"
            r"|torv|sti|parken|have)\s+\d+[A-Za-z]?(?:,?\s*\d+\.?\s*(?:th|tv|mf|sal)\.?)?"
        ),
    ),
    (
        "[address]",
        re.compile(
            r"\b\d+[A-Za-z]?\s+(?:[A-Z][a-z]+\s){1,3}(?:Street|St\.|Road|Rd\.|Avenue|Ave\.|Lane|"
            r"Drive|Way|Close|Court|Place|Square)\b"
        ),
    ),
    (
        "[date]",
        re.compile(
            r"\b\d{1,2}\.?\s+(?:january|february|march|april|may|june|july|august|september|"
            r"october|november|december|januar|februar|marts|april|maj|juni|juli|august|"
            r"september|oktober|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|okt|"
            r"nov|dec)\.?\s+\d{4}\b",
            re.IGNORECASE,
        ),
    ),
    (
        "[date]",
        re.compile(
            r"\b(?:January|February|March|April|May|June|July|August|September|October|"
            r"November|December)\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b"
        ),
    ),
)

MODEL_LABELS = {
    "PERSON": "[person]",
    "PER": "[person]",
    "GPE": "[place]",
    "LOC": "[place]",
    "FAC": "[place]",
    "ORG": "[organisation]",
}

#: Capitalised words that are not names (review list), besides the study's own vocabulary.
COMMON_CAPITALISED = frozenset(
    [
        "i",
        "i'm",
        "i've",
        "i'd",
        "i'll",
        "mr",
        "mrs",
        "ms",
        "dr",
        "gp",
        "ok",
        "okay",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "christmas",
        "easter",
        "denmark",
        "danish",
        "dane",
        "danes",
        "english",
        "covid",
        "covid-19",
        "corona",
        "mandag",
        "tirsdag",
        "onsdag",
        "torsdag",
        "fredag",
        "lørdag",
        "søndag",
        "danmark",
        "jul",
        "påske",
        "diabetes",
        "type",
    ]
)


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


def replace_identifiers(text: str, counts: Counter | None = None) -> str:
    """Replace e-mails, CPR numbers, phone numbers, addresses and dates by labels."""
    for label, pattern in IDENTIFIER_PATTERNS:
        text, n = pattern.subn(label, text)
        if counts is not None and n:
            counts[label] += n
    return text


def load_model(name: str) -> Language:
    """An installed trained spaCy pipeline (package name or path); never downloads."""
    try:
        return spacy.load(name)
    except OSError:
        raise TriangulateError(
            f"spaCy pipeline {name!r} is not installed; install it from a local file or "
            "leave the option out (de-identification is then rule-only)"
        ) from None


class Pseudonymiser:
    """Roster-driven replacement of names by labels, then identifiers, then model entities."""

    def __init__(
        self,
        people: Iterable[tuple[str, list[str]]],
        language: str = "en",
        model: str | None = None,
    ):
        """`people`: one (label, [full name, aliases...]) per person."""
        self.nlp = spacy.blank(language)
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.labels: dict[str, str] = {}
        for index, (label, names) in enumerate(people):
            key = f"person_{index}"
            self.labels[key] = label
            self.matcher.add(key, [self.nlp.make_doc(v) for v in sorted(name_variants(names))])
        self.model_name = model
        self.model = load_model(model) if model else None
        self.counts: Counter = Counter()

    def spans(self, doc: Doc) -> list[Span]:
        """Name mentions in a doc, longest first where they overlap, in text order."""
        return sorted(filter_spans(self.matcher(doc, as_spans=True)), key=lambda s: s.start)

    def _replace_names(self, doc: Doc) -> tuple[str, int]:
        spans = self.spans(doc)
        out, cursor = [], 0
        for span in spans:
            out += [doc.text[cursor : span.start_char], self.labels[span.label_]]
            cursor = span.end_char
        out.append(doc.text[cursor:])
        return "".join(out), len(spans)

    def _replace_entities(self, text: str) -> str:
        doc = self.model(text)
        out, cursor = [], 0
        for ent in doc.ents:
            label = MODEL_LABELS.get(ent.label_)
            if label is None or "[" in ent.text:  # never touch an existing label
                continue
            out += [text[cursor : ent.start_char], label]
            cursor = ent.end_char
            self.counts[label] += 1
        out.append(text[cursor:])
        return "".join(out)

    def pipe(self, texts: Iterable[str], batch_size: int = 512) -> Iterator[tuple[str, int]]:
        """Yield (de-identified text, number of roster names replaced) per text."""
        for doc in self.nlp.pipe(texts, batch_size=batch_size):
            text, n = self._replace_names(doc)
            text = replace_identifiers(text, self.counts)
            if self.model is not None:
                text = self._replace_entities(text)
            yield text, n


def review_candidates(
    items: Iterable[tuple[str, str]], known_words: Iterable[str], language: str = "en"
) -> list[dict]:
    """Capitalised words, not sentence-initial, not known vocabulary: for a person to check.

    `items` are (excerpt id, de-identified text). Returns one row per word with
    the excerpts it occurs in, most frequent first."""
    nlp = spacy.blank(language)
    nlp.add_pipe("sentencizer", config={"punct_chars": [".", "!", "?", "...", "…"]})
    known = {w.lower() for w in known_words} | COMMON_CAPITALISED
    found: dict[str, list[str]] = {}
    items = list(items)
    for (excerpt_id, _), doc in zip(items, nlp.pipe(t for _, t in items), strict=True):
        for token in doc:
            if token.is_sent_start or not token.text[:1].isupper() or not token.is_alpha:
                continue
            if token.lower_ in known or _inside_label(doc, token.i):
                continue
            found.setdefault(token.text, []).append(excerpt_id)
    rows = [
        {"word": word, "occurrences": len(ids), "excerpts": " ".join(sorted(set(ids)))}
        for word, ids in found.items()
    ]
    return sorted(rows, key=lambda r: (-r["occurrences"], r["word"]))


def _inside_label(doc: Doc, index: int) -> bool:
    """True for a token inside a pseudonym label such as `[peer P3]`."""
    left = doc.text[: doc[index].idx]
    return left.rfind("[") > left.rfind("]")

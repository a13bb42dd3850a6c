"""De-identify excerpt text before anything is stored, rendered or logged.

Three layers, applied in this order:

1. identifiers by pattern: e-mail addresses, Danish CPR numbers, phone numbers
   (Danish and international), street addresses and exact dates (first, so an
   e-mail address that holds a name is replaced whole);
2. the roster: each person's name and aliases (plus the genitive in -s) are
   found in canonical form (`flows.privacy.matching`: any case, accents,
   invisible characters, look-alike letters, hyphens and line breaks between
   the parts) and replaced with their pseudonym label, e.g. `[peer P3]`; the
   leftmost longest match wins (a full name over a first name); an alias that
   is a common word ("Will", "May") is replaced only where it reads as a name;
3. only when the user names an installed trained spaCy pipeline: its PERSON,
   GPE, LOC, ORG and FAC entities. The model can only add redactions; roster
   replacements are made first and never undone.

Without a model, `review_candidates` lists capitalised words that are not at
the start of a sentence and not known study vocabulary, for a person to check.

Whose label a name gets. Each distinct name form (its canonical tokens) is
one matcher entry, mapped to every person (or listed identifier) who carries
it: first names repeat in a large study. A mention in an excerpt about case C,
spoken by informant S, is labelled as the first carrier of that name in this
order:

1. people linked to case C (roster case ids), other than S: per-case
   informants before cross-case staff, then by person id;
2. S, if S is linked to C and carries the name (people seldom name themselves);
3. cross-case staff (roles with `per_case = false`: project manager, nurse),
   not linked to C, by person id (their label names the role only);
4. the study's identifiers (places, institutions), in the order listed;
5. anyone else (a person of another case), by person id.

Without case links (no `Carrier.cases`, or no context for a text) steps 1-2
are empty, so the choice is still deterministic. Ties never depend on the
order of the roster rows except between entries that have no person id.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import spacy
from spacy.attrs import ORTH
from spacy.language import Language
from spacy.tokens import Doc

from flows.errors import TriangulateError
from flows.privacy.canonical import tokens
from flows.privacy.matching import Match, NameMatcher, initials_before, person_forms

#: Patterns for identifiers that are not names, most specific first (dates before
#: phone numbers: "2020-03-04" is a date, not four pairs of digits). Each needs a
#: digit or an "@" (`replace_identifiers` skips texts with neither).
IDENTIFIER_PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    ("[e-mail]", re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")),
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
            r"\b[A-ZÆØÅ][\wæøåÆØÅ.-]{0,40}?(?:vej|gade|allé|alle|plads|vænge|vænget|stræde|boulevard"
            r"|torv|sti|parken|have)\s{1,3}\d{1,4}[A-Za-z]?(?:,?\s{0,3}\d{1,3}\.?\s{0,3}(?:th|tv|mf|sal)\.?)?"
        ),
    ),
    (
        "[address]",
        re.compile(
            r"\b\d{1,5}[A-Za-z]?\s{1,3}(?:[A-Z][a-z]{1,30}\s){1,3}(?:Street|St\.|Road|Rd\.|Avenue|Ave\.|Lane|"
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

#: Every identifier pattern needs a digit or an "@": a text with neither is left as it is.
_MAY_HOLD_IDENTIFIER = re.compile(r"[\d@]")

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
    if not _MAY_HOLD_IDENTIFIER.search(text):
        return text
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


@dataclass(frozen=True)
class Carrier:
    """Who carries a name: what a mention of it is replaced by, and what the
    choice between people sharing a name looks at (see the module docstring)."""

    label: str
    person_id: str | None = None  # None for a listed identifier (place, institution)
    cases: frozenset[str] = frozenset()
    staff: bool = False  # a cross-case role (project manager, nurse)


@dataclass(frozen=True)
class Mention:
    """Where a text comes from: the case it is about and who speaks (both optional)."""

    case_id: str | None = None
    speaker: str | None = None


@dataclass(frozen=True)
class Deidentified:
    """One text after de-identification: the text, roster names replaced, and the
    identifier and model replacements by label."""

    text: str
    names: int
    counts: Counter


class _Choice:
    """The carriers of a name form (or of several forms carried by the same people),
    and how the label of a mention is chosen among them."""

    def __init__(self, carriers: list[tuple[int, Carrier]]):
        self.by_case: dict[str, list[Carrier]] = {}
        if len(carriers) == 1:  # a full name, a genitive, an alias of one person
            self.default = carriers[0][1].label
            return

        def order(item: tuple[int, Carrier]) -> tuple:
            index, carrier = item
            return (carrier.staff, carrier.person_id or "", index)

        for _, carrier in sorted(carriers, key=order):
            for case_id in carrier.cases:
                self.by_case.setdefault(case_id, []).append(carrier)
        people = [(i, c) for i, c in carriers if c.person_id is not None]
        staff = sorted(((c.person_id, i), c) for i, c in people if c.staff)
        listed = [c for _, c in carriers if c.person_id is None]
        others = sorted(((c.person_id, i), c) for i, c in people if not c.staff)
        fallback = [c for _, c in staff] + listed + [c for _, c in others]
        self.default = fallback[0].label

    def label(self, mention: Mention) -> str:
        linked = self.by_case.get(mention.case_id) if self.by_case else None
        if not linked:
            return self.default
        for carrier in linked:
            if carrier.person_id != mention.speaker:
                return carrier.label
        return linked[0].label  # the speaker names themself


NO_MENTION = Mention()


class Pseudonymiser:
    """Roster-driven replacement of names by labels, then identifiers, then model entities."""

    def __init__(
        self,
        people: Iterable[tuple[str | Carrier, list[str]]],
        language: str = "en",
        model: str | None = None,
        common_words: Iterable[str] = (),
    ):
        """`people`: one (label or `Carrier`, [full name, aliases...]) per person or
        identifier. A plain label is a carrier without person id or cases.
        `common_words`: the study's extra common words (`flows.privacy.matching`)."""
        carriers: list[Carrier] = []
        # each distinct name form (its canonical tokens) is one entry, whoever carries it
        forms: dict[tuple[str, ...], tuple[str, set[int]]] = {}
        parsed: dict[str, tuple[str, ...]] = {}  # first names repeat
        for index, (who, names) in enumerate(people):
            carrier = who if isinstance(who, Carrier) else Carrier(who)
            carriers.append(carrier)
            if carrier.person_id is not None:
                names = person_forms(names)
            for name in names:
                if name not in parsed:
                    parsed[name] = tokens(name)
                form = parsed[name]
                if form:
                    forms.setdefault(form, (name, set()))[1].add(index)
        # forms carried by the same people share a key (fewer keys, same labels)
        groups: dict[tuple[int, ...], list[str]] = {}
        for _, (name, indices) in sorted(forms.items()):
            groups.setdefault(tuple(sorted(indices)), []).append(name)
        self.choices: dict[int, _Choice] = {}
        entries = []
        for number, (indices, names) in enumerate(groups.items()):
            entries.append((number, names))
            self.choices[number] = _Choice([(i, carriers[i]) for i in indices])
        self.matcher = NameMatcher.build(entries, language, common_words)
        self.model_name = model
        self.model = load_model(model) if model else None
        self.counts: Counter = Counter()

    def matches(self, text: str) -> list[Match]:
        """The name mentions in a text (leftmost longest), in text order."""
        return self.matcher.find(text)

    def _replace_names(self, text: str, mention: Mention = NO_MENTION) -> tuple[str, int]:
        """The text with each name mention replaced by its label."""
        matches = self.matcher.find(text)
        if not matches:
            return text, 0
        out, cursor = [], 0
        for match in matches:  # initials before a name go with it (decision 0422)
            start = initials_before(text, match.start, cursor)
            out += [text[cursor:start], self.choices[match.key].label(mention)]
            cursor = match.end
        out.append(text[cursor:])
        return "".join(out), len(matches)

    def _replace_entities(self, text: str, counts: Counter) -> str:
        doc = self.model(text)
        out, cursor = [], 0
        for ent in doc.ents:
            label = MODEL_LABELS.get(ent.label_)
            if label is None or "[" in ent.text:  # never touch an existing label
                continue
            out += [text[cursor : ent.start_char], label]
            cursor = ent.end_char
            counts[label] += 1
        out.append(text[cursor:])
        return "".join(out)

    def deidentify(
        self,
        texts: Iterable[str],
        mentions: Sequence[Mention] | None = None,
        batch_size: int = 512,
    ) -> Iterator[Deidentified]:
        """Each text de-identified; `mentions` (one per text) choose among people who
        share a name. Adds every replacement to `counts` as well."""
        for index, original in enumerate(texts):
            counts: Counter = Counter()
            mention = mentions[index] if mentions is not None else NO_MENTION
            # identifiers first: an e-mail address holding a name goes whole
            text = replace_identifiers(original, counts)
            text, n = self._replace_names(text, mention)
            if self.model is not None:
                text = self._replace_entities(text, counts)
            if counts:
                self.counts.update(counts)
            yield Deidentified(text, n, counts)

    def pipe(
        self,
        texts: Iterable[str],
        batch_size: int = 512,
        mentions: Sequence[Mention] | None = None,
    ) -> Iterator[tuple[str, int]]:
        """Yield (de-identified text, number of roster names replaced) per text."""
        for item in self.deidentify(texts, mentions, batch_size):
            yield item.text, item.names


#: what ends a sentence for the review list (as spaCy's sentencizer was set)
SENTENCE_ENDS = frozenset({".", "!", "?", "...", "…"})


def review_candidates(
    items: Iterable[tuple[str, str]],
    known_words: Iterable[str],
    language: str = "en",
    cache: dict[str, list[str]] | None = None,
    nlp: Language | None = None,
) -> list[dict]:
    """Capitalised words, not sentence-initial, not known vocabulary: for a person to check.

    `items` are (excerpt id, de-identified text). Returns one row per word with
    the excerpts it occurs in, most frequent first.

    Whether a word qualifies depends on its form alone, so that is decided once
    per distinct form; only the few qualifying tokens are then checked for a
    sentence start (spaCy's sentencizer rule: a sentence ends at one of
    `SENTENCE_ENDS`, and punctuation after it does not start the next) and for
    standing inside a pseudonym label.

    `cache` maps a text's SHA-256 to the words found in it, for texts seen
    before with the same `known_words` (the caller keeps it between runs); it
    is updated in place, and keeps only the texts of this call. `nlp`: a
    pipeline of the language whose tokenizer is spaCy's blank one and that has
    no component (a stance reader's); else a blank pipeline is made."""
    items = list(items)
    digests = [hashlib.sha256(text.encode("utf-8")).hexdigest() for _, text in items]
    previous = cache.copy() if cache is not None else {}
    todo = {d: t for d, (_, t) in zip(digests, items, strict=True) if d not in previous}
    todo = sorted(todo.items())
    words_of = {d: previous[d] for d in digests if d in previous}
    if todo:
        if nlp is None or nlp.lang != language or nlp.pipe_names:
            nlp = spacy.blank(language)
        strings = nlp.vocab.strings
        known = {w.lower() for w in known_words} | COMMON_CAPITALISED
        qualifies: dict[int, bool] = {}
        for (digest, _), doc in zip(todo, nlp.pipe(t for _, t in todo), strict=True):
            forms = doc.to_array(ORTH).tolist() if len(doc) else []
            words = []
            for index, form in enumerate(forms):
                ok = qualifies.get(form)
                if ok is None:
                    text = strings[form]
                    ok = text[:1].isupper() and text.isalpha() and text.lower() not in known
                    qualifies[form] = ok
                if ok and not _starts_sentence(doc, index) and not _inside_label(doc, index):
                    words.append(doc[index].text)
            words_of[digest] = words
    if cache is not None:
        cache.clear()
        cache.update(words_of)
    found: dict[str, list[str]] = {}
    for (excerpt_id, _), digest in zip(items, digests, strict=True):
        for word in words_of[digest]:
            found.setdefault(word, []).append(excerpt_id)
    rows = [
        {"word": word, "occurrences": len(ids), "excerpts": " ".join(sorted(set(ids)))}
        for word, ids in found.items()
    ]
    return sorted(rows, key=lambda r: (-r["occurrences"], r["word"]))


def _starts_sentence(doc: Doc, index: int) -> bool:
    """For a word token: the first of the doc, or preceded by a sentence end with
    only punctuation between (a word after leading punctuation is not a start)."""
    for token in reversed(doc[:index]):
        if token.text in SENTENCE_ENDS:
            return True
        if not token.is_punct:
            return False
    return index == 0


def _inside_label(doc: Doc, index: int) -> bool:
    """True for a token inside a pseudonym label such as `[peer P3]`."""
    left = doc.text[: doc[index].idx]
    return left.rfind("[") > left.rfind("]")

"""Rule-based stance suggestion and example tagging on a blank spaCy pipeline.

For an excerpt coded to a theme without a coded stance, suggest one from cue words
(`flows/lexicons/<language>.toml`, English and Danish) and a few rules. Every
suggestion carries the cue words that led to it. docs/nlp-evaluation.md describes
the rules at length, with their evaluation.

Matching. A cue term matches a run of tokens whose lower-case forms are the term
or, when the lookup tables of `spacy-lookups-data` are installed, whose lemmas are
the term ("start" matches "started", "begynde" matches "begyndte"). The lemma of
a word is looked up once per vocabulary entry, not once per token, and kept in the
entry's NORM attribute: spaCy's `lemmatizer` component in lookup mode does the same
lookup per token in Python and cut the pipeline to a quarter to a third of the
tokenizer's speed (figures in docs/nlp-evaluation.md). Of overlapping cues the
longest wins; things of which less is better, hedges and reported speech are
separate layers and never hide a cue.
Sentences end at . ! ? ; ... and …; clauses also at , : and the language's clause
words ("but", "men"). No sentencizer runs: the few bounds the rules need are read
from the same matcher.

Rules, per kind of theme:

- outcomes (improved / no_change / worsened / not_stated): direction cues ("more",
  "started", "less", "stopped", "no longer", "worse", "the same"). A direction is
  reversed when a thing of which less is better stands within three tokens of the
  cue in its conjunct, after it first, else before it ("less soda", "sit on the
  sofa more", "forget the pills more often"); a cue used as such an object ("forget")
  does not vote itself. A negated direction is no change ("I don't walk more"), and
  so is a direction with a negation earlier in its clause and a comparison word
  after it ("not more than usual", "ikke mere, end jeg plejer"). A "no longer" word
  ("anymore", "længere", "mere") with a negation earlier in its clause means
  stopped ("I don't buy cake anymore"). Cues after a wish or plan in their clause
  ("I would like to start") state nothing. No cue: not stated.
- context factors (facilitator / barrier): barrier and facilitator cues, each
  reversed by a negation ("not a problem" is a facilitator). No cue: barrier, with
  low confidence.
- intervention, mechanism, output (present / absent): absence phrases ("never",
  "didn't", "could only offer") weigh 2, presence cues 1; a presence cue negated
  earlier in its clause counts as absence. A tie goes to present, which is what
  coding the excerpt to the theme implies.

Negation: a negation word within three tokens before a cue (same clause) turns it
around. Danish puts the negation AFTER the finite verb in a main clause ("jeg
begyndte ikke", "vi handlede aldrig sammen", "holdt ikke op"), and inversion puts
the subject there too ("så holdt han op"). So the Danish rules (`[rules]` in
da.toml) also count a negation up to three tokens AFTER a cue when only "gap
words" (subject pronouns and sentence adverbials: "jeg", "han", "så", "jo") stand
between; a negation that opens another cue ("ikke længere") is that cue's own.
And a multi-word verb cue ending in a particle ("holdt op", "gør ondt", "kom i
gang", "kan ikke") may have up to two gap words after its verb ("holdt jeg op",
"gør ikke ondt"); a negation among them marks the cue negated. English particle
verbs may have their object there instead ("cut the cola right down").

Hedges ("maybe", "I think", "måske", "jeg tror") multiply the confidence by 0.8,
reported speech ("he says", "hun siger", "ifølge") by 0.85; neither changes the
stance.
"""

from __future__ import annotations

import tomllib
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import spacy
from spacy.attrs import NORM
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from flows.errors import TriangulateError

NEGATION_WINDOW = 3  # tokens before a cue in which a negation turns it around
OBJECT_WINDOW = 3  # tokens between a direction cue and the thing it is about
HEDGE_FACTOR = 0.8
REPORTED_FACTOR = 0.85
DEFAULT_CONFIDENCE = 0.4
ABSENT_WEIGHT = 2  # absence is marked in speech; presence is what coding to a theme implies
SENTENCE_END = (".", "!", "?", "...", "…", ";")
CLAUSE_PUNCT = (",", ":", "—", "–", "(", ")", '"')
#: Cue classes every lexicon must have.
REQUIRED_CUES = frozenset(
    {
        "up",
        "down",
        "worse",
        "same",
        "change",
        "bad_objects",
        "negation",
        "neutral",
        "hedge",
        "reported",
        "barrier",
        "facilitator",
        "absent",
        "present",
    }
)
#: Cue classes each kind of theme reads; the same word may sit in two families
#: ("worse" is a direction for outcomes and a barrier for context factors).
CUE_FAMILIES = {
    "outcome": frozenset(
        {"up", "down", "worse", "same", "change", "bad_objects", "no_longer", "irrealis"}
    ),
    "context": frozenset({"facilitator", "barrier"}),
    "presence": frozenset({"absent", "present"}),
}
SHARED_CUES = frozenset({"neutral"})
MODIFIERS = frozenset({"hedge", "reported"})  # found anywhere; they never shadow a cue
OBJECTS = frozenset({"bad_objects", "neutral"})
#: cue classes whose multi-word verb phrases may be split by a gap
SPLITTABLE = frozenset(
    {"up", "down", "worse", "same", "change", "barrier", "facilitator", "absent", "present"}
)
DIRECTIONS = frozenset({"up", "down", "worse", "same", "change", "no_longer"})
# internal labels of the matcher: bounds of sentences and clauses, negations, examples
_SENTENCE, _CLAUSE, _CONJUNCT = "_sentence", "_clause", "_conjunct"
_NEGATION, _HEAD = "_negation", "_head"
_EXAMPLE = "example:"


@dataclass(frozen=True)
class Suggestion:
    """A machine-suggested stance with the evidence behind it."""

    stance: str
    confidence: float
    cues: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    """Language-specific rule settings (`[rules]` in the lexicon file)."""

    negation_after: int = 0
    gap_words: frozenset[str] = frozenset()
    particles: frozenset[str] = frozenset()
    particle_gap: int = 0
    comparison: frozenset[str] = frozenset()
    clause_words: frozenset[str] = frozenset()
    coordinators: frozenset[str] = frozenset()

    @classmethod
    def from_table(cls, table: dict[str, Any]) -> Rules:
        sets = {k: frozenset(w.lower() for w in v) for k, v in table.items() if isinstance(v, list)}
        ints = {k: int(v) for k, v in table.items() if not isinstance(v, list)}
        return cls(**sets, **ints)


@dataclass(frozen=True)
class Cue:
    """A matched cue: its token span, its classes, whether a negation stands in its gap."""

    start: int
    end: int
    labels: frozenset[str]
    inner_negation: bool = False


def _read_lexicon(language: str) -> dict[str, Any]:
    try:
        text = resources.files("flows.lexicons").joinpath(f"{language}.toml").read_text("utf-8")
    except FileNotFoundError:
        raise TriangulateError(f"no stance lexicon for language {language!r}") from None
    return tomllib.loads(text)


def load_lexicon(language: str) -> dict[str, list[str]]:
    """The cue lexicon shipped for a language."""
    return _read_lexicon(language)["cues"]


def load_rules(language: str) -> Rules:
    """The language's rule settings (defaults where the lexicon file has none)."""
    return Rules.from_table(_read_lexicon(language).get("rules", {}))


@cache
def lemma_table(language: str) -> Any | None:
    """spaCy's lookup lemma table for the language, or None without spacy-lookups-data."""
    from spacy.lookups import load_lookups

    try:
        return load_lookups(language, ["lemma_lookup"]).get_table("lemma_lookup")
    except (ValueError, KeyError, OSError):
        return None


def install_lemmas(nlp: Language, table: Any) -> None:
    """Make every vocabulary entry's NORM its lookup lemma (lower-case), once per entry."""

    def lemma(string: str) -> str:
        lower = string.lower()
        value = table.get(lower) or table.get(string) or lower
        return (value if isinstance(value, str) else value[0]).lower()

    vocab = nlp.vocab
    vocab.lex_attr_getters = {**vocab.lex_attr_getters, NORM: lemma}
    for lexeme in list(vocab):
        lexeme.norm_ = lemma(lexeme.orth_)


def blank_pipeline(language: str, lemmas: bool = True) -> Language:
    """A blank spaCy pipeline whose NORM is the lookup lemma when the tables are installed."""
    nlp = spacy.blank(language)
    table = lemma_table(language) if lemmas else None
    if table is not None:
        install_lemmas(nlp, table)
    return nlp


def pipeline_description(language: str, lemmas: bool = True) -> str:
    """One line for provenance: what the NLP layer runs for a language."""
    has_lemmas = lemmas and lemma_table(language) is not None
    lemma_part = (
        "lookup lemmas (spacy-lookups-data) on cues and examples"
        if has_lemmas
        else "no lemmas (spacy-lookups-data not installed)"
    )
    return f"spaCy blank '{language}' tokenizer + {lemma_part} + rule lexicon {language}.toml"


class StanceTagger:
    """Suggests stances and finds theme examples in excerpt text."""

    def __init__(
        self,
        language: str,
        theme_examples: dict[str, dict[str, list[str]]],
        lemmas: bool = True,
    ):
        self.language = language
        self.nlp = blank_pipeline(language, lemmas)
        self.lemmas = lemmas and lemma_table(language) is not None
        lexicon = {k: [t.lower() for t in v] for k, v in load_lexicon(language).items()}
        missing = REQUIRED_CUES - set(lexicon)
        if missing:
            raise TriangulateError(f"lexicon {language}.toml lacks {sorted(missing)}")
        self.rules = load_rules(language)
        self.negations = frozenset(lexicon.pop("negation"))
        self.lexicon = lexicon
        self._labels: dict[int, str] = {}  # match key → label
        self._lower = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self._lemma = PhraseMatcher(self.nlp.vocab, attr="NORM") if self.lemmas else None
        strings = self.nlp.vocab.strings
        self._negation_ids = frozenset(strings.add(w) for w in self.negations)
        self._gap_ids = frozenset(strings.add(w) for w in self.rules.gap_words)
        self._comparison_ids = frozenset(strings.add(w) for w in self.rules.comparison)
        # multi-word cues that may be split, by the hash of their first word
        self._split: dict[int, list[tuple[str, tuple[int, ...]]]] = {}
        self._heads: set[str] = set()
        for label, terms in lexicon.items():
            self._add(label, terms)
            for term in terms:
                self._add_split(label, term)
        self._add(_SENTENCE, list(SENTENCE_END), lemmas=False)
        breaks = [*CLAUSE_PUNCT, *sorted(self.rules.clause_words)]
        self._add(_CLAUSE, breaks, lemmas=False)
        if self.rules.coordinators:
            self._add(_CONJUNCT, sorted(self.rules.coordinators), lemmas=False)
        self._add(_NEGATION, sorted(self.negations), lemmas=False)
        if self._heads:
            self._add(_HEAD, sorted(self._heads))
        for theme_id, examples in theme_examples.items():
            for example, terms in examples.items():
                variants = {v.lower() for t in terms for v in (t, t + "s", t + "es")}
                self._add(f"{_EXAMPLE}{theme_id}|{example}", sorted(variants))

    # -- building ------------------------------------------------------------
    def _add(self, label: str, terms: list[str], lemmas: bool = True) -> None:
        """Match the terms on lower-case words and, with lemmas, on lemmas."""
        self._labels[self.nlp.vocab.strings.add(label)] = label
        docs = [self.nlp.make_doc(t) for t in terms]
        self._lower.add(label, docs)
        if lemmas and self._lemma is not None:
            # the term as written is the lemma to match: "start" matches "started"
            lemma_docs = []
            for doc in docs:
                for token in doc:
                    token.norm_ = token.lower_
                lemma_docs.append(doc)
            self._lemma.add(label, lemma_docs)

    def _add_split(self, label: str, term: str) -> None:
        """Register a multi-word verb cue ending in a particle, which a gap may split.

        Danish: "holdt op" also matches "holdt jeg op", "holdt ikke op" (gap words only);
        English: "cut down" also matches "cut the cola right down" (any words).
        """
        words = [t.lower_ for t in self.nlp.make_doc(term)]
        if (
            label not in SPLITTABLE
            or len(words) < 2
            or words[-1] not in self.rules.particles
            or words[0] in self.rules.gap_words
            or self.rules.particle_gap < 1
        ):
            return
        strings = self.nlp.vocab.strings
        tail = tuple(strings.add(w) for w in words[1:])
        self._split.setdefault(strings.add(words[0]), []).append((label, tail))
        self._heads.add(words[0])

    # -- public ------------------------------------------------------------
    def annotate(
        self, items: Iterable[tuple[str, str, str]], batch_size: int = 512
    ) -> Iterator[tuple[Suggestion, list[str]]]:
        """For each (text, theme kind, theme id): the suggestion and the examples found."""
        items = list(items)
        docs = self.nlp.pipe((text for text, _, _ in items), batch_size=batch_size)
        for doc, (_, kind, theme_id) in zip(docs, items, strict=True):
            parsed = _Parsed(self, doc)
            yield self._suggest(parsed, kind), parsed.examples(theme_id)

    def find_examples(self, doc: Doc, theme_id: str) -> list[str]:
        """The theme's examples mentioned in the text, sorted."""
        return _Parsed(self, doc).examples(theme_id)

    def suggest(self, doc: Doc, kind: str) -> Suggestion:
        """The stance the text's cues point to for a theme of this kind."""
        return self._suggest(_Parsed(self, doc), kind)

    # -- rules -------------------------------------------------------------
    def _suggest(self, parsed: _Parsed, kind: str) -> Suggestion:
        family = "outcome" if kind == "outcome" else "context" if kind == "context" else "presence"
        relevant = CUE_FAMILIES[family] | SHARED_CUES
        cues = parsed.cues(relevant - {"bad_objects"})
        if family == "outcome":
            readings = self._outcome_readings(parsed, cues)
            default = "not_stated"
        elif family == "context":
            readings = self._context_readings(parsed, cues)
            default = "barrier"
        else:
            readings = self._presence_readings(parsed, cues)
            default = "present"
        votes: Counter = Counter()
        for _cue, stance, weight in readings:
            votes[stance] += weight
        words = [parsed.text(c) for c, _, _ in sorted(readings, key=_start)]
        return _decide(votes, words, default, parsed.has("hedge"), parsed.has("reported"))

    def _outcome_readings(self, parsed: _Parsed, cues: list[Cue]) -> list[tuple[Cue, str, int]]:
        # objects are a layer of their own: "cut the cola right down" holds one
        bad = [c for c in parsed.cues(OBJECTS) if "bad_objects" in c.labels]
        irrealis = [c.start for c in cues if "irrealis" in c.labels]
        # a negation that opens another cue ("ikke længere") belongs to that cue
        owned = {c.start for c in cues if parsed.holds_negation(c)}
        readings: list[tuple[Cue, str, Cue | None]] = []
        for cue in cues:
            labels = cue.labels
            if "neutral" in labels or not labels & DIRECTIONS:
                continue
            start = parsed.clause_start(cue.start)
            if any(start <= i < cue.start for i in irrealis):
                continue  # a wish or a plan: "I would like to start swimming"
            earlier = parsed.negation_in_clause_before(cue)
            if (earlier is not None or parsed.holds_negation(cue)) and parsed.comparison_follows(
                cue
            ):
                readings.append((cue, "no_change", None))  # "not more than before"
                continue
            if "no_longer" in labels and earlier is not None:
                obj = parsed.bad_object(cue, bad, since=earlier)
                readings.append((cue, "improved" if obj else "worsened", obj))
                continue
            negated = parsed.negated(cue, owned)
            if "same" in labels:
                if not negated:
                    readings.append((cue, "no_change", None))
            elif "change" in labels:
                if negated:
                    readings.append((cue, "no_change", None))
            elif labels & {"up", "down", "worse"}:
                if negated:
                    readings.append((cue, "no_change", None))
                elif "worse" in labels:
                    readings.append((cue, "worsened", None))
                else:
                    direction = 1 if "up" in labels else -1
                    obj = parsed.bad_object(cue, bad)
                    if obj is not None:
                        direction = -direction
                    readings.append((cue, "improved" if direction > 0 else "worsened", obj))
        # a cue that served as another cue's object ("forget ... more often") does not vote
        used = {obj.start for _, _, obj in readings if obj is not None}
        return [(cue, stance, 1) for cue, stance, _ in readings if cue.start not in used]

    def _context_readings(self, parsed: _Parsed, cues: list[Cue]) -> list[tuple[Cue, str, int]]:
        readings = []
        for cue in cues:
            helps, hinders = "facilitator" in cue.labels, "barrier" in cue.labels
            if helps == hinders:  # neither, or a word that is both
                continue
            if parsed.negated(cue, set()):
                helps = not helps
            readings.append((cue, "facilitator" if helps else "barrier", 1))
        return readings

    def _presence_readings(self, parsed: _Parsed, cues: list[Cue]) -> list[tuple[Cue, str, int]]:
        readings = []
        for cue in cues:
            if "absent" in cue.labels:
                readings.append((cue, "absent", ABSENT_WEIGHT))
            elif "present" in cue.labels:
                # presence is denied anywhere earlier in its clause: "we didn't shop ... together"
                negated = (
                    cue.inner_negation
                    or parsed.negation_in_clause_before(cue) is not None
                    or parsed.negated_after(cue, set())
                )
                readings.append((cue, "absent" if negated else "present", 1))
        return readings


class _Parsed:
    """One document with its matches: cues, bounds of sentences and clauses, negations."""

    def __init__(self, tagger: StanceTagger, doc: Doc):
        self.tagger = tagger
        self.doc = doc
        found: dict[tuple[int, int], set[str]] = {}
        sentences, clauses, conjuncts, negations, heads = [], [], [], [], []
        positions = {
            _SENTENCE: sentences,
            _CLAUSE: clauses,
            _CONJUNCT: conjuncts,
            _NEGATION: negations,
            _HEAD: heads,
        }
        self.modifiers: set[str] = set()
        self._examples: list[tuple[int, str]] = []
        matches = tagger._lower(doc)
        if tagger._lemma is not None:
            matches = [*matches, *tagger._lemma(doc)]
        labels = tagger._labels
        for key, start, end in matches:
            label = labels[key]
            if label in positions:
                positions[label].append(start)
            elif label in MODIFIERS:
                self.modifiers.add(label)
            elif label.startswith(_EXAMPLE):
                self._examples.append((start, label[len(_EXAMPLE) :]))
            else:
                found.setdefault((start, end), set()).add(label)
        self.sentence_breaks = sorted(set(sentences))
        self.clause_breaks = sorted(set(sentences + clauses))
        self.conjunct_breaks = sorted(set(sentences + clauses + conjuncts))
        self.negation_positions = sorted(set(negations))
        self._found = found
        self._inner: set[tuple[int, int]] = set()
        self._ids: tuple[list[int], list[int]] | None = None
        for head in sorted(set(heads)):
            self._split_at(head)
        self._cue_cache: dict[frozenset[str], list[Cue]] = {}

    # -- matching ------------------------------------------------------------
    def _word_ids(self) -> tuple[list[int], list[int]]:
        """Hashes of every token's lower-case form and lemma (NORM), read once."""
        if self._ids is None:
            tokens = list(self.doc)
            self._ids = [t.lower for t in tokens], [t.norm for t in tokens]
        return self._ids

    def _split_at(self, i: int) -> None:
        """Multi-word cues starting at token i with gap words (Danish) or an object inside."""
        tagger = self.tagger
        lows, norms = self._word_ids()
        entries = tagger._split.get(lows[i], [])
        if norms[i] != lows[i]:
            entries = entries + tagger._split.get(norms[i], [])
        limit = self.clause_end(i + 1)
        gap_ids = tagger._gap_ids  # empty: any word may stand in the gap (English objects)
        for label, tail in entries:
            for gap in range(1, tagger.rules.particle_gap + 1):
                j = i + 1 + gap
                if j + len(tail) > limit or (gap_ids and lows[j - 1] not in gap_ids):
                    break
                if all(lows[j + k] == w or norms[j + k] == w for k, w in enumerate(tail)):
                    span = (i, j + len(tail))
                    self._found.setdefault(span, set()).add(label)
                    if any(lows[k] in tagger._negation_ids for k in range(i + 1, j)):
                        self._inner.add(span)
                    break

    def cues(self, relevant: frozenset[str]) -> list[Cue]:
        """Non-overlapping cues of the relevant classes (the longest wins), in text order."""
        cached = self._cue_cache.get(relevant)
        if cached is not None:
            return cached
        candidates = [
            (start, end, labels & relevant)
            for (start, end), labels in self._found.items()
            if labels & relevant
        ]
        candidates.sort(key=lambda c: (c[0] - c[1], c[0]))
        taken: set[int] = set()
        chosen = []
        for start, end, labels in candidates:
            if taken.isdisjoint(range(start, end)):
                taken.update(range(start, end))
                inner = (start, end) in self._inner
                chosen.append(Cue(start, end, frozenset(labels), inner))
        chosen.sort(key=lambda c: c.start)
        self._cue_cache[relevant] = chosen
        return chosen

    def text(self, cue: Cue) -> str:
        """The cue's words as written, lower-cased."""
        first, last = self.doc[cue.start], self.doc[cue.end - 1]
        return self.doc.text[first.idx : last.idx + len(last)].lower()

    def has(self, modifier: str) -> bool:
        return modifier in self.modifiers

    def examples(self, theme_id: str) -> list[str]:
        prefix = theme_id + "|"
        return sorted({n[len(prefix) :] for _, n in self._examples if n.startswith(prefix)})

    # -- bounds --------------------------------------------------------------
    @staticmethod
    def _start(breaks: list[int], index: int) -> int:
        """The first token after the last break before `index`."""
        k = bisect_left(breaks, index)
        return breaks[k - 1] + 1 if k else 0

    def _end(self, breaks: list[int], index: int) -> int:
        """The first break at or after `index`, or the end of the document."""
        k = bisect_left(breaks, index)
        return breaks[k] if k < len(breaks) else len(self.doc)

    def clause_start(self, index: int) -> int:
        return self._start(self.clause_breaks, index)

    def clause_end(self, index: int) -> int:
        return self._end(self.clause_breaks, index)

    # -- negation ------------------------------------------------------------
    def _negations_between(self, start: int, end: int) -> list[int]:
        positions = self.negation_positions
        return positions[bisect_left(positions, start) : bisect_left(positions, end)]

    def holds_negation(self, cue: Cue) -> bool:
        """The cue's own words include a negation ("no longer", "ikke mere", "holdt ikke op")."""
        return cue.inner_negation or bool(self._negations_between(cue.start, cue.end))

    def negated_before(self, cue: Cue, window: int = NEGATION_WINDOW) -> bool:
        """A negation within `window` tokens before the cue, in the same clause."""
        start = max(self.clause_start(cue.start), cue.start - window)
        return bool(self._negations_between(start, cue.start))

    def negated_after(self, cue: Cue, owned: set[int]) -> bool:
        """A negation just after the cue, only gap words between (Danish word order).

        A negation at a position in `owned` opens another cue and is that cue's own.
        """
        rules = self.tagger.rules
        if rules.negation_after <= 0:
            return False
        lows, _ = self._word_ids()
        limit = min(self.clause_end(cue.end), cue.end + rules.negation_after)
        for i in range(cue.end, limit):
            if lows[i] in self.tagger._negation_ids:
                return i not in owned
            if lows[i] not in self.tagger._gap_ids:
                return False
        return False

    def negated(self, cue: Cue, owned: set[int]) -> bool:
        return cue.inner_negation or self.negated_before(cue) or self.negated_after(cue, owned)

    def negation_in_clause_before(self, cue: Cue) -> int | None:
        """The position of the last negation earlier in the cue's clause, if any."""
        found = self._negations_between(self.clause_start(cue.start), cue.start)
        return found[-1] if found else None

    def comparison_follows(self, cue: Cue) -> bool:
        """A comparison word ("than", "end") within a few tokens after the cue, same sentence."""
        words = self.tagger._comparison_ids
        if not words:
            return False
        lows, _ = self._word_ids()
        end = min(cue.end + OBJECT_WINDOW + 1, self._end(self.sentence_breaks, cue.end))
        return any(lows[i] in words for i in range(cue.end, end))

    # -- objects -------------------------------------------------------------
    def bad_object(self, cue: Cue, bad: list[Cue], since: int | None = None) -> Cue | None:
        """A thing of which less is better that the cue is about: after it, else before it.

        Looked for inside the cue (a particle verb with its object), then within
        OBJECT_WINDOW tokens after it, then before it, in the cue's conjunct (not across
        "and"); for a "no longer" reading, anywhere between the negation and the cue.
        """
        others = [b for b in bad if b.start != cue.start]
        inside = [b for b in others if cue.start < b.start and b.end <= cue.end]
        if inside:
            return inside[0]
        hi = self._end(self.conjunct_breaks, cue.end)
        after = [b for b in others if cue.end <= b.start <= cue.end + OBJECT_WINDOW and b.end <= hi]
        if after:
            return after[0]
        lo = self._start(self.conjunct_breaks, cue.start)
        first = since if since is not None else cue.start - OBJECT_WINDOW
        before = [b for b in others if b.end <= cue.start and b.end >= first and b.start >= lo]
        return before[-1] if before else None


def _start(reading: tuple[Cue, str, int]) -> int:
    return reading[0].start


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

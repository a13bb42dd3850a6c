"""Rule-based stance suggestion and example tagging on a blank spaCy pipeline.

For an excerpt coded to a theme without a coded stance, suggest one from cue words
(`flows/nlp/lexicons/<language>.toml`, English and Danish) and a few rules. Every
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
words ("but", "men"); conjuncts also at "and", "og". No sentencizer runs: the few bounds the rules need are read
from the same matcher.

Rules, per kind of theme:

- outcomes (improved / no_change / worsened / not_stated): direction cues ("more",
  "started", "less", "stopped", "no longer", "worse", "the same"). A direction is
  reversed when a thing of which less is better stands within three tokens of the
  cue in its conjunct, after it first, else before it ("less soda", "sit on the
  sofa more", "forget the pills more often"); a cue used as such an object ("forget")
  does not vote itself, and neither does the thing after "instead of" (it was given
  up: improved). A direction is also reversed in the old habit: after "used to" in
  its clause, or in a clause that "before" opens ("Before, he forgot them"). A
  direction negated anywhere earlier in its conjunct is no change ("I don't walk
  more"), and so is one followed by a comparison word ("not more than usual"); a
  negated bad habit with "now" in its clause is improved ("he never forgets them
  now"), and a negated equative is less ("not as much as before"). A "no longer"
  word or a duration ("anymore", "since", "in weeks", "længere") with a negation
  earlier in its clause means stopped ("I don't buy cake anymore"), as does "never
  ... before" at a clause's end in reverse: new ("which I never did before").
  Frequency and "now" ("every day", "twice", "now he") are weak: they vote only
  when no other direction cue does. Cues after a wish, plan or condition in their
  clause ("I would like to start", "if") state nothing, unless a confirmation
  follows in the sentence ("..., and he does"). A conjunct that names only other
  themes' examples does not vote when another part names this theme's. No cue:
  not stated.
- context factors (facilitator / barrier): barrier and facilitator cues, each
  reversed by a negation ("not a problem" is a facilitator) or by "gone" after it
  ("the pain is gone"). No cue: barrier, with low confidence.
- intervention, mechanism, output (present / absent): absence phrases ("never",
  "didn't", "could only offer") weigh 2, presence cues 1; a presence cue negated
  earlier in its clause counts as absence. A tie goes to present, which is what
  coding the excerpt to the theme implies.

Ties: of stances with as many votes, the one not said in a concessive clause
("although ...") wins; for context factors, then the one said after "but"; for
outcomes, a direction over a negated one ("cancelled ... and hasn't rebooked").

Negation: a negation word within three tokens before a cue (same clause) turns it
around, and over "or" to the next item ("no money or energy"). A negated cue passes
its negation on to later cues in its conjunct ("don't worry about bills"), and for
outcomes the whole conjunct before a cue counts. A negation inside a hedge ("not
sure") negates nothing. Danish puts the negation AFTER the finite verb in a main
clause ("jeg begyndte ikke", "vi handlede aldrig sammen", "holdt ikke op"), and
inversion puts the subject there too ("så holdt han op"). So the Danish rules
(`[rules]` in da.toml) also count a negation up to three tokens AFTER a cue when
only "gap words" (subject pronouns and sentence adverbials: "jeg", "han", "så",
"jo") stand between; a negation that opens another cue ("ikke længere") is that
cue's own. And a multi-word verb cue ending in a particle ("holdt op", "gør ondt",
"kom i gang", "kan ikke") may have up to two gap words after its verb ("holdt jeg
op", "gør ikke ondt"); a negation among them marks the cue negated, unless the
lexicon writes that phrase itself ("kommer ikke ud"). English particle verbs may
have their object there instead ("cut the cola right down").

Hedges ("maybe", "I think", "måske", "jeg tror") multiply the confidence by 0.8,
reported speech ("he says", "hun siger", "ifølge") by 0.85; neither changes the
stance.
"""

from __future__ import annotations

import copy
import tomllib
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from importlib import resources
from typing import Any, NamedTuple

import spacy
from spacy.attrs import LOWER, NORM
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
        {
            "up",
            "down",
            "worse",
            "same",
            "change",
            "bad_objects",
            "no_longer",
            "irrealis",
            "weak_up",
            "equative",
            "past",
            "before",
            "realised",
            "instead",
        }
    ),
    "context": frozenset({"facilitator", "barrier", "gone"}),
    "presence": frozenset({"absent", "present"}),
}
#: cue class → its family, for the classes of one family only
_FAMILY = {
    label: family
    for family, labels in CUE_FAMILIES.items()
    for label in labels
    if sum(label in other for other in CUE_FAMILIES.values()) == 1
}
SHARED_CUES = frozenset({"neutral"})
#: the cue classes each family votes with (things of which less is better are a layer)
_RELEVANT = {
    family: (labels | SHARED_CUES) - {"bad_objects"} for family, labels in CUE_FAMILIES.items()
}
MODIFIERS = frozenset({"hedge", "reported"})  # found anywhere; they never shadow a cue
OBJECTS = frozenset({"bad_objects", "neutral"})
#: cue classes whose multi-word verb phrases may be split by a gap
SPLITTABLE = frozenset(
    {"up", "down", "worse", "same", "change", "barrier", "facilitator", "absent", "present"}
)
DIRECTIONS = frozenset(
    {"up", "down", "worse", "same", "change", "no_longer", "weak_up", "equative"}
)
#: families whose votes a concession ("although") ranks in a tie; of these, contexts also
#: rank by a contrast ("it's hard, but I manage")
RANKED_FAMILIES = frozenset({"outcome", "context"})
#: families where a part of the excerpt about another theme does not vote; in the others,
#: another theme's part may be the point ("we could only offer a chat")
TOPICAL_FAMILIES = frozenset({"outcome"})
# internal labels of the matcher: bounds of sentences and clauses, negations, examples
_SENTENCE, _CLAUSE, _CONJUNCT = "_sentence", "_clause", "_conjunct"
_NEGATION, _HEAD = "_negation", "_head"
_CONTRAST, _CONCESSIVE, _SIMILE, _NOW = "_contrast", "_concessive", "_simile", "_now"
_DISJUNCT, _PARTICLE, _GAP, _COMPARISON = "_disjunct", "_particle", "_gap", "_comparison"
_EXAMPLE = "example:"
#: the matcher's position labels, in the order of _Parsed's position lists
_POSITIONS = (
    _SENTENCE,
    _CLAUSE,
    _CONJUNCT,
    _NEGATION,
    _HEAD,
    _CONTRAST,
    _CONCESSIVE,
    _SIMILE,
    _NOW,
    _DISJUNCT,
    _PARTICLE,
    _GAP,
    _COMPARISON,
)
(
    _AT_SENTENCE,
    _AT_CLAUSE,
    _AT_CONJUNCT,
    _AT_NEGATION,
    _AT_HEAD,
    _AT_CONTRAST,
    _AT_CONCESSIVE,
    _AT_SIMILE,
    _AT_NOW,
    _AT_DISJUNCT,
    _AT_PARTICLE,
    _AT_GAP,
    _AT_COMPARISON,
) = range(len(_POSITIONS))
# what a match key stands for: a cue class, a position, a modifier or a theme example
_CUE, _POSITION, _MODIFIER, _EXAMPLE_MATCH = 0, 1, 2, 3


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
    contrast: frozenset[str] = frozenset()
    concessive: frozenset[str] = frozenset()
    similes: frozenset[str] = frozenset()
    disjunctions: frozenset[str] = frozenset()
    lemma_exceptions: frozenset[str] = frozenset()
    present_time: frozenset[str] = frozenset()

    @classmethod
    def from_table(cls, table: dict[str, Any]) -> Rules:
        sets = {k: frozenset(w.lower() for w in v) for k, v in table.items() if isinstance(v, list)}
        ints = {k: int(v) for k, v in table.items() if not isinstance(v, list)}
        return cls(**sets, **ints)


class Reading(NamedTuple):
    """What one cue says: a stance, its votes, and its rank among tied stances."""

    cue: Cue
    stance: str
    weight: int = 1
    rank: int = 0


class Cue(NamedTuple):
    """A matched cue: its token span, its classes, whether a negation stands in its gap."""

    start: int
    end: int
    labels: frozenset[str]
    inner_negation: bool = False


@cache
def _lexicon_file(language: str) -> dict[str, Any]:
    """The parsed lexicon file, read once per process (callers get copies)."""
    try:
        text = resources.files("flows.nlp.lexicons").joinpath(f"{language}.toml").read_text("utf-8")
    except FileNotFoundError:
        raise TriangulateError(f"no stance lexicon for language {language!r}") from None
    return tomllib.loads(text)


def _read_lexicon(language: str) -> dict[str, Any]:
    return copy.deepcopy(_lexicon_file(language))


def load_lexicon(language: str) -> dict[str, list[str]]:
    """The cue lexicon shipped for a language."""
    return _read_lexicon(language)["cues"]


@cache
def load_rules(language: str) -> Rules:
    """The language's rule settings (defaults where the lexicon file has none)."""
    return Rules.from_table(_lexicon_file(language).get("rules", {}))


@cache
def lemma_table(language: str) -> Any | None:
    """spaCy's lookup lemma table for the language, or None without spacy-lookups-data."""
    from spacy.lookups import load_lookups

    try:
        return load_lookups(language, ["lemma_lookup"]).get_table("lemma_lookup")
    except (ValueError, KeyError, OSError):
        return None


def install_lemmas(nlp: Language, table: Any, keep: frozenset[str] = frozenset()) -> None:
    """Make every vocabulary entry's NORM its lookup lemma (lower-case), once per entry.

    Words in `keep` keep their own lower-case form (the Danish table's "op" → "oppe").
    """

    def lemma(string: str) -> str:
        lower = string.lower()
        if lower in keep:
            return lower
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
        try:
            keep = load_rules(language).lemma_exceptions
        except TriangulateError:
            keep = frozenset()
        install_lemmas(nlp, table, keep)
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


@lru_cache(maxsize=4)
def _shared_pipeline(language: str, lemmas: bool) -> Language:
    """One blank pipeline per language and lemma setting per process, shared by taggers."""
    return blank_pipeline(language, lemmas)


ExamplesKey = tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...]


def _examples_key(theme_examples: dict[str, dict[str, list[str]]]) -> ExamplesKey:
    return tuple(
        (theme, tuple((example, tuple(terms)) for example, terms in examples.items()))
        for theme, examples in theme_examples.items()
    )


@lru_cache(maxsize=16)
def _compiled(language: str, lemmas: bool, examples: ExamplesKey) -> _Compiled:
    """The matchers and word tables of a tagger, built once per process for the same
    language, lemma setting and theme examples: building a tagger twice costs nothing."""
    return _Compiled(language, lemmas, examples)


class _Compiled:
    """A tagger's read-only parts: pipeline, lexicon, rules, matchers, word hashes."""

    def __init__(self, language: str, lemmas: bool, theme_examples: ExamplesKey):
        self.nlp = _shared_pipeline(language, lemmas)
        self.lemmas = lemmas and lemma_table(language) is not None
        lexicon = {k: [t.lower() for t in v] for k, v in load_lexicon(language).items()}
        missing = REQUIRED_CUES - set(lexicon)
        if missing:
            raise TriangulateError(f"lexicon {language}.toml lacks {sorted(missing)}")
        self.rules = load_rules(language)
        self.negations = frozenset(lexicon.pop("negation"))
        self.lexicon = lexicon
        # match key → (what it stands for, the cue class / position index / modifier /
        # (theme, example))
        self.keys: dict[int, tuple[int, Any]] = {}
        self.lower = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.lemma = PhraseMatcher(self.nlp.vocab, attr="NORM") if self.lemmas else None
        strings = self.nlp.vocab.strings
        self.negation_ids = frozenset(strings.add(w) for w in self.negations)
        self.gap_ids = frozenset(strings.add(w) for w in self.rules.gap_words)
        self.comparison_ids = frozenset(strings.add(w) for w in self.rules.comparison)
        # multi-word cues that may be split, by the hash of their first word
        self.split: dict[int, list[tuple[str, tuple[int, ...]]]] = {}
        heads: set[str] = set()
        for label, terms in lexicon.items():
            self._add(label, terms)
            for term in terms:
                head = self._add_split(label, term)
                if head:
                    heads.add(head)
        rules = self.rules
        self._add(_SENTENCE, list(SENTENCE_END), lemmas=False)
        self._add(_CLAUSE, [*CLAUSE_PUNCT, *sorted(rules.clause_words)], lemmas=False)
        for label, words in (
            (_CONJUNCT, rules.coordinators),
            # a negation's scope does not end at these coordinators ("no money or energy")
            (_DISJUNCT, rules.coordinators & rules.disjunctions),
            (_CONTRAST, rules.contrast),
            (_CONCESSIVE, rules.concessive),
            (_SIMILE, rules.similes | rules.comparison),
            (_NOW, rules.present_time),
        ):
            if words:
                self._add(label, sorted(words), lemmas=False)
        self._add(_NEGATION, sorted(self.negations), lemmas=False)

        # negations, gap words and comparison words one token long are read from the
        # matcher's positions; otherwise from the tokens' lower-case forms
        def one_token(words: Iterable[str]) -> bool:
            return all(len(self.nlp.make_doc(w)) == 1 for w in words)

        self.positional_after = one_token(self.negations | rules.gap_words)
        self.positional_comparison = one_token(rules.comparison)
        if self.positional_after and rules.gap_words:
            self._add(_GAP, sorted(rules.gap_words), lemmas=False)
        if self.positional_comparison and rules.comparison:
            self._add(_COMPARISON, sorted(rules.comparison), lemmas=False)
        if heads:
            self._add(_HEAD, sorted(heads))
            # where a split cue's particle may end it, on lower-case forms and lemmas
            self._add(_PARTICLE, sorted(rules.particles))
        for theme_id, examples in theme_examples:
            for example, terms in examples:
                variants = {v.lower() for t in terms for v in (t, t + "s", t + "es")}
                self._add(f"{_EXAMPLE}{theme_id}|{example}", sorted(variants))

    def _add(self, label: str, terms: list[str], lemmas: bool = True) -> None:
        """Match the terms on lower-case words and, with lemmas, on lemmas."""
        key = self.nlp.vocab.strings.add(label)
        if label in _POSITIONS:
            self.keys[key] = (_POSITION, _POSITIONS.index(label))
        elif label in MODIFIERS:
            self.keys[key] = (_MODIFIER, label)
        elif label.startswith(_EXAMPLE):
            theme, example = label[len(_EXAMPLE) :].split("|", 1)
            self.keys[key] = (_EXAMPLE_MATCH, (theme, example))
        else:
            self.keys[key] = (_CUE, label)
        docs = [self.nlp.make_doc(t) for t in terms]
        self.lower.add(label, docs)
        if lemmas and self.lemma is not None:
            # the term as written is the lemma to match: "start" matches "started"
            lemma_docs = []
            for doc in docs:
                for token in doc:
                    token.norm_ = token.lower_
                lemma_docs.append(doc)
            self.lemma.add(label, lemma_docs)

    def _add_split(self, label: str, term: str) -> str | None:
        """Register a multi-word verb cue ending in a particle, which a gap may split;
        return its first word.

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
            return None
        strings = self.nlp.vocab.strings
        tail = tuple(strings.add(w) for w in words[1:])
        self.split.setdefault(strings.add(words[0]), []).append((label, tail))
        return words[0]


class StanceTagger:
    """Suggests stances and finds theme examples in excerpt text."""

    def __init__(
        self,
        language: str,
        theme_examples: dict[str, dict[str, list[str]]],
        lemmas: bool = True,
    ):
        self.language = language
        self._compiled = _compiled(language, lemmas, _examples_key(theme_examples))
        self.nlp = self._compiled.nlp
        self.lemmas = self._compiled.lemmas
        self.rules = self._compiled.rules
        self.negations = self._compiled.negations
        self.lexicon = {k: list(v) for k, v in self._compiled.lexicon.items()}

    # -- public ------------------------------------------------------------
    def annotate(
        self, items: Iterable[tuple[str, str, str]], batch_size: int = 512
    ) -> Iterator[tuple[Suggestion, list[str]]]:
        """For each (text, theme kind, theme id): the suggestion and the examples found."""
        items = list(items)
        compiled = self._compiled
        docs = self.nlp.pipe((text for text, _, _ in items), batch_size=batch_size)
        for doc, (text, kind, theme_id) in zip(docs, items, strict=True):
            parsed = _Parsed(compiled, doc, text)
            yield self._suggest(parsed, kind, theme_id), parsed.examples(theme_id)

    def find_examples(self, doc: Doc, theme_id: str) -> list[str]:
        """The theme's examples mentioned in the text, sorted."""
        return _Parsed(self._compiled, doc).examples(theme_id)

    def suggest(self, doc: Doc, kind: str) -> Suggestion:
        """The stance the text's cues point to for a theme of this kind."""
        return self._suggest(_Parsed(self._compiled, doc), kind)

    # -- rules -------------------------------------------------------------
    def _suggest(self, parsed: _Parsed, kind: str, theme_id: str | None = None) -> Suggestion:
        family = "outcome" if kind == "outcome" else "context" if kind == "context" else "presence"
        cues = parsed.cues(_RELEVANT[family])
        if theme_id is not None and family in TOPICAL_FAMILIES:
            # a part of the excerpt about another theme only does not vote
            cues = [c for c in cues if not parsed.off_topic(c.start, theme_id)]
        if family == "outcome":
            readings = self._outcome_readings(parsed, cues)
            default = "not_stated"
        elif family == "context":
            readings = self._context_readings(parsed, cues)
            default = "barrier"
        else:
            readings = self._presence_readings(parsed, cues)
            default = "present"
        votes: dict[str, int] = {}
        for reading in readings:
            votes[reading.stance] = votes.get(reading.stance, 0) + reading.weight
        ranks: dict[str, int] = {}
        if len(votes) > 1:  # ranks only break ties between stances
            ranked = family in RANKED_FAMILIES
            for cue, stance, _, rank in readings:
                if ranked:
                    rank += parsed.prominence(cue.start, contrast=family == "context")
                ranks[stance] = ranks.get(stance, 0) + rank
        words = [parsed.text(r.cue) for r in sorted(readings, key=_start)] if readings else []
        return _decide(votes, words, default, parsed.has("hedge"), parsed.has("reported"), ranks)

    def _outcome_readings(self, parsed: _Parsed, cues: list[Cue]) -> list[Reading]:
        if not cues:
            return []
        # objects are a layer of their own: "cut the cola right down" holds one
        bad = [c for c in parsed.cues(OBJECTS) if "bad_objects" in c.labels]
        bad_starts = {c.start for c in bad}
        # "water instead of cola": the thing replaced is gone, and no other cue's object
        replaced = [
            (c, b)
            for c in cues
            if "instead" in c.labels
            for b in bad
            if c.end <= b.start <= c.end + 1
        ]
        bad = [b for b in bad if all(b is not r for _, r in replaced)]
        realised = [c.start for c in cues if "realised" in c.labels]
        # a wish confirmed later in its sentence ("wants to ..., and he does") is no wish
        irrealis = [
            c.start
            for c in cues
            if "irrealis" in c.labels
            and not any(c.end <= r < parsed.sentence_end(c.end) for r in realised)
        ]
        # the old habit, whose direction is reversed: the rest of the clause after "used to"
        # (not "than I used to"), or the clause that "before" opens ("Before, he forgot them")
        past = [parsed.past_frame(c) for c in cues if c.labels & {"past", "before"}]
        past = [frame for frame in past if frame is not None]
        # a negation that opens another cue ("ikke længere") belongs to that cue
        owned = {c.start for c in cues if parsed.holds_negation(c)}
        readings: list[tuple[Cue, str, Cue | None]] = [(c, "improved", None) for c, _ in replaced]
        weak: set[int] = set()  # weak cues ("every day", "now"): only when nothing else votes
        denied: set[int] = set()  # negated directions ("hasn't rebooked"): they lose a tie
        for cue in cues:
            labels = cue.labels
            if "neutral" in labels:
                continue
            start = parsed.clause_start(cue.start)
            # (a clause word may be the wish itself: "hvis", "if")
            if any(start - 1 <= i < cue.start for i in irrealis):
                continue  # a wish or a plan: "I would like to start swimming"
            earlier = parsed.negation_in_clause_before(cue)
            if labels & {"before", "past"} and not labels & DIRECTIONS:
                # "never ... before", "det gjorde han ikke før", "I never used to": new since
                if "past" in labels:
                    new = parsed.negated_in_scope(cue, owned)
                else:
                    new = earlier is not None and parsed.clause_end(cue.end) == cue.end
                if parsed.after_simile(cue.start):
                    continue
                if new:
                    since = earlier if earlier is not None else cue.start
                    obj = parsed.bad_object(cue, bad, since=since)
                    readings.append((cue, "worsened" if obj else "improved", obj))
                elif "past" in labels:
                    # "he used to live on pizza": a thing of which less is better in the old
                    # habit, and no direction cue there, says the habit is gone
                    lo, hi = parsed.past_frame(cue) or (cue.end, cue.end)
                    if not any(lo <= c.start < hi for c in cues if c.labels & DIRECTIONS):
                        obj = next((b for b in bad if lo <= b.start < hi), None)
                        if obj is not None:
                            readings.append((cue, "improved", obj))
                continue
            if not labels & DIRECTIONS:
                continue
            if (earlier is not None or parsed.holds_negation(cue)) and parsed.comparison_follows(
                cue
            ):
                readings.append((cue, "no_change", None))  # "not more than before"
                continue
            if "no_longer" in labels and earlier is not None:
                obj = parsed.bad_object(cue, bad, since=earlier)
                readings.append((cue, "improved" if obj else "worsened", obj))
                continue
            negated = parsed.negated_in_scope(cue, owned)
            if "same" in labels:
                if not negated:
                    readings.append((cue, "no_change", None))
            elif "change" in labels:
                if negated:
                    readings.append((cue, "no_change", None))
            elif "equative" in labels:
                # "as much as before" is no change; "not as much as before" is less
                if not negated:
                    readings.append((cue, "no_change", None))
                else:
                    obj = parsed.bad_object(cue, bad)
                    readings.append((cue, "improved" if obj else "worsened", obj))
            elif labels & {"up", "down", "worse", "weak_up"}:
                if "weak_up" in labels and not labels & {"up", "down", "worse"}:
                    weak.add(cue.start)
                if negated and "down" in labels and cue.start in bad_starts and parsed.now(cue):
                    readings.append((cue, "improved", None))  # "he never forgets them now"
                    continue
                if negated:
                    readings.append((cue, "no_change", None))
                    denied.add(cue.start)
                    continue
                direction = 1 if labels & {"up", "weak_up"} else -1
                obj = None
                if "worse" not in labels:
                    obj = parsed.bad_object(cue, bad)
                    if obj is not None:
                        direction = -direction
                if any(lo <= cue.start < hi for lo, hi in past):
                    direction = -direction  # "I used to walk more"
                readings.append((cue, "improved" if direction > 0 else "worsened", obj))
        # a cue that served as another cue's object ("forget ... more often") does not vote
        used = {obj.start for _, _, obj in readings if obj is not None}
        kept = [(cue, stance) for cue, stance, _ in readings if cue.start not in used]
        if any(cue.start not in weak for cue, _ in kept):
            kept = [(cue, stance) for cue, stance in kept if cue.start not in weak]
        return [Reading(cue, stance, 1, -(cue.start in denied)) for cue, stance in kept]

    def _context_readings(self, parsed: _Parsed, cues: list[Cue]) -> list[Reading]:
        anchors = parsed.anchors([c for c in cues if c.labels & {"barrier", "facilitator"}])
        gone = [c for c in cues if "gone" in c.labels and not parsed.negated(c, set(), anchors)]
        readings = []
        for cue in cues:
            helps, hinders = "facilitator" in cue.labels, "barrier" in cue.labels
            if helps == hinders:  # neither, or a word that is both
                continue
            if parsed.negated(cue, set(), anchors):
                helps = not helps
            end = parsed.clause_end(cue.end)
            if any(cue.end <= g.start < end for g in gone):
                helps = not helps  # "the pain is gone", "smerterne er væk"
            readings.append(Reading(cue, "facilitator" if helps else "barrier"))
        return readings

    def _presence_readings(self, parsed: _Parsed, cues: list[Cue]) -> list[Reading]:
        readings = []
        for cue in cues:
            if "absent" in cue.labels:
                readings.append(Reading(cue, "absent", ABSENT_WEIGHT))
            elif "present" in cue.labels:
                # presence is denied anywhere earlier in its clause: "we didn't shop ... together"
                negated = (
                    cue.inner_negation
                    or parsed.negation_in_clause_before(cue) is not None
                    or parsed.negated_after(cue, set())
                )
                readings.append(Reading(cue, "absent" if negated else "present"))
        return readings


class _Parsed:
    """One document with its matches: cues, bounds of sentences and clauses, negations.

    Token attributes are read as arrays (`Doc.to_array`), only when a rule needs them:
    creating spaCy Token objects one by one costs more than the matching.
    """

    def __init__(self, tagger: _Compiled, doc: Doc, text: str | None = None):
        self.tagger = tagger
        self.doc = doc
        self._text = text
        self._length = len(doc)
        found: dict[tuple[int, int], set[str]] = {}
        positions: dict[int, list[int]] = {}
        hedged: set[int] = set()  # a negation inside a hedge ("not sure") negates nothing
        self.modifiers: set[str] = set()
        self._examples: list[tuple[int, tuple[str, str]]] = []
        matches = tagger.lower(doc)
        if tagger.lemma is not None:
            matches = [*matches, *tagger.lemma(doc)]
        keys = tagger.keys
        for key, start, end in matches:
            what, payload = keys[key]
            if what == _CUE:
                if (start, end) in found:
                    found[start, end].add(payload)
                else:
                    found[start, end] = {payload}
            elif what == _POSITION:
                if payload in positions:
                    positions[payload].append(start)
                else:
                    positions[payload] = [start]
            elif what == _MODIFIER:
                self.modifiers.add(payload)
                if payload == "hedge":
                    hedged.update(range(start, end))
            else:
                self._examples.append((start, payload))
        self._positions = positions
        sentences = set(positions.get(_AT_SENTENCE, ()))
        clauses = sentences.union(positions.get(_AT_CLAUSE, ()))
        conjuncts = positions.get(_AT_CONJUNCT, ())
        disjuncts = positions.get(_AT_DISJUNCT, ())
        self.sentence_breaks = sorted(sentences)
        self.clause_breaks = sorted(clauses)
        if conjuncts:
            self.conjunct_breaks = sorted(clauses.union(conjuncts))
            # a negation reaches to the end of its conjunct; "or" does not end it ("no money
            # or energy")
            self.disjunctions = sorted(set(disjuncts))
            self.scope_breaks = sorted(clauses.union(set(conjuncts) - set(disjuncts)))
        else:
            self.conjunct_breaks = self.scope_breaks = self.clause_breaks
            self.disjunctions = []
        negations = positions.get(_AT_NEGATION)
        self.negation_positions = sorted(set(negations) - hedged) if negations else []
        self._negation_set = set(negations) if negations else set()
        self._topics: dict[int, set[str]] | None = None
        self._found = found
        self._inner: set[tuple[int, int]] = set()
        self._ids: tuple[list[int], list[int]] | None = None
        heads = positions.get(_AT_HEAD)
        if heads:
            self._direct = {span: set(labels) for span, labels in found.items()}
            particles = sorted(set(positions.get(_AT_PARTICLE, ())))
            for head in sorted(set(heads)):
                # a split cue ends in a particle before the end of the head's clause
                k = bisect_left(particles, head + 2)
                if k < len(particles) and particles[k] < self.clause_end(head + 1):
                    self._split_at(head)
        self._cue_cache: dict[frozenset[str], list[Cue]] = {}

    def _sorted(self, position: int) -> list[int]:
        """The sorted, distinct token positions of one of the matcher's position labels."""
        return sorted(set(self._positions.get(position, ())))

    @cached_property
    def contrast_positions(self) -> list[int]:
        return self._sorted(_AT_CONTRAST)

    @cached_property
    def concessive_positions(self) -> list[int]:
        return self._sorted(_AT_CONCESSIVE)

    @cached_property
    def simile_positions(self) -> frozenset[int]:
        return frozenset(self._positions.get(_AT_SIMILE, ()))

    @cached_property
    def now_positions(self) -> list[int]:
        return self._sorted(_AT_NOW)

    # -- matching ------------------------------------------------------------
    def _word_ids(self) -> tuple[list[int], list[int]]:
        """Hashes of every token's lower-case form and lemma (NORM), read once."""
        if self._ids is None:
            table = self.doc.to_array([LOWER, NORM]).tolist()
            self._ids = [row[0] for row in table], [row[1] for row in table]
        return self._ids

    def _split_at(self, i: int) -> None:
        """Multi-word cues starting at token i with gap words (Danish) or an object inside."""
        tagger = self.tagger
        lows, norms = self._word_ids()
        entries = tagger.split.get(lows[i], [])
        if norms[i] != lows[i]:
            entries = entries + tagger.split.get(norms[i], [])
        limit = self.clause_end(i + 1)
        gap_ids = tagger.gap_ids  # empty: any word may stand in the gap (English objects)
        for label, tail in entries:
            for gap in range(1, tagger.rules.particle_gap + 1):
                j = i + 1 + gap
                if j + len(tail) > limit or (gap_ids and lows[j - 1] not in gap_ids):
                    break
                if all(lows[j + k] == w or norms[j + k] == w for k, w in enumerate(tail)):
                    span = (i, j + len(tail))
                    written = self._direct.get(span, ())
                    if any(_FAMILY.get(w) == _FAMILY[label] for w in written):
                        break  # a phrase written so ("kommer ikke ud") wins over a split one
                    self._found.setdefault(span, set()).add(label)
                    if any(lows[k] in tagger.negation_ids for k in range(i + 1, j)):
                        self._inner.add(span)
                    break

    def cues(self, relevant: frozenset[str]) -> list[Cue]:
        """Non-overlapping cues of the relevant classes (the longest wins), in text order."""
        cached = self._cue_cache.get(relevant)
        if cached is not None:
            return cached
        candidates = [
            (start, end, found)
            for (start, end), labels in self._found.items()
            if (found := labels & relevant)
        ]
        chosen = []
        if candidates:
            candidates.sort(key=lambda c: (c[0] - c[1], c[0]))
            taken: set[int] = set()
            inner = self._inner
            for start, end, labels in candidates:
                if end - start == 1:
                    if start in taken:
                        continue
                    taken.add(start)
                else:
                    span = range(start, end)
                    if not taken.isdisjoint(span):
                        continue
                    taken.update(span)
                chosen.append(Cue(start, end, frozenset(labels), (start, end) in inner))
            chosen.sort(key=_cue_start)
        self._cue_cache[relevant] = chosen
        return chosen

    def text(self, cue: Cue) -> str:
        """The cue's words as written, lower-cased."""
        # two Token objects cost less than an array of the whole document's offsets
        if self._text is None:
            self._text = self.doc.text
        doc = self.doc
        first, last = doc[cue.start], doc[cue.end - 1]
        return self._text[first.idx : last.idx + len(last)].lower()

    def has(self, modifier: str) -> bool:
        return modifier in self.modifiers

    def examples(self, theme_id: str) -> list[str]:
        return sorted({example for _, (theme, example) in self._examples if theme == theme_id})

    # -- bounds --------------------------------------------------------------
    @staticmethod
    def _start(breaks: list[int], index: int) -> int:
        """The first token after the last break before `index`."""
        k = bisect_left(breaks, index)
        return breaks[k - 1] + 1 if k else 0

    def _end(self, breaks: list[int], index: int) -> int:
        """The first break at or after `index`, or the end of the document."""
        k = bisect_left(breaks, index)
        return breaks[k] if k < len(breaks) else self._length

    def clause_start(self, index: int) -> int:
        return self._start(self.clause_breaks, index)

    def clause_end(self, index: int) -> int:
        return self._end(self.clause_breaks, index)

    def sentence_end(self, index: int) -> int:
        return self._end(self.sentence_breaks, index)

    def now(self, cue: Cue) -> bool:
        """A present-time word ("now", "these days", "nu") in the cue's clause."""
        lo, hi = self.clause_start(cue.start), self.clause_end(cue.end)
        k = bisect_left(self.now_positions, lo)
        return k < len(self.now_positions) and self.now_positions[k] < hi

    def after_simile(self, index: int) -> bool:
        """A comparison or simile word ("than", "as", "like") within two tokens before."""
        return any(i in self.simile_positions for i in (index - 1, index - 2))

    def prominence(self, index: int, contrast: bool = True) -> int:
        """-1 inside a concessive clause ("although ..."), +1 (with `contrast`) after a
        contrast word in the sentence ("..., but ..."), else 0: it ranks tied stances."""
        sentence = self._start(self.sentence_breaks, index)
        k = bisect_left(self.concessive_positions, index)
        concession = self.concessive_positions[k - 1] if k else -1
        if concession >= sentence and self.clause_end(concession + 1) > index:
            return -1
        if not contrast:
            return 0
        k = bisect_left(self.contrast_positions, index)
        if k and self.contrast_positions[k - 1] >= sentence:
            return 1
        return 0

    def past_frame(self, cue: Cue) -> tuple[int, int] | None:
        """The tokens a past-time cue puts in the past, or None.

        "used to" (`past`): the rest of its clause, unless a comparison or a simile word
        stands just before it ("than I used to"). "before" (`before`) opening its clause:
        that clause, or the next one when a comma follows ("Before, he often forgot").
        """
        if cue.labels & {"past", "before"} and self.after_simile(cue.start):
            return None
        if "past" in cue.labels:
            return cue.end, self.clause_end(cue.end)
        if "before" not in cue.labels or self.clause_start(cue.start) != cue.start:
            return None
        lo = cue.end
        if self.clause_end(lo) == lo and lo < self._length:
            if self.sentence_end(lo) == lo:
                return None  # "Before." ends the sentence
            lo += 1
        return lo, self.clause_end(lo)

    # -- topics --------------------------------------------------------------
    def off_topic(self, index: int, theme_id: str) -> bool:
        """The conjunct at `index` names only other themes' examples, while another part
        of the excerpt names this theme's ("she eats more vegetables, but she has stopped
        the walks", about physical activity)."""
        if self._topics is None:
            self._topics = {}
            for start, (theme, _) in self._examples:
                part = bisect_left(self.conjunct_breaks, start)
                self._topics.setdefault(part, set()).add(theme)
        topics = self._topics.get(bisect_left(self.conjunct_breaks, index))
        if not topics or theme_id in topics:
            return False
        return any(theme_id in t for t in self._topics.values())

    # -- negation ------------------------------------------------------------
    def _negations_between(self, start: int, end: int) -> list[int]:
        positions = self.negation_positions
        return positions[bisect_left(positions, start) : bisect_left(positions, end)]

    def holds_negation(self, cue: Cue) -> bool:
        """The cue's own words include a negation ("no longer", "ikke mere", "holdt ikke op")."""
        return cue.inner_negation or bool(self._negations_between(cue.start, cue.end))

    def negated_before(self, cue: Cue, anchors: Iterable[int] = ()) -> bool:
        """A negation within NEGATION_WINDOW tokens before the cue in its clause; or a
        negated cue (at one of the `anchors`) earlier in its conjunct, which passes its
        negation on: "I don't have to worry about bills", "kom aldrig i gang med at måle
        oftere"."""
        start = max(self.clause_start(cue.start), cue.start - NEGATION_WINDOW)
        if self._negations_between(start, cue.start):
            return True
        scope = self._start(self.scope_breaks, cue.start)
        if any(scope <= a < cue.start for a in anchors):
            return True
        # "no money or energy": the negation reaches over "or" to the next item
        for d in self.disjunctions:
            if scope <= d < cue.start and cue.start - d <= 2:
                lo = max(scope, d - NEGATION_WINDOW - 1)
                if self._negations_between(lo, d):
                    return True
        return False

    def negated_in_scope(self, cue: Cue, owned: set[int]) -> bool:
        """A negation anywhere earlier in the cue's conjunct (its clause, not across "and"),
        or one of its own gap, or (Danish) one just after it: for directions of change."""
        scope = self._start(self.scope_breaks, cue.start)
        return (
            cue.inner_negation
            or bool(self._negations_between(scope, cue.start))
            or self.negated_after(cue, owned)
        )

    def negated_after(self, cue: Cue, owned: set[int]) -> bool:
        """A negation just after the cue, only gap words between (Danish word order).

        A negation at a position in `owned` opens another cue and is that cue's own.
        """
        rules = self.tagger.rules
        if rules.negation_after <= 0:
            return False
        limit = min(self.clause_end(cue.end), cue.end + rules.negation_after)
        if self.tagger.positional_after:
            negations, gaps = self._negation_set, self._positions.get(_AT_GAP, ())
            for i in range(cue.end, limit):
                if i in negations:
                    return i not in owned
                if i not in gaps:
                    return False
            return False
        lows, _ = self._word_ids()
        for i in range(cue.end, limit):
            if lows[i] in self.tagger.negation_ids:
                return i not in owned
            if lows[i] not in self.tagger.gap_ids:
                return False
        return False

    def negated(self, cue: Cue, owned: set[int], anchors: Iterable[int] = ()) -> bool:
        return (
            cue.inner_negation
            or self.negated_before(cue, anchors)
            or self.negated_after(cue, owned)
        )

    def anchors(self, cues: list[Cue], owned: set[int] = frozenset()) -> list[int]:
        """Where the negated cues start that pass their negation on to later cues in their
        conjunct: negated by a word before or after them or inside their gap ("kom aldrig i
        gang"), not by one written in them ("no longer", "could not")."""
        return [
            c.start
            for c in cues
            if c.inner_negation
            or (not self._negations_between(c.start, c.end) and self.negated(c, owned))
        ]

    def negation_in_clause_before(self, cue: Cue) -> int | None:
        """The position of the last negation earlier in the cue's clause, if any."""
        found = self._negations_between(self.clause_start(cue.start), cue.start)
        return found[-1] if found else None

    def comparison_follows(self, cue: Cue) -> bool:
        """A comparison word ("than", "end") within a few tokens after the cue, same sentence."""
        words = self.tagger.comparison_ids
        if not words:
            return False
        end = min(cue.end + OBJECT_WINDOW + 1, self._end(self.sentence_breaks, cue.end))
        if self.tagger.positional_comparison:
            return any(cue.end <= i < end for i in self._positions.get(_AT_COMPARISON, ()))
        lows, _ = self._word_ids()
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
        after = [
            b
            for b in others
            if cue.end <= b.start <= cue.end + OBJECT_WINDOW
            and b.end <= hi
            and not self._negations_between(cue.end, b.start)  # "now he never forgets them"
        ]
        if after:
            return after[0]
        lo = self._start(self.conjunct_breaks, cue.start)
        first = since if since is not None else cue.start - OBJECT_WINDOW
        before = [b for b in others if b.end <= cue.start and b.end >= first and b.start >= lo]
        return before[-1] if before else None


def _start(reading: Reading) -> int:
    return reading.cue.start


def _cue_start(cue: Cue) -> int:
    return cue.start


def _decide(
    votes: dict[str, int],
    cues: list[str],
    default: str,
    hedged: bool,
    reported: bool,
    ranks: dict[str, int] | None = None,
) -> Suggestion:
    """The stance with most votes; confidence from its share, lowered by hedges."""
    total = sum(votes.values())
    ranks = ranks or {}
    if total == 0:
        stance, confidence = default, DEFAULT_CONFIDENCE
    else:
        # most votes wins; a tie goes to the higher rank (not in an "although" clause; for
        # context factors after "but"; for outcomes not a negated direction), then to the
        # default, then alphabetically
        stance, top = min(
            votes.items(),
            key=lambda kv: (-kv[1], -ranks.get(kv[0], 0), kv[0] != default, kv[0]),
        )
        confidence = 0.5 + 0.45 * top / total
    if hedged:
        confidence *= HEDGE_FACTOR
    if reported:
        confidence *= REPORTED_FACTOR
    return Suggestion(stance, round(confidence, 2), tuple(dict.fromkeys(cues)))

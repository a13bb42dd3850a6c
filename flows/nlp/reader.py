"""The stance reader: one excerpt, one theme, one reading.

    reader = StanceReader("en", {"eating": profile})
    reading = reader.read("I used to drink cola every day. Now it's water.", "eating")
    reading.label, reading.confidence, reading.cues  # "improved", 0.93, (...)

The parts, each readable on its own:

- `lexicons.py`: the word classes of each language and the built-in theme profiles;
- `anchors.py`: clauses and their time anchors (baseline, early, latest);
- `negation.py`: what a negation negates (English before the verb, Danish after it);
- `states.py`: the states an excerpt describes for the theme's behaviour;
- `numbers.py`: numbers compared across time ("from two to seven");
- `decide.py`: the rules' verdict from the states, or `unclear`;
- `features.py` and `model.py`: a small trained model that weighs the rules'
  verdict, the states and the words, and says how sure it is.

The reader's answer is the model's label when its probability reaches the family's
threshold, else `unclear`: the reader abstains rather than take a default. Without
a shipped model it answers with the rules' verdict. Every reading carries its cues:
the words the rules read, then the words of the model's strongest features, as
they stand in the excerpt (`cue_words.py`: no feature names reach a researcher).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc

from flows.collector import collector_paused
from flows.nlp import decide as rules
from flows.nlp.anchors import break_words, clauses
from flows.nlp.constructions import construction_states, reread
from flows.nlp.cue_words import text_words
from flows.nlp.cues import claim_contradicted, cues, events_only, marks
from flows.nlp.features import crossed, feature_bag
from flows.nlp.lexicons import (
    TermLabels,
    WordMatcher,
    load_behaviours,
    load_word_order,
    load_words,
    shared_pipeline,
)
from flows.nlp.model import FamilyModel, StanceModel, family_of, load_model
from flows.nlp.negation import negation_positions
from flows.nlp.numbers import number_change
from flows.nlp.own_context import own_context
from flows.nlp.own_counts import compared, new_now, none_now, settle, unanchored
from flows.nlp.own_states import as_scheme, own_objects, own_states
from flows.nlp.own_times import appeared, degrees, seasons, since_start
from flows.nlp.parsing import WordTrie, form_reader
from flows.nlp.people import someone_elses
from flows.nlp.profiles import (  # noqa: F401
    RULES_STAND,
    agreement_threshold,
    own_words,
    profile_for,
)
from flows.nlp.states import (
    Parsed,
    Profile,
    lower_objects,
    outcome_states,
    topical_clauses,
)
from flows.nlp.then_now import negated_then_and_now, then_and_now
from flows.study import STANCES_BY_KIND

UNCLEAR = rules.UNCLEAR
#: the labels a component may take (besides `unclear`): the study file's own table
LABELS = STANCES_BY_KIND


@dataclass(frozen=True, init=False)
class Suggestion:
    """A suggested stance with its confidence and the cues behind it."""

    stance: str
    confidence: float
    cues: tuple[str, ...]

    def __init__(self, stance: str, confidence: float, cues: tuple[str, ...]):
        # the dataclass's own __init__ (frozen: object.__setattr__ per field), written
        # out so that the compiled module runs it in C (decision 0263)
        self.__dict__.update(stance=stance, confidence=confidence, cues=cues)


#: what `StanceReader.annotate` answers for an item: the suggestion and the examples named
Answer = tuple[Suggestion, list[str]]


@dataclass(frozen=True, init=False)
class Reading:
    """The reader's answer, and the rules' verdict beside it."""

    label: str
    confidence: float
    cues: tuple[str, ...]
    rule_label: str
    features: tuple[str, ...]

    def __init__(
        self,
        label: str,
        confidence: float,
        cues: tuple[str, ...],
        rule_label: str,
        features: tuple[str, ...],
    ):
        # the dataclass's own __init__ (frozen: object.__setattr__ per field), written
        # out so that the compiled module runs it in C (decision 0263)
        self.__dict__.update(
            label=label, confidence=confidence, cues=cues, rule_label=rule_label, features=features
        )


@lru_cache(maxsize=4)
def _matcher(language: str) -> WordMatcher:
    return WordMatcher(shared_pipeline(language), load_words(language))


@lru_cache(maxsize=4)
def _trie(language: str) -> WordTrie:
    """The word classes' trie (`parsing.WordTrie`): what `_matcher` finds, quicker."""
    matcher = _matcher(language)
    return WordTrie(matcher.nlp, load_words(language), matcher.lower, matcher.lemma)


@lru_cache(maxsize=1)
def _shipped_model() -> StanceModel | None:
    return load_model()


def _names_theme(cue: str, parsed: Parsed, profile: Profile) -> bool:
    """The cue is one of the theme's own words (its form or lemma): "energy" for
    energy, "pension" for occupation and finances, "døde" for life events."""
    if cue in profile.words:
        return True
    words = cue.split(" ")
    if len(words) != 1:
        return False
    lemmas = {parsed.lemma[i] for i, w in enumerate(parsed.lower) if w == cue}
    return bool(lemmas & profile.words)


def _features(
    parsed: Parsed, component: str, verdict, naming: list[bool], **parts
) -> list[str] | set[str]:
    """The model's features of a reading for the rules' verdict, in no particular order
    and not crossed with the component (`features.feature_bag`; crossed and sorted,
    they are `features.features`)."""
    return feature_bag(
        parsed, component, verdict.label, verdict.reason, naming=naming, cross=False, **parts
    )


def word_hyphens(doc: Doc) -> frozenset[int]:
    """Positions of hyphens inside a word ("check-ups", "follow-up", "3-4"): no space
    on either side."""
    return frozenset(
        t.i
        for t in doc
        if t.text == "-" and t.i and not doc[t.i - 1].whitespace_ and not t.whitespace_
    )


def masked(found: dict[str, list[tuple[int, int]]]) -> dict[str, list[tuple[int, int]]]:
    """The matches without the shorter ones inside a `neutral` phrase: "as well" is
    no "well" (facilitator), "you know" no "know", "blodsukker" no "sukker"."""
    neutral = found.get("neutral")
    if not neutral:
        return found
    out = {}
    for label, spans in found.items():
        if label != "neutral":
            spans = [
                s
                for s in spans
                if not any(n[0] <= s[0] and s[1] <= n[1] and s != n for n in neutral)
            ]
            if not spans:
                continue
        out[label] = spans
    return out


class StanceReader:
    """Reads excerpts of one language for the given theme profiles."""

    def __init__(
        self,
        language: str,
        profiles: dict[str, Profile],
        examples: dict[str, dict[str, list[str]]] | None = None,
        model: StanceModel | None | bool = True,
    ):
        self.language = language
        self.nlp = shared_pipeline(language)
        self.words = load_words(language)
        self.order = load_word_order(language)
        self.matcher = _matcher(language)
        self.trie = _trie(language)
        self.forms = form_reader(self.nlp)
        self.profiles = profiles
        self.model = _shipped_model() if model is True else (model or None)
        self.negations = frozenset(self.words["negation"])
        self._others_cache: dict[str, frozenset[str]] = {}
        self.contrast = frozenset(w for w in self.words["contrast"] if " " not in w)
        self.breaks = break_words(self.order.clause_words, self.order.coordinators)
        named_terms = {
            f"{theme_id}|{example}": tuple(
                sorted({v.lower() for t in terms for v in (t, t + "s", t + "es")})
            )
            for theme_id, named in (examples or {}).items()
            for example, terms in named.items()
        }
        self.has_examples = bool(named_terms)
        self.example_labels = TermLabels(self.nlp, named_terms)

    # -- parsing --------------------------------------------------------------
    def parse(self, doc: Doc) -> Parsed:
        lower, lemma = self.forms(doc)
        found = masked(self.trie(lower, lemma))
        parsed = Parsed(
            lower,
            lemma,
            found,
            negation_positions(lower, self.negations, found),
            clauses(
                lower,
                found,
                self.order.clause_words,
                self.order.coordinators,
                self.contrast,
                word_hyphens(doc) if "-" in lower else frozenset(),
                self.breaks,
            ),
            self.order.negation_after,
            self.order.gap_words,
        )
        return reread(parsed)  # counterfactuals, "hasn't been sleeping" (decision 0405)

    def find_examples(
        self, doc: Doc, theme_id: str, named: Iterable[str] | None = None
    ) -> list[str]:
        """The theme's examples the text names, sorted (`named`: what
        `self.example_labels` found in the doc, when known)."""
        if not self.has_examples:
            return []
        prefix = f"{theme_id}|"
        found = self.example_labels(*self.forms(doc)) if named is None else named
        return sorted(label[len(prefix) :] for label in found if label.startswith(prefix))

    # -- reading --------------------------------------------------------------
    def read_doc(self, doc: Doc, theme_id: str, component: str | None = None) -> Reading:
        return self.read_docs([(doc, theme_id, component)])[0]

    def read_docs(self, items: Sequence[tuple[Doc, str, str | None]]) -> list[Reading]:
        """Readings of many (doc, theme id, component) at once: the rules per excerpt,
        the model over each family's excerpts in one step."""
        with collector_paused():
            return self._read_docs(items)

    def _read_docs(
        self,
        items: Sequence[tuple[Doc, str, str | None]],
        parses: dict[int, Parsed] | None = None,
        with_features: bool = True,
    ) -> list[Reading]:
        """`read_docs`; `parses` (doc id -> its parse) is filled in for the caller;
        without `with_features` the readings' `features` are left empty (`annotate`
        answers without them: no sorting of their names)."""
        ruled = []
        agreeing: list[float | None] = []  # `profiles.agreement_threshold` per item
        if parses is None:
            parses = {}  # a doc read for several themes is parsed once
        for doc, theme_id, component in items:
            profile = self.profiles.get(theme_id) or profile_for(theme_id, self.language, component)
            component = component or profile.component
            parsed = parses.get(id(doc))
            if parsed is None:
                parsed = parses[id(doc)] = self.parse(doc)
            verdict, feats = self._rules(parsed, profile, component)
            ruled.append((component, verdict, feats))
            agreeing.append(agreement_threshold(profile, component, verdict))
        answers: list[tuple[str, float, tuple[str, ...]]] = [
            (v.label, v.confidence, v.cues) for _, v, _ in ruled
        ]
        if self.model is not None:
            by_family: dict[str, list[int]] = {}
            for n, (component, _, _) in enumerate(ruled):
                if family_of(component) in self.model.families:
                    by_family.setdefault(family_of(component), []).append(n)
            for name, index in by_family.items():
                family = self.model.families[name]
                probs, known = family.score_batch(
                    [ruled[n][2] for n in index],
                    [ruled[n][0] if name == "presence" else None for n in index],
                )
                for n, row, found in zip(index, probs.tolist(), known, strict=True):
                    if agreeing[n] == RULES_STAND:
                        continue  # the rules' verdict is the answer
                    label, confidence, shown = self._decide(
                        family, ruled[n][0], row, ruled[n][1], found, agreeing[n]
                    )
                    if len(shown) > len(ruled[n][1].cues):  # the model's cues as words
                        parsed = parses[id(items[n][0])]
                        own = shown[: len(ruled[n][1].cues)]
                        extra = text_words(shown[len(own) :], parsed.lower, parsed.lemma)
                        shown = (*own, *extra)
                    answers[n] = (label, confidence, shown)
        return [
            Reading(
                label,
                round(float(confidence), 3),
                tuple(dict.fromkeys(cue_words)),
                verdict.label,
                tuple(sorted(crossed(feats, component))) if with_features else (),
            )
            for (label, confidence, cue_words), (component, verdict, feats) in zip(
                answers, ruled, strict=True
            )
        ]

    @staticmethod
    def _decide(family: FamilyModel, component: str, probs, verdict, known, agreeing=None):
        """The model's label, or `unclear` under the threshold or on a tie (`known`:
        the row's known features, `FamilyModel.score_batch`; `agreeing`: the threshold
        where the model's label is the rules' verdict, `profiles.agreement_threshold`)."""
        allowed = LABELS.get(component, family.labels)
        ranked = sorted(
            [(p, lab) for p, lab in zip(probs, family.labels, strict=True) if lab in allowed]
        )
        confidence, label = ranked[-1]
        tie = len(ranked) > 1 and abs(ranked[-1][0] - ranked[-2][0]) < 1e-9
        threshold = family.threshold
        if agreeing is not None and label == verdict.label:
            threshold = min(threshold, agreeing)
        if tie or confidence < threshold:
            return UNCLEAR, confidence, verdict.cues
        return label, confidence, (*verdict.cues, *family.contributions_of(known, label))

    def read(self, text: str, theme_id: str, component: str | None = None) -> Reading:
        return self.read_doc(self.nlp(text), theme_id, component)

    def _rules(self, parsed: Parsed, profile: Profile, component: str):
        found = parsed.found
        # the clauses naming the theme: the second view's words (features.topic_features)
        naming = parsed.clause_numbers_naming(profile.words)
        plans = bool(found.get("intention")) or bool(found.get("advice"))
        if component == "outcome":
            parsed = seasons(parsed, profile)  # an own theme's "last winter": the baseline
            others = self._others(profile)
            topical = topical_clauses(parsed, profile, others)
            elsewhere = someone_elses(parsed)
            if elsewhere:  # someone else's habit is no state of the peer's
                topical = [t and n not in elsewhere for n, t in enumerate(topical)]
            objects = lower_objects(parsed, profile, others) + own_objects(parsed, profile)
            parsed = unanchored(parsed, profile, objects)  # "koblet af før tid": no time
            states = construction_states(  # "i stedet for", "That's new" (decision 0405)
                parsed, profile, outcome_states(parsed, profile, topical, objects), topical, objects
            )
            states = own_states(parsed, profile, states, topical, objects)
            then_now = then_and_now(parsed, profile, topical, objects)
            counted = number_change(parsed, profile, self.language, objects)
            states = since_start(parsed, profile, states, objects, counted)
            states = appeared(parsed, profile, degrees(parsed, profile, states, objects), objects)
            states = none_now(parsed, profile, compared(parsed, profile, states, objects), objects)
            states = new_now(parsed, profile, states, objects)  # "That's new"
            verdict = rules.decide_outcome(
                states,
                plans,
                # as the own steps left it: "har ikke rørt en cigaret" is a stop (0420)
                bool(parsed.found.get("nonaction")),
                marks(parsed, "relapse"),
                bool(found.get("latest")),
                claim_contradicted(parsed),
                negated_then_and_now(parsed),
                then_now,
                counted,
                bool(found.get("uncertain")),
                any(c.anchor for c in parsed.clauses),
                bool(elsewhere),
            )
            seen = as_scheme(parsed, profile, objects)
            feats = _features(seen, component, verdict, naming, states=states)
            extra = [f"then_now={then_now:+d}"] if then_now is not None else []
            if counted is not None:
                extra.append(f"numbers={counted:+d}")
            if extra:
                feats = [*{*feats, *extra}]
            verdict = settle(verdict, parsed, profile, states, objects)  # own themes
            return verdict, feats
        if component == "context":
            found_cues = cues(parsed, ("barrier", "facilitator", "gone"))
            # "it didn't affect", "har ikke ændret noget": a negated effect is no effect
            no_effect = bool(found.get("no_effect")) or any(
                c.negated for c in cues(parsed, ("effect",))
            )
            verdict = rules.decide_context(
                found_cues,
                no_effect,
                bool(found.get("uncertain")),
                events_only(parsed, found_cues),
            )
            verdict = own_context(verdict, parsed, profile, found_cues)  # then and now
            named = [c for c in found_cues if _names_theme(c.cue, parsed, profile)]
            if verdict.reason == "one_side" and len(named) == len(found_cues):
                # "Energy is one of the things we look at", "on the pension since":
                # the theme named, nothing said of what it did
                verdict = verdict._replace(reason="theme_named")
            extra = [f"named={c.label}" for c in named]
            feats = _features(parsed, component, verdict, naming, found=found_cues)
            return verdict, [*{*feats, *extra}]
        else:
            found_cues = cues(parsed, ("present", "absent"))
            if component == "mechanism" and found_cues:
                # the peer's response, not the wife's ("Min kone synes, det er dejligt")
                elsewhere = someone_elses(parsed)
                found_cues = [c for c in found_cues if c.clause not in elsewhere]
            verdict = rules.decide_presence(
                found_cues,
                bool(found.get("uncertain")),
                plans,
                component,
                claim_contradicted(parsed),
            )
        return verdict, _features(parsed, component, verdict, naming, found=found_cues)

    def _others(self, profile: Profile) -> frozenset[str]:
        """Words of the other outcome themes (the study's, else the scheme's), once per
        theme."""
        cached = self._others_cache.get(profile.theme_id)
        if cached is None:
            others = frozenset(
                w
                for p in self.profiles.values()
                if p.theme_id != profile.theme_id and p.component == "outcome"
                for w in p.words
            ) or frozenset(
                w
                for name, b in load_behaviours().items()
                if name != profile.behaviour and b["component"] == "outcome"
                for w in b.get(self.language, ())
            )
            cached = self._others_cache[profile.theme_id] = others - profile.words
        return cached

    def annotate(
        self,
        items: Iterable[tuple[str, str | None, str]],
        batch_size: int = 256,
        answers: dict[tuple[str, str | None, str], Answer] | None = None,
    ) -> Iterator[Answer]:
        """For each (text, component, theme id): the suggestion and the examples named.
        An item read before in this call (or in `answers`, a caller's store kept over
        several calls of one run) is not read again: a reading depends on the item
        alone, and studies repeat texts (the synthetic 1,000-case study reads 25,658
        distinct items among 39,392). Within a batch, a text read for several themes
        (an excerpt coded to several) is tokenised and parsed once."""
        items = list(items)
        done: dict[tuple[str, str | None, str], Answer] = {} if answers is None else answers
        for at in range(0, len(items), batch_size):
            batch = items[at : at + batch_size]
            todo = [item for item in dict.fromkeys(batch) if item not in done]
            if todo:
                texts = list(dict.fromkeys(text for text, _, _ in todo))
                with collector_paused():  # the batch is read whole, then handed out
                    docs = dict(
                        zip(texts, self.nlp.pipe(texts, batch_size=batch_size), strict=True)
                    )
                    read = [(docs[text], theme, kind) for text, kind, theme in todo]
                    done.update(zip(todo, self._answers(read), strict=True))
            # each item its own list of examples: a caller may change it
            yield from ((done[item][0], list(done[item][1])) for item in batch)

    def _answers(self, batch: list[tuple[Doc, str, str | None]]):
        """Called with the collector paused (`annotate`)."""
        parses: dict[int, Parsed] = {}
        readings = self._read_docs(batch, parses, with_features=False)
        named: dict[int, set[str]] = {}  # the examples of a doc read for several themes
        for (doc, theme_id, _), reading in zip(batch, readings, strict=True):
            suggestion = Suggestion(reading.label, reading.confidence, reading.cues)
            if self.has_examples and id(doc) not in named:
                parsed = parses[id(doc)]  # its forms: no matcher run again
                named[id(doc)] = self.example_labels(parsed.lower, parsed.lemma)
            yield suggestion, self.find_examples(doc, theme_id, named.get(id(doc)))

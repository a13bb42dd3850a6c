"""What the trained model sees of a reading: named features, each a short string.

- the rules' verdict, alone and with the rule that gave it (`rule=improved`,
  `rule=no_change|contradicted`);
- for outcomes, every state of the theme's own clauses as direction and anchor
  (`v=+1|latest`, `s=stop|-1|baseline`), the last and first of them, and the
  states of other themes' clauses apart (`off=-1`);
- for context and presence themes, each cue with its negation and whether it
  follows a contrast word (`cue=barrier|neg`, `cue=present|but`);
- which marker classes occur at all (`has=reported`, `has=intention`, ...), and
  whether a reported claim is contradicted (`claim=contradicted`);
- every word class with its clause's time, its negation and whether it stands in
  the last clause (`c=same|baseline|pos`, `c=reported|pos|last`), and the times of
  the clauses holding a negation (`negin=baseline`): what the rules compare,
  without the words, so it carries across writers;
- the excerpt's words as lemmas, a word under a negation marked `~`
  (`~walk`). Pairs of neighbouring lemmas were dropped: leave-one-writer-out
  they added nothing (macro-F1 0.801 with them, 0.800 without) and cost time;
- a second view (decision 0168): the lemmas and lemma pairs of the clauses
  that name the theme (`t=walk`, `t=walk_more`), learnt only where at least two
  writers used them;
- for mechanism, intervention and output (one model family, presence), every
  feature above but the second view once more with its component (`output:w=know`,
  `intervention:cue=absent|neg`): the same words mean different things for the
  three (decision 0147).

Everything is lower-case; the features of an excerpt are a sorted set, so the
model's sum does not depend on their order.
"""

from __future__ import annotations

from collections.abc import Collection
from operator import getitem, itemgetter
from sys import intern

from flows.nlp.cues import Cue, claim_contradicted
from flows.nlp.model import family_of
from flows.nlp.states import Parsed, State

try:  # the typed twin of the word loops, where built and current (decision 0376)
    from flows.nlp import _words
except ImportError:
    _words = None

MARKERS = (
    "reported",
    "observed",
    "intention",
    "nonaction",
    "uncertain",
    "advice",
    "hedge",
    "relapse",
    "frequency",
    "baseline",
    "early",
    "latest",
    "gone",
    "no_effect",
    "effect",
    "doubt",
    "confirm",
)

#: marker -> its feature
_HAS = {m: f"has={m}" for m in MARKERS}


#: a state's value as its features write it, made once (decision 0376)
_SIGNS = {None: "?", -1: "-1", 0: "+0", 1: "+1"}


def _sign(value: int | None) -> str:
    sign = _SIGNS.get(value)
    return f"{value:+d}" if sign is None else sign


def outcome_features(states: list[State]) -> list[str]:
    own = [s for s in states if s.topical]
    out = []
    for s in own:
        anchor = "plan" if s.planned else s.anchor or "none"
        out += [
            f"v={_sign(s.value)}|{anchor}",
            f"v={_sign(s.value)}",
            f"s={s.label}|{_sign(s.value)}|{anchor}",
        ]
        if s.contrast:
            out.append(f"v={_sign(s.value)}|but")
        if s.turned:
            out.append(f"turned={_sign(s.value)}")
    out += [f"off={_sign(s.value)}" for s in states if not s.topical]
    if own:
        out.append(f"last={_sign(own[-1].value)}|{own[-1].anchor or 'none'}")
        out.append(f"first={_sign(own[0].value)}|{own[0].anchor or 'none'}")
    else:
        out.append("no_state")
    return out


def cue_features(found: list[Cue]) -> list[str]:
    out = []
    for c in found:
        out.append(f"cue={c.label}|{'neg' if c.negated else 'pos'}")
        if c.contrast:
            out.append(f"cue={c.label}|{'neg' if c.negated else 'pos'}|but")
    if found:
        last = found[-1]
        out.append(f"lastcue={last.label}|{'neg' if last.negated else 'pos'}")
    else:
        out.append("no_cue")
    return out


def word_features(parsed: Parsed) -> list[str]:
    """Lemmas, negated ones marked `~`."""
    if not parsed.negations:
        if _words is not None:  # the same names in one C loop (decision 0376)
            return _words.word_names(_WORD, parsed.lemma, None)
        return list(filter(None, map(_PLAIN, map(_WORD.__getitem__, parsed.lemma))))
    negated = [0] * len(parsed.lemma)  # 1 where a negation reaches the word
    numbers = parsed.clause_numbers()
    for n in parsed.negations:
        if numbers[n] >= 0:
            clause = parsed.clauses[numbers[n]]
            negated[n + 1 : clause.end] = [1] * (clause.end - n - 1)
            if parsed.negation_after:
                lo = max(clause.start, n - parsed.negation_after)
                negated[lo:n] = [1] * (n - lo)
    if _words is not None:
        return _words.word_names(_WORD, parsed.lemma, negated)
    return list(filter(None, map(getitem, map(_WORD.__getitem__, parsed.lemma), negated)))


class _WordNames(dict):
    """lemma -> ("w=lemma", "w=~lemma", "t=lemma"), or ("", "", "") for a lemma with
    no letter; made once per lemma."""

    def __missing__(self, lemma: str) -> tuple[str, str, str]:
        value = self[lemma] = _word_names(lemma)
        return value


_WORD = _WordNames()
#: a word's feature when not negated
_PLAIN = itemgetter(0)


def _word_names(lemma: str) -> tuple[str, str, str]:
    if not any(ch.isalpha() for ch in lemma):
        return "", "", ""
    # interned, as the model's feature names are: its lookup then finds the very
    # string (`FamilyModel._compiled`)
    return intern(f"w={lemma}"), intern(f"w=~{lemma}"), intern(f"t={lemma}")


#: word classes whose place (anchor, negation, last clause) the model sees
PLACED = (
    "up",
    "down",
    "start",
    "stop",
    "better",
    "worse",
    "same",
    "relapse",
    "reported",
    "observed",
    "intention",
    "nonaction",
    "uncertain",
    "advice",
    "lower_is_better",
    "barrier",
    "facilitator",
    "gone",
    "no_effect",
    "present",
    "absent",
    "frequency",
)


class _ClassNames(dict):
    """(class, clause anchor, negated) -> its three features (`c=same|baseline|neg`,
    `c=same|neg|last`, `c=same|neg|but`), made once: a few hundred at most."""

    def __missing__(self, key: tuple[str, str | None, bool]) -> tuple[str, str, str]:
        label, anchor, negated = key
        neg = "neg" if negated else "pos"
        value = self[key] = (
            intern(f"c={label}|{anchor or 'none'}|{neg}"),
            intern(f"c={label}|{neg}|last"),
            intern(f"c={label}|{neg}|but"),
        )
        return value


_CLASS = _ClassNames()


def class_features(parsed: Parsed) -> list[str]:
    """Each word class with the time of its clause, its negation and whether it
    stands in the last clause (`c=same|baseline|pos`, `c=reported|last`): what the
    rules compare, without the words themselves, so it carries across writers."""
    out = []
    clauses = parsed.clauses
    if not clauses:
        return out
    numbers = parsed.clause_numbers()
    last = len(clauses) - 1
    anchors_with_neg = set()
    found = parsed.found
    is_negated = parsed.is_negated  # the bound method fetched once (decision 0410)
    for label in PLACED:
        if label not in found:  # a containment test in C, no call per class
            continue
        for span in found[label]:
            n = numbers[span[0]]
            if n < 0:
                continue
            clause = clauses[n]
            key = (label, clause.anchor, is_negated(span, clause))
            names = _CLASS.get(key)  # a plain lookup; a miss makes them (__missing__)
            placed, in_last, after_but = _CLASS[key] if names is None else names
            out.append(placed)
            if n == last:
                out.append(in_last)
            if clause.contrast:
                out.append(after_but)
    for n in parsed.negations:
        k = numbers[n] if n < len(numbers) else -1
        if k >= 0:
            anchors_with_neg.add(clauses[k].anchor or "none")
    out += [f"negin={a}" for a in sorted(anchors_with_neg)]
    if len(anchors_with_neg) > 1:
        out.append("negin=several")
    return out


def topic_features(parsed: Parsed, naming: list[bool] | None) -> list[str]:
    """The second view (decision 0168): the lemmas and pairs of neighbouring lemmas
    of the clauses that name the theme (`t=walk`, `t=walk_more`), every clause
    when none names it. Beside the named features it lets the model learn how
    writers word a stance about the theme itself, not about the theme next to it;
    the trainer keeps such a feature only where at least two writers used it
    (`model.VIEW_MIN_WRITERS`)."""
    clauses = parsed.clauses
    if not clauses or naming is None:
        return []
    picked = naming if any(naming) else [True] * len(clauses)
    if _words is not None:  # the same names in one C loop (decision 0376)
        return _words.topic_names(_WORD, parsed.lemma, clauses, picked)
    lemmas, names = parsed.lemma, _WORD
    out = []
    for clause, on in zip(clauses, picked, strict=True):
        if on:
            words = [w for w in lemmas[clause.start : clause.end] if names[w][0]]  # a letter
            out += [names[w][2] for w in words]
            out += [f"t={a}_{b}" for a, b in zip(words, words[1:], strict=False)]
    return out


def features(*parts, **named) -> list[str]:
    """The sorted, distinct features of one reading (`feature_bag`'s arguments)."""
    return sorted(feature_bag(*parts, **named))


def crossed(bag: Collection[str], component: str) -> Collection[str]:
    """A bag made with `crossed=False` (`feature_bag`) as `feature_bag` makes it: for
    the presence family, every feature but the second view's (`t=`) once more with
    its component."""
    if family_of(component) != "presence":
        return bag
    prefix = f"{component}:"
    return [*bag, *[prefix + f for f in bag if not f.startswith("t=")]]


def feature_bag(
    parsed: Parsed,
    component: str,
    rule_label: str,
    reason: str = "",
    states: list[State] | None = None,
    found: list[Cue] | None = None,
    naming: list[bool] | None = None,
    cross: bool = True,
) -> list[str] | set[str]:
    """`features` in no particular order: what the model sums needs no sorted names
    (`FamilyModel.score_batch` sorts the row's feature ids), so a reading sorts the
    strings only when they are asked for (decision 0263). Without `cross` the
    presence family's features are not crossed with the component: the model finds
    the crossed ones' ids from the plain strings (`FamilyModel.score_batch`'s
    `components`), and `crossed` makes their names when they are asked for
    (decision 0310)."""
    out = [f"rule={rule_label}", f"component={component}"]
    if reason:
        out.append(f"rule={rule_label}|{reason}")
    matched = parsed.found  # a class is in it only with a span
    out += [_HAS[m] for m in matched if m in _HAS]
    if claim_contradicted(parsed):
        out.append("claim=contradicted")
    if states is not None:
        out += outcome_features(states)
    if found is not None:
        out += cue_features(found)
    out += class_features(parsed)
    out += word_features(parsed)
    out = set(out)
    if cross and family_of(component) == "presence":
        # mechanism, intervention and output share one model: each feature also
        # crossed with its component ("knows" is a present output, "helped" a present
        # intervention), decision 0147 (the second view is not crossed: decision 0168)
        prefix = f"{component}:"
        return [*out, *set(topic_features(parsed, naming)), *map(prefix.__add__, out)]
    # the second view's names (`t=`) are none of the others': one set holds both, and
    # is the bag itself (its order is no matter: `FamilyModel.score_batch` sorts the
    # ids; decision 0410)
    out.update(topic_features(parsed, naming))
    return out

# cython: infer_types=True
"""The parse's word classes found with a trie of the lexicon's terms (decision 0306).

`WordTrie` finds what `lexicons.WordMatcher` (spaCy's two PhraseMatchers, on LOWER
and on NORM) finds, from the forms the parse has already (`lexicons.Forms`): the
same classes, the same spans, in the same order. A term is the lower-case forms of
its tokens; it matches a run of tokens whose lower-case forms, or whose lemmas, are
the term. The trie is the PhraseMatcher's own algorithm (from each token, follow
the tokens while they continue some term; every term ending on the way is a match)
over Python dictionaries, which this module's compiled build walks in C: no match
tuple made and looked up in the StringStore per match, no Python callback loop.

Where one term is in several classes, the PhraseMatchers name them in the order of
their internal hash map; the trie keeps that order, read from the matchers once
when it is built, so the classes enter the parse's `found` in the order they did.
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from flows.nlp.lexicons import Forms

try:  # the typed twin of `Forms`, where built and current (flows/nlp/compiled.py)
    from flows.nlp._forms import FormTable
except ImportError:
    FormTable = None


def form_reader(nlp: Language) -> Callable[[Doc], tuple[list[str], list[str]]]:
    """doc -> (lower-case forms, lemmas): `_forms.FormTable` where built, else
    `lexicons.Forms` (the same lists)."""
    if FormTable is None:
        return Forms(nlp)
    return FormTable(nlp.vocab.strings)


#: a trie node: (its children by form, the classes of the term ending there as the
#: LOWER matcher names them, as the NORM matcher names them); None: no term ends there
Node = tuple


class WordTrie:
    """class -> [(start, end)] of every word class's terms in a text's forms."""

    def __init__(
        self,
        nlp: Language,
        classes: dict[str, tuple[str, ...]],
        lower: PhraseMatcher,
        lemma: PhraseMatcher,
    ):
        terms: dict[tuple[str, ...], None] = {}
        for words in classes.values():
            for term in words:
                if term.strip():
                    terms[tuple(t.lower_ for t in nlp.make_doc(term))] = None
        strings = nlp.vocab.strings
        ends: dict[tuple[str, ...], list] = {}
        for term in terms:
            doc = _term_doc(nlp, term)
            ends[term] = [
                tuple(strings[key] for key, s, e in matcher(doc) if s == 0 and e == len(term))
                for matcher in (lower, lemma)
            ]
        # nodes made as lists, frozen into tuples once every term is in
        root: list = [{}, None, None]
        for term, (by_lower, by_lemma) in ends.items():
            node = root
            for word in term:
                node = node[0].setdefault(word, [{}, None, None])
            node[1], node[2] = by_lower, by_lemma
        self.root: Node = _frozen(root)

    def __call__(self, lower: list[str], lemma: list[str]) -> dict[str, list[tuple[int, int]]]:
        """`WordMatcher.__call__` from the forms: per class its spans, sorted and
        distinct (one span as found)."""
        found = _walk(self.root[0], lower, lemma)
        for label, spans in found.items():
            if len(spans) > 1:
                found[label] = sorted(set(spans))
        return found


def _frozen(node: list) -> Node:
    return ({w: _frozen(child) for w, child in node[0].items()}, node[1], node[2])


def _term_doc(nlp: Language, term: tuple[str, ...]):
    """A doc whose tokens are the term's words, each its own LOWER and NORM."""
    doc = Doc(nlp.vocab, words=list(term))
    for token, word in zip(doc, term, strict=True):
        token.norm_ = word
    return doc


def _walk(top: dict, lower: list, lemma: list) -> dict:
    """Every term of the trie in the forms, as the two PhraseMatchers list them: the
    LOWER matches by start, then end, then the NORM matches likewise. Both walks go
    together from each start; where the lemmas so far are the forms (the same
    node), the NORM match is the LOWER one again and adds nothing (its span is
    already there, and the spans of a class are made distinct)."""
    found: dict = {}
    later: list = []  # the NORM matches, added after the LOWER ones
    node: tuple
    other: tuple
    children: dict
    n = len(lower)
    for i in range(n):
        node = top.get(lower[i])
        word = lemma[i]
        other = node if word is lower[i] else top.get(word)
        j = i + 1
        while node is not None or other is not None:
            if node is not None and node[1] is not None:
                span = (i, j)
                for label in node[1]:
                    spans = found.get(label)
                    if spans is None:
                        found[label] = [span]
                    else:
                        spans.append(span)
            if other is not None and other is not node and other[2] is not None:
                later.append((other[2], (i, j)))
            if j == n:
                break
            word = lower[j]
            if node is not None:
                same = other is node and lemma[j] is word
                children = node[0]
                node = children.get(word)
                if same:
                    other = node
                    j += 1
                    continue
            if other is not None:
                children = other[0]
                other = children.get(lemma[j])
            j += 1
    for labels, span in later:
        for label in labels:
            spans = found.get(label)
            if spans is None:
                found[label] = [span]
            else:
                spans.append(span)
    return found

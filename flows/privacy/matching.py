"""Finding roster names in text: one matcher for the pseudonymiser and the leak audit.

A name is a sequence of word tokens in canonical form (`flows.privacy.canonical`).
It matches a text where the same tokens follow each other with nothing but
white space, hyphens, apostrophes or invisible characters between them (so
"Anne-Marie", "Anne Marie", "Anne\\nMarie" and "ANNE–MARIE" are one name, and
"Henrik. Sørensen" is two mentions); a name of several words also matches
written as one ("AnneMarie", or with a zero-width space between the parts).
Where names overlap, the leftmost longest wins. Each name also matches in
the genitive with -s ("Henriks").

Common words. A one-word alias that is also a common word of the study's
language (`COMMON_WORDS` below, spaCy's stop words for the language, and the
study's own `[privacy] common_words`) matches only where it reads as a name:

- written with a capital letter, not at the start of a sentence; or
- at the start of a sentence, unless the next word follows it directly (only
  white space between) and is a pronoun, article or verb that makes it a
  question or a modal ("Will you", "May I"; but "Lone, she said" is a name); or
- next to another part of a roster name ("will jensen").

So "I will go; it may help; the rose bush" keeps its words, while "Will said"
and "I told Rose" are names. Both the pseudonymiser and the audit apply the
same rule, so a lower-case "may" in a page never fails a run.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
import unicodedata
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from flows.privacy.canonical import TOKEN, Folded, canonical, fold, is_joiner, tokens

#: Words that are also first names or aliases, per language (besides spaCy's stop
#: words). A study adds its own in `[privacy] common_words`.
COMMON_WORDS = {
    "en": [
        "amber",
        "april",
        "august",
        "bill",
        "bob",
        "carol",
        "cash",
        "chase",
        "cliff",
        "dawn",
        "dean",
        "don",
        "drew",
        "earl",
        "faith",
        "frank",
        "gene",
        "glen",
        "grace",
        "grant",
        "hazel",
        "heather",
        "holly",
        "hope",
        "hunter",
        "iris",
        "ivy",
        "jack",
        "jean",
        "jewel",
        "joy",
        "june",
        "lane",
        "lily",
        "lone",
        "mark",
        "max",
        "may",
        "miles",
        "pat",
        "page",
        "penny",
        "ray",
        "rich",
        "rob",
        "robin",
        "rose",
        "ruby",
        "sandy",
        "sky",
        "summer",
        "sue",
        "violet",
        "will",
        "bent",
        "else",
        "per",
    ],
    "da": [
        "bo",
        "mark",
        "sten",
        "lund",
        "holm",
        "dam",
        "kaj",
        "sol",
        "per",
        "hans",
        "bent",
        "else",
        "lis",
        "ask",
        "birk",
        "dag",
        "eg",
        "gry",
        "hjalte",
        "kim",
        "lykke",
        "maj",
        "mai",
        "rose",
        "storm",
        "tove",
        "ulf",
        "vang",
        "vinter",
        "ask",
    ],
}

#: a sentence-initial common word followed by one of these is not a name ("Will you")
NOT_AFTER_A_NAME = {
    "en": set(
        [
            "i",
            "you",
            "he",
            "she",
            "it",
            "we",
            "they",
            "there",
            "this",
            "that",
            "these",
            "those",
            "be",
            "not",
            "have",
            "the",
            "a",
            "an",
            "one",
            "someone",
            "anyone",
            "everyone",
            "somebody",
            "anybody",
            "everybody",
            "nobody",
            "my",
            "your",
            "our",
            "his",
            "her",
            "their",
            "me",
            "us",
            "them",
        ]
    ),
    "da": set(["jeg", "du", "han", "hun", "den", "det", "vi", "i", "de", "man", "der", "ikke"]),
}

SENTENCE_ENDS = set(".!?…:;\n\r\u2028\u2029")
OPENERS = set(" \t\"'“”‘’«»([{-–—*")


@functools.cache
def common_words(language: str, extra: tuple[str, ...] = ()) -> frozenset[str]:
    """Canonical common words of a language that are also names (see module docstring)."""
    from spacy.util import get_lang_class

    try:
        stop = get_lang_class(language).Defaults.stop_words
    except Exception:  # an unknown language has no stop words
        stop = set()
    words = {canonical(w) for w in [*COMMON_WORDS.get(language, ()), *stop, *extra]}
    return frozenset(w for w in words if w and " " not in w)


@dataclass(frozen=True)
class NameSet:
    """The names searched for, and which one-word names are common words.

    Hashable, so worker processes build one matcher per set (`matcher_for`)."""

    names: tuple[str, ...]
    language: str = "en"
    extra_common: tuple[str, ...] = ()

    @property
    def fingerprint(self) -> str:
        text = "\n".join([self.language, *self.extra_common, "", *self.names])
        return hashlib.sha256(text.encode()).hexdigest()

    def __bool__(self) -> bool:
        return bool(self.names)


def person_forms(names: Iterable[str]) -> list[str]:
    """A person's names and aliases, plus each part of the full name (the first
    one) on its own: a surname alone ("Sørensen, Henrik") names a person too.
    Parts of one letter (initials) and numbers are left out."""
    return list(_person_forms(tuple(names)))


#: `person_forms` is asked twice a run for every person (the audit's names and the
#: pseudonymiser's, decision 0231): made once per process and roster entry
@functools.lru_cache(maxsize=32768)
def _person_forms(names: tuple[str, ...]) -> tuple[str, ...]:
    names = [n for n in names if n.strip()]
    parts = [t for t in tokens(names[0]) if len(t) > 1 and not t.isdigit()] if names else []
    parts = [  # "al" of "Mohammed Al-Khatib", never a name alone (decision 0365)
        t for i, t in enumerate(parts) if not (0 < i < len(parts) - 1 and t in name_particles())
    ]
    forms = [*names, *(p for p in parts if p not in names)]
    words = _WORD.findall(unicodedata.normalize("NFC", names[0])) if names else []
    variants = [v for n in [*names, *words] for v in digraph_spellings(n)]
    return (*forms, *dict.fromkeys(v for v in variants if v not in forms))


@functools.cache
def name_particles() -> frozenset[str]:
    """Surname particles in canonical form ("al", "el", "bin", "ibn", "van", "der",
    "de", "von": nameparser's prefixes). Between the first and the last part of a
    full name such a part names no one on its own; as a form of its own it
    replaced "van" and "der" in every text and failed the audit of every page
    holding "et al." (decision 0365). First and last parts stay forms whatever
    they are ("Le", "Do", "Dal" are surnames), and so does an alias as listed."""
    from nameparser.config import CONSTANTS

    return frozenset(t for p in CONSTANTS.prefixes for t in tokens(p))


#: letters written with two ASCII letters where a keyboard lacks them ("Sørensen"
#: as "Soerensen", "Åse" as "Aase", "Müller" as "Mueller"); `canonical` folds
#: each to one letter ("o", "a", "u"), so the two-letter spelling is a form of its own
DIGRAPHS = str.maketrans(
    {"ø": "oe", "Ø": "Oe", "å": "aa", "Å": "Aa", "ö": "oe", "Ö": "Oe", "ä": "ae", "Ä": "Ae",
     "ü": "ue", "Ü": "Ue"}
)  # fmt: skip
#: where a name may be spelt either way: one of `DIGRAPHS`' letters, or two
#: letters that may stand for one ("aa" for "å")
_SITE = re.compile("[øåöäü]|aa|oe|ue", re.IGNORECASE)
#: a name with more such places than this gets two spellings only: every letter
#: written as two, every pair read as one (else 2**6 spellings at most per name)
MAX_SITES = 6
_WORD = re.compile(r"[^\W\d_]+")


def digraph_spellings(name: str) -> list[str]:
    """The other spellings of `name` by the two-letter convention (`DIGRAPHS`):
    its letters written as two ("Sørby" -> "Soerby"), a name written with two
    read as the one letter ("Aase" -> "Ase", matching "Åse"), and each mix of the
    two where a name has several such places ("Aagaard" -> "Ågaard", "Aagård":
    decision 0283). A spelling with a word of fewer than three letters, or a
    changed word that is an ordinary English or Danish word, is left out ("Joe"
    is not also "Jo", "de Haan" not also "de Han"): it would replace ordinary
    words. One spelling per canonical form."""
    return list(_digraph_spellings(name))


#: the pseudonymiser asks `person_forms` with each person's alias parts added
#: (another key of `_person_forms`' memo than the audit's names): its names and
#: words are mostly the ones the audit's forms spelt already, so each name's
#: spellings are made once per process (the memo lives in memory only)
@functools.lru_cache(maxsize=65536)
def _digraph_spellings(name: str) -> tuple[str, ...]:
    name = unicodedata.normalize("NFC", name)
    sites = list(_SITE.finditer(name))
    if not sites:
        return ()
    ways = [(m.group(), _other_way(m.group())) for m in sites]
    if len(sites) > MAX_SITES:  # its letters all written as two; its pairs all read as one
        picks = [tuple(w[len(w[0]) == 1] for w in ways), tuple(w[len(w[0]) == 2] for w in ways)]
    else:
        picks = list(itertools.product(*ways))[1:]  # the first keeps every place
    before = set(_WORD.findall(name))
    seen = {canonical(name)}
    found = []
    for pick in picks:
        spelt, end = [], 0
        for m, part in zip(sites, pick, strict=True):
            spelt += [name[end : m.start()], part]
            end = m.end()
        variant = "".join([*spelt, name[end:]])
        words = _WORD.findall(variant)
        if canonical(variant) in seen or any(len(w) < 3 for w in words):
            continue
        if any(_ordinary(w) for w in words if w not in before):
            continue
        seen.add(canonical(variant))
        found.append(variant)
    return tuple(found)


def _other_way(spelt: str) -> str:
    """A letter of `DIGRAPHS` as its two letters; two letters as the first."""
    return spelt.translate(DIGRAPHS) if len(spelt) == 1 else spelt[0]


def _ordinary(word: str) -> bool:
    """An ordinary word of English or Danish, or a common word that is a name."""
    from flows.privacy.unknown_names import is_ordinary_word

    folded = canonical(word)
    return (
        is_ordinary_word(word)
        or folded in common_words("en")
        or folded in common_words("da")
        or folded in english_words()
    )


@functools.cache
def english_words() -> frozenset[str]:
    """The lemmas of spaCy's English lookup lemma table, canonical: "Age", Aage
    read with one letter, is a word, so it is not a spelling of Aage (it would
    replace "age" in every excerpt and fail every page with an "Age" row). Empty
    without spacy-lookups-data."""
    from flows.nlp.lexicons import lemma_words

    return frozenset(canonical(v) for v in lemma_words("en"))


def genitive(form: tuple[str, ...]) -> tuple[str, ...] | None:
    """The genitive in -s of a canonical name form ("henrik" -> "henriks"); of a
    name ending in -s, the colloquial Danish -es ("lars" -> "larses", decision 0422)."""
    if not form:
        return None
    return (*form[:-1], form[-1] + ("es" if form[-1].endswith("s") else "s"))


#: initials right before a name ("M. ", "J.H. ", "A.-M. ", "M.", "JH "): preceded by
#: nothing or a blank, quote or bracket; one or two capitals without dots only with
#: a blank after them, and never a lone "I", "A", "O", "Å" or "Ø" (words)
_INITIALS = re.compile(
    r"(?<![^\s(\"'“‘\[/])(?:(?:[^\W\d_]\.[ \t]?(?:-[ \t]?)?){1,4}|[^\W\d_]{1,2}[ \t])$"
)
_NOT_INITIALS = frozenset("IAOÅØ")


def initials_before(text: str, start: int, floor: int = 0) -> int:
    """Where the initials right before a name at `start` begin ("M. Hansen",
    "J.H. Hansen", "A.-M. Holm-Jensen"), or `start` when there are none; never
    before `floor`. They go with the name into its label (decision 0422)."""
    found = _INITIALS.search(text, max(floor, start - 24), start)
    if not found or not found.group().replace(".", "").replace("-", "").strip().isupper():
        return start
    if "." not in found.group() and found.group().strip() in _NOT_INITIALS:
        return start
    return found.start()


@dataclass
class Match:
    """A name found: canonical token positions, character span in the original
    text, and the key of the name's entry."""

    key: Hashable
    start: int
    end: int
    first_token: int = 0
    tokens: int = 1


@dataclass
class _Form:
    words: tuple[str, ...]
    key: Hashable
    common: bool


@dataclass
class NameMatcher:
    """Names in canonical form, indexed by their first token."""

    language: str = "en"
    common: frozenset[str] = frozenset()
    index: dict[str, list[_Form]] = field(default_factory=dict)
    name_tokens: set[str] = field(default_factory=set)

    @classmethod
    def build(
        cls,
        entries: Iterable[tuple[Hashable, Iterable[str]]],
        language: str = "en",
        extra_common: Iterable[str] = (),
    ) -> NameMatcher:
        """`entries`: (key, names); a form carried by several keys keeps the first
        key given (callers group carriers so that each form has one key)."""
        matcher = cls(language, common_words(language, tuple(sorted(extra_common))))
        seen: set[tuple[str, ...]] = set()
        for key, names in entries:
            for name in names:
                form = tokens(name)
                if not form:
                    continue
                common = len(form) == 1 and form[0] in matcher.common
                joined = ("".join(form),) if len(form) > 1 else None  # "AnneMarie"
                for words in (form, genitive(form), joined, joined and genitive(joined)):
                    if words and words not in seen:
                        seen.add(words)
                        matcher.index.setdefault(words[0], []).append(_Form(words, key, common))
                if not common:
                    matcher.name_tokens.update(form)
        for forms in matcher.index.values():
            forms.sort(key=lambda f: -len(f.words))
        return matcher

    def find(self, text: str, folded: Folded | None = None) -> list[Match]:
        """Every name in `text`, leftmost longest, in text order."""
        folded = folded or fold(text)
        found = list(TOKEN.finditer(folded.text))
        words = [m.group() for m in found]
        if not words or self.index.keys().isdisjoint(words):
            return []
        matches: list[Match] = []
        i = 0
        while i < len(words):
            forms = self.index.get(words[i])
            match = forms and self._match_at(text, folded, found, words, i, forms)
            if match:
                matches.append(match)
                i += match.tokens
            else:
                i += 1
        return matches

    def _match_at(self, text, folded, found, words, i, forms) -> Match | None:
        for form in forms:
            n = len(form.words)
            if tuple(words[i : i + n]) != form.words:
                continue
            if any(
                not all(map(is_joiner, folded.text[found[j].end() : found[j + 1].start()]))
                for j in range(i, i + n - 1)
            ):
                continue
            start = folded.source(found[i].start())
            end = folded.source(found[i + n - 1].end() - 1) + 1
            if form.common:
                gap = (
                    folded.text[found[i].end() : found[i + 1].start()] if i + 1 < len(found) else ""
                )
                if not self._reads_as_name(text, start, words, i, gap):
                    continue
            return Match(form.key, start, end, i, n)
        return None

    def _reads_as_name(self, text: str, start: int, words: list[str], i: int, gap: str) -> bool:
        """A common-word alias at token i (character `start` of the original);
        `gap` is the text between it and the next word."""
        if (i > 0 and words[i - 1] in self.name_tokens) or (
            i + 1 < len(words) and words[i + 1] in self.name_tokens
        ):
            return True
        if not text[start].isupper():
            return False
        if not _sentence_initial(text, start):
            return True
        if gap.strip():  # "Lone, she said": punctuation parts it from the next word
            return True
        after = NOT_AFTER_A_NAME.get(self.language, NOT_AFTER_A_NAME["en"])
        return not (i + 1 < len(words) and words[i + 1] in after)


def _sentence_initial(text: str, start: int) -> bool:
    """Nothing but openers (space, quotes, brackets, dashes) between a sentence end
    (or the start of the text) and `start`."""
    index = start - 1
    while index >= 0 and (text[index] in OPENERS or not text[index].isprintable()):
        if text[index] in SENTENCE_ENDS:
            return True
        index -= 1
    return index < 0 or text[index] in SENTENCE_ENDS


@functools.lru_cache(maxsize=4)
def matcher_for(name_set: NameSet) -> NameMatcher:
    """One matcher per process and set of names (worker processes reuse it)."""
    return NameMatcher.build(
        ((None, [n]) for n in name_set.names), name_set.language, name_set.extra_common
    )

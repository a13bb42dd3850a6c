"""What `triangulate validate` says about the interviews' languages (decision 0330).

Two notes, counts only (never an excerpt's words):

- excerpts in a language the stance reader does not read (Norwegian, Swedish...):
  how many, how many without a coded stance, and that those stay `unclear`
  until reviewed;
- excerpts of interviews declared English or Danish whose words read as another
  language: the English or Danish rules would misread them, so the note names
  the keys that say each interview's language.

A text's language is guessed from its function words ("jeg", "ikke", "det" read
Scandinavian; "ble", "nå", "noen", "mye" Norwegian, "blev", "nu", "nogen",
"meget" Danish, "och", "inte", "jag" Swedish, "que", "pero", "estoy" Spanish).

The same guess keeps the stance reader off an excerpt of an English or Danish
interview that reads as a language it does not read (a patient's own Spanish or
Polish sentence in an English interview): `unread_as` says so, and the excerpt is
`unclear` with that reason, never read by the interview's rules (decision 0396).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from flows.study.languages import READER_LANGUAGES, has_reader, language_name


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


#: function words that tell languages apart (forms shared by two count for neither)
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": _set("the and is was it that of to my she he they we not with have has but very"),
    "da": _set(
        "jeg ikke det og er var hun han mig dig sig nu nogen meget efter hvad havde blev gik "
        "fik kunne også bare har"
    ),
    "nb": _set(
        "jeg ikke det og er var hun han meg deg seg nå noen mye etter hva hadde ble gikk "
        "fikk kunne også bare har"
    ),
    "sv": _set(
        "jag inte det och är var hon han mig dig sig nu någon mycket efter vad hade blev gick "
        "fick kunde också bara har"
    ),
    "de": _set("ich nicht das und ist war sie er mich mir nun sehr nach was hatte"),
    "pl": _set(
        # not "to", "do", "na", "tak": English or Danish words too
        "się nie jest że mnie jak ale już teraz bardzo niż mam przed był była było są jestem czuję"
    ),
    "es": _set(
        # not "no", "me", "a", "de", "en", "la", "se", "i": English, Danish or Swedish words too
        "que el los las y mi mis yo es está estoy con por para pero muy lo su sus ya más porque "
        "cuando también tengo siento mucho una un del al nos le les era fue"
    ),
}
#: languages read alike by function words: a guess of one in an interview of the
#: other is no evidence of another language ("nå" in Danish reads as Norwegian)
RELATED: dict[str, frozenset[str]] = {
    "da": frozenset({"nb", "nn", "sv"}),
    "nb": frozenset({"da", "nn", "sv"}),
    "nn": frozenset({"da", "nb", "sv"}),
    "sv": frozenset({"da", "nb", "nn"}),
}
WORD = re.compile(r"[^\W\d_]+")


def _codes_of() -> dict[str, tuple[str, ...]]:
    """Each function word's languages (`CODES_OF`)."""
    found: dict[str, tuple[str, ...]] = {}
    for code, words in FUNCTION_WORDS.items():
        for word in words:
            found[word] = (*found.get(word, ()), code)
    return found


#: a text's words are looked up once, not once a language: every excerpt is
#: guessed before it is read (decision 0396)
CODES_OF = _codes_of()


def guess_language(text: str) -> str | None:
    """The language whose function words a text holds most (two at least), or
    languages tied for it joined by "/" ("da/nb": no word of either's own), or None."""
    words = [w.casefold() for w in WORD.findall(text)]
    scores = dict.fromkeys(FUNCTION_WORDS, 0)
    for word in words:
        for code in CODES_OF.get(word, ()):
            scores[code] += 1
    best = max(scores.values())
    if best < 2:
        return None
    leaders = sorted(code for code, score in scores.items() if score == best)
    if len(leaders) > 1:  # Danish and Norwegian share most words: their own decide
        own = {c: sum(_own(w, c) for w in words) for c in leaders}
        top = max(own.values())
        leaders = sorted(c for c in leaders if own[c] == top) if top else leaders
    return "/".join(leaders)


def unread_as(language: str, text: str) -> str | None:
    """The language(s) an excerpt of an interview in `language` (one with a stance
    reader) reads as when that is another language without a reader, not a
    relative of `language` ("es", "pl", "nb/sv"); else None. Such an excerpt is
    not machine-read (decision 0396)."""
    guessed = guess_language(text) if isinstance(text, str) else None
    return guessed if guessed is not None and _unread(language, guessed) else None


def _unread(language: str, guessed: str) -> bool:
    codes = guessed.split("/")
    return not (
        language in codes or any(has_reader(c) or c in RELATED.get(language, ()) for c in codes)
    )


def unread_cue(guessed: str) -> str:
    """The cue of an excerpt `unread_as` keeps from the reader (the dossier shows
    what follows "not read: ")."""
    return f"not read: it reads as {_names(guessed)}, which the stance reader does not read"


def _own(word: str, code: str) -> bool:
    """A function word of this language and of no other."""
    return word in FUNCTION_WORDS[code] and not any(
        word in found for other, found in FUNCTION_WORDS.items() if other != code
    )


def _names(guessed: str) -> str:
    return " or ".join(language_name(code) for code in guessed.split("/"))


def language_notes(excerpts: Iterable[tuple[str, str, object]]) -> list[str]:
    """Notes on the languages of excerpts given as (language, text, coded stance or
    None/NaN)."""
    without_reader: Counter = Counter()
    uncoded: Counter = Counter()
    other: dict[str, Counter] = {}
    declared: Counter = Counter()
    machine_read: dict[str, Counter] = {}  # of `other`: those without a coded stance
    for language, text, coded in excerpts:
        language = str(language)
        if not has_reader(language):
            without_reader[language] += 1
            uncoded[language] += not isinstance(coded, str) or not coded
            continue
        declared[language] += 1
        guessed = guess_language(text) if isinstance(text, str) else None
        if guessed is not None and language not in guessed.split("/"):
            other.setdefault(language, Counter())[guessed] += 1
            if not isinstance(coded, str) or not coded:
                machine_read.setdefault(language, Counter())[guessed] += 1
    notes = []
    for language in sorted(without_reader):
        notes.append(
            f"{without_reader[language]} excerpts in {language_name(language)}, "
            f"{uncoded[language]} of them without a coded stance: the stance reader reads "
            f"{' and '.join(language_name(c) for c in READER_LANGUAGES)} only, so it does not "
            "read these; they stay `unclear` (and the verdicts on them provisional) until you "
            "code them in your QDA project or review them in the run's review sheet"
        )
    for language in sorted(other):
        for guessed, count in sorted(other[language].items()):
            if count * 4 < declared[language]:  # a few quotes in another language
                uncoded_here = machine_read.get(language, Counter())[guessed]
                if uncoded_here:
                    notes.append(
                        _few_note(uncoded_here, count, declared[language], language, guessed)
                    )
                continue
            effect = (
                "they are not machine-read (unclear until you code or review them)"
                if _unread(language, guessed)
                else f"the {language_name(language)} rules would misread them"
            )
            notes.append(
                f"{count} of {declared[language]} excerpts of interviews in "
                f"{language_name(language)} read as {_names(guessed)}: {effect}. Say each "
                "interview's language: `[study] language` for all, `[qda] language_variable` "
                "(a source variable holding en, Norsk, English...) or the interviews file's "
                "`language` column for each"
            )
    return notes


def _few_note(uncoded: int, count: int, declared: int, language: str, guessed: str) -> str:
    """A few excerpts of interviews in a read language that read as another (a
    participant's own words quoted in an interpreted interview): the ones without
    a coded stance would be machine-read by the wrong rules (decision 0370)."""
    name = language_name(language)
    it = "it" if uncoded == 1 else "them"
    start = (
        f"{count} of {declared} excerpts of interviews in {name} read as {_names(guessed)}, "
        f"{uncoded} of them without a coded stance: "
    )
    if _unread(language, guessed):  # decision 0396
        return start + (
            f"the stance reader does not read {it}, so {it} stay{'s' if uncoded == 1 else ''} "
            f"`unclear` until you give {it} a stance sub-code in your QDA project or review "
            f"{it} in the run's review sheet"
        )
    return start + (
        f"the {name} rules would read {it}. Give {it} a stance sub-code in your QDA project, "
        "or check the machine's reading in the run's review sheet"
    )

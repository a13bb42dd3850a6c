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
"meget" Danish, "och", "inte", "jag" Swedish): a guess for a note, never used
to read a stance.
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
}
WORD = re.compile(r"[^\W\d_]+")


def guess_language(text: str) -> str | None:
    """The language whose function words a text holds most (two at least), or
    languages tied for it joined by "/" ("da/nb": no word of either's own), or None."""
    words = [w.casefold() for w in WORD.findall(text)]
    scores = {code: sum(w in found for w in words) for code, found in FUNCTION_WORDS.items()}
    best = max(scores.values())
    if best < 2:
        return None
    leaders = sorted(code for code, score in scores.items() if score == best)
    if len(leaders) > 1:  # Danish and Norwegian share most words: their own decide
        own = {c: sum(_own(w, c) for w in words) for c in leaders}
        top = max(own.values())
        leaders = sorted(c for c in leaders if own[c] == top) if top else leaders
    return "/".join(leaders)


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
            notes.append(
                f"{count} of {declared[language]} excerpts of interviews in "
                f"{language_name(language)} read as {_names(guessed)}: the "
                f"{language_name(language)} rules would misread them. Say each interview's "
                "language: `[study] language` for all, `[qda] language_variable` (a source "
                "variable holding en, Norsk, English...) or the interviews file's `language` "
                "column for each"
            )
    return notes


def _few_note(uncoded: int, count: int, declared: int, language: str, guessed: str) -> str:
    """A few excerpts of interviews in a read language that read as another (a
    participant's own words quoted in an interpreted interview): the ones without
    a coded stance would be machine-read by the wrong rules (decision 0370)."""
    name = language_name(language)
    return (
        f"{count} of {declared} excerpts of interviews in {name} read as {_names(guessed)}, "
        f"{uncoded} of them without a coded stance: the {name} rules would read "
        f"{'it' if uncoded == 1 else 'them'}. Give {'it' if uncoded == 1 else 'them'} a "
        "stance sub-code in your QDA project, or check the machine's reading in the run's "
        "review sheet"
    )

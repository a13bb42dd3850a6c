"""Interview languages: the codes and names a researcher writes, and which have a
stance reader (decision 0330).

The stance reader reads English (`en`) and Danish (`da`). A study may be in
any other language (Norwegian bokmål `nb`, nynorsk `nn`, Swedish `sv`,
German `de`...): its excerpts are loaded, pseudonymised and shown as any
other, but none is machine-read. An excerpt without a coded stance in such a
language is `unclear` until a person reviews it (the review sheet), never
read by the English or Danish rules, which would misread it.

A language is written as a code (`nb`) or as its name in English or a
Scandinavian language (`Norsk`, `bokmål`, `Engelsk`, `English`, `dansk`), as
an NVivo or ATLAS.ti attribute usually holds it.
"""

from __future__ import annotations

import re

#: languages the stance reader reads
READER_LANGUAGES = ("en", "da")

#: a language's name (English, Norwegian, Danish, Swedish, German) or other
#: code -> its ISO 639-1 code
LANGUAGE_NAMES: dict[str, str] = {
    "english": "en",
    "engelsk": "en",
    "engelska": "en",
    "englisch": "en",
    "eng": "en",
    "danish": "da",
    "dansk": "da",
    "danska": "da",
    "dänisch": "da",
    "dan": "da",
    "norwegian": "nb",
    "norsk": "nb",
    "norska": "nb",
    "norwegisch": "nb",
    "bokmål": "nb",
    "bokmal": "nb",
    "norsk bokmål": "nb",
    "no": "nb",
    "nor": "nb",
    "nob": "nb",
    "nynorsk": "nn",
    "norsk nynorsk": "nn",
    "nno": "nn",
    "swedish": "sv",
    "svensk": "sv",
    "svenska": "sv",
    "swe": "sv",
    "german": "de",
    "tysk": "de",
    "deutsch": "de",
    "ger": "de",
    "deu": "de",
    "finnish": "fi",
    "finsk": "fi",
    "suomi": "fi",
    "icelandic": "is",
    "islandsk": "is",
    "dutch": "nl",
    "nederlands": "nl",
    "french": "fr",
    "fransk": "fr",
    "français": "fr",
    "spanish": "es",
    "spansk": "es",
    "español": "es",
    "arabic": "ar",
    "arabisk": "ar",
    "somali": "so",
    "polish": "pl",
    "polsk": "pl",
    "polski": "pl",
}

#: code -> a name to print
NAMES: dict[str, str] = {
    "en": "English",
    "da": "Danish",
    "nb": "Norwegian bokmål",
    "nn": "Norwegian nynorsk",
    "sv": "Swedish",
    "de": "German",
    "fi": "Finnish",
    "is": "Icelandic",
    "nl": "Dutch",
    "fr": "French",
    "es": "Spanish",
    "ar": "Arabic",
    "so": "Somali",
    "pl": "Polish",
}

CODE = re.compile(r"^[a-z]{2}$")


def language_code(value: str) -> str | None:
    """The ISO 639-1 code a language value names (`nb` for "Norsk", "bokmål",
    "no"), a two-letter code as it is, or None for anything else."""
    key = " ".join(value.split()).casefold()
    if key in LANGUAGE_NAMES:
        return LANGUAGE_NAMES[key]
    return key if CODE.match(key) else None


def has_reader(code: str) -> bool:
    """Whether the stance reader reads this language."""
    return code in READER_LANGUAGES


def tool_language(code: str) -> str:
    """The language whose word lists the pseudonymiser and the stance reader's
    tokenizer use for a study in `code`: itself when read, Danish for the other
    Scandinavian languages (titles such as "fru", the same letters), else English."""
    if code in READER_LANGUAGES:
        return code
    return "da" if code in ("nb", "nn", "sv") else "en"


def language_name(code: str) -> str:
    return f"{NAMES.get(code, code)} ({code})" if code in NAMES else code

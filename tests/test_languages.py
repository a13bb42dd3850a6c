"""Interview languages (decision 0330), called directly for `make mutants`: which
languages the stance reader reads (an excerpt in any other is left `unclear`, never
read by the English or Danish rules), the names a researcher writes for a language,
the word lists a study in another language borrows, and `validate`'s two notes, word
for word."""

from __future__ import annotations

import math

import pytest

from flows.language_notes import (
    FUNCTION_WORDS,
    _few_note,
    _set,
    guess_language,
    language_notes,
)
from flows.study.languages import has_reader, language_code, language_name, tool_language


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("Norsk", "nb"),
        ("bokmål", "nb"),
        (" Norsk \t bokmål ", "nb"),  # blanks inside and around folded
        ("no", "nb"),
        ("Engelsk", "en"),
        ("ENGLISH", "en"),
        ("dansk", "da"),
        ("svenska", "sv"),
        ("nynorsk", "nn"),
        ("NB", "nb"),  # a code as it is, in lower case
        ("xx", "xx"),
        ("Klingon", None),
        ("abc", None),  # three letters that name nothing
        ("e1", None),
        ("", None),
        ("en-GB", None),
    ],
)
def test_a_language_value_names_its_code(value, code):
    assert language_code(value) == code


@pytest.mark.parametrize(
    ("code", "read", "tools"),
    [
        ("en", True, "en"),
        ("da", True, "da"),
        ("nb", False, "da"),
        ("nn", False, "da"),
        ("sv", False, "da"),
        ("de", False, "en"),
        ("fi", False, "en"),
        ("xx", False, "en"),
    ],
)
def test_only_english_and_danish_are_read(code, read, tools):
    assert has_reader(code) is read
    assert tool_language(code) == tools


def test_a_language_is_named_with_its_code():
    assert language_name("nb") == "Norwegian bokmål (nb)"
    assert language_name("en") == "English (en)"
    assert language_name("xx") == "xx"


@pytest.mark.parametrize(
    ("text", "guess"),
    [
        ("Hun var snill, men jeg orket ikke å åpne døra, det ble for mye.", "nb"),
        ("Jeg orkede ikke at åbne døren, det blev for meget.", "da"),
        ("Jag orkade inte öppna dörren, det blev för mycket.", "sv"),
        ("She was kind, but I could not open the door.", "en"),
        ("The And", "en"),  # two function words are enough, in any case
        ("the door", None),  # one is not
        ("Jeg ikke", "da/nb"),  # shared words only: both
        # Danish and Norwegian tied: a word of Norwegian's own ("mye") decides, not
        # one Danish shares with Swedish ("blev", "mig")
        ("jeg ikke blev mye", "nb"),
        ("jeg ikke mig mye", "nb"),
        ("jeg ikke meget mye", "da/nb"),  # each one of its own: still both
        ("Ich war nicht da, und sie war sehr müde.", "de"),
        ("", None),
        ("1234 5678", None),
    ],
)
def test_a_texts_language_is_guessed_from_its_function_words(text, guess):
    assert guess_language(text) == guess


def test_function_words_are_sets_of_their_words():
    """`_set` runs at import, before a mutation run picks a mutant: called here."""
    assert _set("jeg  ikke\tdet") == frozenset({"jeg", "ikke", "det"})
    assert "mye" in FUNCTION_WORDS["nb"] and "mye" not in FUNCTION_WORDS["da"]


NOT_READ = (
    "{n} excerpts in {name}, {uncoded} of them without a coded stance: the stance reader "
    "reads English (en) and Danish (da) only, so it does not read these; they stay "
    "`unclear` (and the verdicts on them provisional) until you code them in your QDA "
    "project or review them in the run's review sheet"
)
OTHER = (
    "{count} of {declared} excerpts of interviews in {name} read as {guessed}: the {name} "
    "rules would misread them. Say each interview's language: `[study] language` for "
    "all, `[qda] language_variable` (a source variable holding en, Norsk, English...) or "
    "the interviews file's `language` column for each"
)
#: a guess without a stance reader: those excerpts are not read (decision 0396)
OTHER_UNREAD = OTHER.replace(
    "the {name} rules would misread them",
    "they are not machine-read (unclear until you code or review them)",
)
NB = "Hun var snill, men jeg orket ikke å åpne døra, det ble for mye."
EN = "She was kind, but I could not open the door."


def test_excerpts_in_a_language_without_a_reader_are_counted_with_the_uncoded():
    notes = language_notes(
        [
            ("nb", NB, "present"),
            ("nb", NB, None),
            ("nb", NB, math.nan),
            ("nb", NB, ""),
            ("sv", "Jag orkade inte.", "absent"),
            ("en", EN, None),
        ]
    )
    assert notes == [
        NOT_READ.format(n=4, name="Norwegian bokmål (nb)", uncoded=3),
        NOT_READ.format(n=1, name="Swedish (sv)", uncoded=0),
    ]


def test_a_quarter_of_declared_excerpts_in_another_language_is_noted():
    quarter = [("en", NB, None), *[("en", EN, None)] * 3]
    assert language_notes(quarter) == [
        OTHER_UNREAD.format(
            count=1, declared=4, name="English (en)", guessed="Norwegian bokmål (nb)"
        )
    ]
    # under a quarter: no note when the quote has a coded stance; with none, the
    # few-quotes note (decision 0370; not read, decision 0396)
    assert language_notes([("en", NB, "present"), *[("en", EN, None)] * 4]) == []
    assert language_notes([("en", NB, None), *[("en", EN, None)] * 4]) == [
        _few_note(1, 1, 5, "en", "nb")
    ]


def test_a_guess_that_includes_the_declared_language_is_no_note():
    tied = [("da", "Jeg ikke", None), ("da", "Jeg ikke", None)]
    assert language_notes(tied) == []
    danish = [("da", "Jeg ikke", None), ("en", "Jeg ikke det", None)]
    assert language_notes(danish) == [
        OTHER.format(
            count=1, declared=1, name="English (en)", guessed="Danish (da) or Norwegian bokmål (nb)"
        )
    ]


def test_texts_that_are_no_text_are_not_guessed():
    assert language_notes([("en", math.nan, None), ("en", None, "present")]) == []


def test_each_language_read_is_weighed_on_its_own():
    """One Danish-reading excerpt of twelve is no note; three Norwegian ones are, though
    Danish comes first in the order the notes are made."""
    da = "Jeg orkede ikke at åbne døren, det blev for meget."
    norwegian = OTHER_UNREAD.format(
        count=3, declared=12, name="English (en)", guessed="Norwegian bokmål (nb)"
    )
    excerpts = [("en", da, "present"), *[("en", NB, None)] * 3, *[("en", EN, None)] * 8]
    assert language_notes(excerpts) == [norwegian]
    # the Danish one without a coded stance is the few-quotes note (decision 0370)
    excerpts[0] = ("en", da, None)
    assert language_notes(excerpts) == [_few_note(1, 1, 12, "en", "da"), norwegian]


def test_the_guess_counts_each_languages_function_words_as_the_sets_say():
    """`guess_language` looks each word up once (`CODES_OF`); the scores must be
    those of counting every language's set on its own, ties and shared words too."""
    import random

    from flows.language_notes import CODES_OF, WORD

    assert {w for words in FUNCTION_WORDS.values() for w in words} == set(CODES_OF)
    for word, codes in CODES_OF.items():
        assert set(codes) == {c for c, words in FUNCTION_WORDS.items() if word in words}
    vocabulary = sorted(CODES_OF) + ["kaffe", "walked", "Zbigniew"]
    rng = random.Random(396)
    for _ in range(300):
        text = " ".join(rng.choice(vocabulary) for _ in range(rng.randrange(1, 12)))
        words = [w.casefold() for w in WORD.findall(text)]
        scores = {c: sum(w in found for w in words) for c, found in FUNCTION_WORDS.items()}
        guessed = guess_language(text)
        if max(scores.values()) < 2:
            assert guessed is None
        else:
            assert set(guessed.split("/")) <= {
                c for c, s in scores.items() if s == max(scores.values())
            }

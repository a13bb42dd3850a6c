"""Own themes where more is better, read from the study file (thirteenth pass,
decision 0419): a return to the object said now ("back full time", "tilbage på
arbejdet") and a level of it reached now ("oppe på tre dage om ugen") are more of it;
a plan, a negation, a return from something, a relapse after the return are not."""

from __future__ import annotations

import pytest

from flows.nlp.own_more import applies
from flows.nlp.profiles import profile_for
from flows.nlp.reader import StanceReader

WORK = {
    "work_days": ["work", "job", "back at work", "full time", "desk", "arbejde", "arbejdet"]
    + ["fuld tid", "job", "kollegerne", "dage om ugen"]
}
LABEL = "Return to work (days at work)"


def _reader(language: str, better: str | None = "higher") -> StanceReader:
    profile = profile_for("theme", language, "outcome", WORK, None, better, LABEL)
    return StanceReader(language, {"theme": profile}, {"theme": WORK}, model=False)


def _read(language: str, text: str, better: str | None = "higher") -> str:
    return _reader(language, better).read(text, "theme", "outcome").rule_label


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "She's back full time now, which is what she wanted."),
        ("en", "He is back at work now, same desk."),
        ("en", "Now she's up to four days a week."),
        ("da", "Hun er tilbage på fuld tid, og det var vigtigt for hende."),
        ("da", "Han er tilbage på arbejdet et par dage om ugen."),
        # "igen" of the return's sentence: the return's, no relapse
        ("da", "Hun er tilbage på arbejdet, og hun nyder at se kollegerne igen."),
        ("da", "Vi talte om en gradvis start, og nu er han oppe på fire dage om ugen."),
    ],
)
def test_a_return_or_a_level_reached_is_more(language, text):
    assert _read(language, text) == "improved"
    # a theme with no `better` is read as higher is better
    assert _read(language, text, None) == "improved"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "He wants to go back to work after the summer."),  # a plan
        ("en", "He isn't back at work yet."),  # negated
        ("en", "He came back from work early, exhausted."),  # a return from
        ("en", "He was back at work in March, but now he's off sick again."),  # relapse
        ("da", "Han vil gerne tilbage på arbejdet efter sommerferien."),
        ("da", "Hun er ikke tilbage på arbejdet endnu."),
    ],
)
def test_no_return_now(language, text):
    assert _read(language, text) != "improved"


def test_only_own_themes_where_more_is_better():
    own_higher = profile_for("theme", "en", "outcome", WORK, None, "higher", LABEL)
    own_lower = profile_for("theme", "en", "outcome", WORK, None, "lower", LABEL)
    scheme = profile_for("physical_activity", "en", "outcome", WORK, None, "higher", LABEL)
    assert applies(own_higher)
    assert not applies(own_lower) and not applies(scheme)


def test_back_on_what_the_lexicon_reads_as_a_hindrance_is_no_return():
    # a study listing "sofa" beside "walk" for a theme where more is better
    examples = {"walking": ["walk", "walking"], "sitting": ["sofa"]}
    profile = profile_for("theme", "en", "outcome", examples, None, None, "Physical activity")
    reader = StanceReader("en", {"theme": profile}, {"theme": examples}, model=False)
    assert reader.read("By August he was back on the sofa.", "theme", "outcome").rule_label != (
        "improved"
    )
    assert reader.read("She is back walking every day.", "theme", "outcome").rule_label == (
        "improved"
    )

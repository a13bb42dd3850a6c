"""An own theme where lower is better, read at both times and since the start
(decision 0278, `flows/nlp/own_times.py`): "either before or since" is no change,
a count of the object since the start (or a first time) with nothing else said of
it is worsened, and the rules' verdict on these is the reader's answer whatever the
model says. A scheme theme reads as before."""

from __future__ import annotations

import functools

import pytest
from conftest import outcome_model, own_reader

EXAMPLES = {
    "en": {
        "ae_visits": {"a_and_e": ["a&e", "emergency", "ambulance", "admission", "admitted"]},
        "falls": {"falls": ["fall", "fell", "fallen"]},
        "sick_days": {"sick_leave": ["sick leave", "signed off", "sickness absence"]},
    },
    "da": {
        "ae_visits": {"akut": ["akutmodtagelsen", "akutten", "skadestuen", "indlagt"]},
        "falls": {"fald": ["falde", "faldt", "faldet"]},
        "sick_days": {"syg": ["sygemeldt", "sygemelding", "sygedag"]},
    },
}


_model = outcome_model
_reader = functools.partial(own_reader, EXAMPLES)


@pytest.mark.parametrize(
    ("language", "theme", "text", "rules"),
    [
        # none then, none now: no change (a negated object alone is improved)
        (
            "en",
            "ae_visits",
            "He's had no emergency admissions at all, either before or during.",
            "no_change",
        ),
        (
            "en",
            "ae_visits",
            "There's nothing on his record from A&E either before or since.",
            "no_change",
        ),
        ("da", "falls", "Hun er ikke faldet, hverken før eller nu.", "no_change"),
        # a later sentence's negated object, not anchored now, is the same stable absence
        (
            "en",
            "ae_visits",
            "No admissions either before or since. He's not one to end up in emergency.",
            "no_change",
        ),
        # without "either ... or" the negated object is read as before
        ("en", "ae_visits", "He's had no emergency admissions since he started.", "improved"),
        # counted since the start, nothing else said of it: the object now
        ("en", "ae_visits", "She's been admitted again, twice since she started.", "worsened"),
        ("da", "falls", "Han er faldet to gange, siden vi startede.", "worsened"),
        (
            "da",
            "ae_visits",
            "Hun blev indlagt i marts. Det var anden gang, siden hun startede.",
            "worsened",
        ),
        ("da", "ae_visits", "Hun var en tur på akutten i marts. Det var første gang.", "worsened"),
        # two counts compared: not a count since the start
        (
            "en",
            "ae_visits",
            "Last winter he was in A&E three times, and since the group he's gone in once.",
            "not worsened",
        ),
        # negated in the "since" clause: none since
        (
            "da",
            "ae_visits",
            "Jeg var på akutmodtagelsen to gange, og siden sommer har jeg ikke været der.",
            "not worsened",
        ),
        # "ved siden af" is no time
        ("da", "falls", "Han faldt to gange ved siden af sengen.", "not worsened"),
    ],
)
def test_both_times_and_since_the_start(language, theme, text, rules):
    reading = _reader(language).read(text, theme)
    if rules == "not worsened":
        assert reading.rule_label != "worsened"
    else:
        assert reading.rule_label == rules


@pytest.mark.parametrize(
    ("language", "text", "label"),
    [
        ("en", "There's nothing on his record from A&E either before or since.", "no_change"),
        ("da", "Han er faldet to gange, siden vi startede.", "worsened"),
    ],
)
def test_the_rules_stand_on_these_constructions(language, text, label):
    theme = "ae_visits" if "A&E" in text else "falls"
    reading = _reader(language, _model("improved", 0.99)).read(text, theme)
    assert (reading.label, reading.rule_label) == (label, label)


def test_a_scheme_theme_and_an_own_theme_where_higher_is_better_read_as_before():
    text = "He's had no emergency admissions at all, either before or during."
    assert "either before or during" not in _reader("en").read(text, "healthcare_use").cues
    assert "either before or during" in _reader("en").read(text, "ae_visits").cues
    higher = _reader("en", better="higher")
    counted = higher.read("She's been admitted again, twice since she started.", "ae_visits")
    assert counted.rule_label != "worsened"
    both = higher.read(text, "ae_visits")
    assert "either before or during" not in both.cues


@pytest.mark.parametrize(
    ("language", "theme", "text", "rules"),
    [
        # a past season against now: its counts are the baseline's
        (
            "da",
            "ae_visits",
            "Sidste vinter var jeg på akutmodtagelsen to gange, og siden sommer har jeg "
            "ikke været der en eneste gang.",
            "improved",
        ),
        (
            "en",
            "ae_visits",
            "I was in A&E last winter with my wrist. Nothing like that now, thank God.",
            "improved",
        ),
        (
            "en",
            "falls",
            "Back in the autumn he fell every week, and now he hardly falls.",
            "improved",
        ),
        # "since the summer" is the latest time, not the baseline
        (
            "en",
            "falls",
            "He has fallen twice since the summer, and now he uses a frame.",
            "worsened",
        ),
    ],
)
def test_a_past_season_is_the_baseline_of_an_own_theme(language, theme, text, rules):
    assert _reader(language).read(text, theme).rule_label == rules


def test_a_season_anchors_nothing_without_a_clause_of_now():
    from flows.nlp.own_times import seasons

    reader = _reader("en")
    profile = reader.profiles["ae_visits"]
    parsed = reader.parse(reader.nlp("Last winter he was in A&E twice."))
    assert seasons(parsed, profile) is parsed
    now = reader.parse(reader.nlp("Last winter he was in A&E twice, and now never."))
    assert [c.anchor for c in seasons(now, profile).clauses][0] == "baseline"
    assert seasons(now, reader.profiles["healthcare_use"]) is now


@pytest.mark.parametrize(
    ("language", "text", "rules"),
    [
        ("da", "Han er gået fra fuld sygemelding til delvis raskmelding.", "improved"),
        ("en", "He's gone from full sickness absence to a partial return.", "improved"),
        ("en", "She went from part-time at the school to fully signed off.", "worsened"),
        # a degree of something the excerpt does not call the object: nothing read
        ("en", "She went from part-time at the school to full-time teaching.", "not worsened"),
    ],
)
def test_how_much_of_an_own_object_then_and_now(language, text, rules):
    reading = _reader(language).read(text, "sick_days")
    if rules == "not worsened":
        assert reading.rule_label != "worsened"
    else:
        assert reading.rule_label == rules


@pytest.mark.parametrize(
    ("text", "rules"),
    [
        ("Der er kommet fald til, som hun ikke havde ved henvisningen.", "worsened"),
        ("De her fald er kommet til hen over foråret.", "worsened"),
        # "til" before a place: no particle
        ("Hun er faldet, da hun kom til lægen.", "not worsened"),
        # negated
        ("Der er ikke kommet nye fald til.", "not worsened"),
    ],
)
def test_danish_kommet_til_is_an_own_object_now(text, rules):
    reading = _reader("da").read(text, "falls")
    if rules == "not worsened":
        assert reading.rule_label != "worsened"
    else:
        assert reading.rule_label == rules


def test_none_then_and_a_count_now_stands_whatever_the_model_says():
    text = "I'd never been in A&E in my life, and I've been in twice since January."
    reading = _reader("en", _model("improved", 0.99)).read(text, "ae_visits")
    assert (reading.label, reading.rule_label) == ("worsened", "worsened")

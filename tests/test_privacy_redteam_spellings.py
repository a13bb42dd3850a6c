"""Red-team pass (privacy8): spellings of roster names a real study writes.

Each probe is one excerpt of one end-to-end run of the tiny study with three
more people on the roster: a hyphenated first name and double surname, Danish
letters, and names that are also common words. The oracle does not use the
matcher: after the run, every letter of the excerpt outside a pseudonym label
must be a letter of the sentence around the name (tests/privacy/test_corpus.py).
A spelling known not to be caught is listed in NOT_CAUGHT, and
docs/data-protection.md ("What is not guaranteed") must say so.
"""

from __future__ import annotations

import pytest
from privacy.test_corpus import leaks, page_hits, probe_audit, probe_run, probe_text

from flows import stages
from flows.privacy.audit import NameScreen

EXTRA_PEOPLE = [
    ["A-b", "supporter", "A", "Anne-Marie Holm-Jensen", "Annie", "active"],
    ["B-c", "supporter", "B", "Åse Bæk Sørby", "", "active"],
    ["B-d", "supporter", "B", "Lars Rose", "Rose;Bo", "active"],
    ["B-e", "supporter", "B", "Søren Aagaard", "", "active"],
]

#: (id, spelling): each names someone of ROSTER + EXTRA_PEOPLE
PROBES = [
    ("possessive", "Anne's"),
    ("possessive-no-apostrophe", "Annes"),
    ("hyphenated-first-genitive", "Anne-Maries"),
    ("double-surname", "Holm-Jensen"),
    ("double-surname-genitive", "Holm-Jensens"),
    ("double-surname-second-half", "Jensen"),
    ("double-surname-spaced", "Holm Jensen"),
    ("full-all-caps", "ANNE-MARIE HOLM-JENSEN"),
    ("nickname-alias", "Annie"),
    ("danish-genitive-apostrophe-only", "Lars'"),
    ("danish-genitive-curly", "Lars’"),
    ("danish-genitive-surname", "Sørbys"),
    ("aa-for-a-ring", "Aase"),
    ("ae-for-ash", "Baek"),
    ("oe-for-o-slash", "Soerby"),
    ("oe-for-o-slash-roster", "Soerensen"),
    ("a-ring-nfd", "A\u030ase"),
    ("a-ring-stripped", "Ase"),
    ("a-ring-caps-genitive", "ÅSES"),
    ("cyrillic-a", "K\u0430ren"),
    ("zero-width-joiner", "Ka\u200dren"),
    ("word-joiner", "Kar\u2060en"),
    ("underscore-joined", "Karen_Lund"),
    ("dot-joined", "Karen.Lund"),
    ("common-word-alias-rose", "Rose"),
    ("common-word-alias-bo", "Bo"),
    ("common-word-surname-lund", "Lund"),
    ("rose-genitive", "Rose's"),
    ("line-break-between", "Anne-Marie\nHolm-Jensen"),
    ("hyphenated-over-line-break", "Holm-\nJensen"),
    ("combining-stroke-o", "So\u0338rby"),
    # privacy10 (decision 0283): a name with two places spelt either way, mixed
    ("aa-mixed-ring-first", "Ågaard"),
    ("aa-mixed-ring-second", "Aagård"),
    ("aa-ring-dropped-once", "Agaard"),
    ("oe-with-one-letter-aa", "Soeren Ågård"),
    ("danish-genitive-mixed", "Ågaards"),
    # privacy11 (decision 0326): misspelt, broken by a hyphen, spaced out, joined
    ("hyphenated-word-break", "Jen-\nsen"),
    ("hyphenated-word-break-flattened", "Sø- rensen"),
    ("camel-case-prefix", "InterviewKaren"),
    ("danish-compound", "Karenfamilien"),
    ("letter-left-out", "Henrk"),
    ("letters-swapped", "Hnerik"),
    ("letter-left-out-surname", "Sørensn"),
    ("letter-added", "Birgittte"),
    ("letter-changed-genitive", "Henrek's"),
    ("spaced-out", "H e n r i k"),
    # privacy14 (decision 0422): initials go with the name beside them
    ("initials-beside-a-name", "A.-M. Holm-Jensen"),
]

#: spellings knowingly not caught (docs/data-protection.md, "What is not guaranteed"):
#: initials; a short name misspelt (under five letters: "Mete" for "Mette" is a
#: word); a name misspelt in lower case
NOT_CAUGHT = [
    ("initials-only", "A.-M. H.-J."),
    ("short-name-misspelt", "Oel"),
    ("lower-case-misspelt", "henrk"),
]


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    return probe_run(tmp_path_factory.mktemp("redteam-spellings"), PROBES, NOT_CAUGHT, EXTRA_PEOPLE)


@pytest.mark.parametrize(("sid", "spelling"), PROBES, ids=[s for s, _ in PROBES])
def test_spelling_is_replaced_end_to_end(published, sid, spelling):
    text = probe_text(published, PROBES, NOT_CAUGHT, sid)
    assert not leaks(text), text


def test_the_run_with_every_probe_audits_clean(published):
    assert probe_audit(published) == []


@pytest.mark.parametrize(("sid", "spelling"), NOT_CAUGHT, ids=[s for s, _ in NOT_CAUGHT])
def test_spellings_knowingly_not_caught_are_documented(published, sid, spelling):
    """If one of these starts being caught, move it to PROBES; while it is not,
    the data-protection page must say so."""
    from conftest import ROOT

    text = probe_text(published, PROBES, NOT_CAUGHT, sid)
    assert leaks(text), f"{sid} is caught now: move it to PROBES"
    page = (ROOT / "docs" / "data-protection.md").read_text(encoding="utf-8")
    guaranteed = page.split("## What is not guaranteed", 1)[1]
    assert DOCUMENTED[sid] in guaranteed


DOCUMENTED = {
    "initials-only": "initials",
    "short-name-misspelt": "fewer than five letters",
    "lower-case-misspelt": "in lower case",
}


@pytest.mark.parametrize(("sid", "spelling"), PROBES, ids=[s for s, _ in PROBES])
def test_audit_finds_each_probe_left_in_a_page(sid, spelling):
    """Had the pseudonymiser missed it, the audit would stop the run."""
    assert page_hits(EXTRA_PEOPLE, spelling), sid


def test_the_private_caches_hold_no_roster_name_after_the_run(published):
    """The caches need pseudonymised text only: read decompressed, none holds a
    roster name. Left out: the review list, whose job is to show the words to
    check, the stance readers' lexicons (ordinary words such as "berg") and the
    compiled templates (code made from templates/*.html only, decision 0230: its
    bytes read as text can spell a short name)."""
    from test_privacy_redteam import deep_text

    from flows.runs import private_dir

    folder, out, _ = published
    screen = NameScreen(stages.ingest(folder).name_set())
    private = private_dir(out)
    holding = [
        str(p.relative_to(private))
        for p in sorted(private.rglob("*"))
        if p.is_file()
        and p.name not in ("readers.pickle", "capitalised_words_to_check.csv")
        and p.suffix != ".jinja"
        and screen.holds_roster_name(deep_text(p))
    ]
    assert holding == []

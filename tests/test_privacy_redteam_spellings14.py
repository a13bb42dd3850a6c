"""Red-team pass (privacy14): spellings a transcriber or a colleague writes of a
roster name. Each probe is one excerpt of one end-to-end run of the tiny study
with four more people on the roster: the colloquial Danish genitive, folded or
doubled letters, the many spellings of Mohammad, a name split at a line break,
initials with a surname, a nickname listed only as an alias. The oracle is that
of tests/test_privacy_redteam_spellings.py: every letter outside a pseudonym
label is a letter of the sentence around the probe; and the audit finds each
probe left in a page.
"""

from __future__ import annotations

import pytest
from privacy.test_corpus import leaks, page_hits, probe_audit, probe_run, probe_text

EXTRA_PEOPLE = [
    ["A-b", "supporter", "A", "Lars Nielsen", "", "active"],
    ["A-c", "supporter", "A", "Søren Kjær", "", "active"],
    ["B-c", "supporter", "B", "Mohammad Rahimi", "", "active"],
    ["B-d", "supporter", "B", "Jens Hansen", "Bamse", "active"],
]

#: (id, spelling): each names someone of the roster
PROBES = [
    ("danish-colloquial-genitive", "Larses"),
    ("danish-colloquial-genitive-caps", "LARSES"),
    ("danish-colloquial-genitive-surname", "Jenses"),
    ("diacritic-dropped", "Soren"),
    ("diacritic-doubled", "Søeren"),
    ("digraph-surname", "Kjaer"),
    ("mohammad-one-m", "Mohamad"),
    ("mohammad-e", "Mohammed"),
    ("mohammad-u", "Muhammad"),
    ("mohammad-genitive", "Mohammeds"),
    ("surname-split-at-line-end", "Rahi-\nmi"),
    ("first-name-split-at-line-end", "Mo-\nhammad"),
    ("surname-split-hyphen-space", "Niel- sen"),
    ("initial-and-surname", "M. Rahimi"),
    ("initial-no-dot-and-surname", "M Rahimi"),
    ("two-initials-and-surname", "J.H. Hansen"),
    ("nickname-alias", "Bamse"),
    ("nickname-alias-genitive", "Bamses"),
    ("nickname-alias-lower-case", "bamse"),
]

#: spellings knowingly not caught (docs/data-protection.md, "What is not guaranteed")
NOT_CAUGHT: list[tuple[str, str]] = [
    ("two-edits-lower-case", "muhamed"),
    ("nickname-not-listed", "Mo"),
    # "bamse" (a teddy bear) is an ordinary Danish word: broken by a hyphen, it is
    # not looked for (decision 0326)
    ("word-alias-split-at-line-end", "Bam-\nse"),
]


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    return probe_run(tmp_path_factory.mktemp("redteam-spell14"), PROBES, NOT_CAUGHT, EXTRA_PEOPLE)


@pytest.mark.parametrize(("sid", "spelling"), PROBES, ids=[s for s, _ in PROBES])
def test_spelling_is_replaced_end_to_end(published, sid, spelling):
    text = probe_text(published, PROBES, NOT_CAUGHT, sid)
    assert not leaks(text), text


def test_the_run_with_every_probe_audits_clean(published):
    assert probe_audit(published) == []


@pytest.mark.parametrize(("sid", "spelling"), PROBES, ids=[s for s, _ in PROBES])
def test_audit_finds_each_probe_left_in_a_page(sid, spelling):
    """Had the pseudonymiser missed it, the audit would stop the run."""
    assert page_hits(EXTRA_PEOPLE, spelling), sid


@pytest.mark.parametrize(("sid", "spelling"), NOT_CAUGHT, ids=[s for s, _ in NOT_CAUGHT])
def test_spellings_knowingly_not_caught_are_documented(published, sid, spelling):
    """If one of these starts being caught, move it to PROBES; while it is not,
    the data-protection page must say so."""
    from conftest import ROOT

    assert leaks(probe_text(published, PROBES, NOT_CAUGHT, sid)), f"{sid} is caught: move it"
    page = (ROOT / "docs" / "data-protection.md").read_text(encoding="utf-8")
    assert DOCUMENTED[sid] in page.split("## What is not guaranteed", 1)[1]


DOCUMENTED = {
    "two-edits-lower-case": "in lower case",
    "nickname-not-listed": "Nicknames and diminutives",
    "word-alias-split-at-line-end": "Bam-",
}

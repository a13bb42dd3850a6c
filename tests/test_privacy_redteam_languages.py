"""Red-team pass (privacy12): names as a Nordic study with immigrant participants
writes them. Each probe is one excerpt of one end-to-end run of the tiny study
with four more people on the roster, spelt as the roster was typed: Polish,
Turkish, Somali and Arabic names. The transcripts spell them another way (the
diacritics folded, the Turkish apostrophe before a suffix, Arabic script), or
name people nobody listed after a Norwegian or Swedish title, or by the most
frequent first names of Denmark's, Norway's and Sweden's immigrants. The oracle
is that of tests/test_privacy_redteam_spellings.py: every letter outside a
pseudonym label is a letter of the sentence around the probe.
"""

from __future__ import annotations

import pytest
from conftest import ROSTER
from privacy.test_corpus import leaks, run_probes

from flows import stages
from flows.privacy.audit import audit

EXTRA_PEOPLE = [
    ["A-b", "supporter", "A", "Łukasz Wiśniewski", "", "active"],
    ["A-c", "supporter", "A", "Ayşe Çelik", "", "active"],
    ["B-c", "supporter", "B", "Cabdi Warsame", "", "active"],
    ["B-d", "supporter", "B", "Mohammed Al-Khatib", "فاطمة;Mohammad", "active"],
]

#: (id, spelling): each names someone, on the roster or not
PROBES = [
    # roster names as a QDA export or transcriber folds them
    ("polish-l-stroke-folded", "Lukasz"),
    ("polish-acute-folded", "Wisniewski"),
    ("polish-caps", "ŁUKASZ WIŚNIEWSKI"),
    ("turkish-cedilla-folded", "Celik"),
    ("turkish-s-cedilla-folded", "Ayse"),
    ("turkish-dotted-capital", "AYŞE ÇELİK"),
    ("turkish-apostrophe-suffix", "Ayşe'nin"),
    ("turkish-apostrophe-suffix-folded", "Celik'e"),
    ("arabic-article-hyphen", "Al-Khatib"),
    ("arabic-article-spaced", "Al Khatib"),
    ("arabic-article-joined", "Alkhatib"),
    ("arabic-one-letter-off", "Mohamed"),
    ("arabic-script-alias", "فاطمة"),
    ("arabic-script-tatweel", "فاطـمة"),
    ("somali-surname", "Warsame"),
    # people nobody listed, after a Norwegian or Swedish title
    ("norwegian-health-visitor", "helsesøster Bakken"),
    ("norwegian-nurse", "sykepleier Strand"),
    ("norwegian-doctor-definite", "legen Vik"),
    ("swedish-nurse-definite", "sjuksköterskan Lind"),
    ("swedish-mister", "herr Lind"),
    ("swedish-doctor-definite", "doktorn Berglund"),
    ("danish-nurse-definite", "sygeplejersken Holt"),
    # a name nobody listed among the Nordic countries' immigrants, in the gazetteer
    ("gazetteer-somali", "Hodan"),
    ("gazetteer-turkish", "Mehmet"),
    ("gazetteer-polish", "Małgorzata"),
    # the gazetteer's countries of origin (decision 0385; not caught before)
    ("immigrant-first-name-ahmed", "Ahmed"),
    ("immigrant-first-name-fatima", "Fatima"),
    ("immigrant-first-name-ali", "Ali"),
]


#: letters a probe may leave: the Turkish suffix after the apostrophe is no name
RESIDUE = {"turkish-apostrophe-suffix": "nin", "turkish-apostrophe-suffix-folded": "e"}

#: names knowingly not caught (docs/data-protection.md, "What is not guaranteed"):
#: first names of countries the gazetteer's source has no list for (Sri Lanka,
#: Nigeria): decision 0385
NOT_CAUGHT = [
    ("tamil-first-name", "Tharshan"),
    ("yoruba-first-name", "Oluwaseun"),
]


def roster() -> list[list[str]]:
    return [*(list(r) for r in ROSTER), *EXTRA_PEOPLE]


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    return run_probes(tmp_path_factory.mktemp("redteam-languages"), PROBES, NOT_CAUGHT, roster())


def _published_text(published, sid: str) -> str:
    texts = published[2]
    for prefix, probes in (("S", PROBES), ("N", NOT_CAUGHT)):
        ids = [s for s, _ in probes]
        if sid in ids:
            return texts[f"{prefix}{ids.index(sid):02d}"]
    raise KeyError(sid)


@pytest.mark.parametrize("sid", [s for s, _ in PROBES])
def test_a_name_is_replaced_end_to_end(published, sid):
    text = _published_text(published, sid)
    assert not leaks(text, RESIDUE.get(sid, "")), text


def test_the_run_with_every_probe_audits_clean(published):
    assert audit(published[1], stages.ingest(published[0]).name_set()) == []


@pytest.mark.parametrize("sid", [s for s, _ in NOT_CAUGHT])
def test_names_knowingly_not_caught_are_documented(published, sid):
    """If one starts being caught, move it to PROBES; while it is not, the
    data-protection page must say so."""
    from conftest import ROOT

    assert leaks(_published_text(published, sid)), f"{sid} is caught now: move it to PROBES"
    page = (ROOT / "docs" / "data-protection.md").read_text(encoding="utf-8")
    assert "Tharshan" in page.split("## What is not guaranteed", 1)[1]

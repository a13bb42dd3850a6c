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
from privacy.test_corpus import leaks, probe_audit, probe_run, probe_text

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
    # decision 0423 (privacy14): Vietnamese, Filipino and Pakistani names, and the
    # countries of origin's names with their accents dropped (not caught before)
    ("vietnamese-first-name", "Dũng"),
    ("vietnamese-first-name-2", "Phúc"),
    ("filipino-surname", "Macaraeg"),
    ("filipino-surname-2", "Panganiban"),
    ("pakistani-first-name", "Arham"),
    ("polish-surname-folded", "Kolodziej"),
    ("turkish-surname-folded", "Demircioglu"),
    # decision 0447 (privacy15): Tamil and Ethiopian/Eritrean given names (and so
    # patronymic surnames) from two MIT-licensed package lists (not caught before)
    ("tamil-first-name-2", "Senthilkumar"),
    ("tamil-first-name-3", "Kayalvizhi"),
    ("tamil-surname-patronymic", "Anbazhagan"),
    ("eritrean-first-name", "Berhanu"),
    ("eritrean-surname-patronymic", "Getachew"),
    ("eritrean-first-name-2", "Zewdu"),
]


#: letters a probe may leave: the Turkish suffix after the apostrophe is no name
RESIDUE = {"turkish-apostrophe-suffix": "nin", "turkish-apostrophe-suffix-folded": "e"}

#: names knowingly not caught (docs/data-protection.md, "What is not guaranteed"):
#: first names of countries the gazetteer's source has no list for (Sri Lanka,
#: Nigeria): decision 0385
NOT_CAUGHT = [
    # a Sri Lankan spelling the Tamil list (Tamil Nadu's names) lacks: decision 0447
    ("tamil-first-name", "Tharshan"),
    ("eritrean-compound-surname", "Tesfamariam"),
    ("yoruba-first-name", "Oluwaseun"),
]


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    return probe_run(tmp_path_factory.mktemp("redteam-languages"), PROBES, NOT_CAUGHT, EXTRA_PEOPLE)


@pytest.mark.parametrize("sid", [s for s, _ in PROBES])
def test_a_name_is_replaced_end_to_end(published, sid):
    text = probe_text(published, PROBES, NOT_CAUGHT, sid)
    assert not leaks(text, RESIDUE.get(sid, "")), text


def test_the_run_with_every_probe_audits_clean(published):
    assert probe_audit(published) == []


@pytest.mark.parametrize("sid", [s for s, _ in NOT_CAUGHT])
def test_names_knowingly_not_caught_are_documented(published, sid):
    """If one starts being caught, move it to PROBES; while it is not, the
    data-protection page must say so."""
    from conftest import ROOT

    assert leaks(probe_text(published, PROBES, NOT_CAUGHT, sid)), (
        f"{sid} is caught now: move it to PROBES"
    )
    page = (ROOT / "docs" / "data-protection.md").read_text(encoding="utf-8")
    assert "Tharshan" in page.split("## What is not guaranteed", 1)[1]

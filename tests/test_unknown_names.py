"""Names nobody put on the roster (flows/privacy/unknown_names.py): parts of roster
names, titles with the capitalised words after them, gazetteer names; the review
mode; the audit's screen; one end-to-end run on the tiny study."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from flows import stages
from flows.errors import InputFileError, LeakError
from flows.privacy import audit
from flows.privacy.unknown_names import (
    PERSON,
    NameGuard,
    NamesToReview,
    OutputScreen,
    alias_parts,
    read_decisions,
    roster_name_parts,
    word_parts,
)

ROSTER = ["Henrik Sørensen", "Henrik", "Karen Lund", "Karen", "Rose Holm", "Lone Berg"]
VOCABULARY = ["Energy", "Walking", "together", "Physical", "activity", "Peer", "supporter"]


@pytest.fixture(scope="module")
def guard() -> NameGuard:
    return NameGuard(ROSTER, VOCABULARY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dr Hansen said I should walk more.", "[person] said I should walk more."),
        ("Dr. Hansen and Mrs Olsen came.", "[person] and [person] came."),
        ("Nurse Birgit Krogh rang me.", "[person] rang me."),
        ("Professor Smith agreed.", "[person] agreed."),
        ("My daughter Sofie helps me shop.", "My daughter [person] helps me shop."),
        ("Sofie came round.", "[person] came round."),  # a sentence start, not a word
        ("I met Anne Brown there.", "I met [person] there."),  # name-word beside a name
        ("Min læge Hansen sagde det.", "Min [person] sagde det."),
        ("Fru Jensen og hr. Nielsen kom.", "[person] og [person] kom."),
        ("Sygeplejerske Mette ringede.", "[person] ringede."),
        ("Then Rose came.", "Then [person] came."),  # a roster part that is a word
    ],
)
def test_names_are_replaced(guard, text, expected):
    assert guard.replace(text)[0] == expected


@pytest.mark.parametrize(
    "text",
    [
        "We walked in May. Will you come? I will.",
        "Walking helps. Energy is low in March and on Monday.",
        "I miss Oslo sometimes.",  # "Miss" is a title only capitalised
        "The nurse I saw was kind; the doctor said so.",
        "Rose bushes grow. A rose is red.",  # a roster part as a word, sentence start
        "Brown bread and Green tea.",  # names that are words, alone
        "Jeg går en tur i maj. Det hjælper.",
        "[peer A] met Dr [nurse] yesterday.",  # labels are never touched
        "The Peer supporter and Physical activity themes.",  # the study's vocabulary
    ],
)
def test_common_words_are_kept(guard, text):
    assert guard.replace(text) == (text, 0)


def test_roster_name_parts_split_with_nameparser():
    assert roster_name_parts("Henrik Sørensen") == ["Henrik", "Sørensen"]
    assert roster_name_parts("Sørensen, Henrik") == ["Henrik", "Sørensen"]
    parts = roster_name_parts("Anne-Marie van der Berg")
    assert {"Anne-Marie", "Anne", "Marie", "van der Berg", "Berg"} == set(parts)
    assert "van" not in parts
    assert roster_name_parts("Dr Anne K. Hansen") == ["Anne", "Hansen"]  # no title, no initial


def test_alias_parts_leave_out_ordinary_words_and_listed_aliases():
    assert alias_parts(["Henrik Sørensen", "Henrik"]) == ["Sørensen"]
    assert alias_parts(["Rose Holm"]) == []  # both are words: matched only as names
    assert word_parts(["Rose Holm"]) == {"rose", "holm"}


def test_review_rows_list_gazetteer_words_not_decided():
    guard = NameGuard(ROSTER, VOCABULARY, {"sofie": "not a name"}, mode="review")
    rows = guard.review_rows(
        [("E1", "My neighbour Jensen and Sofie."), ("E2", "Jensen again; [peer A] too.")]
    )
    assert rows == [{"word": "Jensen", "occurrences": 2, "excerpts": "E1 E2", "decision": ""}]
    assert guard.replace("Sofie came")[0] == "Sofie came"  # decided: not a name


def test_decisions_file_is_checked(tmp_path):
    path = tmp_path / "names-reviewed.csv"
    path.write_text("word,decision\nSofie,name\nMay,not a name\n", encoding="utf-8")
    assert read_decisions(path) == {"sofie": "name", "may": "not a name"}
    path.write_text("word,decision\nSofie,maybe\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"names-reviewed.csv: row 2: .*'name'"):
        read_decisions(path)
    assert read_decisions(tmp_path / "absent.csv") == {}


def test_output_screen_finds_titles_and_name_parts():
    screen = OutputScreen(ROSTER)
    assert screen.search("the GP, Dr Hansen, said")
    assert screen.search("mrs. Olsen")
    assert screen.search("SØRENSEN was there")  # a roster part, any case
    assert not screen.search("Dr [person] said; Diabetes nurse\nPeer supporter")
    assert not screen.search("the nurse I saw; in May; rose")
    assert screen.lines("ok\nDr Hansen\nok") == [2]


def test_audit_fails_on_a_title_left_in_an_output(tmp_path):
    (tmp_path / "page.html").write_text("<p>fine</p>\n<p>Fru Olsen said</p>", encoding="utf-8")
    hits = audit.audit(tmp_path, [("A", "peer", ["Henrik Sørensen"])])
    assert hits == [{"where": "page.html", "at": "line 2"}]
    with pytest.raises(LeakError):
        audit.check_audit(hits)


# ------------------------------------------- one rule at a time (mutation run)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dr Zbig Wxyz Qrst Vwxy came", "[person] Vwxy came"),  # up to three words
        ("Dr Zbig  Wxyz came", "[person]  Wxyz came"),  # one blank between them
        ("Dr Zbig\tWxyz came", "[person] came"),
        ("Dr zbig came", "Dr zbig came"),  # not capitalised: no name
        ("Dr. May came", "Dr. May came"),  # a month
        ("drZbig Wxyz", "drZbig Wxyz"),  # a title only as a word of its own
        ("Mr Zbig Mr Wxyz", "[person]"),  # touching by one blank: one span
        ("Then Rose came; Rose said", "Then [person] came; Rose said"),  # ";" ends a sentence
        ("Then Rose came;Rose said", "Then [person] came;Rose said"),
        ("Rose came", "Rose came"),  # the start of the text
        ("A Rose came", "A [person] came"),  # one letter before it: not a sentence start
        ("(Rose came)", "(Rose came)"),  # an opener at the start
        ("Brown Sofie", "[person]"),  # a name-word beside a name, before it
        ("Brown  Sofie", "Brown  [person]"),  # ... only one blank apart
        ("Sofie Brown", "[person]"),  # ... or after it
    ],
)
def test_titles_words_and_sentence_starts(text, expected):
    guard = NameGuard(["Henrik Sørensen", "Rose Holm"], ["Energy"])
    assert guard.replace(text)[0] == expected


def test_title_patterns_any_case_unless_also_a_word_with_the_dot_of_abbreviations():
    """The plain title pattern (`_TITLE`, the reference of tests/test_prefixed.py),
    built at import, one title at a time."""
    from flows.privacy.unknown_names import _title_pattern

    assert _title_pattern("Dr") == r"(?i:Dr)\.?"
    assert _title_pattern("Professor") == "(?i:Professor)"
    assert _title_pattern("Miss") == "Miss"  # also a word: capitalised only
    assert _title_pattern("Nurse") == "Nurse"


def test_labels_are_kept_and_the_text_between_them_replaced():
    guard = NameGuard(ROSTER, VOCABULARY)
    assert guard.replace("[peer A] met Dr Zbig [nurse] and Sofie") == (
        "[peer A] met [person] [nurse] and [person]",
        2,
    )
    assert guard.replace("[peer A]") == ("[peer A]", 0)


def test_decisions_and_vocabulary_decide_before_the_gazetteer():
    guard = NameGuard(ROSTER, VOCABULARY, {"energy": "name", "brown": "not a name"})
    assert guard.replace("Energy Sofie") == ("[person]", 1)  # decided: a name
    assert guard.replace("Brown Sofie") == ("Brown [person]", 1)
    assert guard.candidates("Sofie, Henrik, Energy, Jensen and sofie") == ["Sofie", "Jensen"]


def test_guard_fingerprint_follows_mode_vocabulary_and_decisions():
    base = NameGuard(ROSTER, VOCABULARY)
    prints = {
        base.fingerprint(),
        NameGuard(ROSTER, VOCABULARY, mode="review").fingerprint(),
        NameGuard(ROSTER, ["Energy"]).fingerprint(),
        NameGuard(ROSTER, VOCABULARY, {"sofie": "name"}).fingerprint(),
        NameGuard(ROSTER[:2], VOCABULARY).fingerprint(),
    }
    assert len(prints) == 5 and base.fingerprint() == NameGuard(ROSTER, VOCABULARY).fingerprint()


def test_output_screen_without_name_parts_still_finds_titles():
    screen = OutputScreen(["Rose Holm"])  # both parts are ordinary words
    assert screen.parts is None
    assert screen.search("met Dr Zbig")
    assert not screen.search("rose holm and Dr [person]")
    assert screen.lines("a\nDr Zbig\nb\nMrs Olsen") == [2, 4]
    assert screen.lines("clean\ntext") == []


def test_plain_names_take_the_fast_path():
    from flows.privacy.name_parts import _plain_name

    assert _plain_name("Anne") == ["Anne", "", ""]
    assert _plain_name("Anne Berg") == ["Anne", "Berg", ""]
    assert _plain_name("Anne Marie Berg") == ["Anne", "Marie", "Berg", ""]
    for name in ["Anne Marie Berg Holm", "Dr Anne", "Anne  Berg", "A Berg", "Anne van Berg"]:
        assert _plain_name(name) is None, name


def test_ordinary_words_and_the_gazetteer():
    from flows.privacy.unknown_names import gazetteer, is_ordinary_word

    assert is_ordinary_word("May") and is_ordinary_word("BROWN") and not is_ordinary_word("Sofie")
    assert gazetteer().kind("SOFIE") == "name"
    assert gazetteer().kind("Brown") == "word"
    assert gazetteer().kind("Qwzx") is None  # "Zbig" is a Polish name since 0385


def test_the_gazetteer_lists_are_read_from_the_package():
    from flows.privacy.name_lists import _read_list

    names = _read_list("names.txt")
    assert {"sofie", "jensen"} <= names and "" not in names
    assert "brown" in _read_list("name-words.txt")


def test_review_rows_most_frequent_first():
    guard = NameGuard(ROSTER, VOCABULARY, mode="review")
    rows = guard.review_rows(
        [("E1", "Sofie and Jensen."), ("E2", "Jensen [peer A]"), ("E3", "Jensen")]
    )
    assert [(r["word"], r["occurrences"]) for r in rows] == [("Jensen", 3), ("Sofie", 1)]


def test_check_reviewed_lists_words_privately_and_clears_the_list(tmp_path):
    from flows.privacy.unknown_names import UNKNOWN_NAMES_FILE, check_reviewed

    folder = tmp_path / "private" / "review"
    guard = NameGuard(ROSTER, VOCABULARY, mode="review")
    with pytest.raises(
        NamesToReview, match=r"\(columns word, decision\) and run again; nothing was published$"
    ):
        check_reviewed(guard, [("E1", "Sofie came")], folder)
    listed = folder / UNKNOWN_NAMES_FILE
    assert listed.read_bytes() == b"word,occurrences,excerpts,decision\r\nSofie,1,E1,\r\n"
    assert folder.stat().st_mode & 0o777 == 0o700 and listed.stat().st_mode & 0o777 == 0o600
    with pytest.raises(NamesToReview):  # again, into the folder now there
        check_reviewed(guard, [("E2", "Sofie came")], folder)
    assert "Sofie,1,E2," in listed.read_text(encoding="utf-8")
    check_reviewed(guard, [("E1", "Nobody here")], folder)  # nothing left: the list goes
    assert not listed.exists()
    check_reviewed(guard, [("E1", "Nobody here")], folder)  # and may already be gone
    check_reviewed(NameGuard(ROSTER, VOCABULARY), [("E1", "Sofie came")], tmp_path / "x")
    assert not (tmp_path / "x").exists()  # replace mode lists nothing


# ---------------------------------------------------------------- end to end

EXCERPTS = [
    ["E1", "I1", "A", "Intervention/Walking/Present", "", "1", "AK",
     "Dr Hansen told me to walk with Birgitte every week."],
    ["E2", "I3", "B", "Context/Energy/Barrier", "", "1", "AK",
     "Mrs Lund is always tired, says my daughter Sofie."],
    ["E3", "I6", "B", "Context/Energy/Barrier", "", "1", "AK",
     "Mrs Olsen next door helps Karen. We spoke to Lund in May."],
]  # fmt: skip


def _texts(out: Path) -> str:
    texts = [p.read_text(encoding="utf-8") for p in out.rglob("*") if p.suffix in (".html", ".csv")]
    with duckdb.connect(str(out / stages.DB_NAME), read_only=True) as con:
        texts += [t for (t,) in con.execute("select text from raw_excerpts").fetchall()]
    return "\n".join(texts)


def test_unlisted_names_are_not_published(make_study, tmp_path):
    out = tmp_path / "out"
    stages.run_direct(make_study(EXCERPTS, [["A", "baseline", "1", "1", "male"]]), out)
    published = _texts(out)
    for name in ("Hansen", "Sofie", "Olsen", "Lund"):
        assert name not in published
    assert PERSON in published
    assert "in May" in published  # a month stays


REVIEW = '\n[privacy]\nunknown_names = "review"\n'


def test_review_mode_refuses_until_every_name_is_decided(make_study, tmp_path):
    from conftest import TINY_STUDY

    folder = make_study(
        EXCERPTS, [["A", "baseline", "1", "1", "male"]], study_toml=TINY_STUDY + REVIEW
    )
    out = tmp_path / "out"
    with pytest.raises(NamesToReview, match="names-reviewed.csv"):
        stages.run_direct(folder, out)
    assert not out.exists()
    listed = stages.review_dir(out) / "unknown_names.csv"
    with listed.open(encoding="utf-8") as handle:
        words = [row["word"] for row in csv.DictReader(handle)]
    assert words == ["Hansen", "Olsen", "Sofie"]
    assert listed.stat().st_mode & 0o077 == 0
    rows = ["word,decision", "Hansen,name", "Olsen,name", "Sofie,name"]
    (folder / "names-reviewed.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    stages.run_direct(folder, out)
    assert not listed.exists()
    published = _texts(out)
    assert not any(name in published for name in ("Hansen", "Sofie", "Olsen"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I met Graham's wife.", "I met [person] wife."),
        ("I met Graham’s wife.", "I met [person] wife."),
        ("Jeg så Sofies mor.", "Jeg så [person] mor."),
        ("The Marks were good, Hopes too.", "The Marks were good, Hopes too."),  # name-words
    ],
)
def test_a_gazetteer_name_in_the_genitive_is_replaced(text, expected):
    """privacy11 (decision 0328): "Graham's" was one word to the gazetteer, and no
    entry; 102 such genitives in the development texts were kept."""
    assert NameGuard().replace(text)[0] == expected


def test_a_decision_on_a_name_holds_for_its_genitive():
    guard = NameGuard(decisions={"graham": "not a name"})
    assert guard.replace("Graham's wife")[0] == "Graham's wife"


def test_a_decision_on_a_word_ending_in_s_is_its_own():
    """A decision on "Jens" holds for "Jens", not only for what would be its stem "Jen"
    (the genitive's rule looks at the stem only when the word has no decision)."""
    guard = NameGuard(decisions={"jens": "not a name"})
    assert guard.replace("Jens came")[0] == "Jens came"
    assert NameGuard().replace("Jens came")[0] == "[person] came"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I met M. Nielsen there", "I met [person] there"),
        ("I met J.H. Nielsen there", "I met [person] there"),
        ("and Dr. P. Nielsen came", "and [person] came"),
        ("Then I Nielsen", "Then I [person]"),
    ],
)
def test_initials_before_a_name_nobody_listed_go_with_it(text, expected):
    """privacy14 (decision 0422): "M. Nielsen" was "M. [person]"."""
    assert NameGuard().replace(text)[0] == expected


def test_a_bracket_of_no_label_around_a_label_is_read_between_the_labels():
    """privacy14 (decision 0424): an interviewer's question in brackets naming a
    roster person ("[Q: Did [supporter P2-a] help?]", as in development corpus
    writer-aa) made `replace` call itself until Python's recursion limit: the
    run crashed on it."""
    text = "[Q: Did [supporter P2-a] help Sofie?] Yes, and Sofie [laughs"
    assert NameGuard().replace(text) == (
        "[Q: Did [supporter P2-a] help [person]?] Yes, and [person] [laughs",
        2,
    )

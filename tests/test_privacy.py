"""Personal data: names and identifiers never reach an output; withdrawal removes
everything; the audit fails closed; outputs are private."""

from __future__ import annotations

import re
import stat
import zipfile
from pathlib import Path

import duckdb
import pytest

from flows import stages
from flows.errors import LeakError
from flows.privacy.pseudonymise import Pseudonymiser, replace_identifiers, review_candidates
from flows.render.pages import case_filename

NAMES = ["Henrik Sørensen", "Henrik", "Henne", "Birgitte Holm", "Birgitte", "Karen Lund", "Karen",
         "Ole Dam", "Ole", "Mette Krogh", "Mette", "Lone Berg", "Lone"]  # fmt: skip

MENTIONS = [
    [
        "E1",
        "I1",
        "A",
        "Intervention/Walking/Present",
        "",
        "1",
        "AK",
        "BIRGITTE and I walk. birgitte's dog comes too.",
    ],
    [
        "E2",
        "I2",
        "A",
        "Intervention/Walking/Present",
        "",
        "1",
        "AK",
        "Henrik walks with me; Henriks wife waves. Henne is happy.",
    ],
    [
        "E3",
        "I6",
        "A",
        "Outcome/Activity/Improved",
        "",
        "1",
        "AK",
        "Henrik Sørensen walks more, says Lone Berg.",
    ],
    [
        "E4",
        "I3",
        "B",
        "Intervention/Walking/Present",
        "",
        "1",
        "AK",
        "Ole came, and mette too. OLE DAM and Mette Krogh.",
    ],
    [
        "E5",
        "I4",
        "B",
        "Context/Energy/Barrier",
        "",
        "1",
        "AK",
        "Karen is tired; karen's energy is low. Ring Karen on 23 45 67 89.",
    ],
    [
        "E6",
        "I5",
        "B",
        "Context/Energy/Barrier",
        "",
        "1",
        "AK",
        "Write to karen.lund@example.dk, CPR 010190-1234, Søndergade 12, born 01.02.1960.",
    ],
]


def all_output_text(folder: Path) -> str:
    """Every file under a folder as text: HTML, CSV, JSON, XLSX parts, DuckDB tables."""
    parts = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as archive:
                parts += [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
        elif path.suffix == ".duckdb":
            with duckdb.connect(str(path), read_only=True) as con:
                for (table,) in con.execute(
                    "select table_name from information_schema.tables"
                ).fetchall():
                    parts.append(con.table(table).df().to_csv())
        else:
            parts.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(parts)


@pytest.fixture
def run_with_mentions(make_study, tmp_path):
    out = tmp_path / "out"
    stages.run_direct(make_study(MENTIONS, [["A", "baseline", "1", "1", "male"]]), out)
    return out


def test_every_name_in_every_spelling_is_gone(run_with_mentions):
    text = all_output_text(run_with_mentions)
    for name in NAMES:
        assert not re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE), name
    assert "[peer supporter A-a]" in text and "[peer A]" in text and "[diabetes nurse]" in text


def test_identifiers_are_replaced(run_with_mentions):
    text = all_output_text(run_with_mentions)
    for leaked in (
        "23 45 67 89",
        "karen.lund@example.dk",
        "010190-1234",
        "Søndergade 12",
        "01.02.1960",
    ):
        assert leaked not in text, leaked
    for label in ("[phone]", "[e-mail]", "[CPR number]", "[address]", "[date]"):
        assert label in text, label


def test_identifier_patterns():
    assert (
        replace_identifiers("call +44 20 7946 0958 or 0045 12345678") == "call [phone] or [phone]"
    )
    assert replace_identifiers("on 2021-05-03, then 3 May 2021 and May 3, 2021") == (
        "on [date], then [date] and [date]"
    )
    assert (
        replace_identifiers("12 Baker Street and Nørrebrogade 4, 2. tv")
        == "[address] and [address]"
    )
    # figures that are not identifiers stay
    kept = "walked 120 minutes on 3 days, score 6 of 8, from 60 to 150"
    assert replace_identifiers(kept) == kept


def test_outputs_are_owner_only(run_with_mentions):
    assert stat.S_IMODE(run_with_mentions.stat().st_mode) == 0o700
    for path in run_with_mentions.rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))


def test_rule_only_review_list_is_private_and_said(run_with_mentions):
    review = stages.review_dir(run_with_mentions) / "capitalised_words_to_check.csv"
    assert review.exists() and stat.S_IMODE(review.stat().st_mode) == 0o600
    assert not review.is_relative_to(run_with_mentions)
    html = (run_with_mentions / "cases" / "A.html").read_text(encoding="utf-8")
    assert "rule-only" in html
    assert "Danish personal identity (CPR) numbers" in html  # not just "CPR"


def test_review_candidates_skip_sentence_starts_labels_and_vocabulary():
    rows = review_candidates(
        [("E1", "Walking is good. I met Jensen at the Walking club with [peer P1] on Monday.")],
        known_words=["walking"],
    )
    assert [r["word"] for r in rows] == ["Jensen"]


def test_review_candidates_sentence_starts_follow_punctuation():
    """A sentence starts after . ! ? ... or … even behind quotes or brackets; a
    word behind leading punctuation is not a sentence start."""
    rows = review_candidates(
        [
            ("E1", "“Karen said so.” Then (Bodil) came. «Ole» stayed? “Ib” left… (Mette) too"),
            ("E2", "We asked Karen."),
        ],
        known_words=["then"],
    )
    assert {r["word"]: r["excerpts"] for r in rows} == {"Karen": "E1 E2", "Bodil": "E1"}


def test_review_candidates_inside_and_after_labels_most_frequent_first():
    """Capitalised words inside a pseudonym label ("[Peer supporter P1]",
    "[Diabetes nurse N1]") are the label's, not names; a word after two closed
    labels is outside them. Rows go most frequent first: Bodil (2 excerpts)
    before Alma and Jensen (1 each, then alphabetical)."""
    rows = review_candidates(
        [
            ("E1", "I met [Peer supporter P1] with [Diabetes nurse N1] and then Jensen came."),
            ("E2", "We saw Alma and Bodil."),
            ("E3", "We saw Bodil."),
        ],
        known_words=[],
    )
    assert [(r["word"], r["excerpts"]) for r in rows] == [
        ("Bodil", "E2 E3"),
        ("Alma", "E2"),
        ("Jensen", "E1"),
    ]


def test_review_candidates_take_cached_texts_from_the_cache():
    """A text whose digest is in the cache is not read again: its cached words
    count; the cache then holds exactly this call's texts."""
    import hashlib

    seen = "We saw nobody."
    digest = hashlib.sha256(seen.encode("utf-8")).hexdigest()
    cache = {digest: ["Zed"], "stale": ["Old"]}
    rows = review_candidates([("E1", seen), ("E2", "We met Alma.")], [], cache=cache)
    assert [(r["word"], r["excerpts"]) for r in rows] == [("Alma", "E2"), ("Zed", "E1")]
    assert cache[digest] == ["Zed"] and "stale" not in cache and len(cache) == 2


def test_misconfigured_study_fails_the_audit_and_publishes_nothing(
    make_study, tmp_path, tiny_roster
):
    # a researcher used a real first name as the person id, so it is printed as a label
    for row in tiny_roster:
        if row[0] == "A":
            row[0], row[2] = "Henrik", "Henrik"
    rows = [["E1", "I9", "Henrik", "Intervention/Walking/Present", "", "1", "AK", "We walk."]]
    folder = make_study(rows, roster=tiny_roster)
    (folder / "interviews.csv").write_text(
        "interview_id,person_id,mode,language\nI9,Henrik,in person,en\nI2,A-a,in person,en\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    # stopped at ingestion (privacy8): the id would name a task run in Prefect first
    with pytest.raises(LeakError, match="roster.csv: row 2: person_id holds a roster name") as e:
        stages.run_direct(folder, out)
    assert "Henrik" not in str(e.value)
    assert not out.exists()
    assert len(list((stages.private_dir(out) / "staging").iterdir())) == 1


def test_withdrawn_informant_vanishes(make_study, tmp_path, tiny_roster):
    for row in tiny_roster:
        if row[0] == "B-b":
            row[5] = "withdrawn"
    secret = "We never walk, we just talk about the old days at the harbour."
    rows = [*MENTIONS, ["E9", "I5", "B", "Intervention/Walking/Absent", "", "2", "MB", secret]]
    out = tmp_path / "out"
    study = make_study(rows, [["B", "baseline", "1", "1", "female"]], roster=tiny_roster)
    stages.run_direct(study, out)
    text = all_output_text(out)
    for fragment in (secret, "harbour", "Write to", "Søndergade"):  # E6 and E9 are B-b's
        assert fragment not in text
    html = (out / "cases" / "B.html").read_text(encoding="utf-8")
    # nothing says that anyone withdrew (decision 0384), nor names her
    assert "withdr" not in html.lower() and "Mette" not in html and "B-b" not in text


def test_trained_model_adds_redactions_but_never_removes_roster_ones(tmp_path):
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(
        [
            {"label": "GPE", "pattern": "Copenhagen"},
            {"label": "ORG", "pattern": "Rigshospitalet"},
            {"label": "PERSON", "pattern": "Jensen"},
        ]
    )
    model_dir = tmp_path / "model"
    nlp.to_disk(model_dir)
    p = Pseudonymiser([("[peer P1]", ["Henrik"])], model=str(model_dir))
    [(text, n)] = list(p.pipe(["Henrik saw Dr Jensen at Rigshospitalet in Copenhagen."]))
    assert text == "[peer P1] saw Dr [person] at [organisation] in [place]."
    assert n == 1


def test_missing_model_is_a_clear_error():
    from flows.errors import TriangulateError

    with pytest.raises(TriangulateError, match="not installed"):
        Pseudonymiser([], model="xx_no_such_pipeline")


def test_audit_reads_artifacts_and_logs(tmp_path):
    roster = [("A", "peer", ["Henrik Sørensen", "Henrik"])]
    (tmp_path / "index.html").write_text("<p>clean</p>", encoding="utf-8")
    hits = stages.audit(tmp_path, roster, {"log": "rendered for henrik", "run-summary": "9 cases"})
    assert hits == [{"where": "artifact:log", "at": "line 1"}]


@pytest.mark.parametrize(
    ("case_id", "safe"),
    [("P3", "P3.html"), ("P3-a", "P3-a.html"), ("../../etc/passwd", None), ("<b>x</b>", None)],
)
def test_case_file_names_cannot_escape_or_carry_markup(case_id, safe):
    name = case_filename(case_id)
    if safe:
        assert name == safe
    else:
        assert "/" not in name and "<" not in name and ".." not in name and name.endswith(".html")


def test_places_and_institutions_from_the_identifiers_file(make_study, tmp_path):
    from conftest import TINY_STUDY

    rows = [
        ["E1", "I1", "A", "Intervention/Walking/Present", "", "1", "AK",
         "We walk in Nørrebroparken, then coffee near Bispebjerg Hospital. Nørrebroparkens café is nice."],
    ]  # fmt: skip
    toml = (
        TINY_STUDY + '\n[privacy]\nidentifiers = "identifiers.csv"\noutput_permissions = "group"\n'
    )
    folder = make_study(rows, study_toml=toml)
    (folder / "identifiers.csv").write_text(
        "kind,name,aliases\nplace,Nørrebroparken,\ninstitution,Bispebjerg Hospital,Bispebjerg\n"
        "planet,Mars,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    stages.run_direct(folder, out)
    text = all_output_text(out)
    assert "Nørrebroparken" not in text and "Bispebjerg" not in text
    assert "We walk in [place], then coffee near [institution]. [place] café is nice." in text
    rejects = (out / "rejects.csv").read_text(encoding="utf-8")
    assert "identifiers.csv,4,kind" in rejects
    # the study asked for group-readable outputs
    assert stat.S_IMODE(out.stat().st_mode) == 0o750
    assert stat.S_IMODE((out / "index.html").stat().st_mode) == 0o640


def test_audit_reads_spreadsheet_cells_not_theme_fonts(tmp_path):
    import pandas as pd

    from flows.render.exports import write_xlsx

    write_xlsx(pd.DataFrame({"a": ["clean"]}), tmp_path / "x.xlsx", sheet="x")
    roster = [("A", "peer", ["Hans Jensen", "Hans"])]  # the Office theme names a font script "Hans"
    assert stages.audit(tmp_path, roster) == []
    write_xlsx(pd.DataFrame({"a": ["met hans today"]}), tmp_path / "y.xlsx", sheet="y")
    assert [h["where"] for h in stages.audit(tmp_path, roster)] == ["y.xlsx"]


def test_confusables_are_read_only_for_a_non_ascii_letter():
    """0165: the confusables data (0.1 s to read) is read only when a letter
    folds to something not ASCII; the forms are unchanged."""
    from flows.privacy import canonical

    canonical.fold_char.cache_clear()
    canonical._confusables.cache_clear()
    assert [canonical.fold_char(c) for c in "Aé-Øß"] == ["a", "e", " ", "o", "ss"]
    assert canonical._confusables.cache_info().currsize == 0
    assert canonical.fold_char("\u0430") == "a"  # Cyrillic a looks like a Latin one
    assert canonical._confusables.cache_info().currsize == 1

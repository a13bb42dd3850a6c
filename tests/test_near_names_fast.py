"""The near-name screen looks only where a name can be (decision 0340) and reads the
ordinary words in place (0342), and finds exactly what scanning every text three
times and looking at every word found (decision 0326, as first written: `full_scan`
below), on random texts, on the real texts of the demo, the spent studies and the
development corpora with their rosters, and on those texts with names written into
them in every shape."""

from __future__ import annotations

import csv
import random
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flows.privacy import near_names, word_list
from flows.privacy.near_names import (
    _HYPHENATED,
    _SPACED,
    _WORD,
    MIN_LENGTH,
    Found,
    NearNames,
    _ordinary,
    is_letter,
    one_edit,
)

ROOT = Path(__file__).resolve().parent.parent
ROSTER = ["Henrik Sørensen", "Henrik", "Karen Lund", "Karen", "Mette Krogh", "Anne-Marie Holm"]


def full_scan(near: NearNames, text: str) -> list[Found]:
    """The screen of decision 0326 as first written: the three patterns searched
    through the whole text, and every word looked at."""
    found = []
    for m in _HYPHENATED.finditer(text):
        if near.spells(m.group(1) + m.group(2)):
            found.append(Found(m.start(), m.end(), "hyphenated"))
    for m in _SPACED.finditer(text):
        if near.spells(re.sub(r"\s", "", m.group()), near=False):
            found.append(Found(m.start(), m.end(), "spaced"))
    for m in _WORD.finditer(text):
        shape = near._shape(m.group())
        if shape is not None:
            found.append(Found(m.start(), m.end(), shape))
    return sorted(found, key=lambda f: (f.start, -f.end))


def written_in_shapes(name: str, rng: random.Random) -> list[str]:
    """A name misspelt, broken by a hyphen, spaced out, joined, and near misses."""
    i = rng.randrange(1, len(name) - 1)
    return [
        *(name[:i] + name[i + 1 :], name[:i] + name[i + 1] + name[i] + name[i + 2 :]),
        *(name[:i] + "x" + name[i + 1 :], name.upper(), name.lower(), name + "s"),
        *(name[:i] + "-\n" + name[i:], name[:i] + "‐ " + name[i:], name[:i] + " - " + name[i:]),
        *(name[:i] + "-\t" + name[i + 1 :], " ".join(name), "\t".join(name[:3])),
        *("Interview" + name, name + "familien", "møde" + name, name[:i] + "-" + name),
    ]


PIECES = [
    *("Henrik", "Sørensen", "Karen", "Lund", "Mette", "Krogh", "Holm", "Anne", "Marie"),
    *("Henrk", "Hnerik", "Sørensn", "Kagen", "Karensdag", "meste", "Mete", "Oel", "Henrks"),
    *("InterviewKaren", "Karenfamilien", "mødeHenrk", "well", "being", "the", "Element"),
    *("H", "e", "n", "r", "i", "k", "a", "I", "s", "ø", "É", "İ", "ß", "ǅ", "²", "½", "Ⅻ"),
    *(" ", " ", " ", "\t", "\n", "\r\n", "\u00a0", "\u2028", "  ", " " * 9, "\n" * 9),
    *("-", "‐", "‑", "—", "- ", "-\n", " -", "'s", "’", ".", ",", "_", "3", "٣", "[person]"),
    *("<br>", "\ud800", "Jen", "sen", "Kar", "en", "Sø", "ren"),
]
texts_of_pieces = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


@pytest.fixture(scope="module")
def near() -> NearNames:
    return NearNames(ROSTER, known=["kagen"])


@settings(max_examples=400)
@given(text=st.one_of(texts_of_pieces, st.text(max_size=60)))
def test_random_texts_find_what_the_full_scan_finds(near, text):
    for remembered in (near._found, near._clean, near._verdicts, near._broken):
        remembered.clear()  # as a fresh screen: nothing remembered
    assert near.find(text) == full_scan(near, text)


@settings(max_examples=200)
@given(texts=st.lists(texts_of_pieces, min_size=2, max_size=6))
def test_a_screen_that_remembers_words_finds_the_same(near, texts):
    for text in [*texts, "\n".join(texts), *texts]:
        assert near.find(text) == full_scan(near, text)


def study_texts() -> list[tuple[str, list[str], list[str]]]:
    """(study, roster names and aliases, texts) of the demo and the spent studies,
    and the development corpora's texts with the demo's roster."""
    csv.field_size_limit(sys.maxsize)
    found = []
    folders = [
        ROOT / "data" / "demo",
        *sorted((ROOT / "data" / "eval" / "studies").glob("blind-*")),
    ]
    for folder in folders[:6]:
        with (folder / "roster.csv").open(encoding="utf-8", newline="") as handle:
            names = [
                n
                for row in csv.DictReader(handle)
                for n in [row["name"], *(row.get("aliases") or "").split(";")]
                if n.strip()
            ]
        found.append((folder.name, names, rows_text(folder / "excerpts.csv")))
    corpora = sorted((ROOT / "data" / "eval" / "dev").glob("writer-*.csv"))[:6]
    found.append(("dev", found[0][1], [t for path in corpora for t in rows_text(path)]))
    return found


def rows_text(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [row["text"] for row in csv.DictReader(handle) if row.get("text")]


@pytest.mark.parametrize(("study", "names", "texts"), study_texts(), ids=lambda v: str(v)[:12])
def test_real_texts_with_names_written_in_every_shape_find_the_same(study, names, texts):
    rng = random.Random(study)
    parts = sorted({p for n in names for p in _WORD.findall(n) if len(p) >= 3})
    written = []
    for text in rng.sample(texts, min(len(texts), 120)):
        words = text.split(" ")
        for _ in range(3):
            words.insert(
                rng.randrange(len(words) + 1), rng.choice(written_in_shapes(rng.choice(parts), rng))
            )
        written.append(" ".join(words))
    near = NearNames(names)
    finds = 0
    for text in [*texts, *written, "\n".join(texts)]:
        found = near.find(text)
        assert found == full_scan(near, text), text[:300]
        finds += bool(found)
    assert finds >= len(written) // 2  # the shapes written in are found (the test can fail)


def test_is_letter_reads_each_character_as_the_pattern_does():
    letter = re.compile(r"[^\W\d_]")
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        assert is_letter(char) == bool(letter.fullmatch(char)), hex(code)


def test_a_misspelt_word_is_one_edit_from_a_stem_and_no_ordinary_word(near):
    """`misspelt` asks for an ordinary word last; the answer is the definition's."""

    def defined(word: str) -> bool:
        folded = near_names.canonical(word)
        if len(folded) < MIN_LENGTH - 1 or folded in near.stems or not folded.isalpha():
            return False
        if folded in near.known or _ordinary(word):
            return False
        if any(one_edit(folded, stem) for stem in near.stems):
            return True
        return folded.endswith("s") and len(folded) > MIN_LENGTH and defined(word[:-1])

    rng = random.Random(3)
    words = [w for piece in PIECES for w in _WORD.findall(piece)]
    words += [w for n in ROSTER for p in n.split() for w in written_in_shapes(p, rng)]
    words += ["Karin", "Kagens", "Hendrik", "Mettes", "Metter", "Krog", "Sorensen", "Lunds"]
    for word in {w for w in words if w.isalpha()}:
        assert near.misspelt(word) == defined(word), word


def test_the_sorted_file_holds_exactly_the_tables_forms():
    forms = frozenset().union(*map(word_list.table_forms, word_list.LANGUAGES))
    if not forms:
        pytest.skip("spacy-lookups-data is not installed")
    stored = word_list.ordinary_forms()  # made by `_write` on first use
    assert isinstance(stored, word_list.SortedWords)
    rng = random.Random(5)
    sample = rng.sample(sorted(forms), 5_000)
    assert all(form in stored for form in sample)
    others = {f + "q" for f in sample} | {f[:-1] for f in sample} | {f.upper() for f in sample}
    others |= {"", "\n", "a\nb", "\ud800", "zzzzzzzz", "\U0010ffff"}
    for word in others:
        assert (word in stored) == (word in forms), word
    assert "kagen" in stored and "henrk" not in stored


def test_a_sorted_file_answers_as_the_set_written(tmp_path):
    rng = random.Random(7)
    for size in (1, 2, 3, 10, 200):
        words = {
            "".join(rng.choice("aæbz ") for _ in range(rng.randint(0, 4))) for _ in range(size)
        }
        path = tmp_path / f"{size}.txt"
        assert word_list._write(path, words)
        stored = word_list.SortedWords(path)
        for word in [*words, *("".join(rng.choice("aæbz") for _ in range(3)) for _ in range(300))]:
            assert (word in stored) == (word in words), (word, sorted(words))
        assert "\n" not in stored and 3 not in stored

"""The review sheet's worksheet pieces kept compressed under what they are
made of (`review_sheet.piece_key`: group, place, first row number, the keys of
the cases whose rows they hold): a re-run makes and compresses only the pieces
of changed cases (and those after a changed row count), and its files equal a
cold write's byte for byte. The CRC-32 of pieces given compressed is combined
(`deflated.crc32_combine`) as zlib would compute it over the whole."""

from __future__ import annotations

import os
import random
import zlib

from flows.render import deflated, review_sheet
from flows.study import load_study

THEMES = ("social_support", "daily_management")


def case_rows(case_id: str, n: int, version: str = "1") -> list:
    return [
        (
            (i % 3 == 0, 1 + i % 2),
            f"{case_id},{i},{version}\n",
            f'<row r="\x00"><c r="A\x00" t="inlineStr"><is><t>{case_id} {i} {version}</t></is></c></row>',
            THEMES[i % 2],
        )
        for i in range(n)
    ]


def study(demo_dir):
    return load_study(demo_dir).definition


def made(monkeypatch) -> list[int]:
    count = []
    pack = deflated.pack

    def counted(piece):
        count.append(len(piece))
        return pack(piece)

    monkeypatch.setattr(deflated, "pack", counted)
    return count


def write(tmp_path, name, rows, keys, demo_dir, saved=None):
    used: dict = {}
    paths = review_sheet.write(
        review_sheet.assemble(rows),
        study(demo_dir),
        tmp_path / name / "stances",
        (saved or {}, used),
        keys,
    )
    return [p.read_bytes() for p in paths], used


def first_write(tmp_path, demo_dir) -> tuple[dict, dict, dict]:
    """100 cases of 6 rows written once: their rows, keys and kept pieces."""
    cases = [f"C{i:03d}" for i in range(100)]
    rows = {c: case_rows(c, 6) for c in cases}
    keys = {c: f"k-{c}" for c in cases}
    _, saved = write(tmp_path, "first", rows, keys, demo_dir)
    return rows, keys, saved


def test_only_the_changed_cases_pieces_are_made_again(tmp_path, demo_dir, monkeypatch):
    rows, keys, saved = first_write(tmp_path, demo_dir)
    count = made(monkeypatch)
    rows["C050"], keys["C050"] = case_rows("C050", 6, "2"), "k-changed"  # same row count
    warm, _ = write(tmp_path, "warm", rows, keys, demo_dir, saved)
    assert 0 < len(count) <= 4  # C050's pieces: one per group it has rows in
    cold, _ = write(tmp_path, "cold", rows, keys, demo_dir)
    assert warm == cold


def test_a_changed_row_count_makes_the_pieces_after_it_again(tmp_path, demo_dir, monkeypatch):
    rows, keys, saved = first_write(tmp_path, demo_dir)
    count = made(monkeypatch)
    rows["C010"], keys["C010"] = case_rows("C010", 7, "2"), "k-changed"
    warm, _ = write(tmp_path, "warm", rows, keys, demo_dir, saved)
    cold, _ = write(tmp_path, "cold", rows, keys, demo_dir)
    assert warm == cold and len(count) > 4  # the row numbers after C010 moved
    # without keys nothing is reused (every piece made)
    count.clear()
    write(tmp_path, "nokeys", rows, None, demo_dir, saved)
    assert len(count) == len(review_sheet._piece_bounds(review_sheet.assemble(rows)))


def test_crc32_combine_is_zlibs_crc_of_the_whole():
    rng = random.Random(0)
    for _ in range(200):
        first = os.urandom(rng.randint(0, 2000))
        second = os.urandom(rng.choice([0, 1, 3, 64, 4096, 70000]))
        combined = deflated.crc32_combine(zlib.crc32(first), zlib.crc32(second), len(second))
        assert combined == zlib.crc32(first + second)


def test_packed_and_plain_pieces_make_the_same_stream():
    pieces = [os.urandom(n) for n in (10, 5000, 0, 300)]
    plain = deflated.deflate_pieces(pieces, {}, {})
    mixed = deflated.deflate_pieces(
        [deflated.pack(p) if i % 2 else p for i, p in enumerate(pieces)], {}, {}
    )
    assert plain == mixed
    assert zlib.decompress(plain[0], -zlib.MAX_WBITS) == b"".join(pieces)

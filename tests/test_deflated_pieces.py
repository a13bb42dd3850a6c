"""A worksheet compressed in pieces (flows/render/deflated.py, used by the
review sheet): the package holds what `write_xlsx_rows` writes, and reusing
stored pieces gives the bytes compressing them afresh gives."""

from __future__ import annotations

import zipfile

import openpyxl

from flows.render import deflated, exports


def rows(n: int, changed: int | None = None) -> list[str]:
    made = [exports.xlsx_row(1, ["case", "text"], style=' s="1"')]
    for i in range(2, n + 2):
        text = f"excerpt {i} <&> ünïcode" + (" changed" if i == changed else "")
        made.append(exports.xlsx_row(i, [f"C{i:04d}", text]))
    return made


def pieces(made: list[str], size: int = 50) -> list[str]:
    return [made[0]] + ["".join(made[i : i + size]) for i in range(1, len(made), size)]


def test_pieces_hold_what_one_stream_holds(tmp_path):
    made = rows(300)
    choices = {"B2:B301": ["yes", "no"]}
    exports.write_xlsx_rows(made, 2, tmp_path / "whole.xlsx", "stances", choices)
    exports.write_xlsx_pieces(
        pieces(made), len(made), 2, tmp_path / "pieces.xlsx", "stances", choices, {}, {}
    )
    whole, split = (zipfile.ZipFile(tmp_path / f"{n}.xlsx") for n in ("whole", "pieces"))
    assert split.testzip() is None
    assert [(i.filename, i.external_attr, i.date_time) for i in split.infolist()] == [
        (i.filename, i.external_attr, i.date_time) for i in whole.infolist()
    ]
    assert all(whole.read(name) == split.read(name) for name in whole.namelist())
    sheet = openpyxl.load_workbook(tmp_path / "pieces.xlsx")["stances"]
    assert sheet.max_row == 301 and sheet["B301"].value == "excerpt 301 <&> ünïcode"


def test_reused_pieces_give_the_bytes_a_cold_write_gives(tmp_path):
    first: dict[bytes, bytes] = {}
    exports.write_xlsx_pieces(pieces(rows(300)), 301, 2, tmp_path / "a.xlsx", "s", None, {}, first)
    # one row changed: only its piece is compressed anew
    made = pieces(rows(300, changed=120))
    used: dict[bytes, bytes] = {}
    exports.write_xlsx_pieces(made, 301, 2, tmp_path / "warm.xlsx", "s", None, first, used)
    exports.write_xlsx_pieces(made, 301, 2, tmp_path / "cold.xlsx", "s", None, {}, {})
    assert (tmp_path / "warm.xlsx").read_bytes() == (tmp_path / "cold.xlsx").read_bytes()
    fresh = [k for k in used if k not in first]
    assert len(fresh) == 1 and fresh[0] == deflated.piece_key(made[3].encode("utf-8"))
    assert zipfile.ZipFile(tmp_path / "warm.xlsx").testzip() is None

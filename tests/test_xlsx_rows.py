"""Worksheet rows and export cells (`exports.xlsx_row`, `fragments.cell`, decision
0241): plain texts and numbers take
a path of their own and short texts are escaped once per process; the cells are
those of the one general path every value took before."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from flows.render import exports, fragments


def reference_row(number, values, style=""):
    """The row as written before decision 0241 (every cell on one path)."""
    cells = []
    for col, value in enumerate(values):
        if hasattr(value, "item"):
            value = value.item()
        if value is None or value is pd.NA or (isinstance(value, float) and value != value):
            continue
        ref = f"{get_column_letter(col + 1)}{number}"
        if isinstance(value, bool):
            cells.append(f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>')
        elif isinstance(value, int | float) and math.isfinite(value):
            cells.append(f'<c r="{ref}"{style}><v>{value!r}</v></c>')
        else:
            cells.append(
                f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">'
                f"{exports._escaped_text(str(value))}</t></is></c>"
            )
    return f'<row r="{number}">{"".join(cells)}</row>'


CELLS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(alphabet=st.sampled_from("ab_x0F9<>&\"'\x01\x0b\ufffe é=+-\n")),
    st.text(min_size=200, max_size=260),
    st.sampled_from([np.int64(3), np.float64(2.5), np.bool_(True), pd.NA, float("nan")]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(CELLS, max_size=30), st.sampled_from(["\x00", 1, 17]))
def test_a_row_holds_the_cells_of_the_general_path(values, number):
    expected = reference_row(number, values)
    assert exports.xlsx_row(number, values) == expected
    assert exports.xlsx_row(number, values) == expected  # texts now escaped before


def test_columns_past_the_letter_table_and_escapes():
    values = ["x"] * 300 + ["a_x00AF_b <&>", "\x01"]
    row = exports.xlsx_row(2, values, style=' s="1"')
    assert row == reference_row(2, values, style=' s="1"')
    assert '<c r="KN2" s="1" t="inlineStr">' in row and "a_x005F_x00AF_b &lt;&amp;&gt;" in row


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab =+-@\t\r\n;,|＝ ")))
def test_an_export_cell_of_a_text_is_the_neutralised_text_every_time(text):
    expected = exports.neutralise(text)
    assert fragments.cell(text) == expected
    assert fragments.cell(text) == expected  # short texts now made before


def test_column_letters_are_openpyxls_and_a_run_does_not_import_openpyxl():
    """`exports.get_column_letter` spares every run openpyxl's import (decision 0268)."""
    import subprocess
    import sys

    import pytest

    letters = exports.get_column_letter
    assert [letters(i) for i in range(1, 18279)] == [get_column_letter(i) for i in range(1, 18279)]
    for outside in (0, 18279):
        with pytest.raises(ValueError):
            letters(outside)
    imported = subprocess.run(
        [sys.executable, "-c", "import sys, flows.stages; print('openpyxl' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert imported.stdout.strip() == "False"

"""`exports.xlsx_row`'s own path for plain numbers (decision 0414) writes the
cells `_typed_cell` writes, for every value."""

from __future__ import annotations

import decimal
import math

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from flows.render import exports


def reference_row(number, values, style=""):
    """The row as every cell but a plain str was written before: `_typed_cell`."""
    cells = []
    for col, value in enumerate(values):
        ref = f"{exports.get_column_letter(col + 1)}{number}"
        if type(value) is str:
            cells.append(
                f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">'
                f"{exports._xml_text(value)}</t></is></c>"
            )
        elif value is not None:
            made = exports._typed_cell(ref, value, style)
            if made:
                cells.append(made)
    return f'<row r="{number}">{"".join(cells)}</row>'


EDGES = [
    0,
    -1,
    2**62,
    0.0,
    -0.0,
    1.5,
    1e-300,
    math.inf,
    -math.inf,
    math.nan,
    True,
    False,
    None,
    "",
    "a<b & c",
    decimal.Decimal("1.25"),
    np.int64(7),
    np.float64(2.5),
    np.float64("nan"),
    pd.NA,
]


def test_edge_values_make_the_same_cells():
    for style in ("", ' s="1"'):
        assert exports.xlsx_row(3, EDGES, style) == reference_row(3, EDGES, style)
        assert exports.xlsx_row("\x00", EDGES, style) == reference_row("\x00", EDGES, style)


def test_columns_past_the_precomputed_letters():
    values = [1, 2.5, "x", None] * 80  # 320 columns: past column IV
    assert exports.xlsx_row(9, values) == reference_row(9, values)


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(min_value=-(2**63), max_value=2**63),
            st.floats(),
            st.text(max_size=20),
        ),
        max_size=40,
    )
)
def test_any_row_makes_the_same_cells(values):
    assert exports.xlsx_row(12, values) == reference_row(12, values)


def test_plain_cells_take_their_own_path_and_the_precomputed_letters(monkeypatch):
    """The decision's point (0414): a str, an int and a finite float never reach
    `_typed_cell`, and the first 256 columns' letters are read, not computed
    (mutants15: skipping either gave the same bytes, slower, and no test saw it)."""

    def never(*args):
        raise AssertionError(f"called for {args!r}")

    row = ["a<b", 7, 2.5, None, "x"]
    expected = reference_row(4, row)
    monkeypatch.setattr(exports, "_typed_cell", never)
    monkeypatch.setattr(exports, "get_column_letter", never)
    assert exports.xlsx_row(4, row) == expected

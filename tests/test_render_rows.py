"""Dossier rows rendered once per distinct row and process (`flows.render.badges`,
decision 0195): a cached row is the macro's own output for that row, and
rows that differ in anything the macro shows never share an entry."""

from __future__ import annotations

import jinja2
import pytest

from flows.render import badges as badges_module
from flows.render import pages

CELL = {
    "stance": "present",
    "n_excerpts": 2,
    "source_kind": "informant",
    "basis": "coded+suggested",
    "provisional": True,
    "low_confidence_only": False,
    "informants": [
        {"person_id": "P1", "stance": "present"},
        {"person_id": "P2", "stance": "absent"},
    ],
    "source": "peer",  # read by nothing in the macro: not part of the key
}
PAIR = {
    "source_a": "peer",
    "source_b": "nurse",
    "stance_a": "improved",
    "stance_b": "worsened",
    "meaning_agrees": False,
    "examples_agree": True,
    "shared_examples": ["walking:improved", "diet:no_change"],
    "code": "dissonance",
    "held_back": True,
    "held_back_reason": "low_confidence",
    "basis_a": "suggested",
    "basis_b": None,
    "provisional": True,
}


def _macros():
    env = pages.environment()
    return env, env.get_template("macros.html").module


def test_a_cached_cell_and_pair_row_are_the_macros_output():
    env, macros = _macros()
    badges = env.globals["badges"]
    for _ in range(2):  # rendered, then from the cache
        assert badges.cells([CELL, CELL]) == macros.matrix_cell(CELL) * 2
        matrix = [{"label": "Walking", "pairs": [PAIR, {**PAIR, "held_back": False}]}]
        assert badges.pair_rows(matrix, 2) == macros.pair_row("Walking", 2, PAIR) + macros.pair_row(
            "Walking", 2, {**PAIR, "held_back": False}
        )


def test_rows_that_render_apart_never_share_an_entry():
    env, macros = _macros()
    badges = env.globals["badges"]
    one, one_float = {**CELL, "n_excerpts": 1}, {**CELL, "n_excerpts": 1.0}
    assert badges.cells([one]) != badges.cells([one_float])
    assert badges.cells([one_float]) == macros.matrix_cell(one_float)
    other = {**CELL, "informants": [{"person_id": "P3", "stance": "present"}]}
    assert badges.cells([other]) == macros.matrix_cell(other)
    matrix = [{"label": "Walking", "pairs": [{**PAIR, "held_back_reason": "few_readings"}]}]
    assert badges.pair_rows(matrix, 2) != badges.pair_rows(matrix, 3)  # the phrase shows it
    relabelled = [{"label": "Diet", "pairs": [PAIR]}]
    assert "Diet" in badges.pair_rows(relabelled, 2)


def test_a_macro_reading_a_field_outside_its_key_fails():
    """The macro is given the key's fields alone: a field added to the macro but
    not to `Fields` is an error, not a row cached without it."""
    env, _ = _macros()
    badges = env.globals["badges"]
    with pytest.raises(jinja2.UndefinedError):
        badges._row("matrix_cell", badges_module.Fields(("stance",)), (), CELL)


def test_a_cached_diagram_is_the_macros_output_and_tells_1_from_1_0():
    from flows.render import diagram

    env, macros = _macros()
    badges = env.globals["badges"]
    laid = diagram.Diagram(
        200,
        100.5,
        (diagram.Cluster(0, 0, 100, 50, "Activities"),),
        (diagram.Box(10, 20, 80.5, 30, ("Visits", "(delivered)"), "on"),),
        (diagram.Arrow(0, 0, 10, 10, "flow"),),
    )
    assert badges.diagram(laid) == badges.diagram(laid) == macros.icamo_diagram(laid)
    whole = diagram.Diagram(1, 1, (), (), ())
    assert badges.diagram(whole) != badges.diagram(diagram.Diagram(1.0, 1.0, (), (), ()))

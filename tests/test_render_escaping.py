"""The templates' faster `escape` (decision 0413) gives markupsafe's result for
every value, and the compiled templates (from source and from the bytecode
cache) use it."""

from __future__ import annotations

import decimal
import math

import jinja2
import markupsafe
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from flows.render import escaping, pages


class _Html:
    def __html__(self):
        return "<b>safe</b>"


class _Sub(str):
    def __html__(self):
        return "<i>sub</i>"


class _Int(int):
    pass


VALUES = [
    "",
    "plain",
    "<script>alert('x') & \"y\"</script>",
    "Søren → ✓ ± −",
    0,
    -12,
    10**30,
    1.5,
    -0.0,
    math.inf,
    math.nan,
    True,
    False,
    None,
    decimal.Decimal("2.50"),
    Markup("<b>kept</b>"),
    _Html(),
    _Sub("x<y"),
    _Int(7),
    ["<a>", 1],
]


@pytest.mark.parametrize(
    "value", VALUES, ids=[f"{i}-{type(v).__name__}" for i, v in enumerate(VALUES)]
)
def test_escape_equals_markupsafe(value):
    got, want = escaping.escape(value), markupsafe.escape(value)
    assert type(got) is Markup and type(want) is Markup
    assert str(got) == str(want)


@given(st.text())
def test_escape_equals_markupsafe_on_any_text(text):
    got = escaping.escape(text)
    assert type(got) is Markup and str(got) == str(markupsafe.escape(text))


@given(st.one_of(st.integers(), st.floats()))
def test_escape_equals_markupsafe_on_numbers(number):
    assert str(escaping.escape(number)) == str(markupsafe.escape(number))


def test_the_dossier_templates_escape_with_it(tmp_path):
    fresh = pages.environment()
    cached = pages.environment(compiled=tmp_path / "templates")
    for env in (fresh, cached, pages.environment(compiled=tmp_path / "templates")):
        for name in ("dossier.html", "base.html", "macros.html", "index.html"):
            template = env.get_template(name)
            assert isinstance(template, escaping.Template)
            assert template.root_render_func.__globals__["escape"] is escaping.escape


def test_a_template_renders_the_same_bytes_as_with_markupsafe():
    source = (
        "{% macro m(x) %}<i>{{ x }}</i>{% endmacro %}"
        '{% for v in values %}<p title="{{ v }}">{{ v }}|{{ m(v) }}|{{ v|string }}</p>'
        "{% endfor %}{{ values|join(', ') }}"
    )
    values = [v for v in VALUES if not isinstance(v, list)]
    plain = jinja2.Environment(autoescape=True).from_string(source).render(values=values)
    env = jinja2.Environment(autoescape=True)
    env.template_class = escaping.Template
    template = env.from_string(source)
    assert template.root_render_func.__globals__["escape"] is escaping.escape
    assert template.render(values=values) == plain


def test_plain_strings_ints_and_floats_take_the_path_without_the_probe(monkeypatch):
    """The decision's point (0413: about 0.6-0.9 ms a page): a str, int or float
    never reaches `markupsafe.escape` (mutants15: skipping the path gave the same
    bytes, slower, and no test saw it)."""

    def probed(value):
        raise AssertionError(f"markupsafe.escape called for {value!r}")

    monkeypatch.setattr(markupsafe, "escape", probed)
    assert escaping.escape("a<b") == Markup("a&lt;b")
    assert escaping.escape(-12) == Markup("-12")
    assert escaping.escape(1.5) == Markup("1.5")


def test_a_template_reads_the_environments_globals():
    """The dossier reads `badges` and the label tables from the environment's
    globals: the template class hands them on (mutants15)."""
    env = jinja2.Environment(autoescape=True)
    env.template_class = escaping.Template
    env.globals["labels"] = {"better": "<improved>"}
    assert env.from_string("{{ labels['better'] }}").render() == "&lt;improved&gt;"

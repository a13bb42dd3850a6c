"""The index page audited as it is rendered, from its rows' cached segments
(`flows.render.index_rows.index_page`): the same page as a plain render, the
same hits as parsing the whole page, and a name split across two rows is found."""

from __future__ import annotations

import shutil

import jinja2
import pytest

from flows import stages
from flows.privacy import audit
from flows.render import index_rows

ROWS = """
{% macro overview(case) %}
    <tr><th>{{ case.case_id }}</th><td>{{ case.note }}</td></tr>
{% endmacro %}
{% macro typology(case) %}
    <tr><td title="{{ case.case_id }}">{{ case.case_id }}</td></tr>
{% endmacro %}
{% macro matrix(row) %}
    <tr><td>{{ row.case_id }}</td></tr>
{% endmacro %}
"""
INDEX = """<html><body><h1>{{ title }}</h1>
<table><tbody>
  {% for html in case_rows.overview %}{{ html }}{% endfor %}
</tbody></table>
<table><tbody>{% for c in cases %}{{ case_rows.typology[c.case_id] }}{% endfor %}</tbody></table>
<table><tbody>
  {% for html in case_rows.matrix %}{{ html }}{% endfor %}
</tbody></table>
{{ footer }}</body></html>
"""


def _env(index: str = INDEX) -> jinja2.Environment:
    loader = jinja2.DictLoader({"index.html": index, index_rows.TEMPLATE: ROWS})
    return jinja2.Environment(loader=loader, autoescape=True)


def _context(notes: list[str], footer: str = "") -> dict:
    cases = [{"case_id": f"P{i}", "note": note} for i, note in enumerate(notes, 1)]
    return {"title": "Index", "cases": cases, "rows": cases, "footer": footer}


def _plain(env: jinja2.Environment, context: dict) -> str:
    rows = index_rows.case_rows(env, context)
    return env.get_template("index.html").render(case_rows=rows, **context)


SCREEN = audit.NameScreen(("Henrik Sørensen", "Henrik", "Sørensen"))


def _not_parsed_whole(text: str):
    raise AssertionError("the whole page was parsed: a seam did not hold")


def _count_whole_parses(monkeypatch) -> list[str]:
    """Pages parsed whole from now on (the real parse still runs)."""
    parsed, real = [], audit.html_segments

    def spy(text: str):
        parsed.append(text)
        return real(text)

    monkeypatch.setattr(audit, "html_segments", spy)
    return parsed


@pytest.mark.parametrize(
    "notes, footer",
    [
        (["walks daily", "no change"], ""),
        (["walks with Henrik Sørensen", "fine"], ""),  # a name inside one row
        (["asked Henrik", "fine"], "Sørensen"),  # split between a row and the page
        (["Dr. Hansen said so", "fine"], ""),  # a title and a capitalised word
    ],
)
def test_index_page_equals_a_plain_render_and_a_whole_page_audit(
    tmp_path, monkeypatch, notes, footer
):
    env, context = _env(), _context(notes, footer)
    expected = _plain(env, context)
    whole = SCREEN.hits(audit.html_segments(expected))
    parsed = _count_whole_parses(monkeypatch)
    cache_path = tmp_path / "rows.marshal"
    for _ in range(2):  # rows and their texts made, then reused from the cache
        cache = index_rows.RowCache(cache_path, "salt")
        page, hits = index_rows.index_page(env, context, cache, SCREEN)
        cache.save()
        assert page == expected and hits == whole
    # clean: never parsed whole; a hit: parsed whole to say where
    assert len(parsed) == (2 if whole else 0)


def test_a_name_split_across_two_rows_is_found(tmp_path, monkeypatch):
    """One row ends with a first name, the next starts with the family name;
    only the roster search can find it (the title screen is switched off)."""
    index = INDEX.replace("<th>{{ case.case_id }}</th>", "")
    rows = ROWS.replace("<th>{{ case.case_id }}</th>", "")
    loader = jinja2.DictLoader({"index.html": index, index_rows.TEMPLATE: rows})
    env = jinja2.Environment(loader=loader, autoescape=True)
    screen = audit.NameScreen(("Henrik Sørensen",))
    monkeypatch.setattr(screen, "titled_in", lambda texts: [])
    context = _context(["Henrik", "Sørensen"])
    whole = screen.hits(audit.html_segments(_plain(env, context)))
    assert whole  # a plain audit of the page finds it
    parsed = _count_whole_parses(monkeypatch)
    cache = index_rows.RowCache(tmp_path / "rows.marshal", "salt")
    assert index_rows.index_page(env, _context(["Henrik", "walks"]), cache, screen)[1] == []
    assert not parsed  # the seams hold: read from the rows' texts
    # the rows' texts read as one text find it (then the page is parsed to say where)
    assert index_rows.index_page(env, context, cache, screen)[1] == whole and len(parsed) == 1


def test_a_row_that_does_not_start_at_a_tag_falls_back_to_the_whole_page(tmp_path):
    rows = ROWS.replace(
        "    <tr><td>{{ row.case_id }}</td></tr>", "Henrik <b>{{ row.case_id }}</b>"
    )
    loader = jinja2.DictLoader({"index.html": INDEX, index_rows.TEMPLATE: rows})
    env = jinja2.Environment(loader=loader, autoescape=True)
    context = _context(["a", "b"], footer="")
    assert not index_rows.seams_hold(["x>a", "0", "<y"], "")
    assert not index_rows.seams_hold(["<!-- ", "0", " -->"], "<!-- \x00 -->")
    assert index_rows.seams_hold(["<p>\n ", "0", " <q>"], "")
    page, hits = index_rows.index_page(env, context, index_rows.RowCache(), SCREEN)
    assert page == _plain(env, context) and hits == SCREEN.hits(audit.html_segments(page))


def test_the_demo_index_is_vouched_clean_and_equals_a_plain_render(
    demo_out, demo_dir, tmp_path, monkeypatch
):
    ingested = stages.ingest(demo_dir)
    prov = stages.provenance(ingested)
    exports = [f"exports/{stem}.{kind}" for stem in stages.EXPORTS for kind in ("csv", "xlsx")]
    exports.append("rejects.csv")  # as run_direct lists them
    db = demo_out / stages.DB_NAME
    plain_audit = audit.html_segments
    monkeypatch.setattr(audit, "html_segments", _not_parsed_whole)
    first = stages.render_index_page(db, ingested, tmp_path, prov, exports, tmp_path / "c")
    page = (tmp_path / "index.html").read_bytes()
    assert first == {audit.sha256_file(tmp_path / "index.html")}
    again = stages.render_index_page(db, ingested, tmp_path, prov, exports, tmp_path / "c")
    assert again == first and (tmp_path / "index.html").read_bytes() == page
    assert page == (demo_out / "index.html").read_bytes()
    monkeypatch.setattr(audit, "html_segments", plain_audit)
    shutil.rmtree(tmp_path / "c")  # the private store, never in a published folder
    assert not audit.audit(tmp_path, ingested.name_set())

"""The index page's rows kept per case (`index_rows.RowCache.kept`): a re-run
builds and renders the rows of the changed cases only, and reuses nothing when
a case's key, the salt (code, SQL, templates, study file, names and statuses:
the warehouse's shared key) or the set of cases differs."""

from __future__ import annotations

import jinja2
import pandas as pd
from test_incremental import assert_same_outputs, change_one_excerpt

from flows import stages
from flows.render import index_rows

ROWS = """
{% macro overview(case) %}<tr><th>{{ case.case_id }}</th><td>{{ case.note }}</td></tr>{% endmacro %}
{% macro typology(case) %}<tr><td>{{ case.case_id }}</td></tr>{% endmacro %}
{% macro matrix(row) %}<tr><td>{{ row.case_id }} {{ row.note }}</td></tr>{% endmacro %}
"""
INDEX = """<table>{% for html in case_rows.overview %}{{ html }}{% endfor %}</table>
<p>{{ cases|length }} cases, {{ achievers|length }} achieved</p>
<table>{% for c in achievers %}{{ case_rows.typology[c.case_id] }}{% endfor %}</table>
<table>{% for html in case_rows.matrix %}{{ html }}{% endfor %}</table>
"""


def _env() -> jinja2.Environment:
    loader = jinja2.DictLoader({"index.html": INDEX, index_rows.TEMPLATE: ROWS})
    return jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined)


def _context(notes: dict[str, str]) -> dict:
    cases = [
        {"case_id": c, "note": note, "achieved": i % 2 == 0}
        for i, (c, note) in enumerate(sorted(notes.items()))
    ]
    return {
        "cases": cases,
        "rows": cases,
        "achievers": [c for c in cases if c["achieved"]],
        "non_achievers": [c for c in cases if not c["achieved"]],
    }


def _page(env, context, cache, keys) -> str:
    rows = index_rows.case_rows(env, context, cache, keys)
    return env.get_template("index.html").render(case_rows=rows, **context)


def _first_run(tmp_path, notes, keys) -> jinja2.Environment:
    env = _env()
    cache = index_rows.RowCache(tmp_path / "rows.marshal", "salt")
    _page(env, _context(notes), cache, keys)
    cache.save()
    return env


def test_only_the_changed_cases_rows_are_built_and_rendered(tmp_path):
    notes = {"P1": "walks", "P2": "cooks", "P3": "reads"}
    keys = {"P1": "k1", "P2": "k2", "P3": "k3"}
    env = _first_run(tmp_path, notes, keys)
    notes["P2"], keys["P2"] = "cooks daily", "k2b"
    cache = index_rows.RowCache(tmp_path / "rows.marshal", "salt")
    reused = cache.reusable(keys, sorted(keys))
    assert sorted(reused) == ["P1", "P3"]
    # the context of the changed case only, the others as their id and outcome
    fresh = _context({"P2": notes["P2"]})
    fresh["cases"][0]["achieved"] = False  # as P2 is in the full context
    context = index_rows.with_reused(fresh, sorted(keys), reused)
    page = _page(env, context, cache, keys)
    assert cache.rendered == 3  # P2's overview, typology and matrix rows
    assert page == _page(_env(), _context(notes), index_rows.RowCache(), None)
    assert "cooks daily" in page


def test_a_case_whose_key_changed_is_never_reused(tmp_path):
    keys = {"P1": "k1", "P2": "k2"}
    _first_run(tmp_path, {"P1": "walks", "P2": "cooks"}, keys)
    cache = index_rows.RowCache(tmp_path / "rows.marshal", "salt")
    assert sorted(cache.reusable({"P1": "k1", "P2": "changed"}, ["P1", "P2"])) == ["P1"]
    assert cache.kept("P2", {"P1": "k1", "P2": "changed"}) is None
    assert cache.kept("P2", None) is None  # no keys: nothing is reused


def test_nothing_is_reused_under_another_salt_or_another_set_of_cases(tmp_path):
    keys = {"P1": "k1", "P2": "k2"}
    _first_run(tmp_path, {"P1": "walks", "P2": "cooks"}, keys)
    # another shared key: code, SQL, templates or study file changed, a withdrawal
    assert (
        index_rows.RowCache(tmp_path / "rows.marshal", "other").reusable(keys, ["P1", "P2"]) == {}
    )
    cache = index_rows.RowCache(tmp_path / "rows.marshal", "salt")
    assert cache.reusable(keys, ["P1", "P2", "P3"]) == {}  # a case without a key
    assert cache.reusable({**keys, "P3": "k3"}, ["P1", "P2"]) == {}  # a key without a case
    assert sorted(cache.reusable(keys, ["P1", "P2"])) == ["P1", "P2"]


def _count_rendered(monkeypatch) -> list[int]:
    counts: list[int] = []
    save = index_rows.RowCache.save

    def counted(self):
        counts.append(self.rendered)
        save(self)

    monkeypatch.setattr(index_rows.RowCache, "save", counted)
    return counts


def test_a_warm_run_renders_the_changed_cases_index_rows_only(demo_dir, tmp_path, monkeypatch):
    import shutil

    study = tmp_path / "study"
    shutil.copytree(demo_dir, study)
    warm = tmp_path / "warm"
    counts = _count_rendered(monkeypatch)
    cases = stages.run_direct(study, warm)["cases"]
    change_one_excerpt(study, "P7")
    stages.run_direct(study, warm)
    assert counts[0] >= 2 * len(cases) and counts[1] <= 3  # P7's rows at most
    # a withdrawal changes the shared key: every row is made again
    roster = pd.read_csv(study / "roster.csv", dtype=str, keep_default_na=False)
    peer = roster[(roster["role"] == "peer") & (roster["case_ids"] == "P4")].index[0]
    roster.loc[peer, "status"] = "withdrawn"
    roster.to_csv(study / "roster.csv", index=False)
    stages.run_direct(study, warm)
    assert counts[2] >= 2 * len(cases)
    cold = tmp_path / "cold"
    stages.run_direct(study, cold)
    assert_same_outputs(warm, cold)

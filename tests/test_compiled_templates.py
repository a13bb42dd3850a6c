"""Compiled templates kept in the private store (decision 0230): a later process
renders from them without compiling, the same bytes; a file not the owner's alone,
or made for other options, is compiled again."""

from __future__ import annotations

import shutil
from pathlib import Path

import jinja2
import pytest
from test_incremental import assert_same_outputs, change_one_excerpt

from flows import stages
from flows.render import compiled, pages


@pytest.fixture
def templates(tmp_path) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "page.html").write_text(
        "{% for x in items %}\n  <li>{{ x }}</li>\n{% endfor %}\n", encoding="utf-8"
    )
    return folder


def compiles(monkeypatch) -> list[str]:
    """Names of the templates Jinja compiles from source from now on."""
    seen: list[str] = []
    real = jinja2.Environment.compile

    def counted(self, source, name=None, filename=None, raw=False, defer_init=False):
        seen.append(name)
        return real(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    return seen


def test_a_second_environment_renders_from_the_kept_code(templates, tmp_path, monkeypatch):
    kept = tmp_path / "private" / "templates"
    first = pages.environment(templates, kept).get_template("page.html").render(items=["<a>", 2])
    (written,) = kept.iterdir()
    assert written.stat().st_mode & 0o777 == 0o600
    seen = compiles(monkeypatch)
    again = pages.environment(templates, kept).get_template("page.html").render(items=["<a>", 2])
    assert (seen, again) == ([], first)
    assert first == "  <li>&lt;a&gt;</li>\n  <li>2</li>\n"


def test_a_changed_template_is_compiled_again(templates, tmp_path, monkeypatch):
    kept = tmp_path / "kept"
    pages.environment(templates, kept).get_template("page.html")
    (templates / "page.html").write_text("{{ items | length }}\n", encoding="utf-8")
    seen = compiles(monkeypatch)
    assert pages.environment(templates, kept).get_template("page.html").render(items=[1]) == "1\n"
    assert seen == ["page.html"]


def test_a_file_others_can_read_is_not_loaded(templates, tmp_path, monkeypatch):
    kept = tmp_path / "kept"
    pages.environment(templates, kept).get_template("page.html")
    (written,) = kept.iterdir()
    written.chmod(0o644)
    seen = compiles(monkeypatch)
    pages.environment(templates, kept).get_template("page.html")
    assert seen == ["page.html"]
    assert written.stat().st_mode & 0o777 == 0o600  # rewritten, owner-only


def test_other_options_or_versions_key_other_files(templates, tmp_path, monkeypatch):
    kept = tmp_path / "kept"
    pages.environment(templates, kept).get_template("page.html")
    monkeypatch.setattr(compiled, "FORMAT", "templates-other")
    seen = compiles(monkeypatch)
    pages.environment(templates, kept).get_template("page.html")
    assert seen == ["page.html"] and len(list(kept.iterdir())) == 2


def test_a_damaged_file_is_compiled_again(templates, tmp_path, monkeypatch):
    kept = tmp_path / "kept"
    pages.environment(templates, kept).get_template("page.html")
    (written,) = kept.iterdir()
    written.write_bytes(written.read_bytes()[:-20])
    seen = compiles(monkeypatch)
    text = pages.environment(templates, kept).get_template("page.html").render(items=[1])
    assert (seen, text) == (["page.html"], "  <li>1</li>\n")


def test_a_warm_rerun_in_a_new_process_compiles_nothing_and_equals_a_cold_run(
    demo_dir, tmp_path, monkeypatch
):
    study = tmp_path / "study"
    shutil.copytree(demo_dir, study)
    warm = tmp_path / "warm"
    stages.run_direct(study, warm)
    # one file per template of the project's, nothing else (no study data)
    kept = stages.compiled_templates(stages.store_dir(warm))
    env = pages.environment(compiled=kept)
    made = {
        env.bytecode_cache.get_cache_key(name, env.loader.get_source(env, name)[1]) + ".jinja"
        for name in env.list_templates()
    }
    assert {p.name for p in kept.iterdir()} == made
    change_one_excerpt(study, "P7")
    pages._environment_for.cache_clear()  # as in a new process
    seen = compiles(monkeypatch)
    assert stages.run_direct(study, warm)["recomputed"] == ["P7"]
    assert seen == []
    monkeypatch.undo()
    cold = tmp_path / "cold"
    stages.run_direct(study, cold)
    assert_same_outputs(warm, cold)

"""The stance reader's compiled modules (decision 0221): loaded only where built from
the source as it is, and reading exactly as the .py modules read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from flows.nlp import compiled

ROOT = Path(__file__).resolve().parents[1]


def _built(tmp_path: Path, sources: dict[str, str], recorded: dict[str, str]) -> tuple[Path, Path]:
    """A source folder and a build folder whose manifest records `recorded` (name ->
    source text the build was made from)."""
    folder, built = tmp_path / "src", tmp_path / "built"
    folder.mkdir()
    (built / "flows" / "nlp").mkdir(parents=True)
    for name, text in sources.items():
        (folder / f"{name}.py").write_text(text)
    modules = {}
    for name, text in recorded.items():
        made = built / "flows" / "nlp" / f"{name}.so"
        made.write_bytes(b"compiled")
        (tmp_path / "was.py").write_text(text)
        modules[name] = {
            "file": f"flows/nlp/{name}.so",
            "sha256": compiled._sha256(tmp_path / "was.py"),
        }
    manifest = {"python": sys.implementation.cache_tag, "modules": modules}
    (built / compiled.MANIFEST).write_text(json.dumps(manifest))
    return built, folder


def test_a_build_of_the_source_as_it_is_is_current(tmp_path):
    built, folder = _built(tmp_path, {"states": "x = 1\n"}, {"states": "x = 1\n"})
    assert compiled.current(built, folder) == {
        "flows.nlp.states": built / "flows" / "nlp" / "states.so"
    }


def test_a_build_of_a_changed_source_is_not_used(tmp_path):
    """A merge, an edit or a mutant changes the .py file: its old build is stale."""
    built, folder = _built(tmp_path, {"states": "x = 2\n"}, {"states": "x = 1\n"})
    assert compiled.current(built, folder) == {}


def test_a_build_for_another_python_or_none_is_not_used(tmp_path):
    built, folder = _built(tmp_path, {"states": "x = 1\n"}, {"states": "x = 1\n"})
    manifest = json.loads((built / compiled.MANIFEST).read_text())
    (built / compiled.MANIFEST).write_text(json.dumps({**manifest, "python": "cpython-00"}))
    assert compiled.current(built, folder) == {}
    assert compiled.current(tmp_path / "nothing", folder) == {}


def test_every_module_a_reading_imports_is_compiled():
    """A module the reader imports that is not in `compiled.MODULES` runs in the
    interpreter in every reading: the constructions and the own-theme steps did
    (decision 0442). Only the modules named in `compiled.NOT_COMPILED` may stay Python."""
    script = (
        "import sys, flows.nlp.reader\n"
        "print(' '.join(m for m in sys.modules if m.startswith('flows.nlp.')))"
    )
    env = {**os.environ, compiled.PURE: "1"}  # the .py modules: the typed ones not loaded
    imported = {m.removeprefix("flows.nlp.") for m in _python(script, env).split()}
    assert "own_counts" in imported and "lexicons" in imported
    assert imported - set(compiled.NOT_COMPILED) == set(compiled.MODULES)


def _read_sample(pure: bool) -> list[list]:
    """Readings of dev rows and of the demo study's themes, in a fresh process."""
    script = """
import json, sys
from flows.nlp.corpus import load_set
from flows.nlp.reader import StanceReader, profile_for
import flows.nlp.reader as module
out = [module.__file__]
for language in ("en", "da"):
    rows = [r for r in load_set("dev") if r.language == language][::5]
    reader = StanceReader(language, {t: profile_for(t, language) for t in {r.theme for r in rows}})
    items = [(r.text, r.component, r.theme) for r in rows]
    for s, found in reader.annotate(items):
        out.append([s.stance, s.confidence, list(s.cues), found])
    for r in reader.read_docs([(reader.nlp(r.text), r.theme, r.component) for r in rows[:200]]):
        out.append([r.label, r.confidence, list(r.cues), r.rule_label, list(r.features)])
print(json.dumps(out))
"""
    env = {**os.environ, "PYTHONHASHSEED": "0", "OMP_NUM_THREADS": "1"}
    env.pop(compiled.PURE, None)
    if pure:
        env[compiled.PURE] = "1"
    return json.loads(_python(script, env))


def _python(script: str, env: dict[str, str]) -> str:
    """What `script` prints, run in a fresh interpreter in the repository."""
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@pytest.mark.skipif(not compiled.current(), reason="no current compiled build (make compiled)")
def test_compiled_modules_read_as_the_python_ones():
    built, pure = _read_sample(False), _read_sample(True)
    assert built[0].endswith(".so") and pure[0].endswith("reader.py")
    assert len(built) > 1000
    assert built[1:] == pure[1:]

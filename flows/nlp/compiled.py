"""The stance reader's hot modules compiled with Cython, used only where built from
the very source beside them (decision 0221).

    .venv/bin/python -m flows.nlp.compiled     # build what is missing or stale (make venv)
    TRIANGULATE_PURE_PYTHON=1 ...              # read with the .py modules only

`build` compiles the modules of `MODULES` as they are (plain Python: Cython runs
the same operations on the same Python objects, without the interpreter's loop)
into `.cache/compiled/`, with a manifest of each source's sha256. `install`,
called when `flows.nlp` is imported, puts a finder in front of the path finder
that loads a module of `MODULES` from its compiled file only when the manifest's
sha256 is that of the `.py` file now and the build is for this Python; otherwise
(a source changed since, a mutant, nothing built, no C compiler, or
TRIANGULATE_PURE_PYTHON set) the `.py` module loads as ever. The readings are the
same either way (`tests/test_stance_compiled.py`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from importlib.machinery import ExtensionFileLoader, ModuleSpec
from pathlib import Path

#: the modules a reading runs through (the rules, features, model and parse; the
#: model's cues as words, an own theme's times and other people's habits since
#: decision 0310; the constructions and the own-theme steps added since, which had
#: run as Python in every outcome reading: decision 0442); not
#: lexicons.py: a reader's pipeline holds its lemma function, which a stored
#: reader pickles by value (`reader_store`), and a compiled function cannot be
MODULES = (
    "anchors",
    "constructions",
    "cue_words",
    "cues",
    "decide",
    "excerpt",
    "features",
    "model",
    "negation",
    "numbers",
    "own_context",
    "own_counts",
    "own_events",
    "own_groups",
    "own_held",
    "own_more",
    "own_states",
    "own_times",
    "own_years",
    "parsing",
    "people",
    "profiles",
    "reader",
    "states",
    "then_now",
)
#: the modules a reader imports that stay Python, and why
#: (`tests/test_stance_compiled.py` checks that every other one is in `MODULES`)
NOT_COMPILED = {
    "compiled": "this module: the finder that loads the others",
    "lexicons": "a stored reader pickles its lemma function by value",
}
#: typed Cython modules (`.pyx`, decisions 0306, 0352 and 0376): no .py of their own; where one is not
#: built or stale its import fails and its caller uses its pure-Python twin
TYPED = ("_forms", "_scoring", "_words")
FOLDER = Path(__file__).resolve().parent
BUILT = FOLDER.parents[1] / ".cache" / "compiled"
MANIFEST = "manifest.json"
#: set (to anything but "" or "0") to load only the .py modules
PURE = "TRIANGULATE_PURE_PYTHON"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _manifest(built: Path) -> dict:
    try:
        manifest = json.loads((built / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(manifest, dict) or manifest.get("python") != sys.implementation.cache_tag:
        return {}
    return manifest


def _source(folder: Path, name: str) -> Path:
    return folder / f"{name}.pyx" if name in TYPED else folder / f"{name}.py"


def current(built: Path = BUILT, folder: Path = FOLDER) -> dict[str, Path]:
    """Module name -> compiled file, for each module built from its source as it is now."""
    modules = _manifest(built).get("modules", {})
    out = {}
    for name in (*MODULES, *TYPED):
        entry = modules.get(name)
        if not isinstance(entry, dict):
            continue
        compiled = built / str(entry.get("file", ""))
        try:
            if compiled.is_file() and entry.get("sha256") == _sha256(_source(folder, name)):
                out[f"flows.nlp.{name}"] = compiled
        except OSError:
            continue
    return out


class CompiledFinder:
    """Finds the modules of `built` (name -> compiled file) as extension modules."""

    def __init__(self, built: dict[str, Path]):
        self.built = built

    def find_spec(self, fullname: str, path=None, target=None) -> ModuleSpec | None:
        compiled = self.built.get(fullname)
        if compiled is None:
            return None
        loader = ExtensionFileLoader(fullname, str(compiled))
        return ModuleSpec(fullname, loader, origin=str(compiled))


def wanted() -> bool:
    return os.environ.get(PURE, "") in ("", "0")


def install() -> dict[str, Path]:
    """Load the current compiled modules from now on (none when `PURE` is set)."""
    if not wanted() or any(isinstance(f, CompiledFinder) for f in sys.meta_path):
        return {}
    built = current()
    if built:
        sys.meta_path.insert(0, CompiledFinder(built))
    return built


def build(built: Path = BUILT, folder: Path = FOLDER) -> list[str]:
    """Compile the modules whose build is missing or stale; returns their names."""
    done = current(built, folder)
    stale = [n for n in (*MODULES, *TYPED) if f"flows.nlp.{n}" not in done]
    if not stale:
        return []
    from Cython.Build import cythonize
    from setuptools import setup

    manifest = _manifest(built) or {"python": sys.implementation.cache_tag, "modules": {}}
    with tempfile.TemporaryDirectory() as tmp:
        package = Path(tmp) / "flows" / "nlp"
        package.mkdir(parents=True)
        for init in (package.parent / "__init__.py", package / "__init__.py"):
            init.write_text("")  # the package, for the modules' full names
        sources = {}
        for name in stale:
            source = _source(folder, name)
            shutil.copyfile(source, package / source.name)
            sources[name] = _sha256(package / source.name)
        here, flags = Path.cwd(), os.environ.get("CFLAGS")
        os.chdir(tmp)  # cythonize and setup read and write relative to it
        os.environ["CFLAGS"] = f"{flags or ''} -w".strip()  # the C compiler's notes unsaid
        try:
            extensions = cythonize(
                [f"flows/nlp/{name}.py" for name in stale if name not in TYPED]
                + [_typed(name) for name in stale if name in TYPED],
                compiler_directives={"language_level": 3},
                quiet=True,
            )
            setup(
                name="triangulate-compiled",
                ext_modules=extensions,
                script_args=["-q", "build_ext", "--inplace", "-j", "2"],
            )
        finally:
            os.chdir(here)
            if flags is None:
                del os.environ["CFLAGS"]
            else:
                os.environ["CFLAGS"] = flags
        (built / "flows" / "nlp").mkdir(parents=True, exist_ok=True)
        for name in stale:
            made = next(package.glob(f"{name}.*.so"))
            target = built / "flows" / "nlp" / made.name
            partial = target.with_name(target.name + ".partial")
            shutil.copyfile(made, partial)
            os.replace(partial, target)  # a running process keeps the file it loaded
            manifest["modules"][name] = {
                "file": str(target.relative_to(built)),
                "sha256": sources[name],
            }
    (built / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    return stale


def _typed(name: str):
    """A typed module's extension: it reads spaCy's token structs (C++, numpy's headers
    for spaCy's declarations)."""
    import numpy
    from setuptools import Extension

    return Extension(
        f"flows.nlp.{name}",
        [f"flows/nlp/{name}.pyx"],
        include_dirs=[numpy.get_include()],
        language="c++",
    )


def main() -> int:
    try:
        made = build()
    except (Exception, SystemExit) as error:  # no Cython, no C compiler: the .py ones
        print(f"stance reader not compiled ({error!r}): the .py modules are used")
        return 0
    if made:
        print(f"compiled {len(made)} stance reader modules into {BUILT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

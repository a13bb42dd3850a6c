"""pytest plugin for mutation runs (`run_mutants.py` loads it): the test files
whose tests are quickest run first.

mutmut runs, for each mutant, the selected tests that reach the mutated
function, with -x: the first failing test ends the run, but the order is
arbitrary, so a mutant that a pure-function test kills in milliseconds could
first wait for a module fixture that renders a whole study. Files are ordered
by the summed durations mutmut measured for their tests (mutmut-stats.json in
the working directory); the order inside a file is kept, so a module fixture
is still set up once.

It also clears the memoised results of the privacy screens before each test
(`FRESH`): a cached answer would hide a mutant from the test, and from mutmut's
record of which tests reach the mutated function."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest


def pytest_collection_modifyitems(session, config, items) -> None:
    stats = Path("mutmut-stats.json")
    if not stats.exists():
        return
    durations = json.loads(stats.read_text(encoding="utf-8")).get("duration_by_test", {})
    per_file: dict[str, float] = {}
    for item in items:
        file = item.nodeid.split("::")[0]
        per_file[file] = per_file.get(file, 0.0) + durations.get(item.nodeid, 0.0)
    position = {id(item): i for i, item in enumerate(items)}
    items.sort(key=lambda item: (per_file[item.nodeid.split("::")[0]], position[id(item)]))


#: memoised results of mutated code (run_mutants.py's MEMOISED, and the folded
#: characters of `flows.privacy.canonical`): cleared before each test, so that mutmut
#: records every test that reaches the function, and each test runs the mutant
FRESH = {
    "flows.privacy.canonical": ["fold_char", "is_joiner", "_irregular_pattern", "_SPECIAL"],
    "flows.privacy.matching": [
        "common_words",
        "matcher_for",
        "_person_forms",
        "name_particles",
        "_digraph_spellings",
    ],
    "flows.privacy.name_parts": ["_name_parts"],
}


@pytest.fixture(autouse=True)
def _fresh_memos():
    for module_name, names in FRESH.items():
        module = sys.modules.get(module_name)
        for name in names if module else ():
            memo = getattr(module, name)
            if isinstance(memo, dict):
                memo.clear()
            else:
                memo.cache_clear()
    yield

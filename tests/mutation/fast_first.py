"""pytest plugin for mutation runs (`run_mutants.py` loads it): the test files
whose tests are quickest run first.

mutmut runs, for each mutant, the selected tests that reach the mutated
function, with -x: the first failing test ends the run, but the order is
arbitrary, so a mutant that a pure-function test kills in milliseconds could
first wait for a module fixture that renders a whole study. Files are ordered
by the summed durations mutmut measured for their tests (mutmut-stats.json in
the working directory); the order inside a file is kept, so a module fixture
is still set up once."""

from __future__ import annotations

import json
from pathlib import Path


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

"""An own theme's cues of several words are found in one order whatever Python's
hash seed: the profile keeps them in a frozenset, whose order changes with
PYTHONHASHSEED, and the order of the spans becomes the order of the cues a
dossier shows (byte-identical outputs between runs)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import json
from types import SimpleNamespace
from flows.nlp.own_states import own_objects
phrases = frozenset({"in bed", "on the floor", "been in", "ligger ned", "at home alone", "no one"})
profile = SimpleNamespace(own=True, better="lower", lower=phrases)
words = "i was in bed and on the floor at home alone and no one came and been in".split()
print(json.dumps(own_objects(SimpleNamespace(lower=words), profile)))
"""


def _spans(seed: int) -> list:
    env = {**os.environ, "PYTHONHASHSEED": str(seed), "TRIANGULATE_PURE_PYTHON": "1"}
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def test_own_objects_order_does_not_follow_the_hash_seed():
    first = _spans(0)
    assert len(first) == 5
    for seed in (1, 2, 3, 7, 11):
        assert _spans(seed) == first

"""The reader's answers on a fixed sample of dev rows are pinned: a change made for
speed must not change a reading. The sample (every 7th row of data/eval/dev) and
its readings by the shipped model are in tests/fixtures/stance_pinned.csv; after a
deliberate change of the rules or the model, write it again with

    .venv/bin/python tests/test_stance_pinned.py
"""

from __future__ import annotations

import csv
import hashlib
import sys
from pathlib import Path

import pytest

from flows.nlp.corpus import load_set
from flows.nlp.reader import StanceReader, profile_for

PINNED = Path(__file__).parent / "fixtures" / "stance_pinned.csv"
COLUMNS = ["id", "label", "confidence", "rule_label", "features_sha", "cues"]


def _sample():
    return load_set("dev")[::7]


def _readers(rows) -> dict[str, StanceReader]:
    out = {}
    for language in sorted({r.language for r in rows}):
        themes = sorted({r.theme for r in rows if r.language == language})
        out[language] = StanceReader(language, {t: profile_for(t, language) for t in themes})
    return out


def _record(row, reading) -> list[str]:
    digest = hashlib.sha256("\n".join(reading.features).encode()).hexdigest()[:16]
    return [
        row.id,
        reading.label,
        f"{reading.confidence:.3f}",
        reading.rule_label,
        digest,
        "; ".join(reading.cues),
    ]


def _one_by_one(rows) -> list[list[str]]:
    readers = _readers(rows)
    return [_record(r, readers[r.language].read(r.text, r.theme, r.component)) for r in rows]


def test_readings_are_pinned_one_by_one_and_in_batches():
    rows = _sample()
    with PINNED.open(encoding="utf-8", newline="") as handle:
        pinned = list(csv.reader(handle))[1:]
    assert _one_by_one(rows) == pinned
    readers = _readers(rows)
    for language, reader in readers.items():
        group = [r for r in rows if r.language == language]
        items = [(r.text, r.component, r.theme) for r in group]
        by_id = {p[0]: p for p in pinned}
        for row, (suggestion, _) in zip(group, reader.annotate(items, batch_size=16), strict=True):
            assert (suggestion.stance, f"{suggestion.confidence:.3f}") == tuple(
                by_id[row.id][1:3]
            ), row.id


@pytest.mark.skipif(not PINNED.exists(), reason="no pinned readings")
def test_pinned_sample_covers_both_languages_and_every_family():
    rows = _sample()
    assert {r.language for r in rows} == {"en", "da"}
    assert {r.component for r in rows} >= {"outcome", "context", "mechanism"}


if __name__ == "__main__":
    with PINNED.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(_one_by_one(_sample()))
    print(f"wrote {PINNED}", file=sys.stderr)

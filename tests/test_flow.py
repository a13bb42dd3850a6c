"""The Prefect flow end to end, under one session-scoped Prefect test harness."""

from __future__ import annotations

import json
import logging

import pytest

from flows import stages


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def flow_run(prefect_harness, demo_dir, tmp_path_factory):
    from flows.pipeline import triangulate_study

    out = tmp_path_factory.mktemp("flow") / "demo"
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Collect(level=logging.DEBUG)
    logging.getLogger("prefect").addHandler(handler)
    try:
        summary = triangulate_study(study_dir=demo_dir, out_dir=out)
    finally:
        logging.getLogger("prefect").removeHandler(handler)
    return summary, out, records


def test_flow_publishes_dossiers_and_manifest(flow_run):
    summary, out, _ = flow_run
    assert summary["cases"] == 9
    assert sorted(p.name for p in (out / "cases").glob("*.html")) == [
        f"P{i}.html" for i in range(1, 10)
    ]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["loaded"]["excerpts.csv"] == 295
    assert set(manifest["timings_seconds"]) == {"ingest", "nlp", "sql", "render", "audit"}
    assert not stages.staging_dir(out).exists()


def test_flow_output_matches_direct_run(flow_run, demo_dir, tmp_path):
    _, out, _ = flow_run
    direct = tmp_path / "direct"
    stages.run_direct(demo_dir, direct)
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".csv"):
            assert path.read_bytes() == (direct / path.relative_to(out)).read_bytes(), path


def test_flow_logs_hold_no_names_or_excerpt_text(flow_run, demo_dir):
    _, _, records = flow_run
    ingested = stages.ingest(demo_dir)
    pattern = stages.name_pattern(ingested.data.roster_names)
    messages = [r.getMessage() for r in records]
    assert any("excerpts annotated" in m for m in messages)
    assert not [m for m in messages if pattern.search(m)]
    texts = set(ingested.data.excerpts["text"])
    assert not [m for m in messages if any(t[:40] in m for t in texts)]

"""The Prefect flow end to end, under one session-scoped Prefect test harness."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from flows import stages
from flows.privacy.audit import NameScreen


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def flow_run(prefect_harness, demo_dir, tmp_path_factory):
    from flows.orchestration.pipeline import triangulate_study

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
    assert not any((stages.private_dir(out) / "staging").glob("*"))
    assert manifest["run_id"]


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
    # ids and counts only: inputs by their role, never by file name; task names too
    files = [Path(p).name for p in ingested.study.definition.inputs.files().values()]
    assert any(m.startswith("input 1 (roster)") for m in messages)
    assert not [m for m in messages if any(f in m for f in files)]
    screen = NameScreen(ingested.name_set())
    assert not [m for m in messages if screen.holds_name(m)]
    tasks = [getattr(r, "task_run_name", "") or "" for r in records]
    assert not [t for t in tasks if screen.holds_name(t)]


def test_rerun_after_one_case_change_rerenders_only_that_case(prefect_harness, demo_dir, tmp_path):
    import csv
    import shutil

    from flows.orchestration.pipeline import triangulate_study

    study = tmp_path / "study"
    shutil.copytree(demo_dir, study)
    out = tmp_path / "out"
    # forced: other tests of this session may have cached these very dossiers already
    first = triangulate_study(study_dir=study, out_dir=out, force=True)
    assert first["rendered"] == [f"P{i}" for i in range(1, 10)]

    second = triangulate_study(study_dir=study, out_dir=out)
    assert second["rendered"] == [] and len(second["reused"]) == 9

    rows = list(csv.DictReader((study / "excerpts.csv").open(encoding="utf-8")))
    target = next(r for r in rows if r["case_id"] == "P3")
    target["text"] = target["text"] + " That is how it was."
    with (study / "excerpts.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    before = {p.name: p.read_bytes() for p in (out / "cases").glob("*.html")}
    third = triangulate_study(study_dir=study, out_dir=out)
    assert third["rendered"] == ["P3"]
    after = {p.name: p.read_bytes() for p in (out / "cases").glob("*.html")}
    assert [name for name in sorted(before) if before[name] != after[name]] == ["P3.html"]
    # the cache holds exactly this run's pages (P3's old page is gone), owner-only
    store = stages.store_dir(out)
    stored = sorted((store / "dossiers").glob("*"))
    assert len(stored) == 9 and all(p.stat().st_mode & 0o777 == 0o600 for p in stored)
    assert (store / "annotations.parquet").stat().st_mode & 0o777 == 0o600

    # a cached dossier whose stored file is gone is rebuilt
    for stored in (stages.store_dir(out) / "dossiers").glob("*.html"):
        stored.unlink()
    fourth = triangulate_study(study_dir=study, out_dir=out, rebuild_cases=["P1"])
    assert sorted(p.name for p in (out / "cases").glob("*.html")) == sorted(after)
    assert "P1" in fourth["rendered"]
    assert {p.name: p.read_bytes() for p in (out / "cases").glob("*.html")} == after

    forced = triangulate_study(study_dir=study, out_dir=out, force=True)
    assert len(forced["rendered"]) == 9


def test_artifacts_hold_counts_not_names(flow_run, demo_dir):
    import asyncio

    from prefect.client.orchestration import get_client

    async def read():
        async with get_client() as client:
            return await client.read_artifacts()

    found = {a.key: a for a in asyncio.run(read()) if a.key}
    assert {"run-summary", "case-classification", "render-progress"} <= set(found)
    ingested = stages.ingest(demo_dir)
    pattern = stages.name_pattern(ingested.data.roster_names)
    for artifact in found.values():
        assert not pattern.search(str(artifact.data)), artifact.key
    assert "9 dossiers" in str(found["run-summary"].data)


def test_dask_local_cluster_gives_identical_dossiers(prefect_harness, flow_run, demo_dir, tmp_path):
    from flows.orchestration.pipeline import run_study

    _, threads_out, _ = flow_run
    out = tmp_path / "dask"
    summary = run_study(demo_dir, out, force=True, runner="dask")
    assert summary["rendered"] == [f"P{i}" for i in range(1, 10)]
    for path in threads_out.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".csv"):
            assert path.read_bytes() == (out / path.relative_to(threads_out)).read_bytes(), path

"""The Prefect flow end to end, under one module-scoped Prefect test harness."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from flows import stages
from flows.errors import LeakError
from flows.privacy.audit import NameScreen


@pytest.fixture(scope="module")
def prefect_harness():
    """One Prefect server for this module only: when the module ends the harness
    exits, and the guard of conftest (no temporary server, no API URL) holds again
    for every later test (test_orchestration checks it)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="module")
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


def test_flow_output_matches_direct_run(flow_run, demo_out):
    _, out, _ = flow_run
    direct = demo_out  # the session's run of the demo without Prefect
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


def test_flow_audits_its_log_lines_and_artifacts(
    prefect_harness, make_study, tmp_path, monkeypatch
):
    """A real flow run in which one log line and the run-summary artifact carry a
    roster name (planted by wrapping two of the flow's own steps): the audit
    names both places, the run fails and nothing is published or created."""
    from prefect import get_run_logger

    from flows.orchestration import artifacts, pipeline

    case_ids, summary_markdown = stages.case_ids, artifacts.summary_markdown

    def case_ids_logging_a_name(db_path):
        get_run_logger().info("looking up the cases of henrik")
        return case_ids(db_path)

    monkeypatch.setattr(stages, "case_ids", case_ids_logging_a_name)
    monkeypatch.setattr(
        artifacts, "summary_markdown", lambda summary: summary_markdown(summary) + "\nKaren Lund"
    )
    created = []
    monkeypatch.setattr(artifacts, "publish", lambda *args: created.append(args))
    rows = [["E1", "I1", "A", "Intervention/Walking/Present", "", "1", "AK", "We walk."]]
    out = tmp_path / "out"
    with pytest.raises(LeakError) as raised:
        pipeline.triangulate_study(study_dir=make_study(rows), out_dir=out, force=True)
    message = str(raised.value)
    assert "artifact:log" in message and "artifact:run-summary" in message
    assert "henrik" not in message.lower() and "karen" not in message.lower()
    assert not out.exists() and created == []


def _cli(*args: str):
    from typer.testing import CliRunner

    from flows import cli

    cli.console.width = 400  # one line per message, whatever the terminal
    result = CliRunner().invoke(cli.app, list(args))
    return result, " ".join(result.output.split())


def test_cli_run_publishes_and_says_where(prefect_harness, make_study, tmp_path):
    """`triangulate run STUDY --out OUT` through the real command: two cases
    (A, B) published, the table of files read and loaded, where to open them."""
    rows = [["E1", "I1", "A", "Intervention/Walking/Present", "", "1", "AK", "We walk."]]
    out = tmp_path / "out"
    result, text = _cli("run", str(make_study(rows)), "--out", str(out), "--force")
    assert result.exit_code == 0, text
    assert f"2 dossiers in {out} (2 rendered, 0 reused)" in text
    assert f"Open {out / 'index.html'}" in text
    assert sorted(p.name for p in (out / "cases").glob("*.html")) == ["A.html", "B.html"]


def test_cli_run_failure_paragraph(prefect_harness, make_study, tmp_path, monkeypatch):
    """An unexpected failure inside the flow (here the disk, while listing cases)
    ends the command with exit code 1 and one paragraph: what failed, that
    nothing was published and the previous dossiers stand, where the partial
    outputs are, where to look next."""
    rows = [["E1", "I1", "A", "Intervention/Walking/Present", "", "1", "AK", "We walk."]]
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text("previous run", encoding="utf-8")

    def disk_full(db_path):
        raise OSError("No space left on device")

    monkeypatch.setattr(stages, "case_ids", disk_full)
    result, text = _cli("run", str(make_study(rows)), "--out", str(out))
    assert result.exit_code == 1, text
    assert "The run failed (OSError: No space left on device). Nothing was published" in text
    assert f"the previous dossiers in {out} are unchanged" in text
    staging = tmp_path / ".triangulate-private" / "out" / "staging"  # flows/runs.py
    assert f"the partial outputs are in {staging} (private; the next run deletes them)" in text
    assert "show the task that failed" in text
    assert (out / "index.html").read_text(encoding="utf-8") == "previous run"


def test_cli_run_leak_is_a_clear_error(prefect_harness, make_study, tmp_path, tiny_roster):
    """A name that reaches a page (a person id that is a first name, printed as a
    label) fails the command with exit code 2 and the audit's message."""
    for row in tiny_roster:
        if row[0] == "A":
            row[0], row[2] = "Henrik", "Henrik"
    rows = [["E1", "I9", "Henrik", "Intervention/Walking/Present", "", "1", "AK", "We walk."]]
    folder = make_study(rows, roster=tiny_roster)
    (folder / "interviews.csv").write_text(
        "interview_id,person_id,mode,language\nI9,Henrik,in person,en\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    result, text = _cli("run", str(folder), "--out", str(out), "--force")
    assert result.exit_code == 2, text
    assert "error: leak audit found" in text and "nothing was published" in text
    assert "cases/Henrik.html" in text and not out.exists()

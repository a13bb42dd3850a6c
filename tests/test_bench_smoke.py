"""A 9-case benchmark run completes and writes its results (no timing assertions)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_runs_nine_cases_and_writes_results(tmp_path):
    results = tmp_path / "results.json"
    completed = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run_bench.py"),
            "--sizes",
            "9",
            "--skip-orchestrated",
            "--work",
            str(tmp_path / "work"),
            "--results",
            str(results),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    data = json.loads(results.read_text(encoding="utf-8"))
    assert {"machine", "sizes", "checks", "targets", "written_utc"} <= set(data)
    assert {"cpu", "cores", "ram_gb", "python"} <= set(data["machine"])
    entry = data["sizes"]["9"]
    assert entry["study"]["cases"] == 9
    direct = entry["direct"]
    assert direct["ok"] and direct["cases"] == 9
    assert {"ingest", "nlp", "sql", "render", "audit", "publish"} <= set(direct["stages"])
    assert all({"wall", "cpu", "peak_rss_mb"} <= set(s) for s in direct["stages"].values())
    assert {
        "excerpts_per_s",
        "words_per_s",
        "blank_tokenizer_words_per_s",
        "ratio_to_blank",
    } <= set(direct["nlp"])
    assert direct["peak_rss_mb"] > 0
    assert entry["rerun_direct"]["ok"]
    resident = entry["rerun_resident"]  # the re-run in a process kept from a run (0416)
    assert resident["ok"] and resident["wall"] > 0 and resident["changed_case"]
    assert "share_of_cold" in resident
    assert entry["truth"]["classification"]["cases"] == 9
    assert "orchestrated" not in entry
    report = (tmp_path / "results.md").read_text(encoding="utf-8")
    assert report.startswith("# triangulate benchmark")
    assert "re-run direct, process kept" in report
    assert any(c["target"].endswith("process kept from a run, 1,000") for c in data["checks"])

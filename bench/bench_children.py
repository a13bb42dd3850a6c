"""The benchmark's child processes (`run_bench.py --child MODE`): each mode runs
the pipeline once in a fresh process and writes its timings as JSON.

- direct: `stages.run_direct` with each stage function wrapped and timed
  (`STAGE_OF`), then a blank spaCy tokenizer over the same texts;
- rerun-direct: `stages.run_direct` again after one excerpt changed;
- rerun-resident: in one process, `stages.run_direct` once more unchanged (a
  process kept from an earlier run of this study), then again, timed, after
  one more excerpt changed: what a resident process could give (decision 0416);
- orchestrated: the Prefect flow, cold and after one excerpt changed.
"""

from __future__ import annotations

import csv
import functools
import json
import os
import resource
import time
from pathlib import Path

STAGES = ("ingest", "nlp", "sql", "render", "audit", "publish")
MB = 1024 * 1024


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / MB, 1)


def change_one_excerpt(study_dir: Path) -> str:
    """Change the first excerpt of the middle case (as a coder's correction would);
    returns the case id. Rewrites the file in the generator's CSV dialect."""
    path = study_dir / "excerpts.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    case_col, text_col = header.index("case_id"), header.index("text")
    cases = sorted({row[case_col] for row in body})
    target = cases[len(cases) // 2]
    row = next(r for r in body if r[case_col] == target)
    row[text_col] = row[text_col] + " So, yes."
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return target


#: Which stage each function of flows/stages.py belongs to. `run_direct` calls them
#: through the module's globals, so wrapping them there times its stages without
#: copying its body (which changes as the pipeline grows). A call nested in
#: another timed call counts once, in the outer one; time in functions not listed
#: here shows as "other".
STAGE_OF = {
    "ingest": "ingest",
    "annotate": "nlp",
    "start_review_list": "nlp",
    "write_review_list": "nlp",
    "warehouse_frames": "sql",
    "build_warehouse": "sql",
    "update_warehouse": "sql",
    "analyse_cross_case": "sql",
    "provenance": "render",
    "case_overview": "render",
    "case_ids": "render",
    "case_fingerprints": "render",
    "render_cases": "render",
    "render_through_store": "render",
    "export_tables": "render",
    "render_index_page": "render",
    "make_pdfs": "render",
    "audit": "audit",
    "check_audit": "audit",
    "publish": "publish",
}


def _instrument(stages, times: dict[str, dict], seen: dict) -> None:
    """Wrap the stage functions of `stages` so their wall and CPU time add up per stage."""
    depth = [0]

    def wrap(name: str, function):
        stage = STAGE_OF[name]

        @functools.wraps(function)
        def timed(*args, **kwargs):
            if depth[0]:
                return function(*args, **kwargs)
            depth[0] += 1
            start = _clock()
            try:
                value = function(*args, **kwargs)
            finally:
                depth[0] -= 1
                end = _clock()
                bucket = times.setdefault(stage, {"wall": 0.0, "cpu": 0.0})
                bucket["wall"] += end[0] - start[0]
                bucket["cpu"] += end[1] - start[1]
                bucket["peak_rss_mb"] = _peak_rss_mb()
            seen[name] = value
            return value

        return timed

    for name in STAGE_OF:
        if callable(getattr(stages, name, None)):
            setattr(stages, name, wrap(name, getattr(stages, name)))


def child_direct(study: Path, out: Path, result: Path) -> None:
    """`stages.run_direct` with each stage timed, then a blank tokenizer on the same texts.

    With BENCH_PROFILE=1 in the environment the run goes under pyinstrument
    (sampling every 10 ms) and the profile is written beside the result."""
    import spacy

    from flows import stages

    times: dict[str, dict] = {}
    seen: dict = {}
    _instrument(stages, times, seen)
    profiler = None
    if os.environ.get("BENCH_PROFILE") == "1":
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.01)
        profiler.start()
    total = _clock()
    summary = stages.run_direct(study, out.resolve())
    end = _clock()
    total_wall, total_cpu = round(end[0] - total[0], 3), round(end[1] - total[1], 3)
    if profiler is not None:
        profiler.stop()
        base = result.with_suffix("")
        base.with_suffix(".profile.txt").write_text(
            profiler.output_text(unicode=False, color=False), encoding="utf-8"
        )
        base.with_suffix(".profile.html").write_text(profiler.output_html(), encoding="utf-8")
    for stage in STAGES:
        times.setdefault(stage, {"wall": 0.0, "cpu": 0.0, "peak_rss_mb": _peak_rss_mb()})
    times["other"] = {
        "wall": total_wall - sum(t["wall"] for t in times.values()),
        "cpu": total_cpu - sum(t["cpu"] for t in times.values()),
        "peak_rss_mb": _peak_rss_mb(),
    }
    for bucket in times.values():
        bucket["wall"], bucket["cpu"] = round(bucket["wall"], 3), round(bucket["cpu"], 3)
    ingested = seen["ingest"]
    excerpts, stats = seen["annotate"]
    cases = summary["cases"]

    # the blank tokenizer on the same (raw) texts, after the pipeline
    texts = ingested.data.excerpts["text"].tolist()
    blank_words = sum(len(t.split()) for t in texts)
    nlp = spacy.blank("en")
    start = _clock()
    for _ in nlp.pipe(texts, batch_size=1000):
        pass
    end = _clock()
    blank_wall, blank_cpu = end[0] - start[0], end[1] - start[1]
    nlp_wall, nlp_cpu = times["nlp"]["wall"], times["nlp"]["cpu"]
    _write(
        result,
        {
            "cases": len(cases),
            "excerpts": len(excerpts),
            "words": stats["words"],
            "stages": times,
            "total_wall": total_wall,
            "total_cpu": total_cpu,
            "nlp": {
                "excerpts_per_s": round(len(excerpts) / nlp_wall, 1) if nlp_wall else None,
                "words_per_s": round(stats["words"] / nlp_wall, 1) if nlp_wall else None,
                "blank_tokenizer_words_per_s": round(blank_words / blank_wall, 1),
                "ratio_to_blank": round((stats["words"] / nlp_wall) / (blank_words / blank_wall), 3)
                if nlp_wall
                else None,
                # the same on CPU time: robust to other work on the machine
                "words_per_cpu_s": round(stats["words"] / nlp_cpu, 1) if nlp_cpu else None,
                "blank_tokenizer_words_per_cpu_s": round(blank_words / blank_cpu, 1)
                if blank_cpu
                else None,
                "ratio_to_blank_cpu": round(
                    (stats["words"] / nlp_cpu) / (blank_words / blank_cpu), 3
                )
                if nlp_cpu and blank_cpu
                else None,
            },
            "peak_rss_mb_self": _peak_rss_mb(),
        },
    )


def _timed_run_direct(study: Path, out: Path) -> dict:
    """`stages.run_direct` once: its wall and CPU seconds."""
    from flows import stages

    start = _clock()
    stages.run_direct(study, out)
    end = _clock()
    return {"wall": round(end[0] - start[0], 3), "cpu": round(end[1] - start[1], 3)}


def child_rerun_direct(study: Path, out: Path, result: Path) -> None:
    """`stages.run_direct` on an output folder a cold run already filled."""
    _write(result, {**_timed_run_direct(study, out), "peak_rss_mb_self": _peak_rss_mb()})


def child_rerun_resident(study: Path, out: Path, result: Path) -> None:
    """A warm re-run in a process that ran this study before (decision 0416): an
    untimed `stages.run_direct` on the warm folder, one more excerpt changed, then
    the timed `run_direct`. Everything the first run left in the process (imports,
    memos, the stored reader loaded) is reused: the most a resident process that
    keeps today's in-process state could save over a fresh process's re-run."""
    first = _timed_run_direct(study, out)
    changed = change_one_excerpt(study)
    timed = _timed_run_direct(study, out)
    data = {**timed, "first_wall": first["wall"], "changed_case": changed}
    _write(result, {**data, "peak_rss_mb_self": _peak_rss_mb()})


def child_orchestrated(study: Path, out: Path, result: Path) -> None:
    """Start a temporary Prefect server, then run the flow cold, change one
    excerpt, and run it again; the flow times exclude the server's start-up."""
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL, temporary_settings

    start = _clock()
    server = SubprocessASGIServer()
    server.start(
        timeout=int(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", 90))
    )
    server_start = round(_clock()[0] - start[0], 3)
    data: dict = {"server_start_wall": server_start}
    try:
        with temporary_settings({PREFECT_API_URL: server.api_url}):
            from flows.orchestration import settings
            from flows.orchestration.pipeline import triangulate_study

            out = out.resolve()
            for run in ("cold", "rerun"):
                if run == "rerun":
                    data["changed_case"] = change_one_excerpt(study)
                served = _process_cpu(server.server_process.pid)
                start = _clock()
                with settings.run_settings(temporary=True):  # as `run_study` on this server
                    summary = triangulate_study(study_dir=study, out_dir=out)
                end = _clock()
                after = _process_cpu(server.server_process.pid)
                data[run] = {
                    "wall": round(end[0] - start[0], 3),
                    "cpu": round(end[1] - start[1], 3),
                    # the temporary server's own CPU meanwhile (its process, the other core)
                    "server_cpu": round(after - served, 3) if None not in (served, after) else None,
                    "flow_timings": summary.get("timings_seconds", {}),
                    "rendered": len(summary["rendered"]) if "rendered" in summary else None,
                    "reused": len(summary["reused"]) if "reused" in summary else None,
                    "peak_rss_mb_self": _peak_rss_mb(),
                }
                _write(result.with_suffix(".partial.json"), data)
            # let Prefect's log and event workers finish before the server goes
            from prefect.events.worker import EventsWorker
            from prefect.logging.handlers import APILogWorker

            start = _clock()
            APILogWorker.drain_all(timeout=60)
            EventsWorker.drain_all(timeout=60)
            data["drain_wall"] = round(_clock()[0] - start[0], 3)
    finally:
        server.stop()
    _write(result, data)


def _process_cpu(pid: int) -> float | None:
    """User + system CPU seconds of a running process (Linux `/proc`), else None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _write(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


CHILDREN = {
    "direct": child_direct,
    "rerun-direct": child_rerun_direct,
    "rerun-resident": child_rerun_resident,
    "orchestrated": child_orchestrated,
}

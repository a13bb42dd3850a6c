"""Benchmark triangulate on synthetic studies of growing size (issue 8).

    .venv/bin/python bench/run_bench.py                  # 9, 100 and 1,000 cases
    .venv/bin/python bench/run_bench.py --with-10k       # ... and 10,000
    .venv/bin/python bench/run_bench.py --sizes 9 --skip-orchestrated

For each size the study is generated with `flows.synth.generate_study` (into
`bench/.work/`, ignored by git), then every measurement runs in a fresh child
process, so that peak memory (RSS, from `os.wait4`) is per size and per mode:

1. direct: `stages.run_direct` with each stage function of `flows/stages.py`
   wrapped and timed (wall and CPU): ingest, NLP (annotate), SQL
   (build_warehouse, analyse_cross_case), render (provenance, render_cases,
   export_tables, render_index_page), audit, publish; anything else is
   "other" (see STAGE_OF). Then a blank `spacy.blank("en")` tokenizer runs
   over the same excerpt texts, so the NLP stage's words per second can be
   compared with it;
2. re-run direct: one excerpt of one case changed, then `stages.run_direct`
   on the same output folder (whatever caching run_direct has, if any);
3. orchestrated: a temporary Prefect server is started first (its start-up is
   timed apart), then `flows.orchestration.pipeline.triangulate_study` runs cold, one
   excerpt of one case is changed, and the flow runs again on the same output
   folder. The flow's times exclude the server's start-up.

Results go to `bench/results.json` (sizes run now replace the same sizes of
an earlier run; others are kept) and `bench/results.md`. Prefect keeps its
database and cached results in `bench/.work/prefect`, apart from the project's
`.prefect/`. Each child's output is logged under `bench/.work/runs/`.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import functools
import hashlib
import json
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
WORK = BENCH_DIR / ".work"
DEFAULT_SIZES = (9, 100, 1000)
STAGES = ("ingest", "nlp", "sql", "render", "audit", "publish")
MB = 1024 * 1024

TARGETS = {
    "e2e_1000_seconds": 60.0,
    "peak_rss_1000_mb": 1536.0,
    "peak_rss_10000_mb": 2560.0,
    "per_case_10000_vs_1000": 1.2,
    "rerun_share_1000": 0.10,
    "orchestrated_vs_direct_1000": 1.3,
    "nlp_vs_blank_tokenizer": 0.5,
}


# ---------------------------------------------------------------- helpers
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


# ---------------------------------------------------------------- children
#: Which stage each function of flows/stages.py belongs to. `run_direct` calls them
#: through the module's globals, so wrapping them there times its stages without
#: copying its body (which changes as the pipeline grows). A call nested in
#: another timed call counts once, in the outer one; time in functions not listed
#: here shows as "other".
STAGE_OF = {
    "ingest": "ingest",
    "annotate": "nlp",
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


def child_rerun_direct(study: Path, out: Path, result: Path) -> None:
    """`stages.run_direct` on an output folder a cold run already filled."""
    from flows import stages

    start = _clock()
    stages.run_direct(study, out)
    end = _clock()
    _write(
        result,
        {
            "wall": round(end[0] - start[0], 3),
            "cpu": round(end[1] - start[1], 3),
            "peak_rss_mb_self": _peak_rss_mb(),
        },
    )


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
            from flows.orchestration.pipeline import triangulate_study

            out = out.resolve()
            for run in ("cold", "rerun"):
                if run == "rerun":
                    data["changed_case"] = change_one_excerpt(study)
                start = _clock()
                summary = triangulate_study(study_dir=study, out_dir=out)
                end = _clock()
                data[run] = {
                    "wall": round(end[0] - start[0], 3),
                    "cpu": round(end[1] - start[1], 3),
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


def _write(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


CHILDREN = {
    "direct": child_direct,
    "rerun-direct": child_rerun_direct,
    "orchestrated": child_orchestrated,
}


# ---------------------------------------------------------------- parent
def child_env(prefect_home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PREFECT_API_URL", None)
    env.update(
        PREFECT_HOME=str(prefect_home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="90",
        TRIANGULATE_UI_PROBE="off",
    )
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def spawn(mode: str, study: Path, out: Path, folder: Path, env: dict, timeout: float) -> dict:
    """Run one child; returns its result plus wall time, CPU and peak RSS from wait4
    (the child and every process it waited for, e.g. a Prefect server)."""
    folder.mkdir(parents=True, exist_ok=True)
    result = folder / f"{mode}.json"
    result.unlink(missing_ok=True)
    result.with_suffix(".partial.json").unlink(missing_ok=True)
    log = folder / f"{mode}.log"
    command = [sys.executable, str(Path(__file__).resolve()), "--child", mode]
    command += ["--study", str(study), "--out", str(out), "--result", str(result)]
    start = time.perf_counter()
    with log.open("w", encoding="utf-8") as handle:
        process = subprocess.Popen(
            command, stdout=handle, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
        status, usage = 0, None
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - start > timeout:
                os.killpg(process.pid, signal.SIGKILL)
                _, status, usage = os.wait4(process.pid, 0)
                process.returncode = -9
                partial = result.with_suffix(".partial.json")
                return {
                    "ok": False,
                    "error": f"timed out after {timeout:.0f} s",
                    "partial": json.loads(partial.read_text(encoding="utf-8"))
                    if partial.exists()
                    else None,
                    "peak_rss_mb": round(usage.ru_maxrss * 1024 / MB, 1),
                    "log": _shown(log),
                }
            time.sleep(0.05)
        process.returncode = os.waitstatus_to_exitcode(status)
    wall = round(time.perf_counter() - start, 3)
    info = {
        "process_wall": wall,
        "process_cpu": round(usage.ru_utime + usage.ru_stime, 3),
        "peak_rss_mb": round(usage.ru_maxrss * 1024 / MB, 1),
        "log": _shown(log),
    }
    if process.returncode != 0 or not result.exists():
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-15:]
        return {"ok": False, "error": f"exit code {process.returncode}", "tail": tail, **info}
    return {"ok": True, **json.loads(result.read_text(encoding="utf-8")), **info}


def _shown(path: Path) -> str:
    """A path relative to the project when it is inside it."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def synth_fingerprint() -> str:
    """A hash of the generator package's modules (flows/synth/*.py, sorted by name)."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "flows" / "synth").glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def ensure_study(n_cases: int, seed: int, work: Path) -> tuple[Path, dict]:
    """Generate (or reuse, when the generator is unchanged) the study of this size."""
    from flows.synth import generate_study

    folder = work / "studies" / f"n{n_cases}-s{seed}"
    stamp = folder / ".synth"
    key = f"{n_cases}:{seed}:{synth_fingerprint()}"
    if stamp.exists() and stamp.read_text(encoding="utf-8") == key:
        truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
        return folder, {**truth["counts"], "generate_wall": None, "reused": True}
    shutil.rmtree(folder, ignore_errors=True)
    start = time.perf_counter()
    truth = generate_study(n_cases, folder, seed=seed)
    wall = round(time.perf_counter() - start, 3)
    stamp.write_text(key, encoding="utf-8")
    return folder, {**truth.counts, "generate_wall": wall, "reused": False}


def fresh_copy(study: Path, run_dir: Path) -> tuple[Path, Path]:
    shutil.rmtree(run_dir, ignore_errors=True)
    target = run_dir / "study"
    shutil.copytree(study, target)
    return target, run_dir / "out"


def bench_size(n: int, args, env: dict) -> dict:
    print(f"== {n} cases", flush=True)
    study, counts = ensure_study(n, args.seed, args.work)
    entry: dict = {"date_utc": _now(), "seed": args.seed, "study": {"cases": n, **counts}}
    entry["load_avg_before"] = [round(x, 2) for x in os.getloadavg()]
    entry["git"] = _git()
    run_dir = args.work / "runs" / f"n{n}"

    copy, out = fresh_copy(study, run_dir / "direct")
    direct = spawn("direct", copy, out, run_dir / "direct", env, args.timeout)
    entry["direct"] = direct
    _report("direct", direct)
    if direct["ok"]:
        sys.path.insert(0, str(BENCH_DIR))
        from truth_check import compare

        entry["truth"] = compare(out / "triangulate.duckdb", copy)
        if not args.skip_rerun:
            entry["changed_case"] = change_one_excerpt(copy)
            rerun = spawn("rerun-direct", copy, out, run_dir / "direct", env, args.timeout)
            if rerun["ok"]:
                rerun["share_of_cold"] = round(rerun["wall"] / direct["total_wall"], 3)
            entry["rerun_direct"] = rerun
            _report("re-run direct", rerun)

    if not args.skip_orchestrated:
        copy, out = fresh_copy(study, run_dir / "flow")
        flow = spawn("orchestrated", copy, out, run_dir / "flow", env, args.timeout)
        if flow["ok"]:
            flow["ratio_to_direct"] = (
                round(flow["cold"]["wall"] / direct["total_wall"], 3) if direct["ok"] else None
            )
            flow["rerun_share_of_cold"] = round(flow["rerun"]["wall"] / flow["cold"]["wall"], 3)
        entry["orchestrated"] = flow
        _report("orchestrated", flow)
    entry["load_avg_after"] = [round(x, 2) for x in os.getloadavg()]
    return entry


def _report(label: str, result: dict) -> None:
    if not result["ok"]:
        print(f"   {label}: FAILED ({result['error']}), see {result.get('log')}", flush=True)
    elif "total_wall" in result:
        print(
            f"   {label}: {result['total_wall']:.1f} s wall, peak {result['peak_rss_mb']:.0f} MB",
            flush=True,
        )
    elif "cold" in result:
        print(
            f"   {label}: server {result['server_start_wall']:.1f} s, flow {result['cold']['wall']:.1f} s, "
            f"re-run {result['rerun']['wall']:.1f} s, peak {result['peak_rss_mb']:.0f} MB",
            flush=True,
        )
    else:
        print(f"   {label}: {result['wall']:.1f} s wall", flush=True)


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def machine_info() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or "unknown"
    ram = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": ram,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "git": _git(),
    }


def _git() -> dict:
    def run(*cmd: str) -> str:
        try:
            return subprocess.run(
                ["git", *cmd], cwd=ROOT, capture_output=True, text=True, check=True
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return ""

    # outside a git checkout (e.g. a `git archive` snapshot) BENCH_GIT_COMMIT names it
    commit = run("rev-parse", "--short", "HEAD") or os.environ.get("BENCH_GIT_COMMIT", "")
    return {"commit": commit, "dirty": bool(run("status", "--porcelain"))}


# ---------------------------------------------------------------- checks and report
def checks(sizes: dict[str, dict]) -> list[dict]:
    """Each target of issue 8 against the figures at hand (None: not measured)."""

    def get(size: int, *path):
        value = sizes.get(str(size))
        for key in path:
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        return value

    def ok(size: int, mode: str) -> bool:
        return bool(get(size, mode, "ok"))

    out = []

    def add(name: str, value, limit: float, relation: str = "<=", note: str = "") -> None:
        passed = None if value is None else (value <= limit if relation == "<=" else value >= limit)
        out.append(
            {"target": name, "value": value, "limit": limit, "relation": relation, "pass": passed}
            | ({"note": note} if note else {})
        )

    e2e = get(1000, "orchestrated", "cold", "wall") if ok(1000, "orchestrated") else None
    add("1,000 cases end to end, orchestrated flow (s)", e2e, TARGETS["e2e_1000_seconds"])
    direct = get(1000, "direct", "total_wall") if ok(1000, "direct") else None
    add("1,000 cases end to end, direct (s)", direct, TARGETS["e2e_1000_seconds"])
    cpu = get(1000, "direct", "total_cpu") if ok(1000, "direct") else None
    add("1,000 cases end to end, direct, CPU time (s)", cpu, TARGETS["e2e_1000_seconds"])
    peaks = [get(1000, m, "peak_rss_mb") for m in ("direct", "orchestrated") if ok(1000, m)]
    add("peak RSS at 1,000 cases (MB)", max(peaks) if peaks else None, TARGETS["peak_rss_1000_mb"])
    peaks = [get(10000, m, "peak_rss_mb") for m in ("direct", "orchestrated") if ok(10000, m)]
    add(
        "peak RSS at 10,000 cases (MB)",
        max(peaks) if peaks else None,
        TARGETS["peak_rss_10000_mb"],
        note="" if str(10000) in sizes else "not run (use --with-10k)",
    )
    per_case = None
    if ok(10000, "direct") and ok(1000, "direct"):
        per_case = round(
            (get(10000, "direct", "total_wall") / 10000)
            / (get(1000, "direct", "total_wall") / 1000),
            3,
        )
    add(
        "time per case, 10,000 vs 1,000 (direct, wall)", per_case, TARGETS["per_case_10000_vs_1000"]
    )
    per_case_cpu = None
    if ok(10000, "direct") and ok(1000, "direct"):
        per_case_cpu = round(
            (get(10000, "direct", "total_cpu") / 10000) / (get(1000, "direct", "total_cpu") / 1000),
            3,
        )
    add(
        "time per case, 10,000 vs 1,000 (direct, CPU time)",
        per_case_cpu,
        TARGETS["per_case_10000_vs_1000"],
    )
    add(
        "re-run after a one-case change / cold, orchestrated, 1,000",
        get(1000, "orchestrated", "rerun_share_of_cold") if ok(1000, "orchestrated") else None,
        TARGETS["rerun_share_1000"],
    )
    add(
        "re-run after a one-case change / cold, direct, 1,000",
        get(1000, "rerun_direct", "share_of_cold") if ok(1000, "rerun_direct") else None,
        TARGETS["rerun_share_1000"],
    )
    add(
        "orchestrated / direct at 1,000",
        get(1000, "orchestrated", "ratio_to_direct") if ok(1000, "orchestrated") else None,
        TARGETS["orchestrated_vs_direct_1000"],
    )
    largest = max((int(s) for s in sizes if ok(int(s), "direct")), default=None)
    add(
        f"NLP words/s / blank tokenizer words/s, wall ({largest or '-'} cases)",
        get(largest, "direct", "nlp", "ratio_to_blank") if largest else None,
        TARGETS["nlp_vs_blank_tokenizer"],
        relation=">=",
    )
    add(
        f"NLP words/s / blank tokenizer words/s, CPU time ({largest or '-'} cases)",
        get(largest, "direct", "nlp", "ratio_to_blank_cpu") if largest else None,
        TARGETS["nlp_vs_blank_tokenizer"],
        relation=">=",
    )
    return out


def _fmt(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def markdown(results: dict) -> str:
    m = results["machine"]
    lines = [
        "# triangulate benchmark",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM; Python {m['python']}; "
        f"{m['platform']}. Commit {m['git']['commit']}{' (with local changes)' if m['git']['dirty'] else ''}; "
        f"written {results['written_utc']}.",
        "",
        "Direct run (stage functions in one process, no Prefect): wall time per stage, "
        "CPU time in brackets, seconds. Load: the machine's 1-minute load average when the "
        "size started (2 cores: above 2, other work competed and wall times grow).",
        "",
        "| cases | excerpts | words | ingest | NLP | SQL | render | audit | total | peak RSS | load |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    sizes = sorted(results["sizes"].items(), key=lambda kv: int(kv[0]))
    for size, entry in sizes:
        d = entry.get("direct", {})
        study = entry["study"]
        if not d.get("ok"):
            lines.append(
                f"| {int(size):,} | {study['excerpts']:,} | {study['words']:,} | "
                f"{d.get('error', 'not run')} |" + " – |" * 7
            )
            continue
        st = d["stages"]
        cells = [f"{st[s]['wall']:,.2f} ({st[s]['cpu']:,.2f})" for s in STAGES[:-1]]
        lines.append(
            f"| {int(size):,} | {d['excerpts']:,} | {d['words']:,} | "
            + " | ".join(cells)
            + f" | {d['total_wall']:,.2f} ({d['total_cpu']:,.2f}) | {d['peak_rss_mb']:,.0f} MB | "
            + f"{_fmt((entry.get('load_avg_before') or [None])[0], 1)} |"
        )
    measured = [
        f"{int(size):,} cases: {entry.get('git', {}).get('commit') or '?'}"
        f"{' (with local changes)' if entry.get('git', {}).get('dirty') else ''}, "
        f"{entry.get('date_utc', '?')}"
        for size, entry in sizes
    ]
    lines += [
        "",
        "Measured at: " + "; ".join(measured) + ".",
        "",
        "NLP throughput, orchestration and re-runs (seconds unless marked).",
        "",
        "| cases | NLP excerpts/s | NLP words/s | blank tokenizer words/s | NLP / blank (CPU) | "
        "Prefect server start | flow (cold) | flow / direct | flow peak RSS | "
        "re-run flow | re-run direct | classification = truth | planted dissonance found |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, entry in sizes:
        d = entry.get("direct", {})
        f = entry.get("orchestrated", {})
        r = entry.get("rerun_direct", {})
        t = entry.get("truth", {})
        nlp = d.get("nlp", {}) if d.get("ok") else {}
        flow_cells = (
            [
                _fmt(f["server_start_wall"]),
                _fmt(f["cold"]["wall"], 2),
                _fmt(f.get("ratio_to_direct"), 2),
                f"{f['peak_rss_mb']:,.0f} MB",
                f"{f['rerun']['wall']:,.2f} ({f['rerun_share_of_cold']:.0%})",
            ]
            if f.get("ok")
            else [f.get("error", "not run")] + ["–"] * 4
        )
        rerun = f"{r['wall']:,.2f} ({r['share_of_cold']:.0%})" if r.get("ok") else "–"
        cls = t.get("classification", {})
        dis = t.get("dissonance", {})
        lines.append(
            f"| {int(size):,} | {_fmt(nlp.get('excerpts_per_s'), 0)} | {_fmt(nlp.get('words_per_s'), 0)} | "
            f"{_fmt(nlp.get('blank_tokenizer_words_per_s'), 0)} | {_fmt(nlp.get('ratio_to_blank'), 2)} "
            f"({_fmt(nlp.get('ratio_to_blank_cpu'), 2)}) | "
            + " | ".join(flow_cells)
            + f" | {rerun} | "
            + (f"{cls['agree']}/{cls['cases']}" if cls else "–")
            + " | "
            + (f"{dis['planted_found']}/{dis['planted']}" if dis else "–")
            + " |"
        )
    lines += [
        "",
        "Targets (issue 8):",
        "",
        "| target | value | limit | pass |",
        "|---|---:|---:|---|",
    ]
    for check in results["checks"]:
        verdict = {True: "yes", False: "**no**", None: "not measured"}[check["pass"]]
        lines.append(
            f"| {check['target']} | {_fmt(check['value'], 2)} | {check['relation']} {_fmt(check['limit'], 2)} "
            f"| {verdict}{' (' + check['note'] + ')' if check.get('note') else ''} |"
        )
    lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", help="comma-separated case counts (default 9,100,1000)")
    parser.add_argument("--with-10k", action="store_true", help="also run 10,000 cases")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-orchestrated", action="store_true", help="no Prefect runs")
    parser.add_argument("--skip-rerun", action="store_true", help="no direct re-run")
    parser.add_argument(
        "--profile", action="store_true", help="profile the direct runs (needs pyinstrument)"
    )
    parser.add_argument("--timeout", type=float, default=4 * 3600, help="per child, seconds")
    parser.add_argument("--work", type=Path, default=WORK)
    parser.add_argument("--results", type=Path, default=BENCH_DIR / "results.json")
    parser.add_argument("--markdown", type=Path, default=None, help="default: beside --results")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--study", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        CHILDREN[args.child](args.study, args.out, args.result)
        return 0

    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else list(DEFAULT_SIZES)
    if args.with_10k and 10000 not in sizes:
        sizes.append(10000)
    args.work = args.work.resolve()
    args.work.mkdir(parents=True, exist_ok=True)
    env = child_env(args.work / "prefect")
    if args.profile:
        env["BENCH_PROFILE"] = "1"
    sys.path.insert(0, str(ROOT))

    results = {"sizes": {}}
    if args.results.exists():
        with contextlib.suppress(json.JSONDecodeError):
            results = json.loads(args.results.read_text(encoding="utf-8"))
    results.setdefault("sizes", {})
    for n in sizes:
        results["sizes"][str(n)] = bench_size(n, args, env)
    results["machine"] = machine_info()
    results["written_utc"] = _now()
    results["targets"] = TARGETS
    results["checks"] = checks(results["sizes"])
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    md_path = args.markdown or args.results.with_suffix(".md")
    md_path.write_text(markdown(results), encoding="utf-8")
    print(f"wrote {args.results} and {md_path}")
    failed = [
        f"{n}:{mode}"
        for n in sizes
        for mode in ("direct", "rerun_direct", "orchestrated")
        if mode in results["sizes"][str(n)] and not results["sizes"][str(n)][mode]["ok"]
    ]
    if failed:
        print("failed: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

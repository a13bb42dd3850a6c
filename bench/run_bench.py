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
   on the same output folder (whatever caching run_direct has, if any), in a
   fresh process; then the resident re-run: in one more process, `run_direct`
   once unchanged (untimed), one more excerpt changed and `run_direct` timed,
   what a process kept between runs could give (decision 0416);
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
import hashlib
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_children import CHILDREN, MB, change_one_excerpt  # noqa: E402
from bench_report import TARGETS, checks, markdown  # noqa: E402

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
WORK = BENCH_DIR / ".work"
DEFAULT_SIZES = (9, 100, 1000)


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
            if rerun["ok"] and not args.skip_resident:
                resident = spawn("rerun-resident", copy, out, run_dir / "direct", env, args.timeout)
                if resident["ok"]:
                    resident["share_of_cold"] = round(resident["wall"] / direct["total_wall"], 3)
                entry["rerun_resident"] = resident
                _report("re-run resident", resident)

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", help="comma-separated case counts (default 9,100,1000)")
    parser.add_argument("--with-10k", action="store_true", help="also run 10,000 cases")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-orchestrated", action="store_true", help="no Prefect runs")
    parser.add_argument("--skip-rerun", action="store_true", help="no direct re-run")
    parser.add_argument(
        "--skip-resident", action="store_true", help="no re-run in a process kept from a run"
    )
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
        for mode in ("direct", "rerun_direct", "rerun_resident", "orchestrated")
        if mode in results["sizes"][str(n)] and not results["sizes"][str(n)][mode]["ok"]
    ]
    if failed:
        print("failed: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

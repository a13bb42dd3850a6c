"""The benchmark's targets (issue 8), the check of each against the figures
measured, and `bench/results.md` written from `results.json`.
"""

from __future__ import annotations

from bench_children import STAGES

TARGETS = {
    "e2e_1000_seconds": 60.0,
    "peak_rss_1000_mb": 1536.0,
    "peak_rss_10000_mb": 2560.0,
    "per_case_10000_vs_1000": 1.2,
    "rerun_share_1000": 0.10,
    "rerun_share_10000": 0.05,
    "orchestrated_vs_direct_1000": 1.3,
    "nlp_vs_blank_tokenizer": 0.5,
}


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
        "re-run after a one-case change / cold, direct in a process kept from a run, 1,000",
        get(1000, "rerun_resident", "share_of_cold") if ok(1000, "rerun_resident") else None,
        TARGETS["rerun_share_1000"],
    )
    for size, limit in ((10000, TARGETS["rerun_share_10000"]),):
        add(
            f"re-run after a one-case change / cold, direct, {size:,}",
            get(size, "rerun_direct", "share_of_cold") if ok(size, "rerun_direct") else None,
            limit,
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
                _fmt(f["cold"]["wall"], 2) + _server_cpu(f["cold"]),
                _fmt(f.get("ratio_to_direct"), 2),
                f"{f['peak_rss_mb']:,.0f} MB",
                f"{f['rerun']['wall']:,.2f} ({f['rerun_share_of_cold']:.0%})"
                + _server_cpu(f["rerun"]),
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
            + (f" (+{dis['planted_held_back']} held back)" if dis.get("planted_held_back") else "")
            + " |"
        )
    lines += rerun_table(sizes)
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


def _share(run: dict) -> str:
    """ "4.12 s (15%)": a re-run's wall time and its share of the cold run's."""
    if not run.get("ok"):
        return run.get("error", "not run") if run else "not run"
    return f"{run['wall']:,.2f} ({run['share_of_cold']:.0%}; CPU {run['cpu']:,.2f})"


def rerun_table(sizes: list[tuple[str, dict]]) -> list[str]:
    """Re-runs after a one-case change at every size measured (issue 16), wall
    seconds, share of the cold run of the same mode in the same bench run."""
    lines = [
        "",
        "Re-runs after one excerpt of one case changed (issue 16; wall seconds, share of "
        "the same mode's cold run in this bench run, CPU of the process). Fresh process: "
        "`run_direct` in a new process, as `triangulate run --direct` is. Process kept: "
        "the same in a process that ran this study once before (decision 0416; no such "
        "process is shipped: what one could give).",
        "",
        "| cases | cold direct | re-run direct, fresh process | re-run direct, process kept "
        "| cold flow | re-run flow |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for size, entry in sizes:
        d, f = entry.get("direct", {}), entry.get("orchestrated", {})
        rerun_flow = (
            f"{f['rerun']['wall']:,.2f} ({f['rerun_share_of_cold']:.0%})"
            if f.get("ok")
            else "not run"
        )
        lines.append(
            f"| {int(size):,} | "
            + (f"{d['total_wall']:,.2f}" if d.get("ok") else "not run")
            + f" | {_share(entry.get('rerun_direct', {}))}"
            + f" | {_share(entry.get('rerun_resident', {}))}"
            + " | "
            + (f"{f['cold']['wall']:,.2f}" if f.get("ok") else "not run")
            + f" | {rerun_flow} |"
        )
    return lines


def _server_cpu(run: dict) -> str:
    """ " (server 1.2 s CPU)": the temporary server's CPU during a flow run, when measured."""
    cpu = run.get("server_cpu")
    return f" (server {cpu:,.1f} s CPU)" if cpu is not None else ""

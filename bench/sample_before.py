"""Sampled CPU cost of the unpatched render and leak audit, extrapolated to all cases.

    .venv/bin/python bench/sample_before.py STAGING_DIR STUDY_DIR

STAGING_DIR is an output folder a direct run left behind (dossiers, exports,
index, triangulate.duckdb), e.g. `bench/.work/runs/n1000/direct/.out.staging`
of a run stopped during its audit; STUDY_DIR the study it came from. Renders
25 dossiers and audits 20 (plus every other file, and 2,000 rows per database
table) with the code as it is, and prints the CPU seconds per part and the
extrapolated totals used in docs/performance.md.
"""

import json
import sys
import time
import unicodedata
from pathlib import Path

import duckdb

from flows import render, stages, warehouse

S = Path(sys.argv[1])
study = Path(sys.argv[2])
out = {}
t = time.process_time()
ing = stages.ingest(study)
out["ingest_cpu"] = time.process_time() - t
db = S / stages.DB_NAME
cases = stages.case_ids(db)
prov = stages.provenance(ing)
t = time.process_time()
keys = stages.case_fingerprints(ing)
out["case_fingerprints_cpu_full"] = time.process_time() - t
sample = cases[::40]  # 25 cases spread over the study
t = time.process_time()
with duckdb.connect(str(db), read_only=True) as con:
    for c in sample:
        stages.render_case(con, ing, c, {**prov, "case_fingerprint": keys[c]})
per_case = (time.process_time() - t) / len(sample)
out["render_case_cpu_per_case"] = per_case
out["render_cases_cpu_extrapolated"] = per_case * len(cases) + out["case_fingerprints_cpu_full"]
# split of one case: queries vs context vs template
with duckdb.connect(str(db), read_only=True) as con:
    c = sample[5]
    t = time.process_time()
    for _ in range(5):
        frames = {n: warehouse.query(con, f"case_{n}", case_id=c) for n in stages.CASE_QUERIES}
        overview = warehouse.query(con, "case_overview")
    out["queries_cpu_per_case"] = (time.process_time() - t) / 5
    t = time.process_time()
    for _ in range(5):
        ctx = render.case_context(ing.study.definition, c, overview, provenance=prov, **frames)
    out["case_context_cpu_per_case"] = (time.process_time() - t) / 5
    t = time.process_time()
    for _ in range(5):
        render.render_dossier(render.environment(), ctx)
    out["environment_and_template_cpu_per_case"] = (time.process_time() - t) / 5
    env = render.environment()
    t = time.process_time()
    for _ in range(5):
        render.render_dossier(env, ctx)
    out["template_only_cpu_per_case"] = (time.process_time() - t) / 5

# audit: files (sample of dossiers + all other files), database (sampled rows of big tables)
pattern = stages.name_pattern(ing.data.roster_names)
files = sorted(S.rglob("*.html")) + sorted(S.rglob("*.csv"))
dossiers = [p for p in files if p.parent.name == "cases"]
others = [p for p in files if p.parent.name != "cases"]


def scan(paths):
    n = 0
    for p in paths:
        text = p.read_text(encoding="utf-8")
        for line in unicodedata.normalize("NFKC", text).splitlines():
            if pattern.search(line):
                n += 1
    return n


ds = dossiers[::50]  # 20 dossiers
t = time.process_time()
scan(ds)
d_cpu = (time.process_time() - t) / len(ds)
t = time.process_time()
scan(others)
o_cpu = time.process_time() - t
out["audit_files_cpu_per_dossier"] = d_cpu
out["audit_other_files_cpu"] = o_cpu
db_cpu = 0.0
with duckdb.connect(str(db), read_only=True) as con:
    for (table,) in con.execute("select table_name from information_schema.tables").fetchall():
        n = con.execute(f'select count(*) from "{table}"').fetchone()[0]
        limit = min(n, 2000)
        frame = con.execute(f'select * from "{table}" limit {limit}').df()
        t = time.process_time()
        for column in frame.columns:
            frame[column].astype(str).str.contains(pattern, regex=True).any()
        db_cpu += (time.process_time() - t) * (n / limit if limit else 0)
out["audit_db_cpu_extrapolated"] = db_cpu
out["audit_cpu_extrapolated"] = d_cpu * len(dossiers) + o_cpu + db_cpu
out["names_in_pattern"] = pattern.pattern.count("|") + 1
out["dossier_mb"] = sum(p.stat().st_size for p in dossiers) / 1e6
print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in out.items()}, indent=1))

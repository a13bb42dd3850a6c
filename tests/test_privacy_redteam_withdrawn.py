"""Red-team pass (privacy13, decision 0384): a withdrawn participant vanishes
from every output, their person id and every count of their rows included.

Before 0384 a withdrawn informant kept a row in five tables of the published
database (`raw_persons`, `raw_person_cases`, `raw_interviews`,
`stg_informant_cases`, `int_informant_stances`: status `withdrawn`), the
rejects listed each excluded row (file and row number: how many were theirs),
the dossier said that the case's supporter withdrew, and the input counts in
the index, the manifest and Prefect's artifacts held their rows.

The proof: the study with Birgitte (A-a) withdrawn publishes the same files,
byte for byte, and the same database rows as the study without her roster
row, her interview and her excerpts, cold and after a warm re-run in which she
withdraws."""

from __future__ import annotations

import csv
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from conftest import INTERVIEWS, ROSTER, write_csv
from prefect_readback import stored_texts
from privacy.test_corpus import BASE, SURVEY, excerpt
from test_flow import prefect_server  # noqa: F401 - the module's Prefect server
from test_incremental import assert_same_outputs, table_rows
from test_privacy_redteam import deep_text

from flows import stages
from flows.runs import private_dir

HER_ID = re.compile(r"(?<![\w-])A-a(?![\w-])")
# her interview is I2 (BASE's first excerpt is hers)
HERS = [BASE[0], excerpt("W1", "I walk by the lake."), excerpt("W2", "Tired, so tired today.")]
OTHERS = [BASE[1], excerpt("W3", "We walk most days.", "I1", "A")]
DIGEST = re.compile(r"\b[0-9a-f]{16,64}\b")
RUN_KEYS = ("run_id", "started", "finished", "created", "duration_s", "timings")


def _study(make_study, base: Path, *, withdrawn: bool, gone: bool = False) -> Path:
    """The tiny study (in `base`) with Birgitte's excerpts last (so no other row's
    number depends on them); `withdrawn`: her status; `gone`: without her at all."""
    base.mkdir(parents=True, exist_ok=True)
    folder = make_study([*OTHERS, *([] if gone else HERS)], SURVEY, base=base)
    roster = [list(r) for r in ROSTER]
    if gone:
        roster = [r for r in roster if r[0] != "A-a"]
        write_csv(folder / "interviews.csv", [r for r in INTERVIEWS if r[1] != "A-a"])
    elif withdrawn:
        roster[2][5] = "withdrawn"
    write_csv(folder / "roster.csv", roster)
    return folder


def _withdraw(folder: Path) -> None:
    with (folder / "roster.csv").open(encoding="utf-8", newline="") as handle:
        roster = list(csv.reader(handle))
    roster[2][5] = "withdrawn"
    write_csv(folder / "roster.csv", roster)


def _published(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*") if p.is_file())


def _manifest(out: Path) -> dict:
    found = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {k: v for k, v in found.items() if k not in RUN_KEYS}


def _masked(out: Path) -> dict[str, str]:
    """Every published file's text (the database's rows, workbooks' cells) with
    digests masked: the input files' hashes and the cases' fingerprints are
    digests of the inputs, which differ from a study without her (her roster
    row, her names), and are no more than digests. Tables as sorted rows (row
    order is not part of a table)."""
    return {
        p.relative_to(out).as_posix(): DIGEST.sub(
            "<digest>", repr(table_rows(p)) if p.suffix == ".duckdb" else deep_text(p)
        )
        for p in _published(out)
        if p.name != "manifest.json"
    }


def _her_id_in(out: Path) -> list[str]:
    return [p.name for p in _published(out) if HER_ID.search(deep_text(p))]


def test_a_withdrawn_participant_publishes_what_never_having_taken_part_does(make_study, tmp_path):
    """Cold with her withdrawn, warm after she withdraws, and without her at all:
    the same published bytes and rows; her id in no published file (the database
    read row by row) nor in the review sheet."""
    never = tmp_path / "never" / "tiny"
    stages.run_direct(_study(make_study, tmp_path / "s1", withdrawn=False, gone=True), never)
    cold = tmp_path / "cold" / "tiny"
    stages.run_direct(_study(make_study, tmp_path / "s2", withdrawn=True), cold)
    folder = _study(make_study, tmp_path / "s3", withdrawn=False)
    warm = tmp_path / "warm" / "tiny"
    stages.run_direct(folder, warm)
    assert _her_id_in(warm)  # the reader finds her id before she withdraws
    _withdraw(folder)
    stages.run_direct(folder, warm)
    for out in (cold, warm):
        assert _her_id_in(out) == [], out
        review = private_dir(out) / "review"
        assert [p.name for p in review.rglob("*") if p.is_file() and "A-a" in deep_text(p)] == []
        assert _manifest(out) == _manifest(never)
        assert _masked(out) == _masked(never)
        with (out / "rejects.csv").open(encoding="utf-8") as handle:
            assert "withdrew" not in handle.read()
    assert_same_outputs(warm, cold)  # byte for byte (the database: row for row)
    with duckdb.connect(str(warm / stages.DB_NAME), read_only=True) as con:
        assert (
            con.execute("select count(*) from raw_persons where status <> 'active'").fetchone()[0]
            == 0
        )


def test_prefect_keeps_no_trace_of_a_participant_who_left(prefect_server, make_study, tmp_path):  # noqa: F811
    """Through Prefect, a first run and a warm re-run after she withdraws: no
    record the server stored from the re-run (artifacts, log lines, task runs,
    events) holds her id, and the run's summary artifact equals that of a run
    without her at all."""
    from flows.orchestration import pipeline

    folder = _study(make_study, tmp_path / "s1", withdrawn=False)
    out = tmp_path / "out" / "tiny"
    assert pipeline.triangulate_study(
        study_dir=folder, out_dir=out, return_state=True
    ).is_completed()
    _withdraw(folder)
    since = datetime.now(UTC)
    assert pipeline.triangulate_study(
        study_dir=folder, out_dir=out, return_state=True
    ).is_completed()
    texts = stored_texts(prefect_server["api"].rstrip("/"), since)
    assert {c for c, _ in texts} >= {"flow_runs", "task_runs", "logs", "artifacts"}
    trace = re.compile(rf"{HER_ID.pattern}|withdr", re.IGNORECASE)
    holding = [
        (c, t[max(0, m.start() - 80) : m.end() + 80]) for c, t in texts for m in trace.finditer(t)
    ]
    assert holding == []
    assert _her_id_in(out) == []
    never = _study(make_study, tmp_path / "s2", withdrawn=False, gone=True)
    since = datetime.now(UTC)
    pipeline.triangulate_study(study_dir=never, out_dir=tmp_path / "never-out" / "tiny")
    artifacts = [
        t for c, t in stored_texts(prefect_server["api"].rstrip("/"), since) if c == "artifacts"
    ]
    summary = [t for c, t in texts if c == "artifacts" and "| input | read | loaded |" in t]
    assert summary and any(_table(summary[0]) == _table(a) for a in artifacts)


def _table(text: str) -> list[str]:
    """The summary artifact's input-count lines (`| file | read | loaded |`)."""
    data = json.loads(text).get("data")
    return (
        [line for line in data.splitlines() if line.startswith("|")]
        if isinstance(data, str)
        else []
    )

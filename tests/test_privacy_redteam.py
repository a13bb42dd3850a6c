"""Red-team pass (privacy8): where a name or a withdrawn participant's data could
reach an output, a log, Prefect's database, an error message or the private
folder's caches. Each test fails if its leak exists (the spellings are in
tests/test_privacy_redteam_spellings.py)."""

from __future__ import annotations

import json
import marshal
import os
import stat
import zipfile
import zlib
from pathlib import Path

import duckdb
import pytest
from conftest import EXCERPT_HEADER, ROSTER, TINY_STUDY, write_csv
from privacy.test_corpus import BASE, SURVEY, excerpt

from flows import stages
from flows.errors import LeakError, TriangulateError
from flows.privacy.audit import WITHHELD, NameScreen, audit, check_audit, distinct_names
from flows.runs import private_dir

NAMES = ("Henrik", "Sørensen", "Karen", "Lund", "Birgitte", "Holm", "Mette", "Krogh")


def _no_name_in(message: str) -> None:
    for name in NAMES:
        assert name.lower() not in message.lower(), name


def _roster(change) -> list[list[str]]:
    roster = [list(r) for r in ROSTER]
    change(roster)
    return roster


# ------------------------------------------- ids that Prefect stores before the audit


def test_a_case_id_naming_a_person_stops_ingestion_with_file_and_row(make_study):
    """A case id names task runs ("render dossiers A to B") and log lines in
    Prefect's database as the run goes: it must stop the run at ingestion, not
    at the audit, and the message names the roster row, never the name."""

    def change(roster):
        roster[3][2] = "Karen"  # B's own case id is her first name

    folder = make_study(BASE, SURVEY, _roster(change))
    with pytest.raises(LeakError, match=r"roster\.csv: row 4: case_ids: a case id holds") as e:
        stages.ingest(folder)
    _no_name_in(str(e.value))


def test_a_study_id_naming_a_person_stops_ingestion(make_study):
    folder = make_study(BASE, SURVEY, None, TINY_STUDY.replace('id = "tiny"', 'id = "karen-lund"'))
    with pytest.raises(LeakError, match=r"study\.toml: \[study\] id holds a roster name") as e:
        stages.ingest(folder)
    _no_name_in(str(e.value))


def test_a_run_whose_parameters_name_a_person_never_reaches_prefect(
    make_study, tmp_path, monkeypatch
):
    """The flow run's parameters (the folders' paths, the cases to rebuild) and
    its name (the study id) are stored by Prefect when it starts: the check
    runs before, and no flow run is made."""
    from flows.orchestration import pipeline
    from flows.privacy.preflight import check_before_flow

    folder = make_study(BASE, SURVEY)
    made = []
    monkeypatch.setattr(
        pipeline.triangulate_study, "with_options", lambda **kw: made.append(kw) or None
    )
    for out, cases in [
        (tmp_path / "Karen Lund interviews" / "out", None),
        (tmp_path / "out", ["Henrik"]),
    ]:
        with pytest.raises(LeakError, match="hold\\(s\\) a roster name") as e:
            pipeline.run_study(folder, out, rebuild_cases=cases)
        _no_name_in(str(e.value))
    assert made == []
    (tmp_path / "Mette").mkdir()
    named = make_study(BASE, SURVEY, base=tmp_path / "Mette")
    with pytest.raises(LeakError, match="study folder"):
        check_before_flow(named, tmp_path / "out")


# ------------------------------------------------------- what the audit reports


def _screen_names():
    return distinct_names([(p[0], p[1], [p[3], *p[4].split(";")]) for p in ROSTER[1:]])


def test_audit_reports_never_repeat_a_name_held_by_a_location(tmp_path):
    """A JSON key, a file or folder name (a case id makes one) or a column named
    after a source would put the name into the error message, and from there
    into the terminal, the logs and Prefect's state message."""
    out = tmp_path / "staging"
    (out / "cases").mkdir(parents=True)
    (out / "data.json").write_text(json.dumps({"Karen Lund": {"note": "Karen says hi"}}))
    (out / "cases" / "Henrik.html").write_text("<p>fine</p>")
    (out / "Birgitte Holm").mkdir()
    with duckdb.connect(str(out / "triangulate.duckdb")) as con:
        con.execute('create table sources (case_id varchar, "mette_stance" varchar)')
        con.execute("insert into sources values ('A', 'agreement')")
    hits = audit(out, _screen_names())
    places = [f"{h['where']} {h['at']}" for h in hits]
    assert any("data.json" in p for p in places)
    assert any(p.startswith(f"cases/{WITHHELD}") for p in places)
    assert any(p.startswith(WITHHELD) for p in places)
    assert any("triangulate.duckdb:sources" in p and "column name" in p for p in places)
    with pytest.raises(LeakError) as e:
        check_audit(hits)
    _no_name_in(str(e.value))


def test_a_published_file_the_audit_cannot_read_fails_the_audit(tmp_path):
    """A file of a kind the audit does not read (a zip, a QDPX, an image) is not
    published unread: it is a hit."""
    out = tmp_path / "staging"
    out.mkdir()
    with zipfile.ZipFile(out / "project.qdpx", "w") as archive:
        archive.writestr("sources/a.txt", "Henrik Sørensen said")
    (out / "notes").write_text("Henrik")
    hits = audit(out, _screen_names())
    assert {h["where"] for h in hits} == {"project.qdpx", "notes"}
    assert all(h["at"] == "a file the audit cannot read" for h in hits)


def test_the_screen_reads_names_across_the_parts_of_a_path(tmp_path):
    screen = NameScreen(_screen_names())
    assert screen.holds_name("interview_Karen_Lund.docx")
    assert screen.holds_name("karen-lund")
    assert not screen.holds_name("interview_07.docx")


# ----------------------------------------------------- withdrawal, warm re-run

LAKE = "by the quiet lake"


def deep_text(path: Path) -> str:
    """Everything a file holds, as text: databases by row, Parquet by row, zip
    members and deflated pieces decompressed, marshal values walked."""
    if path.suffix == ".duckdb":
        with duckdb.connect(str(path), read_only=True) as con:
            tables = [
                t for (t,) in con.execute("select table_name from duckdb_tables()").fetchall()
            ]
            return repr([con.execute(f'select * from "{t}"').fetchall() for t in tables])
    if path.suffix == ".parquet":
        with duckdb.connect() as con:
            return repr(con.execute("select * from read_parquet(?)", [str(path)]).fetchall())
    data = path.read_bytes()
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    if path.suffix == ".marshal":
        return _walk(marshal.loads(data))
    return data.decode("utf-8", "replace") + _inflate(data)


def _inflate(data: bytes) -> str:
    for wbits in (-15, 15, 31):
        try:
            return zlib.decompressobj(wbits).decompress(data).decode("utf-8", "replace")
        except zlib.error:
            continue
    return ""


def _walk(value) -> str:
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", "replace") + _inflate(bytes(value))
    if isinstance(value, dict):
        return "\n".join(_walk(k) + "\n" + _walk(v) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return "\n".join(_walk(v) for v in value)
    return str(value)


def _withdraw(folder: Path, row: int) -> None:
    roster = [list(r) for r in ROSTER]
    roster[row][5] = "withdrawn"
    write_csv(folder / "roster.csv", roster)


def test_a_withdrawn_participant_vanishes_from_every_file_after_a_warm_rerun(make_study, tmp_path):
    """A-a (Birgitte) speaks in interview I2; she withdraws after a first run.
    After the warm re-run no file in the output or the private folder holds her
    excerpt, decompressed and decoded (review sheet and its shards, the
    exports' fragments, the warehouse copy, the annotation cache, the reader
    store); the old publication is replaced, not kept beside."""
    machine_read = ["W3", "I2", "A", "Context/Energy", "", "2", "AK", f"So tired {LAKE} today."]
    rows = [excerpt("W1", f"I walk {LAKE} on Sundays."), excerpt("W2", "Tired."), machine_read]
    folder = make_study([*BASE, *rows], SURVEY)
    out = tmp_path / "out" / "tiny"
    stages.run_direct(folder, out)
    before = json.loads((out / "manifest.json").read_text())["run_id"]
    kept = [p for p in [*out.rglob("*"), *private_dir(out).rglob("*")] if p.is_file()]
    found = {p.name for p in kept if LAKE in deep_text(p)}  # the reader finds it before
    assert {"stances.xlsx", "stances.csv", "annotations.marshal", "warehouse.duckdb"} <= found
    assert any(name.endswith(".marshal") and name[:2].isdigit() for name in found), found
    _withdraw(folder, 2)
    stages.run_direct(folder, out)
    assert json.loads((out / "manifest.json").read_text())["run_id"] != before
    files = [p for p in [*out.rglob("*"), *private_dir(out).rglob("*")] if p.is_file()]
    holding = [str(p.relative_to(out.parent)) for p in files if LAKE in deep_text(p)]
    assert holding == []
    assert sorted(p.name for p in out.parent.iterdir()) == [".triangulate-private", "tiny"]
    assert not (private_dir(out) / "previous").exists()


def test_a_withdrawn_participant_mentioned_by_others_leaves_no_id_after_a_warm_rerun(
    make_study, tmp_path
):
    """Henrik (A) names Birgitte (A-a), who withdraws after a first run. Before
    decision 0367 his excerpt kept her label, "[peer supporter A-a]", in the page,
    the database's text and the caches. The database's source rows keep her id
    (status withdrawn; documented), nothing else does."""
    import re

    mention = excerpt("W9", "Birgitte and I walk together.", "I1", "A")
    folder = make_study([*BASE, excerpt("W1", f"I walk {LAKE}."), mention], SURVEY)
    out = tmp_path / "out" / "tiny"
    stages.run_direct(folder, out)
    _withdraw(folder, 2)
    stages.run_direct(folder, out)
    her_id = re.compile(r"(?<![\w-])A-a(?![\w-])")
    files = [p for p in [*out.rglob("*"), *private_dir(out).rglob("*")] if p.is_file()]
    holding = [p.name for p in files if p.suffix != ".duckdb" and her_id.search(deep_text(p))]
    assert holding == []
    with duckdb.connect(str(out / "triangulate.duckdb"), read_only=True) as con:
        texts = dict(con.execute("select excerpt_id, text from raw_excerpts").fetchall())
    assert texts["W9"] == "[person] and I walk together."


def test_a_passage_deleted_between_runs_leaves_no_byte_in_any_file(make_study, tmp_path):
    """privacy10 (decision 0285): a participant asks for one passage to be taken
    out, or the researcher edits a name out of an excerpt, and re-runs. The warm
    run updates the warehouse in place (DELETE + INSERT of the changed case):
    DuckDB freed the old rows' blocks without clearing them, so the published
    `triangulate.duckdb` (a copy of the private warehouse) still held the text in
    its bytes, where `strings` finds it although no query does."""
    mark = "Zanzibarquokka"
    kept = [excerpt(f"M{i}", f"We walk {i} times a week.", "I3", "B") for i in range(12)]
    rows = [excerpt("W1", f"I walk by the {mark} lake on Sundays."), *kept]
    folder = make_study([*BASE, *rows], SURVEY)
    out = tmp_path / "out" / "tiny"
    stages.run_direct(folder, out)
    assert mark.encode() in (out / "triangulate.duckdb").read_bytes()
    write_csv(folder / "excerpts.csv", [EXCERPT_HEADER, *BASE, *kept])  # W1 taken out
    stages.run_direct(folder, out)
    files = [p for p in [*out.rglob("*"), *private_dir(out).rglob("*")] if p.is_file()]
    holding = [
        str(p.relative_to(out.parent))
        for p in files
        if mark.encode() in p.read_bytes() or mark in deep_text(p)
    ]
    assert holding == []
    with duckdb.connect(str(out / "triangulate.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from raw_excerpts").fetchone() == (len(kept) + 2,)


def test_an_update_compacts_only_when_a_text_is_lost(tmp_path):
    """`loses_text` decides whether the update must rewrite the file: a text taken
    out or cut is lost; one kept, or only added to, is not (the warm re-run of a
    corrected excerpt, the bench's case, pays no copy)."""
    import pandas as pd

    from flows.incremental import loses_text

    def frames(texts: list[str], mode: str = "in person") -> dict[str, pd.DataFrame]:
        return {
            "raw_excerpts": pd.DataFrame({"case_id": ["A"] * len(texts), "text": texts}),
            "raw_interviews": pd.DataFrame({"interview_id": ["I1"], "mode": [mode]}),
        }

    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        for name, frame in frames(["We walk.", f"By the {LAKE}."]).items():
            con.register("_frame", frame)
            con.execute(f"create table {name} as select * from _frame")
            con.unregister("_frame")
        kept = frames(["We walk.", f"By the {LAKE}."])
        assert not loses_text(con, kept, ["A"])
        assert not loses_text(con, frames(["We walk. Daily.", f"By the {LAKE}."]), ["A"])
        assert not loses_text(con, frames(["We walk."]), [])  # case A not updated
        assert loses_text(con, frames(["We walk."]), ["A"])
        assert loses_text(con, frames(["We walk.", "By the lake."]), ["A"])
        assert loses_text(con, frames(["We walk.", f"By the {LAKE}."], "at home"), [])


def test_every_private_and_published_file_is_owner_only(make_study, tmp_path):
    folder = make_study([*BASE, excerpt("W1", "We walk.")], SURVEY)
    out = tmp_path / "out" / "tiny"
    stages.run_direct(folder, out)
    stages.run_direct(folder, out)  # warm: caches rewritten or kept
    loose = [
        (str(p.relative_to(out.parent)), oct(stat.S_IMODE(p.stat().st_mode)))
        for p in [out, *out.rglob("*"), private_dir(out), *private_dir(out).rglob("*")]
        if stat.S_IMODE(p.stat().st_mode) & 0o077
    ]
    assert loose == []


def test_a_failed_rerun_after_a_withdrawal_leaves_no_publication_holding_them(
    make_study, tmp_path, monkeypatch
):
    """Fail closed: a re-run after a withdrawal that fails (here the audit finds
    a name in a theme label) must not leave the previous publication, which
    holds the withdrawn participant's excerpts, in place."""
    rows = [excerpt("W1", f"I walk {LAKE} on Sundays.")]
    folder = make_study([*BASE, *rows], SURVEY)
    out = tmp_path / "out" / "tiny"
    stages.run_direct(folder, out)
    _withdraw(folder, 2)
    (folder / "study.toml").write_text(
        TINY_STUDY.replace('label = "Energy"', 'label = "Energy of Karen"'), encoding="utf-8"
    )
    with pytest.raises(TriangulateError) as e:
        stages.run_direct(folder, out)
    _no_name_in(str(e.value))
    published = [p for p in out.rglob("*") if p.is_file()] if out.exists() else []
    assert not [p for p in published if LAKE in deep_text(p)]
    assert not out.exists()  # withdrawn whole, as the run began
    (folder / "study.toml").write_text(TINY_STUDY, encoding="utf-8")
    stages.run_direct(folder, out)  # the next good run publishes again, without them
    assert not [p for p in out.rglob("*") if p.is_file() and LAKE in deep_text(p)]


def test_a_rerun_without_a_withdrawal_keeps_the_publication_until_it_replaces_it(
    make_study, tmp_path, monkeypatch
):
    """Retraction is for withdrawals only: a failing re-run otherwise leaves the
    previous outputs in place, and a publish cut off halfway publishes nothing
    half-made (the next run puts the previous outputs back)."""
    folder = make_study([*BASE, excerpt("W1", "We walk.")], SURVEY)
    out = tmp_path / "out" / "tiny"
    stages.run_direct(folder, out)
    first = (out / "manifest.json").read_text()
    real_rename = Path.rename

    def cut_off(self, target):
        if Path(self).name != "tiny" and Path(target) == out:
            raise OSError("killed mid-publish")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", cut_off)
    with pytest.raises(OSError, match="killed mid-publish"):
        stages.run_direct(folder, out)
    monkeypatch.undo()
    assert not out.exists()  # nothing half-published: the old outputs wait privately
    from flows.runs import RunLock

    with RunLock(out):
        assert (out / "manifest.json").read_text() == first  # rolled back


# ----------------------------------------------------------------- two runs at once


def test_two_concurrent_runs_publish_one_whole_output(make_study, tmp_path):
    """Two processes run the same study into the same output at once: one runs,
    the other refuses (or runs after it); the published folder is one run's,
    whole, and audits clean."""
    import subprocess
    import sys

    folder = make_study([*BASE, excerpt("W1", "We walk.")], SURVEY)
    out = tmp_path / "out" / "tiny"
    code = (
        "import sys; from pathlib import Path; from flows import stages; "
        "from flows.errors import TriangulateError\n"
        "try:\n    stages.run_direct(Path(sys.argv[1]), Path(sys.argv[2]))\n"
        "except TriangulateError as e:\n    print('REFUSED', e); sys.exit(3)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(folder), str(out)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(2)
    ]
    results = [(r.wait(timeout=300), r.stdout.read(), r.stderr.read()) for r in runs]
    codes = sorted(c for c, _, _ in results)
    assert codes in ([0, 0], [0, 3]), results
    for _, stdout, stderr in results:
        _no_name_in(stdout + stderr)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["run_id"]
    assert audit(out, stages.ingest(folder).name_set()) == []
    assert not (private_dir(out) / "previous").exists()


# ----------------------------------------------------------- error messages


def test_an_unexpected_errors_message_is_printed_only_without_a_name(make_study, tmp_path):
    """The CLI prints an unexpected error's message (a full disk says so), but
    not when it holds a roster name: an OSError quotes the path it failed on."""
    from flows.privacy.preflight import error_detail

    folder = make_study(BASE, SURVEY)
    assert error_detail(OSError("No space left on device"), folder) == (
        "OSError: No space left on device"
    )
    quoted = error_detail(FileNotFoundError(f"{folder}/Karen Lund 2021.txt"), folder)
    assert quoted.startswith("FileNotFoundError; its message is withheld")
    _no_name_in(quoted)
    unreadable = error_detail(ValueError("x"), tmp_path / "nowhere")  # no roster to tell
    assert "withheld" in unreadable


# ------------------------------------------- names in the study file and survey

PLACED = {
    "role-label": {"toml": ('label = "Peer supporter"', 'label = "Henrik supporter"')},
    "survey-item-label": {
        "toml": ('label = "Hours sitting per day"', 'label = "Hours sitting with Karen"')
    },
    "context-variable-label": {"toml": ('label = "Sex"', 'label = "Sex (asked by Mette)"')},
    "survey-column-header": {"header": "Henrik_rating"},
}


@pytest.mark.parametrize("placed", sorted(PLACED))
def test_a_name_in_a_label_or_a_survey_header_publishes_nothing(make_study, tmp_path, placed):
    """Places the pseudonymiser does not touch: the audit stops the run, the
    message says where and not who."""
    from conftest import SURVEY_HEADER

    spec = PLACED[placed]
    toml = TINY_STUDY.replace(*spec["toml"]) if "toml" in spec else TINY_STUDY
    folder = make_study(BASE, SURVEY, None, toml)
    if "header" in spec:
        write_csv(
            folder / "survey.csv",
            [[*SURVEY_HEADER, spec["header"]], *[[*row, "3"] for row in SURVEY]],
        )
    out = tmp_path / "out" / "tiny"
    with pytest.raises(LeakError) as e:
        stages.run_direct(folder, out)
    _no_name_in(str(e.value))
    assert not out.exists()


def test_the_audit_reads_sheet_names_and_comments_of_a_workbook(tmp_path):
    import openpyxl
    from openpyxl.comments import Comment

    for change in ("title", "comment"):
        out = tmp_path / change
        out.mkdir()
        book = openpyxl.Workbook()
        sheet = book.active
        sheet["A1"] = "agreement"
        if change == "title":
            sheet.title = "Karen Lund"
        else:
            sheet["A1"].comment = Comment("Henrik wrote this", "reviewer")
        book.save(out / "table.xlsx")
        hits = audit(out, _screen_names())
        assert [h["where"] for h in hits] == ["table.xlsx"], change
        _no_name_in(repr(hits))


def test_a_withdrawn_peers_survey_and_context_leave_every_table_on_a_warm_rerun(
    make_study, tmp_path
):
    """B (Karen, the peer of case B) withdraws after a first run: no table of the
    published database, nor of the private warehouse copy, keeps a survey
    value, a delta or a context value of case B."""
    folder = make_study([*BASE, excerpt("W1", "Tired but walking.", "I3", "B")], SURVEY)
    out = tmp_path / "out" / "tiny"
    stages.run_direct(folder, out)
    _withdraw(folder, 3)
    stages.run_direct(folder, out)
    tables = {
        "raw_survey": "true",
        "raw_context": "true",
        "stg_survey_values": "true",
        # the case keeps a row per item, with no answer at either wave
        "int_survey_item_deltas": "baseline is not null or followup is not null",
    }
    for db in (out / "triangulate.duckdb", private_dir(out) / "cache" / "warehouse.duckdb"):
        with duckdb.connect(str(db), read_only=True) as con:
            for table, held in tables.items():
                query = f"select count(*) from {table} where case_id = 'B' and ({held})"
                assert con.execute(query).fetchone() == (0,), (db.name, table)

"""The leak audit finds a name planted in each kind of output, and says where.

One real run of the tiny study (with PDFs) gives a clean output folder; each
test copies it, plants a roster name in exactly one place of one output kind,
and asserts the audit reports exactly that place (file and line, or database
table and column, or artifact key). Through the public functions only
(`stages.audit`, `stages.check_audit`, `stages.AuditLedger`), so the tests hold
whatever the audit's internals become.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import duckdb
import pytest
from conftest import ROSTER, write_csv
from tests_support import minimal_pdf

from flows import stages
from flows.errors import LeakError
from flows.render import dossiers
from flows.warehouse import DB_NAME

NAME = "Henrik"  # the peer of case A in the tiny roster (alias of Henrik Sørensen)
EXCERPTS = [
    ["E1", "I1", "A", "Intervention/Walking/Present", "", "1", "AK", "We walk every week."],
    ["E2", "I2", "A", "Context/Energy/Barrier", "", "1", "AK", "She is tired."],
    ["E3", "I3", "B", "Outcome/Activity/Improved", "", "1", "AK", "I walk more now."],
]
SURVEY = [["A", "baseline", "60", "8", "male"], ["A", "followup", "150", "7", ""]]


def roster_names() -> list[tuple[str, str, list[str]]]:
    return [(r[0], r[1], [r[3], *r[4].split(";")]) for r in ROSTER[1:]]


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory) -> Path:
    """A published run of the tiny study, PDFs included; the audit passed it."""
    from conftest import EXCERPT_HEADER, INTERVIEWS, SURVEY_HEADER, TINY_STUDY

    root = tmp_path_factory.mktemp("audit-outputs")
    study = root / "study"
    study.mkdir()
    (study / "study.toml").write_text(TINY_STUDY, encoding="utf-8")
    write_csv(study / "roster.csv", ROSTER)
    write_csv(study / "interviews.csv", INTERVIEWS)
    write_csv(study / "excerpts.csv", [EXCERPT_HEADER, *EXCERPTS])
    write_csv(study / "survey.csv", [SURVEY_HEADER, *SURVEY])
    out = root / "out"
    summary = stages.run_direct(study, out, pdf=True)
    stages.write_manifest(out, {"cases": len(summary["cases"]), "rejected": summary["rejected"]})
    return out


def copy_outputs(clean_run: Path, target: Path, pdf: bool) -> Path:
    shutil.copytree(clean_run, target, ignore=None if pdf else shutil.ignore_patterns("pdf"))
    for path in target.rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)
    return target


@pytest.fixture
def outputs(clean_run, tmp_path) -> Path:
    """A copy of the clean run without its PDFs (reading PDF text is the slow part
    of an audit; test_name_in_pdf_text keeps them)."""
    return copy_outputs(clean_run, tmp_path / "out", pdf=False)


def places(out: Path, extra: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(file or table, place in it) of each hit."""
    return [(h["where"], h["at"]) for h in stages.audit(out, roster_names(), extra)]


def plant_line(path: Path, line: str, after: int) -> int:
    """Insert `line` after line `after`; returns its 1-based line number."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(after, line + "\n")
    path.write_text("".join(lines), encoding="utf-8")
    return after + 1


def test_the_clean_run_has_every_output_kind(clean_run):
    kinds = {p.suffix for p in clean_run.rglob("*") if p.is_file()}
    assert {".html", ".csv", ".xlsx", ".pdf", ".json", ".duckdb"} <= kinds
    assert places(clean_run) == []


@pytest.mark.parametrize(
    "relative",
    ["index.html", "cases/A.html", "exports/convergence.csv", "rejects.csv", "manifest.json"],
)
def test_name_in_a_text_file_is_found_on_its_line(outputs, relative):
    """Pages and JSON by source line; CSV by row and column (the planted line is
    row 2, a single cell in column A)."""
    line = plant_line(outputs / relative, f"said by {NAME.upper()} himself", after=1)
    at = f"row {line} column A" if relative.endswith(".csv") else f"line {line}"
    assert places(outputs) == [(relative, at)]


def test_genitive_and_spelling_variants_in_a_page(outputs):
    """NFKC and case folding: a full-width spelling is the same word."""
    page = outputs / "cases" / "B.html"
    line = plant_line(page, "<p>ＨＥＮＲＩＫ</p>", after=3)
    assert places(outputs) == [("cases/B.html", f"line {line}")]


def test_name_in_a_spreadsheet_cell(outputs):
    import openpyxl

    path = outputs / "exports" / "convergence.xlsx"
    book = openpyxl.load_workbook(path)
    book.active["A2"] = f"{NAME} Sørensen"
    book.save(path)
    assert [w for w, _ in places(outputs)] == ["exports/convergence.xlsx"]


def test_name_in_spreadsheet_properties(outputs):
    path = outputs / "exports" / "survey_deltas.xlsx"
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    core = "docProps/core.xml"
    assert core in parts
    parts[core] = parts[core].replace(b"</cp:coreProperties>", b"") + (
        f"<dc:creator>{NAME}</dc:creator></cp:coreProperties>".encode()
    )
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert [w for w, _ in places(outputs)] == ["exports/survey_deltas.xlsx"]


def test_name_in_pdf_text(clean_run, tmp_path):
    """The run's PDFs are audited clean; one PDF whose text names a person is found."""
    outputs = copy_outputs(clean_run, tmp_path / "out", pdf=True)
    assert sorted(p.name for p in (outputs / "pdf").glob("*.pdf")) == [
        "A.pdf",
        "B.pdf",
        "index.pdf",
    ]
    assert places(outputs) == []
    (outputs / "pdf" / "B.pdf").write_bytes(minimal_pdf(f"Notes from {NAME} on the walks"))
    assert [w for w, _ in places(outputs)] == ["pdf/B.pdf"]


def test_name_in_every_text_column_of_the_database(outputs):
    """Each column of each warehouse table that can hold text gets the name in
    one row (a table with no rows gets one); the audit must name every one."""
    planted = set()
    with duckdb.connect(str(outputs / DB_NAME)) as con:
        tables = [t for (t,) in con.execute("select table_name from duckdb_tables()").fetchall()]
        for table in tables:
            relation = con.table(table)
            if not relation.limit(1).fetchall():
                con.execute(f'insert into "{table}" default values')
            for column, kind in zip(relation.columns, relation.types, strict=True):
                kind = str(kind)
                if kind == "VARCHAR":
                    value = f"'met {NAME} today'"
                elif kind == "VARCHAR[]":
                    value = f"['{NAME}']"
                elif kind == "JSON":
                    value = f"'\"{NAME}\"'::JSON"
                else:
                    continue
                con.execute(
                    f'update "{table}" set "{column}" = {value} '
                    f'where rowid = (select min(rowid) from "{table}")'
                )
                planted.add(f"{DB_NAME}:{table}.{column}")
    assert len(planted) > 100  # the warehouse has well over a hundred text columns
    assert {w for w, _ in places(outputs)} == planted


def test_name_in_an_artifact_and_a_log_line(outputs):
    extra = {"run-summary": "9 cases", "log": f"rendered\nfor {NAME.lower()}", "table": "ok"}
    assert places(outputs, extra) == [("artifact:log", "line 2")]


def test_check_audit_fails_naming_the_places_never_the_name(outputs):
    line = plant_line(outputs / "cases" / "A.html", NAME, after=2)
    with pytest.raises(LeakError) as raised:
        stages.check_audit(stages.audit(outputs, roster_names()))
    message = str(raised.value)
    assert f"cases/A.html line {line}" in message and "nothing was published" in message
    assert NAME.lower() not in message.lower()


def test_known_clean_skips_only_the_digests_given(outputs):
    """A page audited clean as it was rendered is skipped by the final audit; a
    page whose bytes changed since (its digest no longer listed) is searched."""
    page = outputs / "cases" / "A.html"
    clean_digest = stages.sha256_file(page)
    plant_line(page, NAME, after=2)
    assert [w for w, _ in places(outputs)] == ["cases/A.html"]
    known = [clean_digest]
    hits = stages.audit(outputs, roster_names(), known_clean=known)
    assert [h["where"] for h in hits] == ["cases/A.html"]


def test_ledger_never_trusts_a_page_flagged_unclean(tmp_path):
    """The flow's audit ledger: digests the final audit may skip are the pages
    rendered clean this run plus pages reused from an earlier clean audit; a page
    flagged unclean at rendering is never among them, and a ledger kept against
    other names is forgotten."""
    names = ("Henrik", "Karen")
    jobs = [
        dossiers.CaseJob("A", "key-a", str(tmp_path / "a.html")),
        dossiers.CaseJob("B", "key-b", str(tmp_path / "b.html")),
        dossiers.CaseJob("C", "key-c", str(tmp_path / "c.html")),
    ]
    for job in jobs:
        Path(job.path).write_text(job.case_id, encoding="utf-8")
    records = [
        {"case_id": "A", "sha256": "digest-a", "clean": True},
        {"case_id": "B", "sha256": "digest-b", "clean": False},
    ]
    ledger = stages.AuditLedger(tmp_path, names)
    assert ledger.clean_digests(jobs, records) == {"digest-a"}
    ledger.record(jobs, records)
    again = stages.AuditLedger(tmp_path, names)
    # C was never rendered this run: its recorded digest is trusted now; B's unclean
    # render this run is not, whatever the ledger holds for it
    rerender = [{"case_id": "B", "sha256": "digest-b2", "clean": False}]
    assert again.clean_digests(jobs, rerender) == {
        "digest-a",
        stages.sha256_file(Path(jobs[2].path)),
    }
    assert stages.AuditLedger(tmp_path, ("Other",)).clean_digests(jobs, []) == set()


def test_check_audit_message_lists_the_first_twenty_places():
    """21 file hits and one artifact hit: the message counts all 22, lists the
    first twenty places separated by '; ', a line number only where there is one."""
    hits = [{"where": f"cases/P{i}.html", "at": f"line {i}"} for i in range(1, 22)]
    hits.insert(1, {"where": "artifact:log", "at": ""})
    with pytest.raises(LeakError) as raised:
        stages.check_audit(hits)
    listed = "; ".join(
        ["cases/P1.html line 1", "artifact:log"]
        + [f"cases/P{i}.html line {i}" for i in range(2, 20)]
    )
    assert str(raised.value) == (
        f"leak audit found 22 roster name(s) in the outputs ({listed}); "
        "nothing was published, the outputs stay in the private staging folder"
    )
    stages.check_audit([])  # no hits: passes

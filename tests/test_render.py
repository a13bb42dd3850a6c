"""Rendered outputs: self-contained, escaped, deterministic, free of roster names."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from flows import stages

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)><style>body{display:none}</style>"


def test_output_layout(demo_out):
    names = sorted(p.relative_to(demo_out).as_posix() for p in demo_out.rglob("*") if p.is_file())
    assert set(stages.EXPORTS) == {
        "case_classification", "completeness", "convergence", "joint_display",
        "qca_parameters", "qca_solutions", "qca_truth_table", "survey_deltas",
    }  # fmt: skip
    assert names == [
        *(f"cases/P{i}.html" for i in range(1, 10)),
        *(f"exports/{stem}.{ext}" for stem in sorted(stages.EXPORTS) for ext in ("csv", "xlsx")),
        "index.html",
        "manifest.json",
        "rejects.csv",
        "triangulate.duckdb",
    ]


def test_pages_are_self_contained(demo_out):
    for page in [demo_out / "index.html", *sorted((demo_out / "cases").glob("*.html"))]:
        html = page.read_text(encoding="utf-8")
        assert "Content-Security-Policy" in html
        assert "<script" not in html
        # nothing is fetched: no src/href to another host, no @import, no url() of a remote resource
        assert not re.search(r'(src|href)="(https?:)?//', html), page
        assert "@import" not in html and "url(http" not in html


def test_dossier_shows_matrix_survey_evidence_and_provenance(demo_out):
    html = (demo_out / "cases" / "P7.html").read_text(encoding="utf-8")
    for heading in (
        "Convergence matrix",
        "Survey: baseline and follow-up",
        "Evidence",
        "Provenance",
        "Context profile",
    ):
        assert heading in html
    assert html.count('class="quote') >= 25
    assert "<svg" in html and "<title id=" in html
    assert "Outcomes not achieved" in html


def test_index_links_every_dossier(demo_out):
    html = (demo_out / "index.html").read_text(encoding="utf-8")
    for i in range(1, 10):
        assert f'href="cases/P{i}.html"' in html
    assert "4 achieved outcomes, 5 did not" in html
    # below the limited-diversity benchmark: the truth table, no solutions (see below)
    assert "Crisp-set QCA" in html and "Limited diversity" in html


def test_convergence_export_columns(demo_out):
    header = (demo_out / "exports" / "convergence.csv").read_text(encoding="utf-8").splitlines()[0]
    assert (
        header
        == "case_id,theme,code,fit,basis,provisional,to_review,held_back,fit_held_back,peer_stance,supporter_stance,manager_stance,nurse_stance,survey_stance"
    )


def test_identical_inputs_give_identical_outputs_across_processes(demo_dir, demo_out, tmp_path):
    """Two separate processes with different hash seeds (set ordering, dict
    iteration of sets, anything hash-dependent differs between them) run the demo:
    this test process (the session's demo run, `demo_out`, made after whatever
    other tests ran before it) and a fresh one started with another
    PYTHONHASHSEED. The union of both file sets is compared: the same files exist
    in both, and every page, CSV and XLSX file is byte-identical (the DuckDB file
    holds no compared output, and run times go only to the flow's manifest)."""
    import os
    import subprocess
    import sys

    # this process's seed is PYTHONHASHSEED when set, else drawn at random (a
    # fixed one repeats it with chance 2**-32): the other process gets another
    seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"
    other = tmp_path / f"seed-{seed}"
    code = f"from flows import stages; stages.run_direct({str(demo_dir)!r}, {str(other)!r})"
    env = {**os.environ, "PYTHONHASHSEED": seed}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=600)

    def files(root: Path) -> set[str]:
        return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}

    first, second = demo_out, other
    union = files(first) | files(second)
    assert files(first) == files(second) == union
    compared = [n for n in sorted(union) if Path(n).suffix in (".html", ".csv", ".xlsx")]
    assert len(compared) == 1 + 9 + 16 + 1  # index, dossiers, 8 exports x 2, rejects
    assert [n for n in compared if (first / n).read_bytes() != (second / n).read_bytes()] == []


def test_hostile_text_renders_inert(make_study, tmp_path):
    excerpts = [
        ["E1", "I1", "A", "Intervention/Walking/Present", "", "1", HOSTILE, "We walk. " + HOSTILE]
    ]
    out = tmp_path / "out"
    stages.run_direct(make_study(excerpts, [["A", "baseline", "1", "1", HOSTILE]]), out)
    html = (out / "cases" / "A.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "<img" not in html and "<style>body" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_formula_cells_are_neutralised(tmp_path):
    import pandas as pd

    stages.write_csv(
        pd.DataFrame({"a": ["=HYPERLINK(1)", "+1", "-2", "@x", "ok"]}), tmp_path / "x.csv"
    )
    assert (tmp_path / "x.csv").read_text().splitlines() == [
        "a",
        "'=HYPERLINK(1)",
        "'+1",
        "'-2",
        "'@x",
        "ok",
    ]


def test_names_never_reach_outputs(demo_out, demo_dir):
    ingested = stages.ingest(demo_dir)
    assert stages.audit(demo_out, ingested.data.roster_names) == []
    # and the demo really does mention people by name before pseudonymisation
    pattern = stages.name_pattern(ingested.data.roster_names)
    assert sum(bool(pattern.search(t)) for t in ingested.data.excerpts["text"]) >= 30


def test_audit_finds_a_planted_name_and_refuses_to_publish(tmp_path, demo_dir):
    ingested = stages.ingest(demo_dir)
    folder = tmp_path / "staging"
    (folder / "cases").mkdir(parents=True)
    name = ingested.data.roster_names[0][2][0]
    (folder / "cases" / "X.html").write_text(
        f"<p>ok</p>\n<p>{name.upper()}</p>\n", encoding="utf-8"
    )
    hits = stages.audit(folder, ingested.data.roster_names)
    assert hits == [{"where": "cases/X.html", "at": "line 2"}]
    with pytest.raises(Exception, match="leak audit found 1 roster name"):
        stages.check_audit(hits)


def test_case_fingerprints_follow_case_inputs_and_templates(demo_dir, tmp_path, monkeypatch):
    import shutil

    from flows.render import pages

    ingested = stages.ingest(demo_dir)
    keys = stages.case_fingerprints(ingested)
    assert len(set(keys.values())) == 9
    # one excerpt of P3 changes -> only P3's key changes
    excerpts = ingested.data.excerpts
    index = excerpts.index[excerpts["case_id"] == "P3"][0]
    excerpts.loc[index, "text"] = excerpts.loc[index, "text"] + " More."
    changed = stages.case_fingerprints(ingested)
    assert [c for c in keys if keys[c] != changed[c]] == ["P3"]
    # a template changes -> every key changes
    templates = tmp_path / "templates"
    shutil.copytree(pages.TEMPLATES_DIR, templates)
    (templates / "style.css").write_text("body { color: black; }\n", encoding="utf-8")
    monkeypatch.setattr(pages, "TEMPLATES_DIR", templates)
    retemplated = stages.case_fingerprints(ingested)
    assert all(retemplated[c] != changed[c] for c in keys)


def test_case_fingerprints_follow_the_named_nlp_model(demo_dir, tmp_path):
    """A trained pipeline named for redaction redacts other words, so a page
    rendered without it (or with another version) must not be reused."""
    ingested = stages.ingest(demo_dir)
    plain = stages.case_fingerprints(ingested)
    model = tmp_path / "my_model"
    model.mkdir()
    (model / "meta.json").write_text('{"version": "1.0.0"}', encoding="utf-8")
    named = stages.case_fingerprints(ingested, str(model))
    assert all(named[c] != plain[c] for c in plain)
    (model / "meta.json").write_text('{"version": "1.0.1"}', encoding="utf-8")
    retrained = stages.case_fingerprints(ingested, str(model))
    assert all(retrained[c] != named[c] for c in plain)
    assert stages.case_fingerprints(ingested, None) == plain


def test_xlsx_export_reads_back_cell_for_cell(tmp_path):
    """The hand-written SpreadsheetML opens in openpyxl with the same values,
    a bold frozen header, text never turned into formulas, and fixed bytes."""
    from openpyxl import load_workbook
    from openpyxl.utils.escape import unescape

    from flows.render.exports import write_xlsx

    frame = pd.DataFrame(
        {
            "case": ["P1", "=cmd|' /C calc'!A0", "a & <b>", "tab\there", None],
            "n": [1, 2, 3, None, 5],
            "share": [0.5, float("nan"), 1.0, 2.25, 0.0],
            "flag": [True, False, True, False, True],
            "cues": [["more", "less"], [], ["x"], ["y"], ["z"]],
            "odd": ["_x0041_", "\x01bell", "ø æ å", "", "line\nbreak"],
        }
    )
    write_xlsx(frame, tmp_path / "a.xlsx", sheet="convergence")
    write_xlsx(frame, tmp_path / "b.xlsx", sheet="convergence")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    sheet = load_workbook(tmp_path / "a.xlsx").active
    assert sheet.title == "convergence" and sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    rows = list(sheet.iter_rows(values_only=True))
    # characters XML cannot hold, and a literal "_x0041_", are OOXML escapes that
    # Excel reads back (openpyxl leaves them; its own unescape shows the value)
    assert [unescape(r[5]) if r[5] else r[5] for r in rows[1:3]] == ["_x0041_", "\x01bell"]
    assert rows[0] == ("case", "n", "share", "flag", "cues", "odd")
    assert rows[1][:5] == ("P1", 1, 0.5, True, "more; less")
    assert rows[2][0] == "'=cmd|' /C calc'!A0" and sheet["A3"].data_type == "s"
    assert rows[2][2] is None and rows[2][4] == ""
    assert rows[3][0] == "a & <b>" and rows[3][5] == "ø æ å"
    assert rows[4][0] == "tab\there"
    assert rows[5][0] is None and rows[5][5] == "line\nbreak"


def test_index_says_limited_diversity_and_shows_no_solutions(demo_out):
    """The demo's 9 cases on 5 conditions are below the benchmark: truth table, no solutions."""
    html = (demo_out / "index.html").read_text(encoding="utf-8")
    assert "Limited diversity:</strong> 9 cases for 5 conditions, below the usual benchmark" in html
    assert "3 of 32 configurations observed" in html
    assert "Truth table:" in html
    assert "Solutions (upper case" not in html
    solutions = pd.read_csv(demo_out / "exports" / "qca_solutions.csv")
    assert solutions.empty

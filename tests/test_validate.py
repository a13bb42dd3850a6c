"""`triangulate validate`: what it reports beyond the rows (position dialect,
theme paths matching no code, codes mapped to no theme), the full rejects
file, brackets kept in messages, and exit 0 when what does not load is
declared expected in the study file."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests_support import replace_once
from typer.testing import CliRunner

from flows.cli import app
from flows.init import init_study

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "example-qdpx"
DEMO = ROOT / "data" / "demo"
NVIVO = ROOT / "tests" / "fixtures" / "real-exports" / "nvivo12-oltas-excerpt.qdpx"


def example(tmp_path: Path) -> Path:
    folder = tmp_path / "study"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("*.py", "*.md"))
    return folder


def validate(folder: Path):
    return CliRunner().invoke(app, ["validate", str(folder)], terminal_width=80)


def squeezed(text: str) -> str:
    """Output without the line breaks and spaces the console's wrapping adds."""
    return "".join(text.split())


def test_dialect_and_codebook_report_and_full_rejects_file(tmp_path):
    folder = example(tmp_path)
    study = folder / "study.toml"
    study.write_text(
        replace_once(
            study.read_text(encoding="utf-8"),
            'codes = ["Outcome/Getting out"]',
            'codes = ["Outcome/Getting outt"]',
        ),
        encoding="utf-8",
    )
    result = validate(folder)
    assert result.exit_code == 1
    output = squeezed(result.output)
    assert squeezed("QDA positions counted as code-points: detected code-points") in output
    assert (
        squeezed(
            "theme code path matching no code in the project: getting_out: Outcome/Getting outt"
        )
        in output
    )
    assert squeezed("Outcome/Getting out (3)") in output
    written = (folder / "validate-rejects.csv").read_text(encoding="utf-8").splitlines()
    assert written[0] == "file,row,element,reason" and len(written) == 1 + 3


def test_declared_expected_records_exit_zero(tmp_path):
    folder = example(tmp_path)
    export = folder / "redcap_export.csv"
    lines = export.read_text(encoding="utf-8").splitlines()
    export.write_text(
        "\n".join([lines[0] + ",site_note"] + [line + ",x" for line in lines[1:]]) + "\n",
        encoding="utf-8",
    )
    result = validate(folder)
    assert result.exit_code == 1 and "site_note" in result.output
    study = folder / "study.toml"
    text = replace_once(
        study.read_text(encoding="utf-8"),
        "[survey]\n",
        '[survey]\nignore_columns = ["site_note"]\n',
    )
    study.write_text(text, encoding="utf-8")
    result = validate(folder)
    assert result.exit_code == 0, result.output
    assert "every row loads" in result.output


def test_errors_keep_their_brackets(tmp_path):
    init_study(tmp_path / "s", qdpx=NVIVO)
    study = tmp_path / "s" / "study.toml"
    study.write_text(
        study.read_text(encoding="utf-8").replace('dialect = "auto"', 'dialect = "standard"'),
        encoding="utf-8",
    )
    result = validate(tmp_path / "s")
    assert result.exit_code == 2
    assert "[qda]dialect:" in squeezed(result.output)
    assert "dialect_override=true" in squeezed(result.output)


def test_a_roster_row_without_a_name_is_named_in_a_note(tmp_path):
    """A person whose name nobody wrote down cannot be found in the excerpts: the
    draft still validates, but validate says which row (never a value) to fill in."""
    folder = tmp_path / "s"
    shutil.copytree(DEMO, folder)
    roster = folder / "roster.csv"
    lines = roster.read_text(encoding="utf-8").splitlines()
    person, role, cases, name, aliases, status = lines[2].split(",")
    lines[2] = ",".join([person, role, cases, "", "", status])
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = validate(folder)
    assert result.exit_code == 0, result.output
    said = squeezed(result.output)
    assert f"roster.csv:row3({person}):nonameandnoalias" in said
    assert squeezed(name) not in said
    assert "nonameandnoalias" not in squeezed(validate(DEMO).output)  # every demo row named

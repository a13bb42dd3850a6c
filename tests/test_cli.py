"""The command line: help, validation, and errors that say where to look."""

from __future__ import annotations

from typer.testing import CliRunner

from flows.cli import app

runner = CliRunner()


def test_help_explains_commands():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "run" in result.output and "validate" in result.output


def test_command_summaries_are_one_line_each():
    """The list of commands shows each docstring's first paragraph reflowed, not
    cut where the docstring's lines end (found by readme8's walk)."""
    result = runner.invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "every guess is marked `# check:`. Then fill in" in result.output
    assert "so links from the Prefect UI's artifacts" in result.output


def test_validate_help_shows_the_study_file_table():
    """Rich markup would take `[qda]` for a style tag and drop it."""
    result = runner.invoke(app, ["validate", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert '[qda] no_case = "programme"' in result.output


def test_validate_demo(demo_dir):
    result = runner.invoke(app, ["validate", str(demo_dir)])
    assert result.exit_code == 0, result.output
    assert "every row loads" in result.output


def test_validate_lists_rejects(make_study):
    folder = make_study([["E1", "I1", "A", "Intervention/Nope", "", "1", "AK", "text"]])
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 1
    assert "excerpts.csv" in result.output and "code" in result.output


def test_broken_study_file_is_one_clear_line(make_study):
    folder = make_study([])
    (folder / "study.toml").write_text("[study]\nid = 'x'\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(folder)])
    assert result.exit_code == 2
    output = " ".join(result.output.split())
    assert (
        "study.toml" in output
        and "study.title: Field required" in output
        and "inputs: Field required" in output
    )

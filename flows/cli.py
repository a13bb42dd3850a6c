"""The `triangulate` command line: a thin layer over `flows.stages` and `flows.pipeline`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from flows import settings

settings.configure()

app = typer.Typer(
    help="Triangulate mixed-methods case-study data: coded interview excerpts and "
    "baseline/follow-up surveys in, convergence-coded HTML case dossiers out.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console(stderr=True)

DEMO = Path(__file__).resolve().parent.parent / "data" / "demo"
StudyDir = Annotated[
    Path,
    typer.Argument(
        help="Folder holding study.toml (or the study file itself).", exists=True, resolve_path=True
    ),
]


@app.command()
def run(
    study_dir: StudyDir = DEMO,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Output folder (default: out/<study id>).")
    ] = None,
) -> None:
    """Run the whole pipeline as a Prefect flow and publish the dossiers."""
    from flows.errors import TriangulateError
    from flows.pipeline import triangulate_study
    from flows.study import load_study

    try:
        study = load_study(study_dir)
    except TriangulateError as exc:
        _fail(exc)
    out_dir = (out or Path("out") / study.definition.study.id).resolve()
    try:
        summary = triangulate_study(study_dir=study_dir, out_dir=out_dir)
    except TriangulateError as exc:
        _fail(exc)
    table = Table(title=f"triangulate: {summary['study_id']}")
    table.add_column("file")
    table.add_column("read", justify="right")
    table.add_column("loaded", justify="right")
    for name, loaded in summary["loaded"].items():
        table.add_row(name, str(summary["read"][name]), str(loaded))
    console.print(table)
    console.print(f"{summary['rejected']} rejected rows or cells: {out_dir / 'rejects.csv'}")
    console.print(f"[bold green]{summary['cases']} dossiers[/] in {out_dir}")
    console.print(f"Open {out_dir / 'index.html'}")


@app.command()
def validate(study_dir: StudyDir) -> None:
    """Check the study file and every input without building anything."""
    from flows.errors import TriangulateError
    from flows.stages import ingest

    try:
        ingested = ingest(study_dir)
    except TriangulateError as exc:
        _fail(exc)
    data = ingested.data
    table = Table(title=f"{ingested.study.definition.study.id}: inputs")
    for column in ("file", "read", "loaded"):
        table.add_column(column, justify="left" if column == "file" else "right")
    for name, loaded in data.loaded_counts.items():
        table.add_row(name, str(data.read_counts[name]), str(loaded))
    console.print(table)
    if len(data.rejects):
        rejects = Table(title=f"{len(data.rejects)} rejected")
        for column in data.rejects.columns:
            rejects.add_column(column)
        for row in data.rejects.itertuples(index=False):
            rejects.add_row(*map(str, row))
        console.print(rejects)
        raise typer.Exit(1)
    console.print("[bold green]valid[/]: every row loads")


def _fail(exc: Exception) -> None:
    console.print(f"[bold red]error:[/] {exc}")
    raise typer.Exit(2)


if __name__ == "__main__":
    app()

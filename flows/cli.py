"""The `triangulate` command line: a thin layer over `flows.stages` and `flows.orchestration.pipeline`."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from flows.orchestration import settings
from flows.runs import private_dir

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
    force: Annotated[
        bool, typer.Option("--force", help="Re-render every dossier, ignoring the cache.")
    ] = False,
    case: Annotated[
        list[str] | None,
        typer.Option("--case", help="Re-render this case even if cached (repeatable)."),
    ] = None,
    runner: Annotated[
        str, typer.Option(help="Task runner for per-case work: threads or dask.")
    ] = "threads",
    dask_address: Annotated[
        str | None,
        typer.Option(help="Dask scheduler (tcp://host:8786); without it, a local cluster."),
    ] = None,
    pdf: Annotated[
        bool, typer.Option("--pdf", help="Also print the index and every dossier to PDF.")
    ] = False,
    nlp_model: Annotated[
        str | None,
        typer.Option(
            help="An installed trained spaCy pipeline (package or path) whose PERSON, GPE, LOC, "
            "ORG and FAC entities are redacted too. Never downloaded; default: rule-only."
        ),
    ] = None,
) -> None:
    """Run the whole pipeline as a Prefect flow and publish the dossiers.

    Dossiers of cases whose inputs did not change since the last run are reused.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from flows.errors import TriangulateError

    server_ready = settings.start_temporary_server()  # boots while the pipeline is imported
    from flows.orchestration import pipeline
    from flows.privacy import preflight
    from flows.privacy.sealed_errors import original
    from flows.study import load_study

    try:
        study = load_study(study_dir)
    except TriangulateError as exc:
        _fail(exc)
    out_dir = (out or Path("out") / study.definition.study.id).resolve()
    progress = Progress(
        TextColumn("rendering dossiers"), BarColumn(), MofNCompleteColumn(), console=console
    )
    task_id = progress.add_task("render", total=None)
    pipeline.progress_hook = lambda done, total: progress.update(
        task_id, completed=done, total=total
    )
    server_ready()
    try:
        with progress:
            summary = pipeline.run_study(
                study_dir,
                out_dir,
                force=force,
                rebuild_cases=case,
                runner=runner,
                dask_address=dask_address,
                pdf=pdf,
                nlp_model=nlp_model,
            )
    except TriangulateError as exc:
        _fail(exc)
    except Exception as exc:  # a bug or an environment problem: say where to look
        console.print(
            f"[bold red]The run failed[/] ({escape(preflight.error_detail(original(exc), study_dir))}). "
            "Nothing was published: "
            f"the previous dossiers in {out_dir} are unchanged, and the partial outputs are in "
            f"{private_dir(out_dir.resolve()) / 'staging'} (private; the next run deletes them). "
            "The Prefect logs above (or the "
            "flow run in the UI, `make ui`) show the task that failed."
        )
        raise typer.Exit(1) from None
    finally:
        pipeline.progress_hook = None
    table = Table(title=f"triangulate: {summary['study_id']}")
    table.add_column("file")
    table.add_column("read", justify="right")
    table.add_column("loaded", justify="right")
    for name, loaded in summary["loaded"].items():
        table.add_row(name, str(summary["read"][name]), str(loaded))
    console.print(table)
    expected = summary.get("expected_rejected", 0)
    also = f" ({expected} expected)" if expected else ""
    console.print(f"{summary['rejected']} rejected rows or cells{also}: {out_dir / 'rejects.csv'}")
    if summary.get("dialect"):
        console.print(f"QDA positions counted as {escape(summary['dialect'])}")
    console.print(
        f"[bold green]{summary['cases']} dossiers[/] in {out_dir} "
        f"({len(summary['rendered'])} rendered, {len(summary['reused'])} reused)"
    )
    console.print(f"Open {out_dir / 'index.html'}")
    print_review_line(summary, out_dir)


def print_review_line(summary: dict, out_dir: Path) -> None:
    """The review line as written: its `[inputs]` is no console markup (walk 12:
    rich took it for a style and printed "as  stance_reviews")."""
    line = review_line(summary, out_dir)
    if line:
        console.print(line, markup=False)


def review_line(summary: dict, out_dir: Path) -> str | None:
    """Where the review sheet is, when verdicts rest on unreviewed machine readings
    (walk 11: `--out DIR` puts it beside DIR, where the README did not say)."""
    from flows.stages import review_sheet_path

    if not summary.get("provisional_verdicts"):
        return None
    return (
        f"{summary['provisional_verdicts']} provisional verdicts in "
        f"{summary['provisional_cases']} cases rest on {summary['machine_read']} machine "
        f"readings: review them in {review_sheet_path(out_dir)} (or .csv), then add it "
        "to your study as [inputs] stance_reviews (README, Reviewing the machine's readings)"
    )


@app.command()
def validate(
    study_dir: StudyDir,
    rejects_file: Annotated[
        Path | None,
        typer.Option(
            "--rejects",
            help="Where to write every rejected record (default: validate-rejects.csv in the "
            "study folder).",
        ),
    ] = None,
) -> None:
    """Check the study file and every input without building anything.

    Exits 0 when every record loads or the only ones that do not are those the
    study file or the roster declares expected (`\\[qda] no_case = "programme"`,
    a withdrawn informant's rows); 1 otherwise."""
    from flows.codes import expected_rejects
    from flows.errors import TriangulateError
    from flows.language_notes import language_notes
    from flows.nlp.own_hints import own_theme_hints
    from flows.stages import ingest

    try:
        ingested = ingest(study_dir, for_run=False)  # every row, a withdrawn one's too
    except TriangulateError as exc:
        _fail(exc)
    data = ingested.data
    table = Table(title=f"{escape(ingested.study.definition.study.id)}: inputs")
    for column in ("file", "read", "loaded"):
        table.add_column(column, justify="left" if column == "file" else "right", overflow="fold")
    for name, loaded in data.loaded_counts.items():
        table.add_row(escape(name), str(data.read_counts[name]), str(loaded))
    console.print(table)
    if data.qda_dialect:
        console.print(f"QDA positions counted as {escape(data.qda_dialect)}")
    for note in data.notes:
        console.print(f"[yellow]note[/]: {escape(note)}")
    for line in data.unmatched_theme_codes:
        console.print(f"[yellow]theme code path matching no code in the project[/]: {escape(line)}")
    if data.unmapped_codes:
        console.print("[yellow]codes mapped to no theme[/] (codings):")
        for code, count in data.unmapped_codes.items():
            console.print(f"  {escape(code)} ({count})")
    for note in language_notes(
        zip(
            data.excerpts["language"],
            data.excerpts["text"],
            data.excerpts["coded_stance"],
            strict=True,
        )
    ):
        console.print(f"[yellow]note[/]: {escape(note)}")
    for hint in own_theme_hints(
        ingested.study.definition.themes,
        zip(
            data.excerpts["theme_id"], data.excerpts["language"], data.excerpts["text"], strict=True
        ),
    ):
        console.print(f"[cyan]hint[/]: {escape(hint.text)}")
    rejects = data.rejects
    target = rejects_file or study_dir / "validate-rejects.csv"
    if len(rejects):
        rejects.to_csv(target, index=False)
        expected = expected_rejects(rejects["reason"])
        shown = Table(title=f"{len(rejects)} not loaded ({expected} expected)")
        for column in rejects.columns:
            shown.add_column(column, overflow="fold")
        for row in rejects.itertuples(index=False):
            shown.add_row(*(escape(str(cell)) for cell in row))
        console.print(shown)
        console.print(f"Every record not loaded: {escape(str(target))}")
        if expected < len(rejects):
            raise typer.Exit(1)
        console.print(
            "[bold green]valid[/]: what does not load is declared expected (roster status "
            "withdrawn, or study.toml)"
        )
        return
    console.print("[bold green]valid[/]: every row loads")


@app.command()
def init(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for study.toml and roster.csv.")],
    qdpx: Annotated[
        Path | None, typer.Option(help="A REFI-QDA project (.qdpx or .qde).", exists=True)
    ] = None,
    segments: Annotated[
        Path | None, typer.Option(help="A coded-segment export (CSV/XLSX).", exists=True)
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="The segment export's tool: qualcoder, maxqda, dedoose, taguette, atlasti.",
        ),
    ] = None,
    survey: Annotated[
        Path | None,
        typer.Option(help="The survey: REDCap CSV, SPSS .sav, Stata .dta, CSV/XLSX.", exists=True),
    ] = None,
    dictionary: Annotated[
        Path | None, typer.Option(help="The REDCap data dictionary (CSV).", exists=True)
    ] = None,
) -> None:
    """Draft study.toml and a roster template from your exports; every guess is
    marked `# check:`. Then fill in the roster's names and run `validate`."""
    from flows.errors import TriangulateError
    from flows.init import command_name, init_study

    try:
        path = init_study(
            out, qdpx=qdpx, segments=segments, fmt=fmt, survey=survey, dictionary=dictionary
        )
    except TriangulateError as exc:
        _fail(exc)
    checks = path.read_text(encoding="utf-8").count("# check")
    console.print(
        f"[bold green]Drafted[/] {escape(str(path))} and {escape(str(out / 'roster.csv'))}: "
        f"{checks} guesses marked `# check:`. Fill in every name and alias in roster.csv, "
        f"then: {escape(command_name())} validate {escape(shlex.quote(str(out)))}",
        soft_wrap=True,
    )


@app.command("export-qdpx")
def export_qdpx(
    study_dir: StudyDir,
    out: Annotated[Path, typer.Option("--out", "-o", help="The .qdpx file to write.")],
) -> None:
    """Write a copy of the study's REFI-QDA project with stance sub-codes
    ("Improved (suggested)") on the machine-read selections, to import into
    your QDA tool. It holds raw texts: keep it where your data may be."""
    from flows.errors import TriangulateError
    from flows.qdpx_export import export_qdpx as write

    try:
        added = write(study_dir, out)
    except TriangulateError as exc:
        _fail(exc)
    console.print(
        f"[bold green]Wrote[/] {escape(str(out))}: {added} stance codings added. Import it "
        "into your QDA tool, move each coding from a '(suggested)' sub-code to the right "
        "stance, export the project again and run triangulate on it."
    )


@app.command("serve-dossiers")
def serve_dossiers(
    root: Annotated[Path, typer.Argument(help="Folder to serve (default: out/).")] = Path("out"),
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8765,
) -> None:
    """Serve the output folder on http://127.0.0.1:PORT (loopback only), so links
    from the Prefect UI's artifacts open the dossiers."""
    from flows.orchestration import servers

    root.mkdir(parents=True, exist_ok=True)
    server = servers.make_server(root, port)
    console.print(f"Serving {root.resolve()} on {servers.base_url(port)}/ (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@app.command()
def serve(
    studies: Annotated[
        list[Path] | None,
        typer.Argument(help="Study folders the form offers (default: data/demo)."),
    ] = None,
    out_root: Annotated[
        Path | None,
        typer.Option("--out-root", help="Runs publish to OUT_ROOT/<study id> (default: out/)."),
    ] = None,
) -> None:
    """Register the `triangulate` deployment with the Prefect server started by
    `make ui` and serve it: start runs from the UI's form (Deployments → triangulate → Run).

    The form offers the given study folders, and their cases, as choices: each
    is checked for roster names first, and one that holds a name is left out
    (reported by its position), so nothing typed in the form reaches Prefect."""
    import os

    from flows.orchestration import offered
    from flows.orchestration import settings as prefect_settings

    for number, folder in enumerate(studies or [], 1):  # by position: a path may hold a name
        if not (prefect_settings.PROJECT_ROOT / folder / "study.toml").is_file():
            _fail(
                FileNotFoundError(
                    f"study folder {number}: no study.toml there; give the folder holding your "
                    "study.toml (relative to the project, or absolute), e.g. make serve "
                    "STUDY=path/to/study"
                )
            )
    url = os.environ.get("PREFECT_API_URL")
    if not url or not prefect_settings.server_is_up(url, timeout=10):
        _fail(RuntimeError("no Prefect server is up: run `make ui` first, then `make serve`"))
    folders = studies or [prefect_settings.PROJECT_ROOT / "data" / "demo"]
    choices = offered.offer(folders, (out_root or offered.out_root()).resolve())
    for reason in choices.left_out:
        console.print(f"left out of the form: {reason}")
    if not choices.studies:
        _fail(RuntimeError("no study can be offered in the form (see above)"))
    from flows.orchestration.deployment import serve_deployment

    console.print(
        f"Serving the deployment `triangulate` to {url.removesuffix('/api')}: "
        f"{len(choices.studies)} study(ies), {len(choices.cases)} case(s) in the form "
        "(Ctrl-C stops it; stop it before `make ui-stop`)"
    )
    import httpx

    try:
        serve_deployment(choices)
    except httpx.TransportError:  # walk 14: a page of traceback after `make ui-stop`
        console.print(
            "stopped: the Prefect server no longer answers (`make ui-stop`?), so the "
            "deployment could not be paused; `make ui` and `make serve` start both again"
        )
        raise typer.Exit(1) from None


@app.command()
def synth(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the study into.")],
    cases: Annotated[int, typer.Option("--cases", "-n", min=1, help="Number of cases.")] = 9,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same files).")] = 0,
) -> None:
    """Write a synthetic study with known ground truth (truth.json) for tests and benchmarks."""
    from flows.synth import generate_study

    truth = generate_study(cases, out, seed=seed)
    counts = truth.counts
    achievers = sum(case.achieves for case in truth.cases)
    console.print(
        f"[bold green]{truth.n_cases} cases[/] ({achievers} achieve outcomes), "
        f"{counts['persons']} people, {counts['interviews']} interviews, "
        f"{counts['excerpts']} excerpts, {counts['words']} words in {out}"
    )
    console.print(f"Ground truth: {out / 'truth.json'}; check it with: triangulate validate {out}")


def _fail(exc: Exception) -> None:
    # soft_wrap: rich would cut a long file path with a line break; the terminal
    # wraps it instead, so the path can be copied whole
    console.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
    raise typer.Exit(2)


def _one_line_summaries() -> None:
    """Each command's summary in `triangulate --help` is its docstring's first
    paragraph on one line (rich keeps the docstring's line breaks there)."""
    for command in app.registered_commands:
        if command.short_help is None and command.callback and command.callback.__doc__:
            first = command.callback.__doc__.strip().split("\n\n")[0]
            command.short_help = " ".join(first.split())


_one_line_summaries()

if __name__ == "__main__":
    app()

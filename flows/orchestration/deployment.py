"""The `triangulate` deployment: start runs from the Prefect UI's form.

The flow's one parameter is a pydantic model, so the UI builds a typed form.
No module that defines a flow uses `from __future__ import annotations`: a
served run validates each flow's parameters in a fresh process, from the
function's globals as Prefect pickled them, where string annotations such as
"Path" cannot be resolved (tests/test_ui_run.py runs the deployment for real).

A run that fails ends in a Failed state whose message is one sentence: what
went wrong and what to do (`failure_message`), as the command line says it.
"""

import traceback

from prefect import get_run_logger, tags
from prefect.states import Failed, State
from pydantic import BaseModel, ConfigDict, Field

from flows.errors import LeakError, TriangulateError
from flows.orchestration import settings
from flows.orchestration.pipeline import flow, triangulate_study
from flows.privacy.preflight import check_before_flow


class RunRequest(BaseModel):
    """A run started from the Prefect UI's form (the `triangulate` deployment)."""

    model_config = ConfigDict(extra="forbid")

    study_dir: str = Field(
        default="data/demo",
        title="Study folder",
        description="The folder holding study.toml: relative to the project, or absolute.",
    )
    out_dir: str = Field(
        default="",
        title="Output folder",
        description="Where the dossiers are published; leave empty for out/STUDY-ID "
        "(the study's id from study.toml).",
    )
    cases: list[str] = Field(
        default_factory=list,
        title="Cases to re-render",
        description="Case ids (as in the roster's case_ids) to re-render even if cached; "
        "empty means as needed.",
    )
    force: bool = Field(
        default=False, title="Re-render everything", description="Ignore the dossier cache."
    )
    pdf: bool = Field(
        default=False,
        title="Also print PDFs",
        description="Print each dossier to PDF with headless Chromium.",
    )


def failure_message(exc: Exception, study_dir: str) -> str:
    """One sentence for the failed run's state: what went wrong, and what to do.

    A `TriangulateError` names the file and element at fault (never a person);
    any other exception is a bug or an environment problem, so the sentence
    points at the run's logs instead of repeating a message that may hold text."""
    if isinstance(exc, LeakError):
        return (
            f"Nothing was published: {exc} Add the missing names or aliases to the roster "
            f"of {study_dir} (see docs/data-protection.md) and start the run again."
        )
    if isinstance(exc, TriangulateError):
        detail = str(exc).rstrip(".")
        return (
            f"Nothing was published: {detail}. Correct this in {study_dir} "
            "(`triangulate validate` checks it) and start the run again."
        )
    return (
        f"Nothing was published: the run stopped on an unexpected {type(exc).__name__}; "
        "where it stopped is in this run's logs below (report it with them)."
    )


def log_where(exc: Exception) -> None:
    """Log where an unexpected exception stopped the run: its type and the code
    frames only, never its message (which may quote an input cell)."""
    frames = "".join(traceback.format_tb(exc.__traceback__))
    get_run_logger().error("%s raised at:\n%s", type(exc).__name__, frames)


@flow(name="triangulate (from the UI)")
def triangulate_request(request: RunRequest) -> dict | State:
    """The deployment's entry point: resolve the request, then run the study flow."""
    from flows.study import load_study

    try:
        study_dir = (settings.PROJECT_ROOT / request.study_dir).resolve()
        study = load_study(study_dir)
        out_dir = (
            (settings.PROJECT_ROOT / request.out_dir).resolve()
            if request.out_dir
            else settings.PROJECT_ROOT / "out" / study.definition.study.id
        )
        study_id = study.definition.study.id
        check_before_flow(study_dir, out_dir, request.cases or None)
        named = triangulate_study.with_options(flow_run_name=f"triangulate {study_id}")
        with tags("triangulate", f"study:{study_id}"):  # as `triangulate run` names and tags it
            return named(
                study_dir=study_dir,
                out_dir=out_dir,
                force=request.force,
                rebuild_cases=request.cases or None,
                pdf=request.pdf,
            )
    except Exception as exc:  # the state message says what to do; the logs say where
        if not isinstance(exc, TriangulateError):
            log_where(exc)
        return Failed(message=failure_message(exc, request.study_dir))


def deployment_parameters(study_dir: str) -> dict:
    """The run form's defaults: the study `make serve STUDY=...` names (the demo
    without one), the output folder empty (out/STUDY-ID)."""
    return {"request": RunRequest(study_dir=study_dir).model_dump()}


def serve_deployment(study_dir: str = "data/demo") -> None:
    """Register the `triangulate` deployment with the running server and serve it,
    its form filled in for `study_dir`."""
    triangulate_request.serve(
        name="triangulate",
        tags=["triangulate"],
        description="Run triangulate on a study folder; fill in the form and press Run.",
        parameters=deployment_parameters(study_dir),
    )

"""The `triangulate` deployment: start runs from the Prefect UI's form.

The flow's one parameter is a pydantic model, so the UI builds a typed form.
(No `from __future__ import annotations` here: Prefect reads the parameter
types at run time to validate the form's values.)
"""

from pydantic import BaseModel, ConfigDict, Field

from flows.orchestration import settings
from flows.orchestration.pipeline import flow, triangulate_study


class RunRequest(BaseModel):
    """A run started from the Prefect UI's form (the `triangulate` deployment)."""

    model_config = ConfigDict(extra="forbid")

    study_dir: str = Field(
        default="data/demo",
        description="Study folder (holding study.toml), relative to the project.",
    )
    out_dir: str | None = Field(
        default=None, description="Output folder; empty means out/<study id>."
    )
    cases: list[str] = Field(
        default_factory=list,
        description="Cases to re-render even if cached (e.g. P3); empty means all as needed.",
    )
    force: bool = Field(default=False, description="Re-render every dossier, ignoring the cache.")
    pdf: bool = Field(
        default=False, description="Also print each dossier to PDF (headless Chromium)."
    )


@flow(name="triangulate (from the UI)")
def triangulate_request(request: RunRequest) -> dict:
    """The deployment's entry point: resolve the request, then run the study flow."""
    from flows.study import load_study

    study_dir = (settings.PROJECT_ROOT / request.study_dir).resolve()
    study = load_study(study_dir)
    out_dir = (
        (settings.PROJECT_ROOT / request.out_dir).resolve()
        if request.out_dir
        else settings.PROJECT_ROOT / "out" / study.definition.study.id
    )
    summary = triangulate_study(
        study_dir=study_dir,
        out_dir=out_dir,
        force=request.force,
        rebuild_cases=request.cases or None,
        pdf=request.pdf,
    )
    return summary


def serve_deployment() -> None:
    """Register the `triangulate` deployment with the running server and serve it."""
    triangulate_request.serve(
        name="triangulate",
        tags=["triangulate"],
        description="Run triangulate on a study folder; fill in the form and press Run.",
        parameters={"request": RunRequest().model_dump()},
    )

"""The `triangulate` deployment: start runs from the Prefect UI's form.

The flow's one parameter is a pydantic model, so the UI builds a typed form.
The form has no free text: the study and the cases are chosen from the lists
`triangulate serve` checked for names (`flows.orchestration.offered`), and the
server refuses any other value before it stores a run; the output folder is
`out/<study id>` (or `--out-root`/<study id>), never typed.
No module that defines a flow uses `from __future__ import annotations`: a
served run validates each flow's parameters in a fresh process, from the
function's globals as Prefect pickled them, where string annotations such as
"Path" cannot be resolved (tests/test_ui_run.py runs the deployment for real).

A run that fails ends in a Failed state whose message is one sentence: what
went wrong and what to do (`failure_message`), as the command line says it.
"""

from prefect import get_run_logger, tags
from prefect.runtime import flow_run
from prefect.states import Failed, State
from pydantic import BaseModel, ConfigDict, Field

from flows.errors import LeakError, TriangulateError, UnexpectedError
from flows.orchestration import offered, settings
from flows.orchestration.pipeline import flow, triangulate_study
from flows.privacy.preflight import check_before_flow, run_label_holds_name
from flows.privacy.sealed_errors import names_known, seal


class RunRequest(BaseModel):
    """A run started from the Prefect UI's form (the `triangulate` deployment)."""

    model_config = ConfigDict(extra="forbid")

    study_dir: str = Field(
        default="data/demo",
        title="Study folder",
        description="One of the studies `triangulate serve` offers; the dossiers are "
        "published to out/STUDY-ID (the study's id from study.toml).",
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

    `exc` is sealed (`flows.privacy.sealed_errors.seal`): a `TriangulateError`
    names the file and element at fault (never a person; its problem withheld
    when it may quote one); any other exception is a bug or an environment
    problem, named by its type and where it was raised, never its message."""
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
    kind = exc.type_name if isinstance(exc, UnexpectedError) else type(exc).__name__
    return (
        f"Nothing was published: the run stopped on an unexpected {kind}; "
        "where it stopped is in this run's logs below (report it with them)."
    )


RUN_NAMED = (
    "Nothing was run: the run's name or a tag names a person (typed in the custom-run "
    "page?); it was renamed. Start the run again without a name or tag of your own."
)

UNOFFERED = (
    "Nothing was run: the study or a case is not one the form offers (sent with "
    '"Validate parameters" off?). Choose them in the form and start the run again.'
)


@flow(name="triangulate (from the UI)")
def triangulate_request(request: RunRequest) -> dict | State:
    """The deployment's entry point: resolve the request, then run the study flow."""
    from flows.study import load_study

    names = None  # the roster's names, once read: a failure's message is screened for them
    if not offered.is_offered(request.study_dir, request.cases):
        # sent with "Validate parameters" off: Prefect has stored it; repeat none of it
        return Failed(message=UNOFFERED)
    try:
        study_dir = (settings.PROJECT_ROOT / request.study_dir).resolve()
        study = load_study(study_dir)
        study_id = study.definition.study.id
        out_dir = offered.out_root() / study_id
        names = check_before_flow(study_dir, out_dir, request.cases or None)
        if run_label_holds_name(names, flow_run.name or "", flow_run.tags):
            # Prefect has stored it: keep it in no record we can
            _rename_this_run(f"triangulate {study_id} (refused)", ["triangulate"])
            return Failed(message=RUN_NAMED)
        # found under Runs by study and time like the run inside it, not by a random
        # name Prefect gave it (walk 14)
        own_tags = sorted({*flow_run.tags, "triangulate", f"study:{study_id}"})
        _rename_this_run(ui_run_name(study_id), own_tags)
        named = triangulate_study.with_options(flow_run_name=f"triangulate {study_id}")
        # as `triangulate run` names and tags it; a failure's message is screened for names
        with tags("triangulate", f"study:{study_id}"), names_known(names):
            return named(
                study_dir=study_dir,
                out_dir=out_dir,
                force=request.force,
                rebuild_cases=request.cases or None,
                pdf=request.pdf,
            )
    except Exception as exc:  # the state message says what to do; the logs say where
        sealed = seal(exc, names)
        if not isinstance(sealed, TriangulateError):
            get_run_logger().error("%s", sealed)  # its type and project frames, no message
        return Failed(message=failure_message(sealed, request.study_dir))


def ui_run_name(study_id: str) -> str:
    """The name a run started from the UI's form is given once its study is checked:
    the study id, as the run inside it is named (`triangulate <study id>`)."""
    return f"triangulate {study_id} (from the UI)"


def _rename_this_run(name: str, run_tags: list[str]) -> None:
    """Give the current flow run `name` and exactly `run_tags`."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        client.update_flow_run(flow_run.id, name=name, tags=run_tags)


def serve_deployment(choices: offered.Offer) -> None:
    """Register the `triangulate` deployment with the running server and serve it,
    its form offering `choices` only (the server enforces them: a run whose study
    or case is not offered is refused before it is stored)."""
    from prefect import serve
    from prefect.utilities.callables import ParameterSchema

    default = RunRequest(study_dir=next(iter(choices.studies))).model_dump()
    deployment = triangulate_request.to_deployment(
        name="triangulate",
        tags=["triangulate"],
        description="Run triangulate on a study; choose it in the form and press Run.",
        parameters={"request": default},
        enforce_parameter_schema=True,
    )
    schema = deployment._parameter_openapi_schema.model_dump()
    deployment._parameter_openapi_schema = ParameterSchema(**offered.form_schema(schema, choices))
    offered.hand_down(choices)  # the runner's runs find them in their environment
    serve(deployment)

"""What a run shows in the Prefect UI: counts and labels only, never text or names.

`texts` builds the artifacts as plain data (so the leak audit can read them
before anything is published); `publish` hands them to Prefect's artifact
functions, which the caller passes in (this module does not import Prefect).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable

import pandas as pd

#: Base address of the served output root (its parent folder), if not the default server.
DOSSIER_URL_ENV = "TRIANGULATE_DOSSIER_URL"


def dossier_index_url(out_dir: str) -> str | None:
    """The http address of a run's index when `triangulate serve-dossiers` (started
    by `make ui`) serves the output root, or when TRIANGULATE_DOSSIER_URL names one."""
    from pathlib import Path

    from flows.orchestration import servers

    base = os.environ.get(DOSSIER_URL_ENV)
    if base:
        return base.rstrip("/") + "/" + Path(out_dir).name + "/index.html"
    if servers.is_up():
        return f"{servers.base_url()}/{Path(out_dir).name}/index.html"
    return None


def case_table(overview: pd.DataFrame) -> list[dict]:
    """One row per case: classification and convergence counts."""
    return [
        {
            "case": row.case_id,
            "classification": row.classification,
            "activities delivered": int(row.n_activities_delivered),
            "agreement": int(row.n_agreements),
            "partial agreement": int(row.n_partial_agreements),
            "silence": int(row.n_silences),
            "dissonance": int(row.n_dissonances),
            "dissonance held back for review": int(_count(row, "n_held_back_dissonances")),
            "provisional verdicts": int(_count(row, "n_provisional_verdicts")),
            "classification provisional": bool(_count(row, "classification_provisional")),
            "stances reviewed / machine-read": f"{_count(row, 'n_reviewed')} / "
            f"{_count(row, 'n_machine_read')}",
        }
        for row in overview.itertuples()
    ]


def _count(row, name: str):
    """A case_basis count of an overview row (0 when absent)."""
    value = getattr(row, name, 0)
    return 0 if value is None or value != value else value


def _expected(summary: dict) -> str:
    """ ", 8 expected (...)" when some rejects are declared expected."""
    expected = summary.get("expected_rejected", 0)
    if not expected:
        return ""
    return f", {expected} expected (declared in study.toml)"


def summary_markdown(summary: dict) -> str:
    """The run summary: inputs loaded vs read, cases built, warnings, where the dossiers are."""
    lines = [
        f"# triangulate: {summary['study_id']}",
        "",
        "| input | read | loaded |",
        "|---|---:|---:|",
    ]
    for name, loaded in summary["loaded"].items():
        lines.append(f"| {name} | {summary['read'][name]} | {loaded} |")
    lines += [
        "",
        f"- **Cases**: {summary['cases']} dossiers "
        f"({len(summary['rendered'])} rendered, {len(summary['reused'])} reused from cache)",
        f"- **Rejected rows or cells**: {summary['rejected']}{_expected(summary)} "
        "(listed in `rejects.csv`)",
        f"- **Excerpts' words processed**: {summary['words']}; "
        f"name mentions pseudonymised: {summary['names_replaced']}",
    ]
    if "provisional_cases" in summary:
        lines.append(
            f"- **Provisional verdicts** (resting on machine-suggested stances nobody has "
            f"reviewed): {summary['provisional_verdicts']} in {summary['provisional_cases']} "
            f"case(s); {summary['machine_read']} stance(s) to review in the review sheet"
        )
    if summary.get("stale_reviews"):
        lines.append(
            f"- **Stale reviews**: {summary['stale_reviews']} reviewed stance(s) not applied "
            "(the excerpt changed or is gone; listed in `rejects.csv` and the review sheet)"
        )
    if summary["rejected"] > summary.get("expected_rejected", 0):
        lines.append(
            "- **Warning**: some input was not loaded; read `rejects.csv` before the dossiers."
        )
    url = dossier_index_url(summary["out_dir"])
    if url:
        lines.append(f"- **Dossiers**: [{url}]({url})")
    lines.append(f"- **Output folder**: `{summary['out_dir']}`")
    return "\n".join(lines) + "\n"


def texts(summary: dict, overview: pd.DataFrame) -> dict[str, str]:
    """Every artifact of the run as text, keyed by artifact key."""
    return {
        "run-summary": summary_markdown(summary),
        "case-classification": json.dumps(case_table(overview), sort_keys=True),
    }


def publish(artifact_texts: dict[str, str], create_markdown, create_table) -> None:
    """Create the run's artifacts (after the audit passed)."""
    create_markdown(
        markdown=artifact_texts["run-summary"], key="run-summary", description="Run summary"
    )
    create_table(
        table=json.loads(artifact_texts["case-classification"]),
        key="case-classification",
        description="Cases: classification and convergence counts",
    )


class RenderProgress:
    """The run's "render-progress" artifact, and the CLI's progress hook.

    Each artifact call is a synchronous round trip with the server from the
    flow's thread, so the artifact is created once and updated at most every
    `INTERVAL` seconds, and at the end (the cold 1,000-case flow made 20
    updates, 0.6-0.8 s of round trips). With at most one chunk to render (a
    re-run after a few cases changed: `shown_early` false) it is created once,
    at the end, with the final count: one call instead of two. `create` and
    `update` are Prefect's progress-artifact functions; the hook sees every chunk.
    """

    INTERVAL = 2.0
    clock = staticmethod(time.monotonic)

    def __init__(
        self,
        ready: int,
        total: int,
        shown_early: bool,
        create: Callable,
        update: Callable,
        hook: Callable[[int, int], None] | None = None,
    ) -> None:
        self.done, self.total = ready, total
        self.create, self.update, self.hook = create, update, hook
        self.artifact_id = None
        self.shown: float | None = None
        self.shown_at = 0.0
        if shown_early:
            self._show()
        if hook is not None:
            hook(ready, total)

    def _percent(self) -> float:
        return 100.0 * self.done / max(self.total, 1)

    def _show(self) -> None:
        percent = self._percent()
        if self.artifact_id is None:
            self.artifact_id = self.create(
                progress=percent, key="render-progress", description="Dossiers ready"
            )
        elif percent != self.shown:
            self.update(self.artifact_id, progress=percent)
        self.shown, self.shown_at = percent, self.clock()

    def advance(self, rendered: int) -> None:
        """`rendered` more dossiers are ready."""
        self.done += rendered
        if self.hook is not None:
            self.hook(self.done, self.total)
        if self.artifact_id is not None and self.clock() - self.shown_at >= self.INTERVAL:
            self._show()

    def finish(self) -> None:
        """Show the final count (creating the artifact if it was not yet)."""
        if self.artifact_id is None or self.shown != self._percent():
            self._show()

"""Fingerprints that decide what a re-run may reuse: the code's
(`code_fingerprint`: modules of flows/ that shape an output, SQL, templates,
versions) and each case's (`case_fingerprints`: everything its dossier
depends on).
"""

from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path

import pandas as pd

from flows import warehouse
from flows.render import pages
from flows.stage_ingest import Ingested

FLOWS_DIR = Path(__file__).parent
#: modules of flows/ (paths relative to it; a trailing "/" names a whole package) that never
#: shape a page or export (tools, entry points, servers); editing them keeps every cached dossier
NOT_SHAPING_OUTPUTS = {
    "cli.py",
    "orchestration/deployment.py",
    "orchestration/servers.py",
    "evaluate.py",
    "nlp/evaluate.py",
    "orchestration/settings.py",
    "synth/",
}


def _not_shaping(relative: Path) -> bool:
    """Whether a file of flows/ (path relative to it) is in NOT_SHAPING_OUTPUTS."""
    name = relative.as_posix()
    return name in NOT_SHAPING_OUTPUTS or any(
        name.startswith(entry) for entry in NOT_SHAPING_OUTPUTS if entry.endswith("/")
    )


def code_fingerprint() -> str:
    """A hash of everything besides the inputs that shapes an output: the Python
    modules, lexicons, SQL models, templates and the installed versions."""
    digest = hashlib.sha256()
    roots = [Path(__file__).parent, warehouse.SQL_DIR, pages.TEMPLATES_DIR]
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix != ".pyc"):
            if path.is_relative_to(FLOWS_DIR) and _not_shaping(path.relative_to(FLOWS_DIR)):
                continue
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    for name in ("duckdb", "spacy", "jinja2", "pandas"):
        digest.update(f"{name}={metadata.version(name)}".encode())
    return digest.hexdigest()


def model_identity(nlp_model: str | None) -> str:
    """'' without a trained pipeline (keys as before); else its name and version."""
    if nlp_model is None:
        return ""
    from flows.nlp.annotate import model_version

    return f"model={nlp_model!r}:{model_version(nlp_model)}"


def case_fingerprints(ingested: Ingested, nlp_model: str | None = None) -> dict[str, str]:
    """Per case, a key that changes when anything that case's dossier depends on
    changes: its excerpts, survey rows, context, the roster entries and
    interviews of its informants, the study file, the code (`code_fingerprint`)
    and the trained spaCy pipeline named for redaction, if any (its name and
    version: a run with another model redacts other words)."""
    data = ingested.data
    base = hashlib.sha256(
        (
            ingested.study.sha256
            + code_fingerprint()
            + repr(ingested.identifiers)
            + ingested.name_set().fingerprint  # every name: a roster edit re-renders
            + model_identity(nlp_model)
        ).encode()
    ).hexdigest()
    names = {pid: names for pid, _, names in data.roster_names}
    by_case = {
        key: _positions(frame, "case_id")
        for key, frame in (
            ("excerpts", data.excerpts),
            ("survey", data.survey),
            ("context", data.context),
        )
    }
    by_person = {
        key: _positions(frame, "person_id")
        for key, frame in (("persons", data.persons), ("interviews", data.interviews))
    }
    people_of = _positions(data.person_cases, "case_id")
    rows_of = {
        key: _row_texts(frame)
        for key, frame in (
            ("excerpts", data.excerpts),
            ("survey", data.survey),
            ("context", data.context),
            ("persons", data.persons),
            ("interviews", data.interviews),
        )
    }
    person_ids = data.person_cases["person_id"].tolist()
    keys = {}
    for case_id in data.cases["case_id"].tolist():
        people = sorted(person_ids[i] for i in people_of.get(case_id, []))
        digest = hashlib.sha256(base.encode())
        for key in ("excerpts", "survey", "context"):
            digest.update(f"\n#{key}\n".encode())
            for i in by_case[key].get(case_id, []):
                digest.update(rows_of[key][i])
        for key in ("persons", "interviews"):
            digest.update(f"\n#{key}\n".encode())
            for i in sorted(i for p in people for i in by_person[key].get(p, [])):
                digest.update(rows_of[key][i])
        digest.update(repr([(p, names.get(p, [])) for p in people]).encode())
        keys[case_id] = digest.hexdigest()
    return keys


def _row_texts(frame: pd.DataFrame) -> list[bytes]:
    """Each row of a frame as bytes that change when any of its values does
    (the column names included), made once per frame, not once per case."""
    header = repr(list(frame.columns))
    columns = pages.plain_columns(frame)
    if not columns:  # rows without columns: `itertuples` gives an empty tuple per row
        return [f"{header}()\n".encode()] * len(frame)
    return [f"{header}{row!r}\n".encode() for row in zip(*columns, strict=True)]


def _positions(frame: pd.DataFrame, column: str) -> dict[str, list[int]]:
    """Row positions per value of a column, in frame order."""
    positions: dict[str, list[int]] = {}
    for index, value in enumerate(frame[column].tolist()):
        positions.setdefault(value, []).append(index)
    return positions

"""Render case dossiers and the cross-case index from warehouse rows.

`case_context` and `index_context` turn query results into plain dicts;
`render_*` turn those into HTML with autoescaping on. No I/O happens here
except reading templates.
"""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path

import jinja2
import pandas as pd

from flows.render import diagram
from flows.render.badges import Badges
from flows.render.escaping import Template
from flows.study import Study

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"

CODE_LABELS = {
    "agreement": ("✓", "agreement"),
    "partial_agreement": ("◐", "partial agreement"),
    "silence": ("○", "silence"),
    "dissonance": ("✗", "dissonance"),
    "not_compared": ("–", "not compared"),
    "no_evidence": ("·", "no evidence"),
}

STANCE_LABELS = {
    "improved": ("▲", "improved"),
    "no_change": ("■", "no change"),
    "worsened": ("▼", "worsened"),
    "not_stated": ("?", "not stated"),
    "unclear": ("?", "unclear (the reader abstained or did not read it)"),
    "present": ("●", "present"),
    "absent": ("○", "absent"),
    "facilitator": ("+", "facilitator"),
    "barrier": ("−", "barrier"),
    "mixed": ("±", "mixed"),
    "silent": ("", "silent"),
    "not_interviewed": ("", "not interviewed"),
    "not_asked": ("", "not asked"),
    "not_computable": ("", "not computable"),
    "withdrawn": ("", "withdrawn"),
    "no_evidence": ("", "no evidence"),
}

FIT_LABELS = {
    "confirmation": "confirmation",
    "expansion": "expansion",
    "discordance": "discordance",
    "not_asked": "—",
    "not_computable": "survey not computable",
    "no_qualitative_evidence": "no interview evidence",
}


SAFE_FILENAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}$")


def case_filename(case_id: str) -> str:
    """A file name for a case's dossier that cannot escape its folder or carry markup."""
    if SAFE_FILENAME.match(case_id) and ".." not in case_id:
        return f"{case_id}.html"
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", case_id).strip("-")[:40] or "case"
    return f"{slug}-{hashlib.sha256(case_id.encode()).hexdigest()[:8]}.html"


def shared_environment(compiled: Path | None = None) -> jinja2.Environment:
    """One compiled environment per process and templates folder (templates are
    compiled once, not once per dossier); `compiled`: a folder of the private
    store where compiled templates are kept between runs (`flows.render.compiled`)."""
    return _environment_for(TEMPLATES_DIR, compiled)


@functools.lru_cache(maxsize=4)
def _environment_for(templates_dir: Path, compiled: Path | None) -> jinja2.Environment:
    return environment(templates_dir, compiled)


#: what a plain dict has as attributes (its methods...): `row.items` in a template
#: is the method, as in Jinja; any other `row.name` is the item
_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(jinja2.Environment):
    """Jinja's environment, with `row.name` on a plain dict (every query row) looked
    up as Jinja does, minus the AttributeError raised and caught per lookup (a
    dossier makes about 5,000): the same value or the same undefined. Its
    templates escape values with `flows.render.escaping.escape` (decision 0413)."""

    template_class = Template

    def getattr(self, obj, attribute):
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


#: the options every environment is made with (they shape the compiled code)
ENVIRONMENT_OPTIONS = {
    "autoescape": True,
    "undefined": jinja2.StrictUndefined,
    "trim_blocks": True,
    "lstrip_blocks": True,
    "keep_trailing_newline": True,
}


def environment(
    templates_dir: Path = TEMPLATES_DIR, compiled: Path | None = None
) -> jinja2.Environment:
    """The Jinja environment: autoescape everywhere, undefined names are errors.
    `compiled`: keep compiled templates in that private folder between runs."""
    cache = None
    if compiled is not None:
        from flows.render.compiled import CompiledTemplates

        options = f"{_Environment.__qualname__}|{sorted(ENVIRONMENT_OPTIONS.items())!r}"
        cache = CompiledTemplates(compiled, options)
    env = _Environment(
        loader=jinja2.FileSystemLoader(templates_dir), bytecode_cache=cache, **ENVIRONMENT_OPTIONS
    )
    env.globals.update(code_labels=CODE_LABELS, stance_labels=STANCE_LABELS, fit_labels=FIT_LABELS)
    env.globals["badges"] = Badges(env)
    env.filters["number"] = format_number
    env.filters["claim"] = format_claim
    return env


def format_number(value) -> str:
    """1.0 -> "1", 2.5 -> "2.5", missing -> "missing"."""
    if value is None or (isinstance(value, float) and value != value):
        return "missing"
    return f"{float(value):g}"


def format_claim(claim: str) -> str:
    """ "walking:improved" -> "walking (improved)"."""
    example, _, stance = claim.partition(":")
    return f"{example.replace('_', ' ')} ({STANCE_LABELS.get(stance, ('', stance))[1]})"


def _records(frame: pd.DataFrame | list[dict]) -> list[dict]:
    """Rows as dicts with NaN turned into None and arrays into lists (a list of
    dicts, e.g. from `warehouse.query_rows`, is already that)."""
    if isinstance(frame, list):
        return frame
    columns = frame.columns.tolist()
    values = []
    for column in plain_columns(frame):
        if not all(type(v) in _PLAIN for v in column):
            column = [_plain_value(v) for v in column]
        values.append(column)
    if not values:
        return [{} for _ in range(len(frame))]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


#: cell types `_records` passes on as they are
_PLAIN = {str, int, float, bool, type(None)}


def _plain_value(value):
    """A cell as `DataFrame.to_dict` boxes it (numpy scalars as Python
    values), arrays as lists."""
    from pandas.core.dtypes.cast import maybe_box_native

    value = maybe_box_native(value)
    if hasattr(value, "tolist") and not isinstance(value, str):
        return value.tolist()
    return value


def plain_columns(frame: pd.DataFrame) -> list[list]:
    """Each column's values as objects with every missing value (NaN, NaT,
    NA) as None: the columns of `frame.astype(object).where(frame.notna(),
    None)`, made a column at a time (issue 16: a re-run's round trips)."""
    made = []
    for i in range(frame.shape[1]):
        series = frame.iloc[:, i]
        column = series.astype(object).tolist()
        missing = series.isna().to_numpy()
        if missing.any():
            column = [None if gone else v for v, gone in zip(column, missing.tolist(), strict=True)]
        made.append(column)
    return made


def case_context(
    study: Study,
    case_id: str,
    overview: pd.DataFrame,
    verdicts: pd.DataFrame,
    sources: pd.DataFrame,
    informants: pd.DataFrame,
    pairs: pd.DataFrame,
    excerpts: pd.DataFrame,
    survey: pd.DataFrame,
    context: pd.DataFrame,
    provenance: dict,
) -> dict:
    """Everything one dossier shows, as plain data.

    The row arguments are query results, as frames or lists of dicts; `overview`
    holds at least this case's row."""
    roles = [{"id": r.id, "label": r.label} for r in study.roles]
    source_columns = [*roles, {"id": "survey", "label": "Survey"}]
    by_theme_source = {(r["theme_id"], r["source"]): r for r in _records(sources)}
    informants_by_theme: dict[tuple[str, str], list[dict]] = {}
    for row in _records(informants):
        informants_by_theme.setdefault((row["theme_id"], row["role"]), []).append(row)
    pairs_by_theme: dict[str, list[dict]] = {}
    label = {c["id"]: c["label"] for c in source_columns}  # as the matrix names them
    for row in _records(pairs):
        row = {**row, "source_a": label.get(row["source_a"], row["source_a"])}
        row["source_b"] = label.get(row["source_b"], row["source_b"])
        pairs_by_theme.setdefault(row["theme_id"], []).append(row)

    matrix = []
    for verdict in _records(verdicts):
        theme_id = verdict["theme_id"]
        theme = study.theme(theme_id)
        cells = []
        for column in source_columns:
            cell = dict(by_theme_source[(theme_id, column["id"])])
            people = informants_by_theme.get((theme_id, column["id"]), [])
            cell["informants"] = people if len(people) > 1 else []
            cells.append(cell)
        matrix.append(
            {
                **verdict,
                "components": theme.components,
                "cells": cells,
                "pairs": pairs_by_theme.get(theme_id, []),
            }
        )

    evidence = []
    excerpt_rows = _records(excerpts)
    for theme in study.themes:
        theme_rows = [r for r in excerpt_rows if r["theme_id"] == theme.id]
        if not theme_rows:
            continue
        groups: list[dict] = []
        for row in theme_rows:
            if not groups or groups[-1]["person_id"] != row["person_id"]:
                groups.append(
                    {"person_id": row["person_id"], "role_label": row["role_label"], "excerpts": []}
                )
            groups[-1]["excerpts"].append(row)
        evidence.append({"theme_id": theme.id, "label": theme.label, "groups": groups})

    to_review, n_other = _to_review(matrix, excerpt_rows, study)

    survey_rows = _records(survey)
    domains = []
    for theme in study.themes:
        if theme.survey_domain:
            items = [r for r in survey_rows if r["domain"] == theme.survey_domain]
            domains.append({"theme_id": theme.id, "label": theme.label, "items": items})

    summary = next(r for r in _records(overview) if r["case_id"] == case_id)
    withdrawn = sorted(
        {r["role"] for r in _records(informants) if r["stance"] == "withdrawn"},
        key=[c["id"] for c in source_columns].index,
    )
    notes = _quality_notes(matrix, survey_rows, withdrawn, source_columns)
    verdict_rows = _records(verdicts)
    return {
        "diagram": diagram.layout(verdict_rows),
        "diagram_text": diagram.text_alternative(verdict_rows),
        "study": study.study,
        "case_id": case_id,
        "summary": summary,
        "outcomes": [v for v in matrix if v["kind"] == "outcome"],
        "matrix": matrix,
        "source_columns": source_columns,
        "evidence": evidence,
        "evidence_themes": {theme["theme_id"] for theme in evidence},
        "domains": domains,
        "context": _records(context),
        "notes": notes,
        "provenance": provenance,
        "to_review": to_review,
        "n_other_to_review": n_other,
        "min_machine_readings": study.rules.min_machine_readings,
    }


#: verdict_basis.review_rank -> what a reading decides, as the dossier says it
DECIDES = {1: "a dissonance", 2: "a discordant fit", 3: "an outcome verdict"}
#: the same where the dissonance or discordance is held back until reviewed (decision 0137)
DECIDES_HELD_BACK = {
    1: "a dissonance held back for review",
    2: "a discordant fit held back for review",
}


def _decides(row: dict) -> str:
    """What the readings of a matrix row with a review_rank of 1-3 decide."""
    rank = row["review_rank"]
    held = (rank == 1 and row.get("n_held_back") and row["convergence_code"] != "dissonance") or (
        rank == 2 and row.get("fit_held_back")
    )
    return DECIDES_HELD_BACK[rank] if held else DECIDES[rank]


def _to_review(matrix: list[dict], excerpts: list[dict], study: Study) -> tuple[list[dict], int]:
    """The machine readings behind the case's provisional dissonances, discordant
    fits and outcome verdicts (review_rank 1-3), most decisive first; and how
    many other machine readings stand behind its other provisional verdicts."""
    rank = {row["theme_id"]: row.get("review_rank") for row in matrix}
    decides = {
        row["theme_id"]: _decides(row) for row in matrix if row.get("review_rank") in DECIDES
    }
    chosen, other = [], 0
    for row in excerpts:
        if not row.get("machine_read"):
            continue
        r = rank.get(row["theme_id"])
        if r in DECIDES:
            chosen.append(
                {
                    **row,
                    "theme_label": study.theme(row["theme_id"]).label,
                    "decides": decides[row["theme_id"]],
                    "rank": r,
                }
            )
        elif r is not None:
            other += 1
    chosen.sort(key=lambda x: x["rank"])  # stable: evidence order within a rank
    return chosen, other


def _quality_notes(matrix, survey_rows, withdrawn, source_columns) -> list[str]:
    labels = {c["id"]: c["label"] for c in source_columns}
    notes = []
    for row in matrix:
        if row["convergence_code"] == "dissonance":
            notes.append(
                f"Dissonance on {row['label']}: sources disagree on both meaning and examples."
            )
        elif row.get("n_held_back"):
            notes.append(
                f"Dissonance held back for review on {row['label']}: it would rest on machine "
                "readings nobody has reviewed; confirm or correct them (To review)."
            )
        if row.get("fit_held_back"):
            notes.append(
                f"Discordance with the survey held back for review on {row['label']}: the "
                "interviews' stance rests on machine readings nobody has reviewed."
            )
    for row in matrix:
        silent = [c for c in row["cells"] if c["stance"] == "silent"]
        speaking = [c for c in row["cells"] if c["stance"] not in STANCE_NO_VOICE]
        if silent and len(speaking) == 1:
            notes.append(
                f"Silence on {row['label']}: only {labels[speaking[0]['source']].lower()} speaks to it; "
                f"{', '.join(labels[c['source']].lower() for c in silent)} silent (not asked, or not important?)."
            )
    for item in survey_rows:
        if item["direction"] == "not_computable":
            notes.append(
                f"Survey item “{item['label']}”: change not computable ({item['not_computable_reason']})."
            )
    for source in withdrawn:
        notes.append(
            f"An informant ({labels[source].lower()}) withdrew consent; their data is excluded, and "
            "where no other informant of that role remains the source is treated as absent, not silent."
        )
    return notes


STANCE_NO_VOICE = ("silent", "not_interviewed", "not_asked", "withdrawn", "not_computable")


def index_context(
    study: Study,
    overview: pd.DataFrame,
    matrix: pd.DataFrame,
    provenance: dict,
    exports: list[str],
    qca: dict[str, pd.DataFrame] | None = None,
) -> dict:
    """The cross-case index as plain data."""
    cases = _records(overview)
    cells = {(r["case_id"], r["theme_id"]): r for r in _records(matrix)}
    themes = [{"id": t.id, "label": t.label, "kind": t.kind} for t in study.themes]
    for case in cases:
        case["file"] = case_filename(case["case_id"])
    rows = [
        {**case, "cells": [cells[(case["case_id"], t["id"])] for t in themes]} for case in cases
    ]
    return {
        "study": study.study,
        "cases": cases,
        "themes": themes,
        "rows": rows,
        "achievers": [c for c in cases if c["achieved"]],
        "non_achievers": [c for c in cases if not c["achieved"]],
        "provenance": provenance,
        "exports": exports,
        "qca": _qca_context(qca) if qca is not None else None,
    }


def _qca_context(frames: dict[str, pd.DataFrame]) -> dict:
    settings = _records(frames["settings"])[0]
    conditions = _records(frames["conditions"])
    return {
        "conditions": conditions,
        "truth_table": _records(frames["truth_table"]),
        "n_remainders": 2 ** len(conditions) - len(frames["truth_table"]),
        "solutions": _records(frames["solutions"]),
        "parameters": _records(frames["parameters"]),
        "notes": [n["note"] for n in _records(frames["notes"])],
        "threshold": settings["consistency_threshold"],
        "diversity": _records(frames["diversity"])[0] if "diversity" in frames else None,
    }


def render_dossier(env: jinja2.Environment, context: dict) -> str:
    return env.get_template("dossier.html").render(**context)


def render_index(env: jinja2.Environment, context: dict, rows=None) -> str:
    """The index page; `rows`: an `index_rows.RowCache` of rows rendered before."""
    from flows.render.index_rows import case_rows

    return env.get_template("index.html").render(case_rows=case_rows(env, context, rows), **context)

"""Evaluation and training rows: the scheme's layout, and the old one kept loadable.

Scheme layout (docs/stance-scheme.md): `id, language, speaker_role, theme,
component, text, gold_stance, note`; a note starting with `easy` marks an easy row.
Old layout (`data/eval/stances.csv`, `data/eval/heldout.csv`): `id, language, kind,
theme, text, gold_stance, split`, with the old theme ids, mapped to the scheme's
(`medication` -> `medication_adherence`, ...); old context rows have no
`not_stated`.

Sets by name: `dev` (every `data/eval/dev/*.csv`, one writer per file),
`heldout` (the old held-out set) and `development` (the old development set); any
other value is a CSV path.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from flows.study import STANCES_BY_KIND

ROOT = Path(__file__).resolve().parents[2]
EVAL_DIR = ROOT / "data" / "eval"
DEV_DIR = EVAL_DIR / "dev"
#: training-only rows of the project's own studies (the demo's hand-labelled excerpts)
TRAIN_DIR = EVAL_DIR / "train"
NAMED_SETS = {
    "heldout": EVAL_DIR / "heldout.csv",
    "development": EVAL_DIR / "stances.csv",
}
SCHEME_COLUMNS = (
    "id",
    "language",
    "speaker_role",
    "theme",
    "component",
    "text",
    "gold_stance",
    "note",
)
OLD_COLUMNS = ("id", "language", "kind", "theme", "text", "gold_stance", "split")
LANGUAGES = ("en", "da")
ROLES = ("peer", "peer_supporter", "project_manager", "diabetes_nurse")
#: the scheme's theme ids by component
SCHEME_THEMES = {
    "outcome": (
        "eating",
        "physical_activity",
        "medication_adherence",
        "blood_sugar_monitoring",
        "healthcare_use",
    ),
    "context": ("occupation_finances", "health_condition", "energy", "life_events"),
    "mechanism": ("needs_readiness", "encouragement_energy", "social_emotional_support"),
    "intervention": (
        "social_emotional_support_activity",
        "daily_management_assistance",
        "healthcare_linkage",
    ),
    "output": ("self_care_awareness",),
}
#: the scheme's labels per component (the study file's table, without `actor`)
LABELS = {kind: labels for kind, labels in STANCES_BY_KIND.items() if kind != "actor"}
#: old theme ids (demo study, old evaluation sets) -> scheme theme ids
OLD_THEMES = {
    "medication": "medication_adherence",
    "monitoring": "blood_sugar_monitoring",
    "finances": "occupation_finances",
    "social_support": "social_emotional_support_activity",
    "daily_management": "daily_management_assistance",
    "encouragement": "encouragement_energy",
    "social_experience": "social_emotional_support",
}


@dataclass(frozen=True)
class Row:
    """One labelled excerpt."""

    id: str
    language: str
    speaker_role: str
    theme: str
    component: str
    text: str
    gold_stance: str
    note: str
    source: str  # the file's name without .csv (a writer, for the dev sets)

    @property
    def easy(self) -> bool:
        return self.note.lower().startswith("easy")


class CorpusError(ValueError):
    """A row that does not fit the scheme, with file, line and what was expected."""


def _check(row: Row, where: str) -> None:
    if row.language not in LANGUAGES:
        raise CorpusError(f"{where}: language {row.language!r}, expected one of {LANGUAGES}")
    if row.component not in LABELS:
        raise CorpusError(f"{where}: component {row.component!r}, expected one of {tuple(LABELS)}")
    if row.theme not in SCHEME_THEMES[row.component]:
        raise CorpusError(
            f"{where}: theme {row.theme!r} is not a {row.component} theme of the scheme "
            f"(expected one of {SCHEME_THEMES[row.component]})"
        )
    if row.gold_stance not in LABELS[row.component]:
        raise CorpusError(
            f"{where}: gold_stance {row.gold_stance!r}, expected one of {LABELS[row.component]}"
        )
    if row.speaker_role and row.speaker_role not in ROLES:
        raise CorpusError(f"{where}: speaker_role {row.speaker_role!r}, expected one of {ROLES}")
    if not row.text or not row.id:
        raise CorpusError(f"{where}: empty id or text")


def load_rows(path: Path) -> list[Row]:
    """Read and check one CSV in either layout; raise CorpusError on the first bad row."""
    path = Path(path)
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = tuple(reader.fieldnames or ())
        if columns not in (SCHEME_COLUMNS, OLD_COLUMNS):
            raise CorpusError(
                f"{path}: columns {', '.join(columns)}; expected {', '.join(SCHEME_COLUMNS)}"
            )
        raw = list(reader)
    rows, seen = [], set()
    for line, record in enumerate(raw, start=2):
        values = {k: (v or "").strip() for k, v in record.items() if k is not None}
        if columns == OLD_COLUMNS:
            theme = OLD_THEMES.get(values["theme"], values["theme"])
            row = Row(
                values["id"],
                values["language"],
                "",
                theme,
                values["kind"],
                values["text"],
                values["gold_stance"],
                "",
                path.stem,
            )
        else:
            row = Row(**{c: values[c] for c in SCHEME_COLUMNS}, source=path.stem)
        where = f"{path.name}:{line} ({row.id})"
        if row.id in seen:
            raise CorpusError(f"{where}: duplicate id")
        seen.add(row.id)
        _check(row, where)
        rows.append(row)
    return rows


def load_set(spec: str | Path) -> list[Row]:
    """Rows of a named set (`dev`, `heldout`, `development`, `train`: dev plus the
    training-only rows) or of a CSV path."""
    if str(spec) in ("dev", "train"):
        files = sorted(DEV_DIR.glob("*.csv"))
        if str(spec) == "train":
            files += sorted(TRAIN_DIR.glob("*.csv"))
        if not files:
            raise CorpusError(f"no development corpora in {DEV_DIR}")
        rows: list[Row] = []
        for path in files:
            rows += load_rows(path)
        ids = [r.id for r in rows]
        if len(set(ids)) != len(ids):
            raise CorpusError("dev: an id occurs in two files")
        return rows
    return load_rows(NAMED_SETS.get(str(spec), Path(spec)))

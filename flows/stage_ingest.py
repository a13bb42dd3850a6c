"""The ingest stage: the study file, every input, the identifiers file and the
researcher's stance reviews, as one `Ingested` (the stages' common argument).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from flows import review
from flows.ingest import StudyData, ingest_study
from flows.privacy import preflight, unknown_names, withdrawn
from flows.privacy.audit import distinct_names
from flows.privacy.matching import NameSet
from flows.study import LoadedStudy, load_study


@dataclass
class Ingested:
    """A validated study, its loaded rows, and the extra identifiers to pseudonymise."""

    study: LoadedStudy
    data: StudyData
    identifiers: list[tuple[str, list[str]]] = field(default_factory=list)
    #: reviews in the study's review sheet that were not applied (flows/review.py)
    stale_reviews: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: the researcher's names-reviewed.csv: word -> "name" / "not a name"
    name_decisions: dict[str, str] = field(default_factory=dict)
    #: the last `name_set()` and what it was made of (every stage asks for it)
    _names: tuple = field(default=(), init=False, repr=False, compare=False)
    #: the last `stage_nlp.name_guard` and what it was made of (annotation and the
    #: warehouse's context values both ask for it)
    _guard: tuple = field(default=(), init=False, repr=False, compare=False)

    def audit_names(self) -> list[tuple[str, str, list[str]]]:
        """Every name the leak audit looks for: every name in the roster file (rows
        accepted or not), the identifiers' and the words the researcher confirmed
        as names (names-reviewed.csv)."""
        extra = [(label, "identifier", names) for label, names in self.identifiers]
        confirmed = sorted(w for w, d in self.name_decisions.items() if d == "name")
        extra += [("[person]", "identifier", confirmed)] if confirmed else []
        return [*self.data.roster_names, *self.data.other_names, *extra]

    def name_set(self) -> NameSet:
        """The names the audit searches for, with the study's language and common words."""
        study = self.study.definition
        names = self.audit_names()
        made_of = (
            tuple((label, role, tuple(found)) for label, role, found in names),
            study.study.tool_language,
            tuple(sorted(study.privacy.common_words)),
        )
        if self._names and self._names[0] == made_of:
            return self._names[1]  # the same names: made once (`distinct_names` is costly)
        found = NameSet(distinct_names(names), made_of[1], made_of[2])
        self._names = (made_of, found)
        return found


IDENTIFIER_KINDS = {"place": "[place]", "institution": "[institution]", "other": "[identifier]"}


def read_identifiers(loaded: LoadedStudy, rejects: pd.DataFrame) -> tuple[list, pd.DataFrame]:
    """The study's optional identifiers file (kind, name, aliases): places,
    institutions and other words that identify people, each replaced by a label."""
    import csv

    from flows.errors import InputFileError

    relative = loaded.definition.privacy.identifiers
    if relative is None:
        return [], rejects
    path = loaded.root / relative
    from flows.study import inside

    if not inside(path, loaded.allowed_folders):
        raise InputFileError(str(path), "privacy.identifiers: outside the study folder; refused")
    if not path.is_file():
        raise InputFileError(str(path), "privacy.identifiers: file not found")
    found, bad = [], []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not {"kind", "name"} <= set(reader.fieldnames or []):
            raise InputFileError(str(path), "header: expected columns kind, name, aliases")
        for row in reader:
            kind = (row.get("kind") or "").strip()
            names = [row.get("name") or "", *(row.get("aliases") or "").split(";")]
            names = [n.strip() for n in names if n and n.strip()]
            if kind not in IDENTIFIER_KINDS or not names:
                bad.append(
                    {
                        "file": path.name,
                        "row": str(reader.line_num),
                        "element": "kind" if kind not in IDENTIFIER_KINDS else "name",
                        "reason": f"expected kind in {sorted(IDENTIFIER_KINDS)} and a name",
                    }
                )
                continue
            found.append((IDENTIFIER_KINDS[kind], names))
    if bad:
        rejects = pd.concat([rejects, pd.DataFrame(bad)], ignore_index=True)
    return found, rejects


def ingest(
    study_dir: Path,
    loaded: LoadedStudy | None = None,
    store: Path | None = None,
    *,
    for_run: bool = True,
) -> Ingested:
    """Load and validate the study file (unless the caller has: `loaded`), then
    every input it names. `store`: the output's private store, where the ids'
    name screen leaves the digest of a pass (`preflight.check_ingested`).
    `for_run`: the rejects and counts as a run publishes them, without a
    withdrawn participant's rows (decision 0384); `validate` lists them all."""
    loaded = loaded if loaded is not None else load_study(study_dir)
    data = ingest_study(loaded)
    identifiers, data.rejects = read_identifiers(loaded, data.rejects)
    data.excerpts, stale, data.rejects = read_stance_reviews(loaded, data.excerpts, data.rejects)
    if for_run:
        withdrawn.seal(data, *_people_files(loaded))  # no trace of them published (0384)
    reviewed = loaded.root / loaded.definition.privacy.names_reviewed
    found = Ingested(loaded, data, identifiers, stale, unknown_names.read_decisions(reviewed))
    preflight.check_ingested(found, store)  # ids name Prefect's task runs before the audit runs
    return found


def _people_files(loaded: LoadedStudy) -> tuple[str, str]:
    """The keys of the roster's and the interviews' counts (`StudyData.read_counts`):
    a QDA project's sources are its interviews."""
    roster = loaded.input_path("roster").name
    if loaded.input_spec("excerpts").format != "native":
        return roster, f"{loaded.input_path('excerpts').name} (sources)"
    return roster, loaded.input_path("interviews").name


def read_stance_reviews(
    loaded: LoadedStudy, excerpts: pd.DataFrame, rejects: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The researcher's reviewed stances (`[inputs] stance_reviews`) as the
    excerpts' `reviewed_stance`; stale or invalid review rows go to the rejects."""
    texts = dict(zip(excerpts["excerpt_id"].tolist(), excerpts["text"].tolist(), strict=True))
    relative = loaded.definition.inputs.stance_reviews
    reviews, bad = pd.DataFrame(columns=review.REVIEW_COLUMNS), []
    name = ""
    if relative:
        path = loaded.root / relative
        name = path.name
        reviews, bad = review.read_reviews(path, loaded.definition, label=str(path))
    out, stale, stale_rejects = review.apply_reviews(excerpts, texts, reviews, name)
    if bad or stale_rejects:
        rejects = pd.concat([rejects, pd.DataFrame([*bad, *stale_rejects])], ignore_index=True)
    return out, stale, rejects

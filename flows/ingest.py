"""Read and validate the native CSV inputs of a study.

Each reader is a plain function from a file to loaded rows plus rejects. A
reject names the file, the row (1-based line number, header = 1) or element,
and the reason. Reasons never echo cell values, which may hold personal data.

The native layout (one file each):

- roster.csv      person_id, role, case_ids, name, aliases, status
- interviews.csv  interview_id, person_id, mode, language
- excerpts.csv    excerpt_id, interview_id, case_id, code, stance, position, coder, text
- survey.csv      case_id, wave, <survey item ids...>, <context variable ids...>
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from flows.errors import InputFileError
from flows.study import LoadedStudy, Study

MAX_FIELD_CHARS = 20_000
STATUSES = ("active", "withdrawn")

ROSTER_COLUMNS = ("person_id", "role", "case_ids", "name", "aliases", "status")
INTERVIEW_COLUMNS = ("interview_id", "person_id", "mode", "language")
EXCERPT_COLUMNS = (
    "excerpt_id",
    "interview_id",
    "case_id",
    "code",
    "stance",
    "position",
    "coder",
    "text",
)


@dataclass
class Rejects:
    """Rows or elements not loaded, with why."""

    rows: list[dict] = field(default_factory=list)

    def add(self, file: Path | str, row: int | str, element: str, reason: str) -> None:
        self.rows.append(
            {"file": Path(file).name, "row": str(row), "element": element, "reason": reason}
        )

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=["file", "row", "element", "reason"])


@dataclass
class StudyData:
    """Everything ingested from one study, validated, ready to load."""

    persons: pd.DataFrame  # person_id, role, status (names are kept out on purpose)
    person_cases: pd.DataFrame  # person_id, case_id
    cases: pd.DataFrame  # case_id
    interviews: pd.DataFrame
    excerpts: pd.DataFrame
    survey: pd.DataFrame  # case_id, wave, item_id, value (long; missing stays missing)
    context: pd.DataFrame  # case_id, variable_id, value
    rejects: pd.DataFrame
    loaded_counts: dict[str, int]
    read_counts: dict[str, int]
    roster_names: list[tuple[str, str, list[str]]]  # (person_id, role, [name, aliases...])
    withdrawn: list[str]


def read_csv_rows(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """Rows of a UTF-8 CSV (BOM allowed) as (line number, row); checks the header."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [h.strip() for h in (reader.fieldnames or [])]
            missing = [c for c in required if c not in header]
            if missing:
                raise InputFileError(
                    str(path),
                    f"header: missing column(s) {', '.join(missing)}; expected {', '.join(required)}",
                )
            reader.fieldnames = header
            rows = []
            for row in reader:
                line = reader.line_num
                if None in row:
                    row.pop(None)
                    row["__extra__"] = "1"
                rows.append((line, {k: (v or "").strip() for k, v in row.items()}))
            return rows
    except UnicodeDecodeError as exc:
        raise InputFileError(
            str(path), f"not UTF-8 text (byte {exc.start}): {exc.reason}"
        ) from None
    except csv.Error as exc:
        raise InputFileError(str(path), f"malformed CSV: {exc}") from None


def _split_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def read_roster(path: Path, study: Study, rejects: Rejects):
    """People, their roles and cases; names stay here and go only to pseudonymisation."""
    roles = {r.id for r in study.roles}
    persons, person_cases, names = [], [], []
    for line, row in read_csv_rows(path, ROSTER_COLUMNS):
        pid = row["person_id"]
        if not pid:
            rejects.add(path, line, "person_id", "empty person_id")
            continue
        if any(p["person_id"] == pid for p in persons):
            rejects.add(path, line, "person_id", f"duplicate person_id {pid}")
            continue
        if row["role"] not in roles:
            rejects.add(path, line, "role", f"unknown role; expected one of {sorted(roles)}")
            continue
        status = row["status"] or "active"
        if status not in STATUSES:
            rejects.add(path, line, "status", f"expected one of {STATUSES}")
            continue
        cases = _split_list(row["case_ids"])
        if not cases:
            rejects.add(path, line, "case_ids", "no case ids (expected e.g. P3 or P1;P2)")
            continue
        persons.append({"person_id": pid, "role": row["role"], "status": status})
        person_cases += [{"person_id": pid, "case_id": c} for c in cases]
        names.append(
            (pid, row["role"], [n for n in [row["name"], *_split_list(row["aliases"])] if n])
        )
    return persons, person_cases, names


def read_interviews(path: Path, study: Study, person_ids: set[str], rejects: Rejects) -> list[dict]:
    interviews: list[dict] = []
    seen: set[str] = set()
    for line, row in read_csv_rows(path, INTERVIEW_COLUMNS):
        iid = row["interview_id"]
        if not iid or iid in seen:
            rejects.add(path, line, "interview_id", "empty or duplicate interview_id")
            continue
        if row["person_id"] not in person_ids:
            rejects.add(path, line, "person_id", "person_id not in the roster")
            continue
        language = row["language"] or study.study.language
        if language not in ("en", "da"):
            rejects.add(path, line, "language", "expected en or da")
            continue
        seen.add(iid)
        interviews.append(
            {
                "interview_id": iid,
                "person_id": row["person_id"],
                "mode": row["mode"],
                "language": language,
            }
        )
    return interviews


def parse_code(code: str, study: Study) -> tuple[str, str | None] | None:
    """Map a codebook path to (theme id, coded stance or None); None if unknown.

    A child code named after a stance of its theme ("Outcome/Eating habits/Improved")
    carries a coded stance.
    """
    code_map = study.code_map()
    sep = study.study.code_separator
    path = sep.join(part.strip() for part in code.split(sep))
    if path in code_map:
        return code_map[path], None
    parent, _, leaf = path.rpartition(sep)
    if parent in code_map:
        stance = leaf.strip().lower().replace(" ", "_").replace("-", "_")
        if stance in study.theme(code_map[parent]).stances:
            return code_map[parent], stance
    return None


def read_excerpts(
    path: Path,
    study: Study,
    interviews: dict[str, dict],
    person_role: dict[str, str],
    person_cases: dict[str, set[str]],
    withdrawn: set[str],
    rejects: Rejects,
) -> list[dict]:
    excerpts: list[dict] = []
    seen: set[str] = set()
    for line, row in read_csv_rows(path, EXCERPT_COLUMNS):
        eid = row["excerpt_id"]
        if not eid or eid in seen:
            rejects.add(path, line, "excerpt_id", "empty or duplicate excerpt_id")
            continue
        seen.add(eid)
        interview = interviews.get(row["interview_id"])
        if interview is None:
            rejects.add(path, line, "interview_id", "interview_id not in interviews.csv")
            continue
        person = interview["person_id"]
        if person in withdrawn:
            rejects.add(path, line, "excerpt", "informant withdrew consent; excerpt excluded")
            continue
        case_id = row["case_id"]
        if case_id not in person_cases.get(person, set()):
            rejects.add(
                path,
                line,
                "case_id",
                "case not among the cases this informant speaks about (roster case_ids)",
            )
            continue
        parsed = parse_code(row["code"], study)
        if parsed is None:
            rejects.add(path, line, "code", "code not mapped to any theme in study.toml")
            continue
        theme_id, coded = parsed
        stance_col = row["stance"].lower().replace(" ", "_")
        if stance_col:
            if stance_col not in study.theme(theme_id).stances:
                rejects.add(
                    path, line, "stance", f"expected one of {study.theme(theme_id).stances}"
                )
                continue
            coded = stance_col
        try:
            position = int(row["position"])
        except ValueError:
            rejects.add(path, line, "position", "expected a whole number (paragraph or offset)")
            continue
        text = row["text"]
        if not text:
            rejects.add(path, line, "text", "empty excerpt text")
            continue
        if len(text) > MAX_FIELD_CHARS:
            rejects.add(path, line, "text", f"longer than {MAX_FIELD_CHARS} characters")
            continue
        excerpts.append(
            {
                "excerpt_id": eid,
                "interview_id": row["interview_id"],
                "person_id": person,
                "role": person_role[person],
                "case_id": case_id,
                "code": row["code"],
                "theme_id": theme_id,
                "coded_stance": coded,
                "position": position,
                "coder": row["coder"],
                "language": interview["language"],
                "text": text,
            }
        )
    return excerpts


def _number(value: str) -> float | None:
    number = float(value.replace(",", ".")) if value else math.nan
    return None if math.isinf(number) else number


def read_survey(
    path: Path, study: Study, cases: set[str], withdrawn_cases: set[str], rejects: Rejects
):
    """Wide survey (one row per case and wave) -> long item values and baseline context."""
    layout = study.survey
    items = [i.id for i in study.survey_items]
    variables = [v.id for v in study.context_variables]
    rows = read_csv_rows(path, (layout.case_column, layout.wave_column))
    header = list(rows[0][1]) if rows else []
    for column in header:
        if column not in (layout.case_column, layout.wave_column, *items, *variables, "__extra__"):
            rejects.add(path, "header", column, "column not declared in study.toml; ignored")
    waves = {layout.baseline: "baseline", layout.followup: "followup"}
    values, context, seen = [], [], set()
    for line, row in rows:
        case_id = row[layout.case_column]
        if case_id not in cases:
            rejects.add(path, line, layout.case_column, "unknown case id (not in the roster)")
            continue
        if case_id in withdrawn_cases:
            rejects.add(path, line, "row", "participant withdrew consent; survey row excluded")
            continue
        wave = waves.get(row[layout.wave_column])
        if wave is None:
            rejects.add(path, line, layout.wave_column, f"unknown wave; expected {sorted(waves)}")
            continue
        if (case_id, wave) in seen:
            rejects.add(path, line, "row", f"duplicate row for this case at wave {wave}")
            continue
        seen.add((case_id, wave))
        for item in items:
            raw = row.get(item, "")
            try:
                number = _number(raw)
            except ValueError:
                rejects.add(path, line, item, "expected a number; value treated as missing")
                number = math.nan
            if number is None:
                rejects.add(path, line, item, "infinite value; treated as missing")
                number = math.nan
            values.append({"case_id": case_id, "wave": wave, "item_id": item, "value": number})
        if wave == "baseline":
            context += [
                {"case_id": case_id, "variable_id": v, "value": row.get(v, "")}
                for v in variables
                if row.get(v, "")
            ]
    return values, context, len(rows)


def ingest_study(loaded: LoadedStudy) -> StudyData:
    """Read every input file of the study; invalid rows go to the rejects."""
    study = loaded.definition
    rejects = Rejects()
    roster_path = loaded.input_path("roster")
    persons, person_cases, names = read_roster(roster_path, study, rejects)
    withdrawn = {p["person_id"] for p in persons if p["status"] == "withdrawn"}
    person_role = {p["person_id"]: p["role"] for p in persons}
    cases_of: dict[str, set[str]] = {}
    for pc in person_cases:
        cases_of.setdefault(pc["person_id"], set()).add(pc["case_id"])
    per_case_roles = {r.id for r in study.roles if r.per_case}
    cases = sorted(
        {pc["case_id"] for pc in person_cases if person_role[pc["person_id"]] in per_case_roles}
    )
    case_set = set(cases)
    for pc in person_cases:
        if pc["case_id"] not in case_set:
            rejects.add(
                roster_path, pc["person_id"], "case_ids", "case id has no peer or supporter"
            )
    person_cases = [pc for pc in person_cases if pc["case_id"] in case_set]
    withdrawn_cases = {
        pc["case_id"]
        for pc in person_cases
        if pc["person_id"] in withdrawn and person_role[pc["person_id"]] == "peer"
    }

    interviews_path = loaded.input_path("interviews")
    interviews = read_interviews(interviews_path, study, set(person_role), rejects)
    excerpts_path = loaded.input_path("excerpts")
    excerpts = read_excerpts(
        excerpts_path,
        study,
        {i["interview_id"]: i for i in interviews},
        person_role,
        cases_of,
        withdrawn,
        rejects,
    )
    survey_path = loaded.input_path("survey")
    survey, context, survey_rows = read_survey(
        survey_path, study, case_set, withdrawn_cases, rejects
    )
    reject_frame = rejects.frame()

    def read_count(path: Path) -> int:
        return len(read_csv_rows(path, ()))

    return StudyData(
        persons=pd.DataFrame(persons, columns=["person_id", "role", "status"]),
        person_cases=pd.DataFrame(person_cases, columns=["person_id", "case_id"]),
        cases=pd.DataFrame({"case_id": cases}),
        interviews=pd.DataFrame(interviews, columns=list(INTERVIEW_COLUMNS)),
        excerpts=pd.DataFrame(
            excerpts,
            columns=[
                "excerpt_id",
                "interview_id",
                "person_id",
                "role",
                "case_id",
                "code",
                "theme_id",
                "coded_stance",
                "position",
                "coder",
                "language",
                "text",
            ],
        ),
        survey=pd.DataFrame(survey, columns=["case_id", "wave", "item_id", "value"]),
        context=pd.DataFrame(context, columns=["case_id", "variable_id", "value"]),
        rejects=reject_frame,
        loaded_counts={
            "roster.csv": len(persons),
            "interviews.csv": len(interviews),
            "excerpts.csv": len(excerpts),
            "survey.csv": len({(s["case_id"], s["wave"]) for s in survey}),
        },
        read_counts={
            "roster.csv": read_count(roster_path),
            "interviews.csv": read_count(interviews_path),
            "excerpts.csv": read_count(excerpts_path),
            "survey.csv": survey_rows,
        },
        roster_names=names,
        withdrawn=sorted(withdrawn),
    )

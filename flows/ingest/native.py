"""Interviews and excerpts in the native CSV layout (docs/input-formats.md).

Each row is loaded or goes to the rejects with the file, the row and the
reason: unknown interview or informant, withdrawn informant, a case the
informant does not speak about, a code that maps to no theme, a bad stance,
position or text.
"""

from __future__ import annotations

import math
from pathlib import Path

from flows.codes import WITHDRAWN_EXCERPT, parse_code, unmapped_reason
from flows.ingest.rows import _rows
from flows.readers.common import MAX_FIELD_CHARS, Rejects
from flows.readers.tables import plain_columns
from flows.study import InputSpec, Study
from flows.study.languages import language_code

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


def read_interviews(
    path: Path,
    study: Study,
    person_ids: set[str],
    rejects: Rejects,
    read_counts: dict[str, int] | None = None,
    spec: InputSpec | None = None,
) -> list[dict]:
    interviews: list[dict] = []
    seen: set[str] = set()
    for line, row in _rows(path, INTERVIEW_COLUMNS, read_counts, rejects, spec):
        iid = row["interview_id"]
        if not iid or iid in seen:
            rejects.add(path, line, "interview_id", "empty or duplicate interview_id")
            continue
        if row["person_id"] not in person_ids:
            rejects.add(path, line, "person_id", "person_id not in the roster")
            continue
        language = language_code(row["language"]) if row["language"] else study.study.language
        if language is None:
            rejects.add(
                path,
                line,
                "language",
                "expected a two-letter language code (en, da, nb...) or a name (English, Norsk...)",
            )
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


def read_excerpts(
    path: Path,
    study: Study,
    interviews: dict[str, dict],
    person_role: dict[str, str],
    person_cases: dict[str, set[str]],
    withdrawn: set[str],
    rejects: Rejects,
    read_counts: dict[str, int] | None = None,
    spec: InputSpec | None = None,
) -> list[dict]:
    excerpts: list[dict] = []
    seen: set[str] = set()
    codes: dict[str, tuple[str, str | None] | None] = {}  # parse_code per distinct code
    for line, row in _rows(path, EXCERPT_COLUMNS, read_counts, rejects, spec):
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
            rejects.add(path, line, "excerpt", WITHDRAWN_EXCERPT)
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
        if row["code"] not in codes:
            codes[row["code"]] = parse_code(row["code"], study)
        parsed = codes[row["code"]]
        if parsed is None:
            rejects.add(path, line, "code", unmapped_reason(row["code"], study))
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


def excerpt_columns(
    path: Path,
    study: Study,
    known: tuple[dict[str, dict], dict[str, str], dict[str, set[str]], set[str]],
    read_counts: dict[str, int] | None = None,
    spec: InputSpec | None = None,
) -> dict[str, list] | None:
    """`read_excerpts` of a file whose every row loads, as the excerpt frame's
    columns, made a column at a time (decision 0269);
    None when any row would be rejected, or the file is not a plain CSV table
    (`plain_columns`): `read_excerpts` then reads it row by row and rejects as
    ever. Each check is `read_excerpts`' own, applied to every row. `known`:
    `read_excerpts`' interviews, person roles, person cases and withdrawn people."""
    interviews, person_role, person_cases, withdrawn = known
    table = plain_columns(
        path,
        EXCERPT_COLUMNS,
        encoding=spec.encoding if spec else "utf-8",
        delimiter=spec.delimiter if spec else None,
    )
    if table is None:
        return None
    n, cells = table
    if not n:
        return None  # nothing to load: the frame of no rows is made as ever
    ids, interview_ids, case_ids, codes = (cells[c] for c in EXCERPT_COLUMNS[:4])
    if not all(ids) or len(set(ids)) != n:
        return None  # an empty or repeated id
    found = [interviews.get(i) for i in interview_ids]
    if any(i is None for i in found):
        return None
    people = [i["person_id"] for i in found]
    if not withdrawn.isdisjoint(people):
        return None
    if not all(c in person_cases.get(p, ()) for p, c in zip(people, case_ids, strict=True)):
        return None
    parsed = {code: parse_code(code, study) for code in dict.fromkeys(codes)}
    if any(p is None for p in parsed.values()):
        return None
    themes = [parsed[code][0] for code in codes]
    coded = [parsed[code][1] for code in codes]
    stances = [s.lower().replace(" ", "_") for s in cells["stance"]]
    allowed = {t: study.theme(t).stances for t in dict.fromkeys(themes)}
    if not all(not s or s in allowed[t] for s, t in zip(stances, themes, strict=True)):
        return None
    try:
        positions = list(map(int, cells["position"]))
    except ValueError:
        return None
    texts = cells["text"]
    if not all(texts) or max(map(len, texts), default=0) > MAX_FIELD_CHARS:
        return None
    if read_counts is not None:
        read_counts[path.name] = n
    return {
        "excerpt_id": ids,
        "interview_id": interview_ids,
        "person_id": people,
        "role": [person_role[p] for p in people],
        "case_id": case_ids,
        "code": codes,
        "theme_id": themes,
        "coded_stance": [s or c for s, c in zip(stances, coded, strict=True)],
        "position": positions,
        "coder": cells["coder"],
        "language": [i["language"] for i in found],
        "text": texts,
        "selection_id": [math.nan] * n,  # native rows have none (`read_excerpts`' frame: NaN)
    }

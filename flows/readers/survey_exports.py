"""What real survey exports carry besides answers (decision 0201).

- Qualtrics CSV/XLSX exports put one or two more header rows under the
  column names: the question texts, then (since 2017) a row of import ids
  (`{"ImportId":"QID1"}`); the legacy format has column names `V1`, `V2`, ...
  and the question texts in row 2. `qualtrics_header_rows` finds those rows,
  so they are read as headers (with a note), never as a respondent.
  `qualtrics_own_columns` names the columns Qualtrics adds to every export
  (start and end dates, status, progress, duration, response id, language...),
  which are neither answers nor context (decision 0289).
- Online form tools (Google Forms, Microsoft Forms) put the time of each
  response in a column of their own ("Timestamp", "Start time", "Completion
  time"): `form_tool_columns` names them, neither answers nor context
  (decision 0450).
- Columns holding personal data (REDCap fields the data dictionary flags as
  identifiers; names, e-mail, phone, address, birth date, IP address and
  location by their column names, Qualtrics's recipient and location columns)
  are never drafted as context by `triangulate init`: `personal_columns`
  names them so the draft puts them in `ignore_columns`.
"""

from __future__ import annotations

import re

IMPORT_ID = re.compile(r'^\{\s*"ImportId"\s*:\s*"(.*)"\s*\}$')
LEGACY_FIRST = ("ResponseID", "ResponseSet")

#: column names (lower case, letters and digits only) that hold personal data
PERSONAL_NAMES = {
    "name",
    "firstname",
    "lastname",
    "fullname",
    "surname",
    "givenname",
    "namefirst",
    "namelast",
    "recipientfirstname",
    "recipientlastname",
    "recipientemail",
    "email",
    "emailaddress",
    "mail",
    "phone",
    "telephone",
    "mobile",
    "address",
    "streetaddress",
    "street",
    "postcode",
    "zipcode",
    "dob",
    "dateofbirth",
    "birthdate",
    "ipaddress",
    "ip",
    "locationlatitude",
    "locationlongitude",
    "latitude",
    "longitude",
    "cpr",
    "cprnumber",
    "ssn",
    "nhsnumber",
}
PERSONAL_STEMS = (
    "name",
    "email",
    "phone",
    "telephone",
    "address",
    "firstname",
    "lastname",
    "surname",
)


def qualtrics_header_rows(
    header: list[str], rows: list[tuple[str, dict[str, str]]]
) -> tuple[int, str] | None:
    """(how many of the first rows are Qualtrics header rows, a note) or None."""
    for count in (1, 2):
        if len(rows) < count:
            break
        cells = [v.strip() for k, v in rows[count - 1][1].items() if k != "__extra__"]
        filled = [c for c in cells if c]
        if filled and all(IMPORT_ID.match(c) for c in filled):
            return count, (
                f"read rows 2-{count + 1} as Qualtrics header rows (question texts and "
                "import ids), not as answers"
            )
    if header[:2] == ["V1", "V2"] and rows:
        first = rows[0][1]
        if tuple(first.get(h, "").strip() for h in ("V1", "V2")) == LEGACY_FIRST:
            return (
                1,
                "read row 2 as the legacy Qualtrics header row (question texts), not as answers",
            )
    return None


#: Qualtrics's own columns: their import ids (the export's third header row),
#: which are also their names (lower case, letters and digits only) in the
#: exports that have no import-id row
QUALTRICS_OWN = {
    "startdate",
    "enddate",
    "status",
    "ipaddress",
    "progress",
    "duration",
    "durationinseconds",
    "finished",
    "recordeddate",
    "recordid",
    "responseid",
    "recipientlastname",
    "recipientfirstname",
    "recipientemail",
    "externaldatareference",
    "externalreference",
    "locationlatitude",
    "locationlongitude",
    "distributionchannel",
    "userlanguage",
    "qrecaptchascore",
    "qrelevantidduplicate",
    "qrelevantidduplicatescore",
    "qrelevantidfraudscore",
    "qrelevantidlaststartdate",
}


def qualtrics_own_columns(header: list[str], import_ids: dict[str, str]) -> set[str]:
    """The columns of a Qualtrics export that Qualtrics adds itself, by their
    import id (`{"ImportId":"startDate"}`) or, without one, by their name."""
    own = set()
    for column in header:
        found = IMPORT_ID.match(import_ids.get(column, "").strip())
        if _squash(found.group(1) if found else column) in QUALTRICS_OWN:
            own.add(column)
    return own


#: the columns an online form tool adds to its response sheet (squashed names):
#: Google Forms's "Timestamp", Microsoft Forms's start, completion and last
#: modified times (decision 0450)
FORM_TOOL_OWN = {"timestamp", "starttime", "completiontime", "lastmodifiedtime"}


def form_tool_columns(header: list[str]) -> set[str]:
    """The response-time columns of an online form tool's sheet."""
    return {column for column in header if _squash(column) in FORM_TOOL_OWN}


def _squash(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def looks_personal(column: str) -> bool:
    """Whether a column's name says it holds personal data."""
    squashed = _squash(column)
    if squashed in PERSONAL_NAMES:
        return True
    parts = re.split(r"[^a-z0-9]+", column.lower())
    return any(_squash(p) in PERSONAL_STEMS for p in parts if p)


def personal_columns(
    header: list[str], identifiers: set[str], labels: dict[str, str] | None = None
) -> list[str]:
    """The columns `init` must not draft as context: flagged identifiers
    (REDCap) and personal data by name or by the label the file gives the
    column (legacy Qualtrics: `V6` is `IPAddress`), in header order."""
    labels = labels or {}
    return [
        h
        for h in header
        if h in identifiers or looks_personal(h) or looks_personal(labels.get(h, ""))
    ]

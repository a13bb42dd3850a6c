"""The survey half of `triangulate init`: items, context variables and waves
guessed from a survey export (REDCap with its data dictionary, SPSS, Stata,
or a wide CSV/XLSX).

A file without a wave column whose column names pair up by a suffix or
prefix (`walk_t0`/`walk_t1`, `pre_walk`/`post_walk`) is drafted with the
waves in columns (`wave_columns`). A column answered again after baseline
and holding numbers is drafted as a survey item (its smallest change that counts guessed as half a baseline
standard deviation, Norman et al. 2003); a column answered at baseline only,
or a checkbox, as a context variable. Every guess is marked for checking by
`flows.init`.
"""

from __future__ import annotations

import json
import math
import re
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from flows.readers.common import Rejects
from flows.readers.missing_labels import labelled_missing_codes
from flows.readers.redcap import DICT_COLUMNS, REDCAP_SYSTEM, _dict_column
from flows.readers.survey_exports import personal_columns
from flows.readers.surveys import _norm_wave, read_survey_table
from flows.readers.tables import read_table
from flows.study import InputSpec, infer_format

CASE_COLUMNS = (
    "record_id",
    "case_id",
    "case",
    "id",
    "participant_id",
    "respondent_id",
    "responseid",  # Qualtrics
)
WAVE_COLUMNS = (
    "redcap_event_name",
    "wave",
    "event",
    "timepoint",
    "time",
    "visit",
    # Norwegian, Danish, Swedish
    "tidspunkt",
    "maletidspunkt",
    "måletidspunkt",
    "tidpunkt",
    "mättillfälle",
    "maling",
    "måling",
    "bolge",
    "bølge",
    "runde",
)


#: letters NFKD leaves without an ASCII base
SPELT_OUT = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "Ae",
        "ß": "ss",
        "œ": "oe",
        "Œ": "Oe",
        "đ": "d",
        "Đ": "D",
        "ł": "l",
        "Ł": "L",
        "þ": "th",
        "Þ": "Th",
        "ð": "d",
        "Ð": "D",
        "ı": "i",
    }
)


def slug(text: str, prefix: str = "v") -> str:
    """A study-file id (`^[a-z][a-z0-9_]*$`) made from any label."""
    import unicodedata

    # letters with no decomposition spelt as their languages do (støttemor: stottemor)
    text = text.translate(SPELT_OUT)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    value = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    if not value or not value[0].isalpha():
        value = f"{prefix}_{value}".rstrip("_")
    return value


@dataclass
class DraftItem:
    id: str
    column: str
    label: str
    mcid: float
    mcid_note: str
    #: the column's value labels (SPSS, Stata: "1" -> "Yes"), for its `better`
    value_labels: dict[str, str] = field(default_factory=dict)


@dataclass
class DraftVariable:
    id: str
    column: str
    label: str


@dataclass
class SurveyDraft:
    path: Path
    format: str
    dictionary: Path | None
    case_column: str
    wave_column: str
    case_values: list[str]
    waves: list[str]
    baseline: str | None  # None: the format's default names fit
    followup: str | None
    items: list[DraftItem] = field(default_factory=list)
    variables: list[DraftVariable] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # columns left out, with why
    #: "long", or "waves_in_columns" with `tags` (baseline/followup -> suffix or prefix)
    layout: str = "long"
    tag_kind: str = "suffix"
    tags: dict[str, str] = field(default_factory=dict)
    #: waves_in_columns: every tag found, in wave order (more than two: the middle ones unused)
    all_tags: list[str] = field(default_factory=list)
    #: waves_in_columns: columns of the waves not compared (drafted as ignore_columns)
    ignored: list[str] = field(default_factory=list)
    #: columns holding personal data or free text, never drafted (in ignore_columns;
    #: decision 0201)
    personal: list[str] = field(default_factory=list)
    #: False: no column is named like a wave (`wave_column` is the format's default)
    wave_found: bool = True
    #: the wave column's value labels (SPSS, Stata: 1 -> "Baseline (6 uker)")
    wave_labels: dict[str, str] = field(default_factory=dict)
    #: codes labelled as no answer (-99 "Missing") but not declared missing in the
    #: file, found in its cells: drafted as `missing_codes` (decision 0425)
    missing_codes: dict[str, str] = field(default_factory=dict)


def _number(text: str) -> float | None:
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _pick(header: list[str], wanted: tuple[str, ...]) -> str:
    lowered = {h.strip().lower(): h for h in header}
    for name in wanted:
        if name in lowered:
            return lowered[name]
    return header[0] if wanted is CASE_COLUMNS else (header[1] if len(header) > 1 else header[0])


def _redcap_labels(dictionary: Path) -> tuple[dict[str, tuple[str, str]], set[str]]:
    """Field name -> (label, field type) from a REDCap data dictionary, and the
    fields it flags as identifiers (`Identifier? = y`)."""
    meta = read_table(dictionary, label=str(dictionary))
    columns = {name: _dict_column(meta.header, name) for name in DICT_COLUMNS}
    flag = _dict_column(meta.header, "identifier")
    found, identifiers = {}, set()
    for _, row in meta.rows:
        name = row.get(columns["name"] or "", "").strip()
        if name:
            found[name] = (
                row.get(columns["label"] or "", "").strip(),
                row.get(columns["type"] or "", "").strip().lower(),
            )
            if flag and row.get(flag, "").strip().lower() in ("y", "yes", "1"):
                identifiers.add(name)
    return found, identifiers


def _mcid(values: list[float]) -> tuple[float, str]:
    if len(values) >= 2 and statistics.stdev(values) > 0:
        half = statistics.stdev(values) / 2
        rounded = float(f"{half:.2g}")
        return rounded, f"half the baseline standard deviation ({len(values)} cases)"
    return 1.0, "a placeholder: too few baseline values to estimate"


SEPARATORS = "_.-"
EARLY_WORDS = ("pre", "base", "baseline", "bl", "before", "start", "intake", "t0")
LATE_WORDS = ("post", "fu", "followup", "follow", "after", "end", "exit")


def _wave_order(tag: str) -> tuple[int, int, str]:
    """Sort key of a wave tag: named early/late words, then its number."""
    word = re.sub(r"[^a-z]", "", tag.lower())
    digits = re.findall(r"\d+", tag)
    rank = 0 if word in EARLY_WORDS else 2 if word in LATE_WORDS else 1
    return rank, int(digits[-1]) if digits else 0, tag


def _named_pair(first: str, second: str) -> bool:
    """Two wave tags named as an early and a late wave (`pre_`/`post_`,
    `_baseline`/`_followup`): one item answered at both is enough to go on."""
    ranks = {_wave_order(first)[0], _wave_order(second)[0]}
    return ranks == {0, 2}


def _tag_stems(header: list[str], kind: str) -> dict[str, set[str]]:
    """Wave tag candidate -> the stems it ends (suffix) or starts (prefix)."""
    found: dict[str, set[str]] = {}
    for column in header:
        for i, char in enumerate(column):
            if char not in SEPARATORS or i == 0 or i == len(column) - 1:
                continue
            if kind == "suffix":
                stem, tag = column[:i], column[i:]
            else:
                stem, tag = column[i + 1 :], column[: i + 1]
            if len(tag) <= 12:
                found.setdefault(tag, set()).add(stem)
    return found


def wave_columns(header: list[str]) -> tuple[str, list[str], list[str], set[str]] | None:
    """("suffix" or "prefix", the two wave tags drafted as baseline and
    follow-up, every wave tag in order, the stems answered at both) when
    column names pair up by wave, else None. The pair of tags sharing the most
    stems wins (at least two stems, so `age_band` and `income_band` alone are
    no waves, or one where the tags name an early and a late wave: `pre_tug`,
    `post_tug`); other tags ending most of those stems, or
    some and shaped alike (`_t2`), are further waves."""
    best: tuple[int, int, str, list[str], set[str]] | None = None
    for kind in ("suffix", "prefix"):
        stems = _tag_stems(header, kind)
        tags = sorted(stems)
        for a, first in enumerate(tags):
            for second in tags[a + 1 :]:
                shared = stems[first] & stems[second]
                if len(shared) < 2 and not (shared and _named_pair(first, second)):
                    continue
                key = (len(shared), -len(first + second))
                if best is None or key > best[:2]:
                    best = (*key, kind, sorted([first, second], key=_wave_order), shared)
    if best is None:
        return None
    _, _, kind, pair, shared = best
    stems = _tag_stems(header, kind)
    shape = re.sub(r"\d+", "#", pair[0])
    group = [
        t
        for t in stems
        if len(stems[t] & shared) * 2 >= len(shared)
        or (stems[t] & shared and re.sub(r"\d+", "#", t) == shape)
    ]
    return kind, pair, sorted(group, key=_wave_order), shared


def _case_column(table, cases: list[str]) -> str:
    """The column holding the QDA project's case ids (a Qualtrics embedded data
    field `client_id`, say): the one whose values are most often case ids, if
    any is; else the first column named like a case or record id."""
    wanted = set(cases)
    best = (0, "")
    for column in table.header if wanted else []:
        values = {row.get(column, "").strip() for _, row in table.rows} - {""}
        hits = len(values & wanted)
        if hits * 2 >= len(values) and hits > best[0]:
            best = (hits, column)
    return best[1] or _pick(table.header, CASE_COLUMNS)


def draft_survey(
    path: Path, dictionary: Path | None = None, cases: list[str] | None = None
) -> SurveyDraft:
    """Read a survey export and guess its layout, items and context variables;
    `cases`: the QDA project's case ids, to find the column holding them."""
    fmt = "redcap" if dictionary is not None else infer_format(str(path))
    spec = InputSpec(path=path.name, format=fmt, dictionary=dictionary.name if dictionary else None)
    table = read_survey_table(path, spec, Rejects(), dictionary)
    header = table.header
    case_column = _case_column(table, cases or [])
    fields, identifiers = _redcap_labels(dictionary) if dictionary is not None else ({}, set())
    personal = personal_columns(header, identifiers, table.column_labels)
    personal += [c for c in header if c in table.free_text and c not in personal]
    bookkeeping = {case_column, *REDCAP_SYSTEM}
    personal = [c for c in personal if c not in bookkeeping and c.lower() not in WAVE_COLUMNS]
    lowered = {h.strip().lower() for h in header}
    paired = None if lowered & set(WAVE_COLUMNS) else wave_columns(header)
    if paired is not None:
        draft = _draft_waves_in_columns(table, fmt, dictionary, case_column, paired, personal)
        draft.personal = personal
        return draft
    wave_found = bool(lowered & set(WAVE_COLUMNS))
    repeated = None if wave_found or paired is not None else _repeat_column(table, case_column)
    if wave_found:
        wave_column = _pick(header, WAVE_COLUMNS)
    elif repeated is not None:  # named otherwise, but it tells each case's rows apart
        wave_column, wave_found = repeated, True
    else:  # never a data column's values (a name, say) taken for waves
        wave_column = "redcap_event_name" if fmt == "redcap" else "wave"
    waves: list[str] = []
    for _, row in table.rows:
        wave = row.get(wave_column, "").strip()
        if wave and wave not in waves:
            waves.append(wave)
    normalised = {_norm_wave(table.labels.get(wave_column, {}).get(w, w)) for w in waves}
    defaults = fmt in ("redcap", "spss", "stata") and {"baseline", "followup"} <= normalised
    baseline = None if defaults else (waves[0] if waves else "baseline")
    same_arm = _one_arm(waves) if fmt == "redcap" else waves
    followup = None if defaults else (same_arm[-1] if waves else "followup")
    skip = {case_column, wave_column, *table.system_columns, *personal}
    pair = None if defaults else _best_pair(table.rows, wave_column, same_arm, skip)
    if pair is not None:
        baseline, followup = pair
    first = baseline if pair is not None else (waves[0] if waves else "")
    cases = sorted({row.get(case_column, "").strip() for _, row in table.rows} - {""})
    draft = SurveyDraft(
        path, fmt, dictionary, case_column, wave_column, cases, waves, baseline, followup
    )
    draft.personal, draft.wave_found = personal, wave_found
    draft.wave_labels = dict(table.labels.get(wave_column, {}))
    draft.missing_codes = undeclared_codes(table)
    used: set[str] = set()
    for column in header:
        if column in (case_column, wave_column) or column in table.system_columns:
            continue
        if column in REDCAP_SYSTEM or column in personal:
            continue
        label, kind = fields.get(column, (table.column_labels.get(column, column), ""))
        in_first = [r.get(wave_column, "").strip() == first for _, r in table.rows]
        at_start = [
            r.get(column, "").strip() for (_, r), f in zip(table.rows, in_first, strict=True) if f
        ]
        later = [
            r.get(column, "").strip()
            for (_, r), f in zip(table.rows, in_first, strict=True)
            if not f
        ]
        numbers = [_number(v) for v in at_start if v and v not in draft.missing_codes]
        numeric = bool(numbers) and all(n is not None for n in numbers)
        ident = slug(column)
        while ident in used:
            ident += "_2"
        used.add(ident)
        if (
            kind != "checkbox"
            and numeric
            and any(later)
            and len(waves) > 1
            and not _constant(table.rows, case_column, wave_column, first, column)
        ):
            mcid, note = _mcid([n for n in numbers if n is not None])
            labels = dict(table.labels.get(column, {}))
            draft.items.append(DraftItem(ident, column, label or column, mcid, note, labels))
        elif any(at_start):
            draft.variables.append(DraftVariable(ident, column, label or column))
        else:
            draft.skipped.append(f"{column} (no answer at {first or 'the first wave'})")
    return draft


def undeclared_codes(table) -> dict[str, str]:
    """Codes some column labels as no answer and some cell of it holds (were they
    declared missing, the cell would be empty): code -> its label."""
    labelled = labelled_missing_codes(table.labels)
    held = {
        row.get(column, "").strip()
        for _, row in table.rows
        for column, mapping in table.labels.items()
        if row.get(column, "").strip() in mapping
    }
    return {code: label for code, label in sorted(labelled.items()) if code in held}


def missing_codes_lines(survey: SurveyDraft) -> list[str]:
    """`[survey] missing_codes` for the codes `undeclared_codes` found."""
    if not survey.missing_codes:
        return []
    codes = ", ".join(json.dumps(c) for c in survey.missing_codes)
    labels = ", ".join(json.dumps(label) for label in dict.fromkeys(survey.missing_codes.values()))
    return [
        f"missing_codes = [{codes}]  # check: labelled {labels} in the file but not declared "
        "missing there: read as no answer, never as numbers"
    ]


def _constant(rows, case_column: str, wave_column: str, first: str, column: str) -> bool:
    """Whether every case answered a column the same at every wave it answered it
    (age at enrolment, municipality, a coded gender): context, not an item."""
    start: dict[str, str] = {}
    for _, row in rows:
        if row.get(wave_column, "").strip() == first:
            start[row.get(case_column, "").strip()] = row.get(column, "").strip()
    later = [
        (row.get(case_column, "").strip(), row.get(column, "").strip())
        for _, row in rows
        if row.get(wave_column, "").strip() != first and row.get(column, "").strip()
    ]
    return bool(later) and all(start.get(case) == value for case, value in later)


def _repeat_column(table, case_column: str) -> str | None:
    """A column named like no wave that tells each case's rows apart (`tidspunkt`
    1/2, say): with the case it names every row once, it takes two to six values,
    and the case alone repeats. The one with the fewest values; a column of value
    labels first."""
    keys = [row.get(case_column, "").strip() for _, row in table.rows]
    if len(set(keys)) == len(keys):
        return None
    found = []
    for column in table.header:
        if column == case_column or column in table.system_columns:
            continue
        values = [row.get(column, "").strip() for _, row in table.rows]
        if "" in values or not 2 <= len(set(values)) <= 6:
            continue
        if len(set(zip(keys, values, strict=True))) == len(keys):
            found.append((column not in table.labels, len(set(values)), column))
    return min(found)[2] if found else None


def _best_pair(rows, wave_column: str, waves: list[str], skip: set[str]) -> tuple[str, str] | None:
    """The two waves sharing the most columns answered with numbers (earliest
    baseline, then latest follow-up, on ties), when that beats the first and
    the last wave: a REDCap project asks its measures at visits, not at the
    enrollment event."""
    if len(waves) < 3:
        return None
    answered: dict[str, set[str]] = {w: set() for w in waves}
    for _, row in rows:
        wave = row.get(wave_column, "").strip()
        if wave in answered:
            answered[wave] |= {
                c for c, v in row.items() if c not in skip and v.strip() and _number(v) is not None
            }
    best, best_key = None, (len(answered[waves[0]] & answered[waves[-1]]), 0, 0)
    for i, first in enumerate(waves):
        for j in range(len(waves) - 1, i, -1):
            key = (len(answered[first] & answered[waves[j]]), -i, j)
            if key[0] > best_key[0]:
                best, best_key = (first, waves[j]), key
    return best


def _one_arm(events: list[str]) -> list[str]:
    """REDCap events of the first event's arm (`visit_1_arm_1`): a follow-up is
    guessed among them, not in another arm."""
    arm = re.search(r"_arm_\d+[a-z]?$", events[0]) if events else None
    return [e for e in events if e.endswith(arm.group(0))] if arm else events


def _draft_waves_in_columns(
    table, fmt: str, dictionary: Path | None, case_column: str, paired, personal: list[str]
) -> SurveyDraft:
    """The draft of a file with one row per case and the waves in columns:
    a stem answered at the first and the last wave and holding numbers is an
    item; other columns answered are context (read from their one column)."""
    kind, (first, last), tags, stems = paired

    def column(stem: str, tag: str) -> str:
        return stem + tag if kind == "suffix" else tag + stem

    cases = sorted({row.get(case_column, "").strip() for _, row in table.rows} - {""})
    draft = SurveyDraft(table.file, fmt, dictionary, case_column, "", cases, [], None, None)
    draft.layout, draft.tag_kind, draft.all_tags = "waves_in_columns", kind, list(tags)
    draft.tags = {"baseline": first, "followup": last}
    wave_of_column = {column(stem, tag): stem for stem in stems for tag in tags}
    used: set[str] = set()
    for name in table.header:
        if name == case_column or name in table.system_columns or name in personal:
            continue
        stem = wave_of_column.get(name)
        if stem is not None and name != column(stem, first):
            if name != column(stem, last):
                draft.ignored.append(name)
            continue
        values = [r.get(name, "").strip() for _, r in table.rows]
        ident = slug(stem if stem is not None else name)
        while ident in used:
            ident += "_2"
        used.add(ident)
        later = [r.get(column(stem, last), "").strip() for _, r in table.rows] if stem else []
        numbers = [_number(v) for v in values if v]
        if stem is not None and numbers and all(n is not None for n in numbers) and any(later):
            mcid, note = _mcid([n for n in numbers if n is not None])
            labels = dict(table.labels.get(column(stem, first), {}))
            draft.items.append(DraftItem(ident, stem, stem, mcid, note, labels))
        elif any(values):
            draft.variables.append(DraftVariable(ident, name, name))
            if stem is not None:  # not a number: context, its later column unused
                draft.ignored.append(column(stem, last))
        else:
            draft.skipped.append(f"{name} (no answer)")
    return draft

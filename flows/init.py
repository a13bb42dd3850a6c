"""`triangulate init`: draft `study.toml` and a roster template from the exports.

`init_study` reads the QDA project or export (`flows.init_qda`) and the
survey (`flows.init_survey`), then writes a study file in which every guess
carries a `# check:` comment saying what to confirm, and a roster with one
row per person found (ids, roles and cases; `name` and `aliases` left for the
researcher, since they drive pseudonymisation). The draft loads as it is;
`triangulate validate` then lists whatever still needs a decision.
"""

from __future__ import annotations

import csv
import os
import shlex
import shutil
import sys
from pathlib import Path

from flows.errors import InputFileError
from flows.init_domains import _domain  # noqa: F401 (tests read it here)
from flows.init_qda import QdaDraft, draft_qda
from flows.init_sections import _render_items, _render_roles, _render_themes, inline, q
from flows.init_survey import SurveyDraft, draft_survey, missing_codes_lines, slug
from flows.study import QDA_FORMATS

# ---------------------------------------------------------------- writing the draft


def command_name(argv0: str | None = None) -> str:
    """`triangulate` as the researcher can type it again: the bare name when
    the shell finds this very program by it, else the path it was started by
    (`.venv/bin/triangulate`: the README's commands, no activated venv)."""
    argv0 = sys.argv[0] if argv0 is None else argv0
    if Path(argv0).name != "triangulate":
        return "triangulate"
    found = shutil.which("triangulate")
    if found and Path(found).resolve() == Path(argv0).resolve():
        return "triangulate"
    return shlex.quote(os.path.relpath(argv0) if os.path.isabs(argv0) else argv0)


def _rel(path: Path, out: Path) -> str:
    return Path(os.path.relpath(path.resolve(), out.resolve())).as_posix()


def _survey_case_ids(survey: SurveyDraft, cases: list[str]) -> tuple[dict[str, str], str]:
    """Survey record -> case id, and the comment saying how it was found."""
    records = survey.case_values
    if not records or set(records) <= set(cases):
        return {}, "the survey's case column holds the case ids"
    # ids typed by the participants in a form ("c02", "C 03"): the case they spell
    spelt = {"".join(c.split()).casefold(): c for c in cases}
    typed = {r: spelt.get("".join(r.split()).casefold()) for r in records}
    if all(typed.values()):
        differ = {r: c for r, c in typed.items() if r != c}
        return differ, (
            f"check: {', '.join(q(r) for r in differ)} typed otherwise than the case "
            f"{'id' if len(differ) == 1 else 'ids'} (case and spaces)"
        )
    if len(records) == len(cases):
        pairs = dict(zip(records, sorted(cases), strict=True))
        return pairs, (
            "check: PAIRED BY SORT ORDER ONLY: make each survey record point at its own case"
        )
    return {}, (
        f"check: {len(records)} survey records, {len(cases)} cases: map each record to its "
        'case, e.g. case_ids = { "1001" = "' + (cases[0] if cases else "C01") + '" }'
    )


def _dialect_note(qda: QdaDraft) -> str:
    """What the `dialect` line's comment says: how positions were found to be
    counted, or, for a segment export (each row holds its passage's text), that
    there are none to count (walk 13: it said "detected: (no positions)"; walk 14:
    "detected: detected utf-16")."""
    if qda.format != "refi-qda":
        return "not used: the export gives each passage's text, not character positions"
    return f"positions: {qda.scheme_evidence or 'no selections to detect them from'}"


def _privacy_lines(inputs: list[Path], out: Path) -> list[str]:
    """Input files stay where the researcher keeps them: allow their folders
    (only files inside the study folder or an allowed folder are ever read)."""
    folders = sorted(
        {
            _rel(path.resolve().parent, out)
            for path in inputs
            if not path.resolve().is_relative_to(out.resolve())
        }
    )
    if not folders:
        return []
    return [
        "",
        "[privacy]",
        f"allow_files_from = [{', '.join(q(f) for f in folders)}]  # check: the exports' folders; or move the "
        "files into this folder and delete this line",
    ]


def render_study(qda: QdaDraft, survey: SurveyDraft | None, out: Path, study_id: str) -> str:
    lines = [
        f"# Drafted by `triangulate init` from {qda.path.name}"
        + (f" and {survey.path.name}" if survey else "")
        + ".",
        "# Every guess is marked `# check:`. Change what is wrong, fill in roster.csv, then run",
        f"# `{command_name()} validate {shlex.quote(str(out))}`. Every key is described in docs/study-file.md.",
        "",
        "[study]",
        f"id = {q(study_id)}  # check: a short id (lowercase letters, digits, -)",
        f"title = {q(study_id.replace('-', ' ').capitalize())}  # check: the study's title",
        f"language = {q(qda.language)}  # check: the interviews' language ({qda.language_note})",
        f"code_separator = {q(qda.separator)}",
        "",
        "[inputs]",
        'roster = "roster.csv"  # check: fill in every name and alias (they are replaced in excerpts)',
        f"excerpts = {{ path = {q(_rel(qda.path, out))}, format = {q(qda.format)} }}",
    ]
    if survey is None:
        lines.append('survey = "survey.csv"  # check: no survey given; point this at yours')
    elif survey.dictionary is not None:
        lines.append(
            f"survey = {{ path = {q(_rel(survey.path, out))}, format = {q(survey.format)}, "
            f"dictionary = {q(_rel(survey.dictionary, out))} }}"
        )
    else:
        lines.append(
            f"survey = {{ path = {q(_rel(survey.path, out))}, format = {q(survey.format)} }}"
        )
    survey_files = [survey.path, survey.dictionary] if survey else []
    lines += _privacy_lines([qda.path, *(f for f in survey_files if f is not None)], out)
    lines += ["", "[qda]", f'dialect = "auto"  # {_dialect_note(qda)}']
    if qda.person_variable:
        lines.append(
            f'person = {{ from = "variable", name = {q(qda.person_variable)} }}  '
            "# check: the source variable naming who speaks (a roster person_id)"
        )
    else:
        lines.append(
            f'person = {{ from = "source_name", values = {inline(qda.person_values)} }}  '
            "# check: who speaks in each source (source name -> roster person_id)"
        )
    if qda.role_variable:
        lines.append(
            f'role = {{ from = "variable", name = {q(qda.role_variable)}, '
            f"values = {inline(qda.role_values)} }}  # check: the variable giving each "
            f"informant's role ({qda.role_evidence})"
        )
    elif qda.role_pattern:
        values = f", values = {inline(qda.role_values)}" if qda.role_values else ""
        lines.append(
            f"role = {{ from = \"source_name\", pattern = '{qda.role_pattern}'{values} }}  "
            f"# check: each informant's role from {qda.role_evidence}; documents without "
            'one are "informant"'
        )
    if qda.case_folder:
        lines.append(
            f'case = {{ from = "code_folder", folder = {q(qda.case_folder)} }}  # check: the '
            f"codes under {qda.case_folder} name the case a passage is about "
            f"({len(qda.cases)} found); a source without them speaks about its one roster case"
        )
    elif qda.cases:
        values = {k: v for k, v in qda.case_values.items() if k != v}
        mapped = f", values = {inline(values)}" if values else ""
        lines.append(
            f'case = {{ from = "qda_case"{mapped} }}  # check: QDA cases -> case ids ({len(qda.cases)} found)'
        )
    else:
        lines.append(
            'case = { from = "roster" }  # check: the project has no cases; '
            "each informant's case_ids in roster.csv decide"
        )
    if qda.mode_variable:
        lines.append(f"mode_variable = {q(qda.mode_variable)}  # check")
    if qda.language_variable:
        lines.append(f"language_variable = {q(qda.language_variable)}  # check")
    variable_ids = {}
    if qda.case_variables:
        lines += ["", "[qda.context_variables]", "# check: QDA case variables kept as case context"]
        for ident, name in qda.case_variables.items():
            variable_ids[ident] = name
            lines.append(f"{ident} = {q(name)}")
    survey_ids: dict[str, str] = {}
    if survey is not None:
        lines += ["", "[survey]"]
        default_case = "record_id" if survey.format == "redcap" else "case_id"
        default_wave = "redcap_event_name" if survey.format == "redcap" else "wave"
        if survey.case_column != default_case:
            lines.append(
                f"case_column = {q(survey.case_column)}  # check: the column naming the case"
            )
        if survey.layout == "waves_in_columns":
            lines += _waves_in_columns_lines(survey)
        elif not survey.wave_found:
            lines.append(
                f"wave_column = {q(survey.wave_column)}  # check: no column is named like a wave "
                "(an event, visit or time point): name the column telling baseline from "
                "follow-up; a file per wave must be joined into one first"
            )
        elif survey.wave_column != default_wave:
            lines.append(
                f"wave_column = {q(survey.wave_column)}  # check: the column naming the wave"
            )
        if survey.personal and survey.layout != "waves_in_columns":
            lines.append(_personal_line(survey))
        if survey.baseline is not None and survey.wave_found:
            events = ", ".join(
                f"{w} ({survey.wave_labels[w]})" if w in survey.wave_labels else w
                for w in survey.waves
            )
            lines.append(f"baseline = {q(survey.baseline)}  # check: waves found: {events}")
            lines.append(f"followup = {q(survey.followup or '')}  # check")
        elif survey.baseline is not None:
            lines.append(f"baseline = {q(survey.baseline)}  # check")
            lines.append(f"followup = {q(survey.followup or '')}  # check")
        lines += missing_codes_lines(survey)
        survey_ids, note = _survey_case_ids(survey, qda.cases)
        if survey_ids:
            lines.append(f"case_ids = {inline(survey_ids)}  # {note}")
        else:
            lines.append(f"# {note}")
        columns = {i.id: i.column for i in survey.items if i.id != i.column}
        columns |= {v.id: v.column for v in survey.variables if v.id != v.column}
        if columns:
            lines += ["", "[survey.columns]"] + [f"{k} = {q(v)}" for k, v in columns.items()]
    lines += _render_roles(qda) + _render_themes(qda, survey)
    lines += _render_items(qda, survey, set(variable_ids))
    lines += [
        "",
        "[rules]",
        "# check: the classification's thresholds (docs/methods.md)",
        "min_roles_corroborating = 1",
        "min_roles_without_survey = 2",
        "min_outcome_themes = 1",
    ]
    return "\n".join(lines) + "\n"


def _waves_in_columns_lines(survey: SurveyDraft) -> list[str]:
    """[survey] lines of a file with one row per case and the waves in columns."""
    found = ", ".join(survey.all_tags)
    lines = [
        'layout = "waves_in_columns"  # check: one row per case, a column per item and wave',
        f"wave_{survey.tag_kind}es = {inline(survey.tags)}  # check: the {survey.tag_kind}es "
        f"found: {found} (the two waves compared)",
    ]
    if survey.ignored:
        lines.append(
            f"ignore_columns = [{', '.join(q(c) for c in survey.ignored + survey.personal)}]"
            "  # check: columns of waves not compared, or of context answered again"
            + (", and personal data or free text (never read)" if survey.personal else "")
        )
    elif survey.personal:
        lines.append(_personal_line(survey))
    return lines


def _personal_line(survey: SurveyDraft) -> str:
    """`ignore_columns` for columns holding personal data or free text (decision 0201)."""
    return (
        f"ignore_columns = [{', '.join(q(c) for c in survey.personal)}]  # personal data "
        "(identifier fields, names, e-mail, phone, address, birth date, IP address, "
        "location) or free text: never read, never drafted as context"
    )


def roster_rows(qda: QdaDraft) -> list[list[str]]:
    """The roster template: one row per person found, names left to fill in."""
    rows = [["person_id", "role", "case_ids", "name", "aliases", "status"]]
    for person in sorted(qda.people):
        entry = qda.people[person]
        per_case = qda.per_case.get(entry["role"], True)
        cases = ";".join(sorted(entry["cases"])) if per_case or qda.case_folder else ""
        rows.append([person, entry["role"], cases, "", "", "active"])
    return rows


def init_study(
    out: Path,
    *,
    qdpx: Path | None = None,
    segments: Path | None = None,
    fmt: str | None = None,
    survey: Path | None = None,
    dictionary: Path | None = None,
) -> Path:
    """Write `study.toml` and `roster.csv` into `out` (refusing to overwrite)."""
    if (qdpx is None) == (segments is None):
        raise InputFileError(
            "init", "give exactly one of --qdpx FILE or --segments FILE --format F"
        )
    if segments is not None and fmt not in set(QDA_FORMATS) - {"refi-qda", "segments"}:
        raise InputFileError(
            str(segments),
            "--format must be qualcoder, maxqda, dedoose, taguette or atlasti (ATLAS.ti's "
            "quotation export)",
        )
    if dictionary is not None and survey is None:
        raise InputFileError(str(dictionary), "--dictionary goes with --survey FILE")
    out.mkdir(parents=True, exist_ok=True)
    for name in ("study.toml", "roster.csv"):
        if (out / name).exists():
            raise InputFileError(str(out / name), "exists already; init never overwrites")
    qda = draft_qda(qdpx or segments, "refi-qda" if qdpx else fmt)
    drafted_survey = draft_survey(survey, dictionary, qda.cases) if survey is not None else None
    if drafted_survey is None:
        (out / "survey.csv").write_text("case_id,wave\n", encoding="utf-8")
    study_id = slug(out.resolve().name).replace("_", "-")
    (out / "study.toml").write_text(
        render_study(qda, drafted_survey, out, study_id), encoding="utf-8"
    )
    with (out / "roster.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(roster_rows(qda))
    return out / "study.toml"

"""Names where Prefect or a log line would meet them before the leak audit looks.

The leak audit reads a run's outputs, artifacts and log lines at the end, and
fails the run before anything is published. But Prefect stores some things as
the run goes, in its own database, and the leak audit cannot take them back:
the flow run's name and tags (the study id), its parameters (the study and
output folders, the cases to rebuild, the model) and each task run's name
(case ids, "render dossiers A to B"). So these are screened for roster names
first, and a hit stops the run before Prefect sees it (fail closed), with a
message naming the file and row, never the name.

- `check_run_parameters`: before the flow starts (`run_study`), against the
  roster's names (the only input read so far).
- `check_ingested`: at ingestion, against every name the audit knows: the
  study id, each case id and each person id (person ids make the labels
  "[peer P3]" that replace names). A run that passed leaves a digest of what
  it screened in the private store (`screened_digest`); the next run with the
  same names, ids and screening code skips the screen (decision 0268).
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from flows.errors import LeakError
from flows.privacy.matching import NameSet

if TYPE_CHECKING:
    from flows.study.loading import LoadedStudy

HINT = "it would name a person in Prefect's database and the logs before the leak audit runs"


def holds_name(names: NameSet, text: str) -> bool:
    """Whether `text` holds one of `names`, in any spelling the audit's screen knows."""
    return screening(names)(text)


def screening(names: NameSet) -> Callable[[str], bool]:
    """`holds_name` for many texts: the audit's screen looked up once. `screen_for`
    is memoised by the name set, whose hash is made anew from every name at each
    lookup: for 7,300 ids of a 1,000-case study that cost 0.2 s of CPU, four times
    the screening itself (decision 0268)."""
    from flows.privacy.audit import screen_for

    screen = screen_for(names)
    return lambda text: bool(text) and screen.holds_name(text)


def check_ingested(ingested, store: Path | None = None) -> None:
    """Stop when the study id, a person id or a case id of an ingested study
    (`flows.stage_ingest.Ingested`) holds a name the audit knows.

    `store` (the private store's folder): where a passed screen leaves its
    digest (`SCREENED`); when the digest there is this run's, the same names,
    ids and screening code passed before, and nothing is screened again."""
    named = unlisted_in_file_names(ingested.study)
    if named:
        raise LeakError("; ".join(named) + f" ({HINT}). Nothing was written.")
    names = ingested.name_set()
    if not names:
        return
    loaded, data = ingested.study, ingested.data
    people = sorted(set(data.persons["person_id"].tolist()) | set(data.person_cases["person_id"]))
    digest = screened_digest(names, loaded.definition.study.id, people, data) if store else ""
    if digest and _stored_digest(store / SCREENED) == digest:
        return
    roster = loaded.input_path("roster")
    problems = []
    holds = screening(names)
    if holds(loaded.definition.study.id):
        problems.append(f"{loaded.path.name}: [study] id holds a roster name")
    flagged = [p for p in people if holds(p)]
    flagged += sorted({p for p, c in zip(*_columns(data.person_cases), strict=True) if holds(c)})
    lines = _roster_lines(roster) if flagged else {}
    for person in dict.fromkeys(flagged):
        row = f"row {lines[person]}" if person in lines else "a row"
        what = "person_id" if holds(person) else "case_ids: a case id"
        problems.append(f"{roster.name}: {row}: {what} holds a roster name")
    on_roster = set(data.person_cases["case_id"])
    for number, case in enumerate(data.cases["case_id"].tolist(), 1):
        if case not in on_roster and holds(case):
            problems.append(f"case {number} of the excerpts: its id holds a roster name")
    problems += unlisted_in_ids(data, [*people, *data.cases["case_id"].tolist()], loaded)
    if problems:
        raise LeakError(
            "; ".join(problems[:20])
            + f" ({HINT}; choose ids that name no one). Nothing was written."
        )
    if digest:
        from flows.runs import write_private

        write_private(store / SCREENED, digest.encode())


#: an id holds a name only with three letters in a row ("E0012", "I3", "P3-a" cannot)
_THREE_LETTERS = re.compile(r"[^\W\d_]{3}")
_ID_SEPARATORS = re.compile(r"[-_.:/]+")


def unlisted_in_ids(
    data, pseudonyms: Iterable[str], loaded: LoadedStudy | None = None
) -> list[str]:
    """The excerpt and interview ids that hold a name nobody put on the roster (a
    title and a capitalised word, a capitalised gazetteer name: the screen of a
    run's name, decision 0327), as problems naming the table and the row, never
    the id (decision 0424). The audit searches outputs for roster names only, so
    such an id would be published. The words of person and case ids are the
    researcher's pseudonyms (published in the labels already): not names here."""
    from flows.privacy.unknown_names import WORD, NameGuard

    guard = NameGuard(vocabulary=[w for p in pseudonyms for w in WORD.findall(str(p))])

    def holds(value) -> bool:
        text = str(value)
        if not _THREE_LETTERS.search(text):
            return False
        return bool(guard.spans(text) or guard.spans(_ID_SEPARATORS.sub(" ", text)))

    problems = []
    for table, column in (("excerpts", "excerpt_id"), ("interviews", "interview_id")):
        frame = getattr(data, table, None)
        if frame is None or column not in frame:
            continue
        where = _file_name(loaded, table)
        for number, value in enumerate(frame[column].tolist(), 1):
            if holds(value):
                problems.append(
                    f"{where}: {table[:-1]} {number} (in the order read): {column} holds "
                    "a name nobody listed on the roster"
                )
    return problems


def _names_someone(texts: Iterable[str]) -> Callable[[str], bool]:
    """The screen of a run's name (decision 0327: a title and a capitalised word, a
    capitalised gazetteer name) for a file or folder name, as written and with
    `-_.:/` read as blanks, its extension left out; the words of `texts` (ids, the
    study's own) are no names."""
    from flows.privacy.unknown_names import WORD, NameGuard

    guard = NameGuard(vocabulary=[w for t in texts for w in WORD.findall(str(t))])

    def holds(name: str) -> bool:
        stem = Path(name).stem if Path(name).suffix[1:].isalnum() else name
        if not _THREE_LETTERS.search(stem):
            return False
        return bool(guard.spans(stem) or guard.spans(_ID_SEPARATORS.sub(" ", stem)))

    return holds


def unlisted_in_file_names(loaded: LoadedStudy) -> list[str]:
    """The study file's inputs whose file name, or a folder of it inside the study
    folder, names a person nobody listed (decision 0446): an input's file name is
    published in every page's provenance and the manifest, and the audit looks
    for roster names only. Says which input (its study-file key), never the name."""
    holds = _names_someone([loaded.definition.study.id])
    found = [] if not holds(loaded.path.name) else [f"the study file's name ({HINT_FILE})"]
    for key, relative in loaded.definition.inputs.files().items():
        if relative and any(
            holds(part) for part in Path(relative).parts if part not in ("..", ".")
        ):
            found.append(f"{loaded.path.name}: [inputs] {key}: its file name ({HINT_FILE})")
    return found


HINT_FILE = "it names a person nobody listed on the roster; rename the file"


def unlisted_in_folders(study_id: str, study_dir, out_dir) -> list[str]:
    """The study id and the study and output folders' own names (not their parents:
    a home folder is the researcher's) when they name a person nobody listed
    (decision 0446): Prefect stores the study id as the run's name and tag, and
    the folders as run parameters. Which one, never the name."""
    holds = _names_someone([])
    found = []
    for what, text in (
        ("study id", study_id),
        ("study folder", Path(study_dir).resolve().name),
        ("output folder", Path(out_dir).name),
    ):
        if text and holds(text):
            found.append(what)
    return found


def _file_name(loaded: LoadedStudy | None, role: str) -> str:
    """The name of an input's file, or the role when the study has none (a QDA project)."""
    try:
        return loaded.input_path(role).name if loaded is not None else role
    except Exception:  # noqa: BLE001 - only for the message
        return role


#: the private store's file holding the digest of the last ids screened clean
SCREENED = "preflight-screened.digest"


def screened_digest(names: NameSet, study_id: str, people: list[str], data) -> str:
    """A sha256 over everything `check_ingested`'s verdict depends on: the names
    (their fingerprint: names, language, common words), the study id, the person
    ids, the person-case links and the case ids in order, and the screening code
    (`_screen_code`). Holds no id or name, only their digest."""
    digest = hashlib.sha256(f"{SCREENED}\n{_screen_code()}\n{names.fingerprint}\n".encode())
    pairs = zip(*_columns(data.person_cases), strict=True)
    parts = ([study_id], people, [f"{p}\t{c}" for p, c in pairs], data.cases["case_id"].tolist())
    for table, column in (("excerpts", "excerpt_id"), ("interviews", "interview_id")):
        frame = getattr(data, table, None)
        parts += (frame[column].tolist() if frame is not None and column in frame else [],)
    for part in parts:
        digest.update(repr(part).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _screen_code() -> str:
    """What `holds_name` is made of besides the names: the privacy package's files
    (code, gazetteer), the lexicon module and files its word lists come from, and
    the versions of Python (its Unicode tables fold names), spaCy's lookups and
    nameparser."""
    from importlib import metadata

    package = Path(__file__).parent
    nlp = package.parent / "nlp"
    files = sorted(p for p in package.rglob("*") if p.is_file() and p.suffix != ".pyc")
    files += [nlp / "lexicons.py", *sorted((nlp / "lexicons").glob("*.toml"))]
    digest = hashlib.sha256(sys.version.encode())
    for name in ("spacy", "spacy-lookups-data", "nameparser"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            digest.update(f"{name}={metadata.version(name)}".encode())
    for path in files:
        digest.update(f"{path.relative_to(package.parent).as_posix()}\n".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _stored_digest(path: Path) -> str:
    """The digest a passed screen left, or "" (missing, unreadable, not ours)."""
    try:
        return path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return ""


def _columns(person_cases) -> tuple[list[str], list[str]]:
    return person_cases["person_id"].tolist(), person_cases["case_id"].tolist()


def _roster_lines(path: Path) -> dict[str, int]:
    """Each person id's line in the roster file (header = 1), for the message."""
    import csv

    found: dict[str, int] = {}
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            for row in reader:
                found.setdefault((row.get("person_id") or "").strip(), reader.line_num)
    except (OSError, UnicodeDecodeError, csv.Error):
        pass
    return found


def roster_names(study_dir: Path) -> NameSet:
    """The names of the roster and the identifiers file alone (what a run knows
    before it ingests the rest): every row's, accepted or not."""
    from flows.study import load_study

    return names_of(load_study(study_dir))


def names_of(loaded: LoadedStudy) -> NameSet:
    """`roster_names` of a loaded study."""
    from flows.ingest.roster import read_roster
    from flows.privacy.audit import distinct_names
    from flows.readers.common import Rejects
    from flows.stage_ingest import read_identifiers

    study = loaded.definition
    rejects = Rejects()
    qda = loaded.input_spec("excerpts").format != "native"
    entries, other = read_roster(
        loaded.input_path("roster"), study, rejects, qda=qda, spec=loaded.input_spec("roster")
    )
    identifiers, _ = read_identifiers(loaded, rejects.frame())
    found = [(e.person_id, e.role, e.names) for e in entries] + other
    found += [(label, "identifier", names) for label, names in identifiers]
    return NameSet(
        distinct_names(found), study.study.tool_language, tuple(sorted(study.privacy.common_words))
    )


def check_run_parameters(names: NameSet, parameters: dict[str, object]) -> None:
    """Stop when a parameter of the flow run (a folder's path, a case to rebuild,
    the model) holds a roster name; says which parameter, never the name."""
    found = []
    for key, value in parameters.items():
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if item is None or isinstance(item, bool):
                continue
            if holds_name(names, str(item)):
                found.append(key)
                break
    if found:
        raise LeakError(
            f"the run's {', '.join(found)} hold(s) a roster name ({HINT}, as a run parameter); "
            "rename the folder or the case, or choose another output folder. Nothing was run."
        )


def roster_cases(loaded: LoadedStudy) -> list[str]:
    """The case ids the roster gives its (accepted) rows."""
    from flows.ingest.roster import read_roster
    from flows.readers.common import Rejects

    qda = loaded.input_spec("excerpts").format != "native"
    spec = loaded.input_spec("roster")
    entries, _ = read_roster(
        loaded.input_path("roster"), loaded.definition, Rejects(), qda=qda, spec=spec
    )
    return [case for entry in entries for case in entry.cases]


def check_cases_to_rebuild(loaded: LoadedStudy, rebuild_cases) -> None:
    """Stop when a case to rebuild (`--case`) is not a case id of the roster: a
    value that is no case id may be anything typed, a name nobody listed
    ("Sofie") included, and Prefect would store it as a run parameter. Says
    which value by its position, never its text."""
    known = set(roster_cases(loaded))
    unknown = [n for n, case in enumerate(rebuild_cases or [], 1) if case not in known]
    if unknown:
        raise LeakError(
            f"the run's cases to rebuild: value(s) {', '.join(map(str, unknown))} are not case "
            f"ids of the roster ({HINT}, as a run parameter, whatever they hold); give the "
            "roster's case ids, or --force to re-render every case. Nothing was run."
        )


def check_before_flow(
    study_dir, out_dir, rebuild_cases=None, nlp_model=None, loaded: LoadedStudy | None = None
) -> NameSet:
    """What Prefect stores before the leak audit can look: the flow run's name and
    tags (the study id) and its parameters. Stops on a roster name in any, and on
    a case to rebuild that is not a roster case id; the case and person ids are
    checked at ingestion (`check_ingested`). Returns the roster's names (for
    `sealed_errors.names_known`). `loaded`: the study file, when the caller has
    loaded it."""
    from flows.study import load_study

    loaded = loaded if loaded is not None else load_study(Path(study_dir))
    names = names_of(loaded)
    check_run_parameters(
        names,
        {
            "study id": loaded.definition.study.id,
            "study folder": study_dir,
            "output folder": out_dir,
            "cases to rebuild": rebuild_cases,
            "model": nlp_model,
        },
    )
    check_cases_to_rebuild(loaded, rebuild_cases)
    named = unlisted_in_folders(loaded.definition.study.id, study_dir, out_dir)
    if named:
        raise LeakError(
            f"the run's {', '.join(named)} name(s) a person nobody listed on the roster "
            f"({HINT}, as the run's name or a parameter); rename it. Nothing was run."
        )
    return names


def run_label_holds_name(names: NameSet, run_name: str, tags: Iterable[str]) -> bool:
    """Whether a flow run's name or a tag, typed in the Prefect UI's custom-run page
    (its free "Run Name" field and tags), holds a roster name in any spelling the
    audit knows, or a name nobody listed (a title and a capitalised word, a
    capitalised gazetteer name, decision 0327). Prefect's own run names
    ("wise-robin") are lower case, so only a roster name in them counts."""
    from flows.privacy.unknown_names import NameGuard

    guard = NameGuard()
    holds = screening(names)
    return any(holds(text) or guard.spans(text) for text in [run_name, *tags] if text)


def error_detail(error: Exception, study_dir: Path) -> str:
    """An unexpected error as "Type: message" for the terminal, or the type alone
    when the message holds a roster name (a path, a quoted cell) or the roster
    cannot be read to tell."""
    try:
        if not holds_name(roster_names(Path(study_dir)), str(error)):
            return f"{type(error).__name__}: {error}"
    except Exception:  # noqa: BLE001 - in doubt, withheld
        pass
    return f"{type(error).__name__}; its message is withheld: it may name a person"

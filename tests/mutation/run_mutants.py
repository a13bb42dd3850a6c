"""`make mutants`: mutation testing of the code that decides results or protects people.

Two parts, each run in a scratch copy of the repository under .cache/mutants/ (the
working tree is never edited):

- Python modules, mutated by mutmut (pinned in the dev extras), each against the
  test files that cover it (MODULES below). mutmut generates the mutants (operators
  flipped, constants and strings changed, calls dropped, ...) and runs, for each,
  only the selected tests that reach the mutated function.
- SQL: the hand-written mutants of tests/mutation/sql_mutants.py (one or more per
  CASE branch in sql/marts/ and sql/intermediate/), each applied alone to the
  scratch copy's sql/ and run against SQL_TESTS.

A mutant is killed when a test fails (or mutmut times it out); it survived when the
tests still pass, or when no selected test reaches it. The script prints killed /
survived / total per module and writes every survivor (with its diff) to
mutation-survivors.txt (ignored by git). docs/testing.md says how to read it.

Usage: python tests/mutation/run_mutants.py [--only NAME ...] [--jobs N]
                                            [--mutants GLOB ...] [--survivors-only]

`--only screens` names the four modules of the privacy screens, `--only guards`
the five added in the mutants10 pass, `--only tenth` the tenth pass's five,
`--only eleventh` the eleventh's, `--only twelfth` the twelfth's (GROUPS). mutmut
does not mutate decorated functions: the memoised ones listed in MEMOISED are
written undecorated in the scratch copy, with the same cache assigned after them
(decision 0182).

To iterate on survivors in minutes rather than re-running a whole module:
`--mutants GLOB ...` runs only the mutmut mutants whose names match (fnmatch,
e.g. '*xlsx_segments*' or '*NameScreen*may_hold*'); `--survivors-only` runs
only the survivors of the last run of each chosen module, as listed in
mutation-survivors.txt (SQL: the surviving ids). The table then counts only the
mutants run; the survivors file keeps the earlier survivors that were not re-run.
"""

from __future__ import annotations

import argparse
import ast
import fnmatch
import os
import queue
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sql_mutants import MUTANTS, SqlMutant  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / ".cache" / "mutants"
#: MUTANTS_SURVIVORS names another file (beside ROOT), so that two runs side by side
#: (each module its own scratch copy) do not overwrite each other's survivors
SURVIVORS = ROOT / os.environ.get("MUTANTS_SURVIVORS", "mutation-survivors.txt")
BIN = Path(sys.executable).parent
#: end to end through the dossier index (about 50 s a run, a third of the REFI
#: files' time): the reader and mapping tests pin what it checks of the readers
INDEX_RUN = ["--deselect", "tests/test_readers_refi.py::test_programme_level_evidence_in_the_index"]

# module name -> (files mutmut mutates, test files that cover them; pytest options allowed)
MODULES: dict[str, tuple[list[str], list[str]]] = {
    "audit": (
        ["flows/privacy/audit.py"],
        [
            "tests/test_audit_broken_markup.py",
            "tests/test_audit.py",
            "tests/test_audit_outputs.py",
            "tests/test_audit_segments.py",
            "tests/test_audit_screen.py",
            "tests/test_audit_files.py",
            "tests/test_index_audit.py",
            "tests/test_unknown_names.py",
            "tests/test_privacy.py",
        ],
    ),
    "pseudonymise": (
        ["flows/privacy/pseudonymise.py"],
        [
            "tests/test_pseudonymise.py",
            "tests/test_pseudonymise_choice.py",
            "tests/test_pseudonymise_model.py",
            "tests/privacy/test_hardening.py",
            "tests/test_privacy.py",
        ],
    ),
    # the screens the audit and the pseudonymiser rest on (decisions 0157, 0164, 0165);
    # without tests/privacy/test_corpus.py (one tiny study per spelling: about a minute
    # per surviving mutant on a shared machine); the direct tests pin its spellings
    "prefixed": (
        ["flows/privacy/prefixed.py"],
        [
            "tests/test_prefixed.py",
            "tests/test_unknown_names.py",
            "tests/test_audit_screen.py",
            "tests/test_audit.py",
        ],
    ),
    "canonical": (
        ["flows/privacy/canonical.py"],
        [
            "tests/test_canonical.py",
            "tests/test_audit.py",
            "tests/test_audit_screen.py",
            "tests/test_pseudonymise.py",
            "tests/privacy/test_hardening.py",
            "tests/test_privacy.py",
        ],
    ),
    "matching": (
        ["flows/privacy/matching.py"],
        [
            "tests/test_matching.py",
            "tests/test_canonical.py",
            "tests/test_audit_screen.py",
            "tests/test_audit.py",
            "tests/test_pseudonymise.py",
            "tests/test_pseudonymise_choice.py",
            "tests/privacy/test_hardening.py",
            "tests/test_privacy.py",
        ],
    ),
    "unknown-names": (
        [
            "flows/privacy/unknown_names.py",
            "flows/privacy/name_lists.py",
            "flows/privacy/name_parts.py",
            "flows/privacy/names_review.py",
        ],
        [
            "tests/test_unknown_names.py",
            "tests/test_name_parts_fast.py",
            "tests/test_prefixed.py",
            "tests/test_audit_screen.py",
            "tests/test_audit.py",
            "tests/privacy/test_hardening.py",
            "tests/test_privacy.py",
        ],
    ),
    "offsets": (
        ["flows/readers/offsets.py"],
        ["tests/test_offsets.py", "tests/test_readers_refi.py"],
    ),
    "qda-cases": (
        ["flows/readers/qda.py"],
        [
            "tests/test_qda_mapping.py",
            "tests/test_readers_refi.py",
            "tests/test_readers_segments.py",
            "tests/test_readers_real.py",
            "tests/test_study_labels.py",
            # a staff passage without a case beside case-coded ones (decision 0399)
            "tests/test_onboarding_walk13.py",
            *INDEX_RUN,
        ],
    ),
    "refi": (
        [
            "flows/readers/refi/__init__.py",
            "flows/readers/refi/cases.py",
            "flows/readers/refi/codings.py",
            "flows/readers/refi/container.py",
            "flows/readers/refi/project_xml.py",
            "flows/readers/refi/sources.py",
        ],
        [
            "tests/test_refi_read.py",
            "tests/test_refi_paths.py",
            "tests/test_refi_dialects.py",
            "tests/test_readers_refi.py",
            "tests/test_readers_hostile.py",
            "tests/test_readers_real.py",
            *INDEX_RUN,
        ],
    ),
    "segments": (
        ["flows/readers/segments.py"],
        [
            "tests/test_segments_read.py",
            "tests/test_readers_segments.py",
            "tests/test_study_labels.py",
            "tests/test_init_onboarding.py",
            # MAXQDA's segment columns (decision 0368), a Dedoose code column naming
            # someone (0364)
            "tests/test_onboarding_walk12.py",
            "tests/test_privacy_redteam_dedoose.py",
            # ATLAS.ti's quotation export (decision 0397)
            "tests/test_onboarding_walk13.py",
        ],
    ),
    "stages": (
        [
            "flows/stages.py",
            "flows/stage_ingest.py",
            "flows/stage_nlp.py",
            "flows/stage_warehouse.py",
            "flows/stage_render.py",
            "flows/stage_publish.py",
            "flows/fingerprints.py",
        ],
        ["tests/test_sql.py", "tests/test_sql_branches.py", "tests/test_privacy.py"],
    ),
    # what keeps names out of Prefect (decisions 0207, 0245, 0246, 0250): pure tests;
    # the real-server read-backs (test_flow.py, test_privacy_redteam_*.py) are left
    # out (a Prefect server per mutant); the direct tests pin what they check
    "sealed-errors": (["flows/privacy/sealed_errors.py"], ["tests/test_sealed_errors.py"]),
    "preflight": (
        ["flows/privacy/preflight.py"],
        ["tests/test_preflight.py", "tests/test_sealed_errors.py"],
    ),
    "offered": (["flows/orchestration/offered.py"], ["tests/test_offered.py"]),
    # unmapped codes, a first name withheld (decision 0247)
    "codes": (
        ["flows/codes.py"],
        ["tests/test_codes.py", "tests/test_study_labels.py", "tests/test_qda_mapping.py"],
    ),
    # the rules' reading: where a reading becomes `unclear` (the model's own
    # abstention, `StanceReader._decide`, is tested in tests/test_stance_decide.py too)
    "stance-decide": (
        ["flows/nlp/decide.py"],
        [
            "tests/test_stance_decide.py",
            "tests/test_stance_constructions.py",
            # a resumption, "not before and not now" (decision 0373)
            "tests/test_stance_twelfth.py",
        ],
    ),
    # the twelfth pass's states (0373): frequency words of a thing of which less is
    # better, turned: `--mutants '*outcome_states*'`
    "stance-states": (
        ["flows/nlp/states.py"],
        ["tests/test_stance_twelfth.py", "tests/test_stance_constructions.py"],
    ),
    # the tenth pass (mutants12): roster names misspelt, hyphenated, spaced, joined
    # (decision 0326) and the genitive's ending (0328); the ten end-to-end probes of
    # tests/test_privacy_redteam_spellings.py are left out (a tiny study per mutant)
    "near-names": (
        ["flows/privacy/near_names.py"],
        [
            "tests/test_near_names.py",
            # where a name can be (decision 0340), against the full scan it replaced
            "tests/test_near_names_fast.py",
            "tests/test_unknown_names.py",
            "tests/test_preflight.py",
        ],
    ),
    # interview languages: which are read, their names, the notes of `validate`
    # (decisions 0330-0332)
    "languages": (
        ["flows/study/languages.py", "flows/language_notes.py"],
        [
            "tests/test_languages.py",
            "tests/test_language_guess.py",
            "tests/test_onboarding_walk11.py",
            # Spanish told apart, an excerpt kept from the reader (decision 0396)
            "tests/test_onboarding_walk13.py",
        ],
    ),
    # an own theme's object counted and compared (decisions 0314-0316)
    "own-counts": (
        ["flows/nlp/own_counts.py"],
        [
            "tests/test_own_counts.py",
            "tests/test_own_times.py",
            "tests/test_own_context.py",
            "tests/test_stance_tenth.py",
            # "That's new" and a plan alone (decisions 0357, 0358)
            "tests/test_own_new_now.py",
            "tests/test_own_opposites.py",
            "tests/test_own_theme_agreement.py",
            # a double negation, "them" now (decision 0391)
            "tests/test_own_returns.py",
        ],
    ),
    # a stored reader's tokenizer with its special cases on demand (decision 0319)
    "reader-store": (["flows/nlp/reader_store.py"], ["tests/test_reader_store.py"]),
    # the name guard built once a run (decision 0318): `--mutants '*name_guard*'`
    "name-guard": (
        ["flows/stage_nlp.py"],
        # each of what it is made of makes another guard (mutants15)
        ["tests/test_warm_start.py", "tests/test_name_guard_inputs.py"],
    ),
    # the eleventh pass (mutants13). Name particles are no name forms (decision 0365):
    # `--mutants '*person_forms*' '*name_particles*'` (the rest is `matching`'s)
    "particles": (
        ["flows/privacy/matching.py"],
        ["tests/test_matching.py", "tests/test_pseudonymise.py"],
    ),
    # a withdrawn person mentioned by others is `[person]` (decision 0367):
    # `--mutants '*roster_carriers*'` (the rest of annotate.py is reached end to end)
    "withdrawn": (["flows/nlp/annotate.py"], ["tests/test_withdrawn_carriers.py"]),
    # the ordinary word forms read in place (decision 0342); the near-name screen's
    # places to look (0340) are `near-names`'
    "word-list": (
        ["flows/privacy/word_list.py"],
        ["tests/test_near_names_fast.py", "tests/test_near_names.py"],
    ),
    # an own theme's opposite from a negated cue or label, a number in a cue (0356)
    "own-profiles": (
        ["flows/nlp/profiles.py", "flows/nlp/own_states.py"],
        ["tests/test_own_opposites.py", "tests/test_own_objects_order.py"],
    ),
    # a survey item's direction, yes coded lower (decision 0369)
    "item-direction": (
        ["flows/init_direction.py"],
        # blood pressure and ED visits lower, control higher (decision 0398)
        ["tests/test_onboarding_walk12.py", "tests/test_onboarding_walk13.py"],
    ),
    # the twelfth pass (mutants14). A withdrawn participant leaves no row, id or count
    # (decision 0384); the end-to-end proof (three pipeline runs) beside the pure tests
    "withdrawn-trace": (
        ["flows/privacy/withdrawn.py"],
        [
            "tests/test_withdrawn_seal.py",
            "tests/test_ingest.py",
            "tests/test_privacy_redteam_withdrawn.py::"
            "test_a_withdrawn_participant_publishes_what_never_having_taken_part_does",
        ],
    ),
    # context values screened once per distinct text (0381): `--mutants '*screened_context*'`
    "context-once": (
        ["flows/stage_warehouse.py"],
        [
            "tests/test_privacy_redteam_context.py::test_context_values_lose_names_nobody_listed",
            "tests/test_privacy_redteam_context.py::"
            "test_repeated_context_values_are_screened_once_each_with_the_same_result",
        ],
    ),
    # whether a warm update frees a text (0285, 0382): `--mutants '*loses_text*'`
    "loses-text": (
        ["flows/incremental.py"],
        [
            "tests/test_loses_text.py",
            "tests/test_privacy_redteam.py::test_an_update_compacts_only_when_a_text_is_lost",
        ],
    ),
    # the reader's lookup lemmas as a dict (0380): `--mutants '*lemma*'`
    "lemmas": (
        ["flows/nlp/lexicons.py"],
        ["tests/test_lemma_lookup.py", "tests/test_lemma_norms.py"],
    ),
    # the review list's words in a worker beside the warehouse, and its fallback (0392):
    # `--mutants '*in_worker*' '*review_list*'`
    "review-worker": (
        ["flows/nlp/parallel.py", "flows/stage_nlp.py"],
        ["tests/test_review_list_worker.py"],
    ),
    # an excerpt of an English or Danish interview that reads as a language without a
    # reader is not read (decision 0396): `--mutants '*Annotatorǁ__call__*'`
    "unread-language": (
        ["flows/nlp/annotate.py"],
        [
            "tests/test_onboarding_walk13.py",
            "tests/test_onboarding_walk11.py",
            "tests/test_withdrawn_carriers.py",
        ],
    ),
    # own themes' returns, a direction word inside a cue, "still" in the past (0388-0390)
    "own-returns": (
        ["flows/nlp/own_groups.py", "flows/nlp/own_held.py"],
        [
            "tests/test_own_returns.py",
            "tests/test_own_held_edges.py",
            "tests/test_own_opposites.py",
        ],
    ),
    # the thirteenth pass (mutants15). Initials and the colloquial genitive -es go
    # with a roster name (decision 0422): `--mutants '*x_genitive__*' '*initials_before*'`
    # (the rest is `matching`'s); the twenty end-to-end spellings of
    # tests/test_privacy_redteam_spellings14.py are left out (a tiny study each)
    "initials": (
        ["flows/privacy/matching.py"],
        [
            "tests/test_matching.py",
            "tests/test_pseudonymise.py",
            "tests/test_unknown_names.py",
        ],
    ),
    # a REFI-QDA guid that is no GUID withheld from a reject (0424): `--mutants '*shown_guid*'`
    "qdpx-guids": (
        ["flows/readers/refi/project_xml.py"],
        [
            "tests/test_privacy_redteam_qdpx14.py",
            "tests/test_refi_read.py",
            "tests/test_refi_dialects.py",
        ],
    ),
    # excerpt and interview ids holding a name nobody listed (0424):
    # `--mutants '*unlisted_in_ids*'`; a bracket around a label (0424) is
    # `unknown-names`' `NameGuard.replace` and `_replace`
    "ids-names": (
        ["flows/privacy/preflight.py"],
        [
            "tests/test_ids_names.py",
            "tests/test_privacy_redteam_ids14.py",
            "tests/test_preflight.py",
        ],
    ),
    # a value labelled as no answer read as missing (0425)
    "missing-codes": (
        ["flows/readers/missing_labels.py"],
        ["tests/test_missing_labels.py", "tests/test_onboarding_walk14.py"],
    ),
    # the templates' escape without markupsafe's probe (0413)
    "escaping": (["flows/render/escaping.py"], ["tests/test_render_escaping.py"]),
    # XLSX number cells on a path of their own (0414): `--mutants '*xlsx_row*'`
    "xlsx-numbers": (
        ["flows/render/exports.py"],
        ["tests/test_xlsx_row_fast.py", "tests/test_xlsx_rows.py"],
    ),
}
#: memoised functions (file -> names): mutmut leaves decorated functions alone, so in
#: the scratch copy `@functools.cache def f` is written `def f ...; f = functools.cache(f)`
#: (the same function, now mutated); fast_first.py clears these caches before each test
MEMOISED = {
    "flows/privacy/canonical.py": ["fold_char", "is_joiner", "_irregular_pattern"],
    "flows/privacy/matching.py": [
        "common_words",
        "matcher_for",
        "_person_forms",
        "name_particles",
        "_digraph_spellings",
    ],
    "flows/privacy/name_parts.py": ["_name_parts"],
}
#: names for several modules at once (`--only screens`)
GROUPS = {
    "screens": ["prefixed", "canonical", "matching", "unknown-names"],
    "guards": ["sealed-errors", "preflight", "offered", "codes", "stance-decide"],
    "tenth": ["near-names", "languages", "own-counts", "reader-store", "name-guard"],
    "eleventh": ["particles", "withdrawn", "word-list", "own-profiles", "item-direction"],
    "twelfth": [
        "withdrawn-trace",
        "context-once",
        "loses-text",
        "lemmas",
        "review-worker",
        "unread-language",
        "own-returns",
        "stance-states",
    ],
    "thirteenth": [
        "initials",
        "qdpx-guids",
        "ids-names",
        "missing-codes",
        "escaping",
        "xlsx-numbers",
    ],
}
SQL_TESTS = [  # the quickest to fail first: one build for the whole module
    "tests/test_sql_branches.py",
    "tests/test_sql.py",
    "tests/test_qca.py",
    "tests/test_completeness.py",
]
KILLED = {"killed", "timeout", "segfault"}


def scratch_copy(name: str) -> Path:
    """A fresh copy of the repository's files (tracked and new, not ignored)."""
    target = WORK / name
    shutil.rmtree(target, ignore_errors=True)
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    for raw in listed:
        if not raw:
            continue
        rel = raw.decode()
        source = ROOT / rel
        if not source.is_file() or rel.startswith("mutation-survivors"):
            continue
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, dest)
        dest.chmod(0o644)
    return target


def undecorate(path: Path, names: list[str]) -> None:
    """Rewrite each module-level `@decorator def name` in `path` as `def name` followed,
    after its body, by `name = decorator(name)`: mutmut then mutates its body."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    found = [
        node
        for node in ast.parse(text).body
        if isinstance(node, ast.FunctionDef)
        and node.name in names
        and len(node.decorator_list) == 1
    ]
    if {node.name for node in found} != set(names):
        raise SystemExit(f"{path}: not each of {names} has one decorator")
    for node in sorted(found, key=lambda n: -n.lineno):
        decorator = ast.get_source_segment(text, node.decorator_list[0])
        lines.insert(node.end_lineno, f"\n{node.name} = {decorator}({node.name})\n")
        del lines[node.decorator_list[0].lineno - 1 : node.lineno - 1]
    path.write_text("".join(lines), encoding="utf-8")


def run_python_module(
    name: str, jobs: int, patterns: list[str] | None = None
) -> tuple[list[str], list[str], list[str]]:
    """mutmut on one module; returns (killed, survived, survivor diffs). `patterns`
    (mutant names or fnmatch globs) runs and counts only the matching mutants."""
    files, tests = MODULES[name]
    folder = scratch_copy(name)
    for file in files:
        if file in MEMOISED:
            undecorate(folder / file, MEMOISED[file])
    config = (
        "\n[tool.mutmut]\n"
        'source_paths = ["flows"]\n'
        f"only_mutate = {files!r}\n"
        'also_copy = ["data", "sql", "templates"]\n'
        f"pytest_add_cli_args_test_selection = {tests!r}\n"
        'pytest_add_cli_args = ["-q", "-p", "no:cacheprovider", "-p", "fast_first"]\n'
    ).replace("'", '"')
    with (folder / "pyproject.toml").open("a", encoding="utf-8") as handle:
        handle.write(config)
    # tests/mutation/fast_first.py: the quickest test files first (a kill ends the run)
    path = os.pathsep.join(filter(None, [str(Path(__file__).parent), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "CI": "true", "PYTHONPATH": path}
    log = folder / "mutmut.log"
    with log.open("w", encoding="utf-8") as out:
        subprocess.run(
            [str(BIN / "mutmut"), "run", "--max-children", str(jobs), *(patterns or [])],
            cwd=folder,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )

    def mutmut_output(*args: str) -> str:
        return subprocess.run(
            [str(BIN / "mutmut"), *args],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        ).stdout

    listing = mutmut_output("results", "--all", "true")
    killed, survived, diffs = [], [], []
    for line in listing.splitlines():
        match = re.match(r"\s*(\S+): (.+)$", line)
        if not match:
            continue
        key, status = match.groups()
        if patterns and not any(fnmatch.fnmatchcase(key, p) for p in patterns):
            continue
        if status.strip() in KILLED:
            killed.append(key)
        else:
            survived.append(f"{key} ({status.strip()})")
            diffs.append(mutmut_output("show", key).rstrip())
    if not killed and not survived:
        raise SystemExit(f"mutmut produced no results for {name}; see {log}")
    return killed, survived, diffs


def _run_sql_mutant(folder: Path, label: str, mutant: SqlMutant) -> int:
    """pytest's exit code with one mutant applied to the folder's copy of sql/."""
    path = folder / mutant.file
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace(mutant.old, mutant.new), encoding="utf-8")
    try:
        for _attempt in range(2):  # a crash (signal, out of memory) is tried once more
            result = subprocess.run(
                [str(BIN / "pytest"), "-x", "-q", "-p", "no:cacheprovider", *SQL_TESTS],
                cwd=folder,
                env={**os.environ, "PYTHONPATH": str(folder), "CI": "true"},
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode in (0, 1):
                return result.returncode
    finally:
        path.write_text(original, encoding="utf-8")
    raise SystemExit(
        f"pytest could not run for {label} (exit {result.returncode}):\n"
        f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    )


def run_sql(jobs: int, ids: list[int] | None = None) -> tuple[list[str], list[str], list[str]]:
    """Each hand-written SQL mutant alone against SQL_TESTS, `jobs` at a time
    (each worker with its own scratch copy); `ids` (1-based) runs only those."""
    folders: queue.Queue[Path] = queue.Queue()
    for j in range(jobs):
        folders.put(scratch_copy(f"sql-{j + 1}"))
    for mutant in MUTANTS:
        text = (ROOT / mutant.file).read_text(encoding="utf-8")
        if text.count(mutant.old) != 1:
            raise SystemExit(f"SQL mutant does not apply once: {mutant.file}: {mutant.old!r}")

    def run(i: int, mutant: SqlMutant) -> tuple[str, int]:
        label = f"sql-{i:02d} {mutant.file}: {mutant.meaning}"
        folder = folders.get()
        try:
            code = _run_sql_mutant(folder, label, mutant)
        finally:
            folders.put(folder)
        print(f"  {label}: {'killed' if code else 'SURVIVED'}", flush=True)
        return label, code

    chosen = [(i, m) for i, m in enumerate(MUTANTS, 1) if not ids or i in ids]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        outcomes = list(pool.map(run, *zip(*chosen, strict=True)))
    killed = [label for label, code in outcomes if code]
    survived = [label for label, code in outcomes if not code]
    diffs = [
        f"# {label}\n- {m.old}\n+ {m.new}"
        for (label, code), (_, m) in zip(outcomes, chosen, strict=True)
        if not code
    ]
    return killed, survived, diffs


def _entries(section: str) -> dict[str, str]:
    """The survivors of one section of the survivors file: key -> its text (diff)."""
    entries: dict[str, str] = {}
    for chunk in re.split(r"\n(?=# )", "\n" + section):
        match = re.match(r"# (\S+?):? ", chunk.strip() + " ")
        if match:
            entries[match.group(1)] = chunk.strip()
    return entries


def last_survivors() -> dict[str, dict[str, str]]:
    """Module -> its survivors (key -> diff) as the survivors file lists them."""
    if not SURVIVORS.exists():
        return {}
    sections = re.split(r"^==== (\S+): \d+ survived\n?", SURVIVORS.read_text("utf-8"), flags=re.M)
    return {name: _entries(body) for name, body in zip(sections[1::2], sections[2::2], strict=True)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    names = [*MODULES, "sql"]
    parser.add_argument("--only", nargs="+", choices=[*names, *GROUPS], default=names)
    parser.add_argument("--jobs", type=int, default=2, help="mutmut worker processes")
    parser.add_argument(
        "--sql-ids", type=int, nargs="+", help="run only these SQL mutants (1-based)"
    )
    parser.add_argument(
        "--mutants",
        nargs="+",
        metavar="GLOB",
        help="run only the mutmut mutants whose names match (fnmatch, e.g. '*xlsx_segments*')",
    )
    parser.add_argument(
        "--survivors-only",
        action="store_true",
        help="run only the survivors of the last run, as listed in mutation-survivors.txt",
    )
    args = parser.parse_args()
    args.only = list(dict.fromkeys(m for name in args.only for m in GROUPS.get(name, [name])))
    previous = last_survivors()
    rows, sections = [], dict(previous)
    for name in args.only:
        patterns = args.mutants
        if args.survivors_only:
            patterns = list(previous.get(name, {}))
            if not patterns:
                print(f"== {name}: no survivors listed in {SURVIVORS.name}, skipped")
                continue
        started = time.monotonic()
        print(f"== {name}" + (f" ({len(patterns)} pattern(s))" if patterns else ""), flush=True)
        if name == "sql":
            ids = args.sql_ids
            if args.survivors_only:
                ids = [int(re.match(r"sql-(\d+)", p).group(1)) for p in patterns]
            killed, survived, diffs = run_sql(args.jobs, ids)
            chosen = {f"sql-{i:02d}" for i in ids} if ids else None
        else:
            killed, survived, diffs = run_python_module(name, args.jobs, patterns)
            chosen = patterns
        seconds = time.monotonic() - started
        rows.append((name, len(killed), len(survived), seconds))
        # earlier survivors that were not re-run stay listed
        kept = {
            key: text
            for key, text in previous.get(name, {}).items()
            if chosen and not any(fnmatch.fnmatchcase(key, p) for p in chosen)
        }
        sections[name] = {**kept, **{key: text for d in diffs for key, text in _entries(d).items()}}
    SURVIVORS.write_text(
        "\n\n".join(
            f"==== {name}: {len(entries)} survived\n" + "\n\n".join(entries.values())
            for name, entries in sections.items()
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"\n{'module':<14}{'killed':>8}{'survived':>10}{'total':>8}{'killed %':>10}{'time':>8}")
    for name, k, s, seconds in rows:
        total = k + s
        share = 100 * k / total if total else 0.0
        print(f"{name:<14}{k:>8}{s:>10}{total:>8}{share:>9.1f}%{seconds:>7.0f}s")
    if args.mutants or args.survivors_only or args.sql_ids:
        print("(a subset: only the mutants run are counted)")
    print(f"\nsurvivors, with their diffs: {SURVIVORS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

"""The mapping of a QDA project onto the study (flows.readers.qda), on
projects built by hand: which roster person speaks in each source, the
interview ids, the case each coding lands on, and the exact reject (file,
row, element, reason) of every coding or source that is not loaded.
Pure functions, no reader and no ingest."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests_support import format_builders

from flows.codes import WITHDRAWN_EXCERPT, parse_code, unmapped_reason
from flows.errors import InputFileError
from flows.readers.common import MAX_FIELD_CHARS, Rejects
from flows.readers.qda import (
    PROGRAMME_LEVEL,
    QdaCoding,
    QdaProject,
    QdaSource,
    SourceInfo,
    _pattern_value,
    _under,
    codebook_report,
    coding_cases,
    interview_ids,
    map_codings,
    reject_sources,
    resolve_sources,
    source_values,
    strip_extension,
    structural_folders,
    unmapped_code,
    where_in_project,
)
from flows.study import Locator, load_study

fb = format_builders()
PEOPLE = {"A", "A-a", "B", "N"}
FILE = Path("project.qdpx")


def study(tmp_path: Path, qda: str = 'person = { from = "source_name" }', extra: str = ""):
    """The tiny QDA study with this [qda] table (and more TOML after it)."""
    folder = tmp_path / "study"
    folder.mkdir(exist_ok=True)
    (folder / "study.toml").write_text(
        fb.QDA_STUDY.format(excerpts='"project.qdpx"', qda=qda) + extra, encoding="utf-8"
    )
    fb.write_csv(folder / "roster.csv", fb.QDA_ROSTER)
    fb.write_csv(folder / "survey.csv", [["case_id", "wave", "walk_min", "sex"]])
    (folder / "project.qdpx").write_bytes(b"")
    return load_study(folder).definition


def source(key: str, name: str | None = None, row: str = "1", **fields) -> QdaSource:
    return QdaSource(key=key, name=name or key, row=row, element=f"TextSource {key}", **fields)


def coding(ref: str, key: str, code: str | None, text: str = "Some words.", **fields):
    return QdaCoding(
        ref=ref,
        element=f"Selection {ref}",
        source_key=key,
        code=code,
        coder="AK",
        position=1,
        text=text,
        **fields,
    )


def project(sources: list[QdaSource], codings: list[QdaCoding] = (), **fields) -> QdaProject:
    return QdaProject(
        file=FILE, sources={s.key: s for s in sources}, codings=list(codings), **fields
    )


# ---------------------------------------------------------------- small helpers


@pytest.mark.parametrize(
    ("name", "stripped"),
    [
        ("Interview A.docx", "Interview A"),
        (" notes.backup.txt ", "notes.backup"),
        ("Nurse", "Nurse"),
        ("Henrik.transcript", "Henrik.transcript"),  # six letters: not an extension
        ("P1.a", "P1"),
    ],
)
def test_strip_extension(name, stripped):
    assert strip_extension(name) == stripped


@pytest.mark.parametrize(
    ("code", "folder", "sep", "leaf"),
    [
        ("Cases/A", "Cases", "/", "A"),
        ("Cases/Sub/B", " Cases / Sub ", "/", "B"),  # the folder's parts are trimmed
        ("Cases/Sub/B", "Cases", "/", "Sub/B"),
        ("CasesX/A", "Cases", "/", None),
        ("Cases", "Cases", "/", None),
        ("Cases::A", "Cases", "::", "A"),
        ("Other/Cases/A", "Cases", "/", None),
    ],
)
def test_under(code, folder, sep, leaf):
    assert _under(code, folder, sep) == leaf


@pytest.mark.parametrize(
    ("pattern", "text", "found"),
    [
        (None, "Henrik", ["Henrik"]),
        (None, "", []),
        (r"^P(\d+)", "P12 interview", ["12"]),
        (r"(\w)-(?P<id>\d+)", "A-7", ["7"]),  # a named group `id` wins over the first
        (r"^P(\d+)", "Interview P12", []),  # search, but anchored: no match
        (r"P(\d*)", "P", []),  # an empty match finds nothing
        (r"P(\d+)", "x P3 y", ["3"]),
    ],
)
def test_pattern_value(pattern, text, found):
    assert _pattern_value(pattern, text) == found


def test_source_values_of_each_locator_kind():
    src = source(
        "g1",
        "P12 Henrik.docx",
        variables={"Participant": "A", "Site": "north"},
        cases=["Case 2", "Case 1"],
        codes=["Cases/B", "Cases/A", "Theme/X", "Cases/Sub/C"],
    )
    sep = "/"
    assert source_values(Locator(source="source_name"), src, sep) == ["P12 Henrik"]
    by_pattern = Locator(source="source_name", pattern=r"^P(\d+)", values={"12": "A"})
    assert source_values(by_pattern, src, sep) == ["A"]
    assert source_values(Locator(source="variable", name="Participant"), src, sep) == ["A"]
    assert source_values(Locator(source="variable", name="Missing"), src, sep) == []
    cases = Locator(source="case", pattern=r"Case (\d)", values={"1": "A", "2": "B"})
    assert source_values(cases, src, sep) == ["A", "B"]
    folder = Locator(source="code_folder", folder="Cases")
    assert source_values(folder, src, sep) == ["A", "B", "Sub/C"]
    assert source_values(Locator(source="qda_case"), src, sep) == []
    assert source_values(Locator(source="roster"), src, sep) == []
    same = Locator(source="case", values={"Case 1": "A", "Case 2": "A"})
    assert source_values(same, src, sep) == ["A"]  # found twice, listed once


def test_coding_cases_selection_first_then_source():
    src = source("g1", cases=["A"], codes=["Cases/A", "Theme/X"])
    own = coding("7", "g1", "Theme/X", cases=["B", "B2"], selection_codes=["Cases/B", "X"])
    bare = coding("8", "g1", "Theme/X")
    qda_case = Locator(source="qda_case", values={"B2": "B"})
    assert coding_cases(qda_case, own, src, "/") == ["B"]
    assert coding_cases(qda_case, bare, src, "/") == ["A"]
    folder = Locator(source="code_folder", folder="Cases")
    assert coding_cases(folder, own, src, "/") == ["B"]
    assert coding_cases(folder, bare, src, "/") == ["A"]
    assert coding_cases(Locator(source="roster"), own, src, "/") == []
    variable = Locator(source="variable", name="Case")
    with_variable = source("g2", variables={"Case": "B"})
    assert coding_cases(variable, bare, with_variable, "/") == ["B"]
    named = Locator(source="qda_case", pattern=r"^Case (\w)$")
    assert coding_cases(named, coding("9", "g1", "X", cases=["Case A", "Other"]), src, "/") == ["A"]


def test_structural_folders_are_the_code_folders_of_the_locators(tmp_path):
    qda = (
        'person = { from = "code_folder", folder = "People" }\n'
        'role = { from = "code_folder", folder = "Roles" }\n'
        'case = { from = "code_folder", folder = "Cases" }'
    )
    assert structural_folders(study(tmp_path, qda)) == ["People", "Roles", "Cases"]
    assert structural_folders(study(tmp_path)) == []


# ---------------------------------------------------------------- sources


def test_variable_locator_must_name_a_variable_of_the_project(tmp_path):
    qda = (
        'person = { from = "variable", name = "Participant" }\n'
        'role = { from = "variable", name = "Rolle" }'
    )
    definition = study(tmp_path, qda)
    sources = [
        source("g1", variables={"Participant": "A", "Role": "peer"}),
        source("g2", variables={"Age": "61"}),
    ]
    with pytest.raises(InputFileError) as raised:
        resolve_sources(project(sources), definition, PEOPLE)
    assert str(raised.value) == (
        "project.qdpx: [qda] role: name = 'Rolle': no source has a variable (or column) of "
        "that name with a value; the project's source variables are: Age, Participant, Role. "
        "Set name to one of them"
    )
    no_variables = project([source("g1", "A.docx")])
    with pytest.raises(InputFileError, match=r"\[qda\] person: .*variables are: none\. "):
        resolve_sources(no_variables, definition, PEOPLE)
    assert resolve_sources(project([]), definition, PEOPLE) == {}  # nothing to check


def test_each_source_resolved_or_given_its_problem(tmp_path):
    """One source per outcome, by source name: a person of the roster (role
    by its label, any case; language and mode variables), nobody, two
    people, a role the study lacks, two roles, a value naming no language (a
    language's name is read as its code: decision 0330), and a source whose text
    could not be read."""
    qda = (
        'person = { from = "source_name", pattern = "^(\\\\S+)" }\n'
        'role = { from = "variable", name = "Role" }\n'
        'language_variable = "Lang"\nmode_variable = "Mode"'
    )
    definition = study(tmp_path, qda)
    sources = [
        source("1", "A interview.docx", "3", variables={"Role": " PEER SUPPORTER ", "Lang": "DA"}),
        source("2", "Q interview.docx", "4", variables={"Role": "peer"}),
        source("3", "B.docx", "5", variables={"Role": "peer", "Mode": "phone"}),
        source("4", "N.docx", "6", variables={"Role": "Caretaker"}),
        source("5", "A-a.docx", "7", variables={"Role": "peer", "Lang": "Klingon"}),
        source("6", "N2.docx", "8", problem="source text is not UTF-8 (byte 3)"),
        source("7", "B-2.docx", "9", variables={"Role": "", "Lang": "English", "Mode": " video"}),
    ]
    definition_people = PEOPLE | {"B-2"}
    infos = resolve_sources(project(sources), definition, definition_people)
    summary = {k: (i.person_id, i.role, i.language, i.mode, i.problem) for k, i in infos.items()}
    assert summary == {
        "1": ("A", "supporter", "da", "", None),
        "2": (None, None, None, "", "source not linked to a roster person (see [qda] person)"),
        "3": ("B", "peer", None, "phone", None),
        "4": ("N", None, None, "", "role found in the project is not a role of study.toml"),
        "5": (
            "A-a",
            "peer",
            None,
            "",
            "language variable 'Lang' holds no language: give a two-letter code (en, da, "
            "nb...) or a name (English, Dansk, Norsk...)",
        ),
        "6": (None, None, None, "", "source text is not UTF-8 (byte 3)"),
        "7": ("B-2", None, "en", " video", None),
    }
    assert {k: i.element for k, i in infos.items()} == {k: f"TextSource {k}" for k in "1234567"}


def test_several_people_or_roles_for_one_source(tmp_path):
    qda = (
        'person = { from = "case" }\n'
        'role = { from = "code_folder", folder = "Roles", values = { "P" = "peer" } }'
    )
    definition = study(tmp_path, qda)
    sources = [
        source("1", cases=["N", "A"], codes=["Roles/P"]),
        source("2", cases=["B"], codes=["Roles/P", "Roles/nurse"]),
        source("3", cases=["B"], codes=["Roles/P", "Roles/peer"]),
        source("4", cases=["B"]),
    ]
    infos = resolve_sources(project(sources), definition, PEOPLE)
    assert [(i.person_id, i.role, i.problem) for i in infos.values()] == [
        (None, None, "source linked to several roster persons (A, N)"),
        ("B", None, "several roles found in the project for this source"),
        ("B", "peer", None),  # found twice, one role
        ("B", None, None),  # no role in the project: the roster's
    ]


def test_every_source_not_loaded_is_listed_in_file_order():
    """By row as a number, then key: d (row 3) before b and a (row 7, a first),
    then e (row 12: "12" sorts before "3" as text, not as a line)."""
    sources = [source("b", row="7"), source("a", row="7"), source("c", row="2")]
    sources += [source("e", row="12"), source("d", row="3")]
    infos = {
        "a": SourceInfo(problem="no person"),
        "b": SourceInfo(problem="two people"),
        "c": SourceInfo(person_id="A"),
        "d": SourceInfo(problem="no text"),
        "e": SourceInfo(problem="no text"),
    }
    rejects = Rejects()
    reject_sources(project(sources), infos, rejects)
    assert [(r["row"], r["element"], r["reason"]) for r in rejects.rows] == [
        ("3", "TextSource d", "source not loaded: no text"),
        ("7", "TextSource a", "source not loaded: no person"),
        ("7", "TextSource b", "source not loaded: two people"),
        ("12", "TextSource e", "source not loaded: no text"),
    ]
    assert {r["file"] for r in rejects.rows} == {"project.qdpx"}


def test_interview_ids_number_a_persons_sources_by_name():
    sources = [
        source("k2", "Nurse second"),
        source("k1", "Nurse first"),
        source("k3", "Nurse first"),  # same name: the key decides
        source("p", "Peer"),
        source("x", "Nobody"),
        source("y", "Problem"),
    ]
    infos = {
        "k2": SourceInfo(person_id="N"),
        "k1": SourceInfo(person_id="N"),
        "k3": SourceInfo(person_id="N"),
        "p": SourceInfo(person_id="A"),
        "x": SourceInfo(),
        "y": SourceInfo(person_id="B", problem="language variable is not en or da"),
    }
    assert interview_ids(project(sources), infos) == {
        "k1": "N-1",
        "k3": "N-2",
        "k2": "N-3",
        "p": "A",
    }


# ---------------------------------------------------------------- codebook


def test_codebook_report_lists_theme_paths_missing_and_codes_unmapped(tmp_path):
    """Themes: Intervention/Walking, Context/Energy, Outcome/Activity, under
    the prefix "Themes". Energy's path is only a parent of a code used
    (found); Activity's is absent (missing). Unmapped codes are counted
    under their highest unmapped folder ("Other" holds Weather and
    Weather/Rain: 3 codings); a folder above mapped codes ("Themes/Context")
    and the case folder are neither; a structural coding is not counted."""
    qda = 'case = { from = "code_folder", folder = "Cases" }\ncode_prefix = " Top / Themes "'
    definition = study(tmp_path, qda)
    codebook = [
        "Top/Themes/Intervention/Walking",
        "Top/Themes/Context",
        "Top/Themes/Context/Energy/Barrier",
        "Top/Themes/Other",
        "Top/Themes/Other/Weather",
        "Top/Themes/Other/Weather/Rain",
        "Top/Themes/Loose",
        "Cases",
        "Cases/A",
        "Elsewhere/X",
    ]
    codings = [
        coding("1", "g", "Top/Themes/Other/Weather"),
        coding("2", "g", "Top/Themes/Other/Weather/Rain"),
        coding("3", "g", "Top/Themes/Other/Weather/Rain"),
        coding("4", "g", "Top/Themes/Loose", structural=True),
        coding("5", "g", None),
        coding("6", "g", "Top/Themes/Intervention/Walking"),
    ]
    missing, unmapped = codebook_report(project([], codings, codebook=codebook), definition)
    assert missing == ["activity: Outcome/Activity"]
    assert unmapped == {"Loose": 0, "Other": 3}


MOOD = """
[[themes]]
id = "mood"
label = "Mood"
components = ["context"]
codes = ["Context/Low mood"]
examples = { sad = ["sad"] }
"""


def test_codebook_report_without_a_prefix(tmp_path):
    """No code_prefix: codes are read from the top; the case folder and its
    codes are structure, in neither list; a theme path with a space in a
    name ("Low mood") is found."""
    definition = study(tmp_path, 'case = { from = "code_folder", folder = "Cases" }', MOOD)
    codebook = ["Intervention/Walking", "Context/Low mood", "Cases", "Cases/A", "Other"]
    codings = [coding("1", "g", "Other"), coding("2", "g", "Cases/A")]
    missing, unmapped = codebook_report(project([], codings, codebook=codebook), definition)
    assert missing == ["energy: Context/Energy", "activity: Outcome/Activity"]
    assert unmapped == {"Other": 1}


# ---------------------------------------------------------------- codings


def mapped_rows(mapped) -> list[tuple]:
    return [
        (m.coding.ref, m.excerpt_id, m.interview_id, m.person_id, m.code, m.theme_id)
        + (m.coded_stance, m.cases)
        for m in mapped
    ]


def run_map(definition, proj, infos, ids, *, roster_cases=None, withdrawn=frozenset()):
    rejects = Rejects()
    mapped, cases, structural = map_codings(
        proj,
        definition,
        infos,
        ids,
        {"A", "B"},
        roster_cases or {"A": {"A"}, "A-a": {"A"}, "B": {"B"}, "N": set()},
        parse_code,
        rejects,
        withdrawn=withdrawn,
    )
    return (
        mapped_rows(mapped),
        dict(cases),
        structural,
        [(r["row"], r["element"], r["reason"]) for r in rejects.rows],
    )


def test_each_coding_mapped_or_listed_with_its_reason(tmp_path):
    """The nurse (N, no case in the roster) and the peer (A, case A) speak in
    one source each; codings are numbered per interview in source order
    (`order`), not in the order given, and a rejected coding keeps its
    number (a2..a6 are A.2..A.6, so A.1 stays A.1 whatever fails). Each reject reason in turn: an unknown
    source, a withdrawn informant, a source with a problem, an unknown code,
    a code under the case folder (structure, counted), a code outside the
    prefix, a code of no theme, empty and overlong text, a case name that is
    no case id, and no case at all."""
    qda = 'case = { from = "qda_case", values = { "Case B" = "B" } }\ncode_prefix = "T"'
    definition = study(tmp_path, qda)
    sources = [source("n", "N"), source("a", "A"), source("bad", "B"), source("w", "A-a")]
    long_text = "x" * (MAX_FIELD_CHARS + 1)
    codings = [
        coding("n2", "n", "T/Context/Energy/Barrier", cases=["Case B"], order=(20,)),
        coding("n1", "n", "T/Intervention/Walking", cases=["A", "Case B"], order=(10,)),
        coding("a1", "a", "T/Outcome/Activity/Improved", order=(1,)),
        coding("a2", "a", "T/Outcome/Activity", text=" ", order=(2,)),
        coding("a3", "a", "T/Outcome/Activity", text=long_text, order=(3,)),
        coding("a4", "a", "T/Other/Weather", order=(4,)),
        coding("a5", "a", "Elsewhere/Walking", order=(5,)),
        coding("a6", "a", None, order=(6,)),
        coding("n3", "n", "T/Context/Energy", cases=["Case C"], order=(30,)),
        coding("n4", "n", "T/Context/Energy", order=(40,)),
        coding("n5", "n", "T/Context/Energy", cases=["A"], structural=True, order=(50,)),
        coding("x1", "gone", "T/Context/Energy"),
        coding("b1", "bad", "T/Context/Energy"),
        coding("w1", "w", "T/Context/Energy"),
    ]
    infos = {
        "n": SourceInfo(person_id="N"),
        "a": SourceInfo(person_id="A"),
        "bad": SourceInfo(problem="source not linked to a roster person (see [qda] person)"),
        "w": SourceInfo(person_id="A-a"),
    }
    ids = {"n": "N", "a": "A", "w": "A-a"}
    rows, cases, structural, rejects = run_map(
        definition, project(sources, codings), infos, ids, withdrawn={"A-a"}
    )
    assert rows == [
        ("a1", "A.1", "A", "A", "Outcome/Activity/Improved", "activity", "improved", ["A"]),
        ("n1", "N.1", "N", "N", "Intervention/Walking", "walking_support", None, ["A", "B"]),
        ("n2", "N.2", "N", "N", "Context/Energy/Barrier", "energy", "barrier", ["B"]),
    ]
    no_case = (
        "no case assigned to this selection (see [qda] case), and the informant has not "
        'exactly one case in the roster (if by design: [qda] no_case = "programme")'
    )
    assert rejects == [  # in interview order: codings of no interview first
        ("b1", "Selection b1", "source not linked to a roster person (see [qda] person)"),
        ("x1", "Selection x1", "coding of an unknown source"),
        ("a2", "Selection a2", "empty excerpt text"),
        ("a3", "Selection a3", f"longer than {MAX_FIELD_CHARS} characters"),
        ("a4", "Selection a4", unmapped_code("Other/Weather")),
        ("a5", "Selection a5", "code outside the [qda] code_prefix folder"),
        ("a6", "Selection a6", "unknown code reference"),
        ("w1", "Selection w1", WITHDRAWN_EXCERPT),
        (
            "n3",
            "Selection n3",
            "the project assigns it to 1 QDA case(s) whose names are not case ids of the "
            "roster: map them to case ids in [qda] case values"
            + where_in_project("N", 1, "Context/Energy"),
        ),
        ("n4", "Selection n4", no_case + where_in_project("N", 1, "Context/Energy")),
    ]
    assert structural == 1
    # the cases each person's sources speak about in the project (A's own
    # selections name none: the roster's one case is not the project's)
    assert cases == {"A": set(), "N": {"A", "B"}}


def test_structure_from_a_code_folder_is_counted_not_mapped(tmp_path):
    """Codes under the case folder are structure (two here), the folder
    itself is a code of no theme; a theme coding whose selection carries no
    case code (nor its source) is listed."""
    qda = 'case = { from = "code_folder", folder = "Cases" }\ncode_prefix = " T / Sub "'
    definition = study(tmp_path, qda)
    both = ["Cases/A", "Cases/B", "T/Sub/Context/Energy"]
    codings = [
        coding("1", "n", "Cases/B", selection_codes=both, order=(1,)),
        coding("2", "n", "T/Sub/Context/Energy", selection_codes=both, order=(2,)),
        coding("3", "n", "Cases", selection_codes=["Cases"], order=(3,)),
        coding("4", "n", "Cases/A", selection_codes=both, order=(4,)),
        coding(
            "5", "n", "T/Sub/Context/Energy", order=(5,), selection_codes=["T/Sub/Context/Energy"]
        ),
    ]
    rows, cases, structural, rejects = run_map(
        definition, project([source("n")], codings), {"n": SourceInfo(person_id="N")}, {"n": "N"}
    )
    assert structural == 2
    assert rows == [("2", "N.2", "N", "N", "Context/Energy", "energy", None, ["A", "B"])]
    no_case = (
        "no case assigned to this selection (see [qda] case), and the informant has not "
        'exactly one case in the roster (if by design: [qda] no_case = "programme")'
    )
    assert rejects == [
        ("3", "Selection 3", "code outside the [qda] code_prefix folder"),
        ("5", "Selection 5", no_case + where_in_project("N", 1, "Context/Energy")),
    ]
    assert cases == {"N": {"A", "B"}}


@pytest.mark.parametrize("withdrawn", [False, True])
def test_programme_level_selection_is_listed_and_kept_without_case(tmp_path, withdrawn):
    """no_case = "programme": a nurse's selection about no case is listed as
    expected and mapped with no case; one whose QDA case is not a case id is
    still an error; a peer's (one roster case) lands on that case."""
    definition = study(tmp_path, 'no_case = "programme"')
    codings = [
        coding("1", "n", "Context/Energy/Barrier", order=(1,)),
        coding("2", "n", "Context/Energy", cases=["Elsewhere"], order=(2,)),
        coding("3", "a", "Context/Energy", order=(3,)),
    ]
    infos = {"n": SourceInfo(person_id="N"), "a": SourceInfo(person_id="A")}
    rows, _, _, rejects = run_map(
        definition,
        project([source("n"), source("a")], codings),
        infos,
        {"n": "N", "a": "A"},
        withdrawn={"N"} if withdrawn else frozenset(),
    )
    if withdrawn:
        assert rows == [("3", "A.1", "A", "A", "Context/Energy", "energy", None, ["A"])]
        assert [r[2] for r in rejects] == [WITHDRAWN_EXCERPT, WITHDRAWN_EXCERPT]
        return
    assert rows == [
        ("3", "A.1", "A", "A", "Context/Energy", "energy", None, ["A"]),
        ("1", "N.1", "N", "N", "Context/Energy/Barrier", "energy", "barrier", []),
    ]
    assert rejects == [
        ("1", "Selection 1", PROGRAMME_LEVEL),
        (
            "2",
            "Selection 2",
            "the project assigns it to 1 QDA case(s) whose names are not case ids of the "
            "roster: map them to case ids in [qda] case values"
            + where_in_project("N", 1, "Context/Energy"),
        ),
    ]


def test_unmapped_code_is_the_reason_the_mapping_gives(tmp_path):
    """`unmapped_code` (what tests expect) is word for word the reason
    `map_codings` lists for a code of no theme."""
    reason = unmapped_reason("Other/Weather", study(tmp_path))
    assert unmapped_code("Other/Weather") == reason
    assert reason == (
        "code not mapped to any theme in study.toml: Other/Weather (add it to a theme's codes; "
        "validate lists every such code)"
    )


def test_roster_case_used_only_when_the_informant_has_exactly_one(tmp_path):
    """No case in the project: A (one roster case) lands on it; B (two roster
    cases) is listed, not given the first; a text of exactly the longest
    length is loaded, at programme level too."""
    definition = study(tmp_path, 'no_case = "programme"')
    longest = "y" * MAX_FIELD_CHARS
    codings = [
        coding("1", "a", "Context/Energy", text=longest),
        coding("2", "b", "Context/Energy", text=longest),
    ]
    infos = {"a": SourceInfo(person_id="A"), "b": SourceInfo(person_id="B")}
    rows, _, _, rejects = run_map(
        definition,
        project([source("a"), source("b")], codings),
        infos,
        {"a": "A", "b": "B"},
        roster_cases={"A": {"A"}, "B": {"A", "B"}},
    )
    assert rows == [
        ("1", "A.1", "A", "A", "Context/Energy", "energy", None, ["A"]),
        ("2", "B.1", "B", "B", "Context/Energy", "energy", None, []),
    ]
    assert rejects == [("2", "Selection 2", PROGRAMME_LEVEL)]


def test_patterns_apply_to_variables_and_code_folders(tmp_path):
    """A pattern reads the id out of a variable's value or a code's leaf; a
    variable the source lacks finds nothing (with a pattern too); the person
    can come from a code folder ("People/P-A" -> A)."""
    src = source("g1", variables={"Participant": "ID A (peer)"}, codes=["People/P-A", "X/Y"])
    variable = Locator(source="variable", name="Participant", pattern=r"ID (\S+)")
    assert source_values(variable, src, "/") == ["A"]
    missing = Locator(source="variable", name="Other", pattern=r"ID (\S+)")
    assert source_values(missing, src, "/") == []
    folder = Locator(source="code_folder", folder="People", pattern=r"^P-(.+)$")
    assert source_values(folder, src, "/") == ["A"]
    selection = coding("1", "g1", "X/Y", selection_codes=["People/P-B"])
    assert coding_cases(folder, selection, src, "/") == ["B"]
    qda = 'person = { from = "code_folder", folder = "People", pattern = "^P-(.+)$" }'
    infos = resolve_sources(project([src]), study(tmp_path, qda), PEOPLE)
    assert (infos["g1"].person_id, infos["g1"].problem) == ("A", None)

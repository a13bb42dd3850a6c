"""Onboarding walk 10 (docs/onboarding-walk.md): a peer-navigation study coded in
ATLAS.ti (its REFI-QDA export: document groups as `Sets`, no cases, case codes
under `Case`) with a Qualtrics survey (three header rows, embedded data
`client_id` and `wave`). What the walk found in the reader and `triangulate init`."""

from __future__ import annotations

import csv
import json
import tomllib
from pathlib import Path

from tests_support import format_builders as _builders

from flows.init import command_name, init_study
from flows.init_direction import better_of
from flows.init_qda import _component
from flows.init_survey import draft_survey
from flows.readers.common import Rejects
from flows.readers.refi import read_refi
from flows.readers.surveys import read_survey_table
from flows.study import InputSpec, load_study

format_builders = _builders()
Sel, Src, guid = format_builders.Sel, format_builders.Src, format_builders.guid

CODES = [
    "Navigator activities/Accompanying/Delivered",
    "Outcomes/A&E visits/Less",
    "Outcomes/A&E visits/More",
    "Case/L01",
    "Case/L02",
]
DOCUMENTS = {  # document name -> (document groups, codes of its one passage)
    "L01 client interview.docx": (["Clients", "Site::London"], ["Outcomes/A&E visits/Less"]),
    "L02 client interview.docx": (["Clients", "Site::London"], ["Outcomes/A&E visits/More"]),
    "N1 navigator interview.docx": (
        ["Peer navigators", "Site::London"],
        ["Navigator activities/Accompanying/Delivered", "Case/L01"],
    ),
    "R1 GP receptionist interview.docx": (
        ["GP receptionists", "Site::London", "Site::Copenhagen"],
        ["Outcomes/A&E visits/Less", "Case/L02"],
    ),
    "R2 GP receptionist interview.docx": (
        ["GP receptionists", "Site::Copenhagen"],
        ["Outcomes/A&E visits/Less", "Case/L01"],
    ),
}


def atlas_project(path: Path) -> Path:
    """An export laid out as ATLAS.ti 23 writes it: origin, CRLF texts counted
    with CRLF as 1, no `Cases`, document groups and a code group as `Sets`."""
    sources = [
        Src(
            name,
            f"Interviewer: Tell me.\r\n\r\nA: I went less to A&E after that, number {n}.\r\n",
            selections=[Sel(f"I went less to A&E after that, number {n}.", codes, name="=")],
        )
        for n, (name, (_, codes)) in enumerate(DOCUMENTS.items())
    ]
    groups: dict[str, list[str]] = {}
    for name, (names, _) in DOCUMENTS.items():
        for group in names:
            groups.setdefault(group, []).append(name)
    sets = "".join(
        f'<Set guid="{guid("set", group)}" name="{group}">'
        + "".join(f'<MemberSource targetGUID="{guid("source", m)}"/>' for m in members)
        + "</Set>"
        for group, members in groups.items()
    )
    sets += f'<Set guid="{guid("set", "codes")}" name="Outcome codes"><MemberCode targetGUID="x"/></Set>'
    qde, files = format_builders.project_xml(
        sources,
        CODES,
        scheme="crlf-as-1",
        origin="ATLAS.ti Win 23.2.3",
        extra=f"<Sets>{sets}</Sets>\n",
    )
    return format_builders.write_qdpx(path, qde, files, qde_name="PeerNav.qde")


def test_atlas_document_groups_are_read_as_source_variables(tmp_path, make_study):
    """ATLAS.ti has no cases and no document variables in its export: its
    document groups (`Sets` of `MemberSource`s) said who speaks, and were not
    read at all, so init drafted roles from document-name words ("service
    manager" became "informant")."""
    folder = make_study([])
    project = read_refi(
        atlas_project(tmp_path / "p.qdpx"), load_study(folder).definition, Rejects()
    )
    variables = {s.name: s.variables for s in project.sources.values()}
    assert variables["L01 client interview.docx"] == {
        "Document group": "Clients",
        "Site": "London",
    }
    # a document in two groups of one variable holds both, in the export's order
    assert variables["R1 GP receptionist interview.docx"]["Site"] == "London; Copenhagen"
    assert variables["R2 GP receptionist interview.docx"]["Document group"] == "GP receptionists"


def test_init_drafts_roles_and_labels_from_atlas_document_groups(tmp_path):
    project = atlas_project(tmp_path / "PeerNav.qdpx")
    path = init_study(tmp_path / "study", qdpx=project)
    drafted = tomllib.loads(path.read_text(encoding="utf-8"))
    assert drafted["qda"]["role"]["from"] == "variable"
    assert drafted["qda"]["role"]["name"] == "Document group"
    roles = {r["id"]: r["label"] for r in drafted["roles"]}
    assert roles == {
        "client": "Client",
        "gp_receptionist": "GP receptionist",  # was "Gp receptionist"
        "peer_navigator": "Peer navigator",
    }
    with (path.parent / "roster.csv").open(encoding="utf-8") as handle:
        roster = {r["person_id"]: r for r in csv.DictReader(handle)}
    assert roster["R1"]["role"] == "gp_receptionist"
    assert roster["N1"]["role"] == "peer_navigator"
    # "Navigator activities" is the activities folder: its theme is drafted
    themes = {t["id"]: t for t in drafted["themes"]}
    assert themes["accompanying"]["components"] == ["intervention"]
    # less A&E is better: "Less" drafted as improved
    assert themes["a_e_visits"]["better"] == "lower"
    assert themes["a_e_visits"]["stance_labels"] == {"Less": "improved", "More": "worsened"}


def test_component_from_a_folder_named_by_its_last_word():
    assert _component("Navigator activities") == "intervention"
    assert _component("Activities of the navigators") == "intervention"
    assert _component("Key mechanisms") == "mechanism"
    assert _component("Case") is None
    assert _component("Navigator notes") is None


def test_emergency_department_visits_are_lower_is_better():
    assert better_of("A&E visits") == "lower"
    assert better_of("been to A&E / the emergency room") == "lower"
    assert better_of("Besøg på skadestuen") == "lower"
    assert better_of("Seeing a GP when needed") == "higher"


OWN = [
    ("StartDate", "Start Date", "startDate"),
    ("EndDate", "End Date", "endDate"),
    ("Status", "Response Type", "status"),
    ("IPAddress", "IP Address", "ipAddress"),
    ("Progress", "Progress", "progress"),
    ("Duration (in seconds)", "Duration (in seconds)", "duration"),
    ("Finished", "Finished", "finished"),
    ("RecordedDate", "Recorded Date", "recordedDate"),
    ("ResponseId", "Response ID", "_recordId"),
    ("ExternalReference", "External Data Reference", "externalDataReference"),
    ("DistributionChannel", "Distribution Channel", "distributionChannel"),
    ("UserLanguage", "User Language", "userLanguage"),
]
QUESTIONS = [
    ("Q2_1", "How many times have you seen a GP?", "QID2_1"),
    ("Q3_1", "How many times have you been to A&E?", "QID3_1"),
    ("client_id", "client_id", "client_id"),
    ("wave", "wave", "wave"),
]


def qualtrics(path: Path) -> Path:
    """A Qualtrics export: names, question texts, import ids; embedded data last."""
    columns = OWN + QUESTIONS
    rows = [[c[0] for c in columns], [c[1] for c in columns]]
    rows.append([json.dumps({"ImportId": c[2]}, separators=(",", ":")) for c in columns])
    for n, (case, wave, gp, ae) in enumerate(
        [("L01", "baseline", 0, 4), ("L02", "baseline", 1, 2)]
        + [("L01", "followup", 3, 1), ("L02", "followup", 1, 3)]
    ):
        own = ["2026-03-02 10:00:00", "2026-03-02 10:10:00", "0", "", "100", str(600 + n)]
        own += ["1", "2026-03-02 10:10:00", f"R_{n}abcDEF", "", "anonymous", "EN-GB"]
        rows.append([*own, str(gp), str(ae), case, wave])
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)
    return path


def test_qualtrics_own_columns_are_bookkeeping_not_answers(tmp_path):
    """StartDate, Progress, Duration, ResponseId... were drafted as survey items
    and context variables, and validate listed each as undeclared."""
    path = qualtrics(tmp_path / "export.csv")
    table = read_survey_table(path, InputSpec(path=path.name, format="native"), Rejects())
    assert table.system_columns == {c[0] for c in OWN}
    draft = draft_survey(path, cases=["L01", "L02"])
    drafted = {i.column for i in draft.items} | {v.column for v in draft.variables}
    assert drafted == {"Q2_1", "Q3_1"}
    assert "IPAddress" in draft.personal  # still named in ignore_columns


def test_qualtrics_case_column_is_the_one_holding_the_case_ids(tmp_path):
    """init took `ResponseId` for the case column (by its name) and told the
    researcher to map 12 records to their cases by hand; the embedded data
    field `client_id` holds the QDA project's case ids."""
    path = qualtrics(tmp_path / "export.csv")
    assert draft_survey(path, cases=["L01", "L02"]).case_column == "client_id"
    assert draft_survey(path).case_column == "ResponseId"  # no cases known: by name


def test_qualtrics_study_drafted_by_init_validates(tmp_path):
    from flows import stages

    project = atlas_project(tmp_path / "PeerNav.qdpx")
    path = init_study(tmp_path / "study", qdpx=project, survey=qualtrics(tmp_path / "q.csv"))
    text = path.read_text(encoding="utf-8")
    assert 'case_column = "client_id"' in text
    assert "map each record" not in text
    data = stages.ingest(path.parent).data
    survey_rejects = data.rejects[data.rejects.file == "q.csv"]
    assert survey_rejects.empty, survey_rejects.to_dict("records")


def test_next_command_named_as_it_can_be_typed(tmp_path, monkeypatch):
    """init said `triangulate validate ...`: command not found for a researcher
    following the README (`.venv/bin/triangulate init ...`, no venv activated)."""
    program = tmp_path / ".venv" / "bin" / "triangulate"
    program.parent.mkdir(parents=True)
    program.write_text("#!/bin/sh\n", encoding="utf-8")
    program.chmod(0o755)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    assert command_name(".venv/bin/triangulate") == ".venv/bin/triangulate"
    assert command_name(str(program)) == ".venv/bin/triangulate"
    monkeypatch.setenv("PATH", f"{program.parent}:/usr/bin:/bin")
    assert command_name(str(program)) == "triangulate"  # the shell finds it by name
    assert command_name("/usr/lib/python3/pytest") == "triangulate"

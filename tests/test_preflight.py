"""What Prefect would store before the leak audit looks (flows/privacy/preflight.py,
decisions 0207 and 0246), called directly on the tiny study: no Prefect, no run.
The red-team files check the same through `triangulate run` and a real server;
these pin each message, each parameter and each row, for `make mutants`."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from conftest import ROSTER, TINY_STUDY, write_csv

from flows.errors import LeakError
from flows.privacy import preflight
from flows.privacy.audit import distinct_names
from flows.privacy.matching import NameSet
from flows.privacy.preflight import (
    HINT,
    check_before_flow,
    check_cases_to_rebuild,
    check_ingested,
    check_run_parameters,
    error_detail,
    holds_name,
    names_of,
    roster_cases,
    roster_names,
)
from flows.study import load_study

NAMES = NameSet(distinct_names([("B", "peer", ["Karen Lund", "Karen"]), ("A", "peer", ["Henrik"])]))
BASE = [["E0", "I2", "A", "Intervention/Walking/Present", "", "1", "AK", "We walk."]]


def test_holds_name_reads_every_spelling_and_nothing_else():
    assert holds_name(NAMES, "/data/KAREN-lund/study")
    assert holds_name(NAMES, "henrik")
    assert not holds_name(NAMES, "walking group 3")
    assert not holds_name(NAMES, "")
    assert holds_name(NAMES, "") is False


def test_a_parameter_holding_a_name_is_named_once_by_its_key_never_quoted():
    with pytest.raises(LeakError) as error:
        check_run_parameters(
            NAMES,
            {
                "study id": "tiny",
                "study folder": Path("/data/Karen Lund/study"),
                "flag": True,
                "model": None,
                "cases to rebuild": [None, "A", "Henrik", "Karen"],
                "output folder": ("out", "karen"),
            },
        )
    assert str(error.value) == (
        "the run's study folder, cases to rebuild, output folder hold(s) a roster name "
        f"({HINT}, as a run parameter); rename the folder or the case, or choose another "
        "output folder. Nothing was run."
    )
    check_run_parameters(NAMES, {"study id": "tiny", "cases": None, "on": False, "list": []})


def test_names_of_a_study_are_its_roster_and_identifiers_names(make_study):
    toml = TINY_STUDY + '\n[privacy]\nidentifiers = "identifiers.csv"\ncommon_words = ["Ole"]\n'
    folder = make_study(BASE, study_toml=toml)
    write_csv(folder / "identifiers.csv", [["kind", "name", "aliases"], ["place", "Sandvig", ""]])
    names = names_of(load_study(folder))
    assert {"Henrik Sørensen", "Lone Berg", "Mette", "Sandvig"} <= set(names.names)
    assert names.language == "en" and names.extra_common == ("Ole",)
    assert roster_names(folder) == names


def _roster(*changes: tuple[int, int, str]) -> list[list[str]]:
    roster = [list(row) for row in ROSTER]
    for row, column, value in changes:
        roster[row][column] = value
    return roster


def test_roster_cases_are_every_rows_case_ids_in_roster_order(make_study):
    folder = make_study(BASE, roster=_roster((2, 2, "A;C")))
    assert roster_cases(load_study(folder)) == ["A", "A", "C", "B", "B", "B", "A", "B"]


def test_a_case_to_rebuild_must_be_a_roster_case_id_named_by_position(make_study):
    loaded = load_study(make_study(BASE))
    for fine in (None, [], ["A"], ["B", "A", "B"]):
        check_cases_to_rebuild(loaded, fine)
    with pytest.raises(LeakError) as error:
        check_cases_to_rebuild(loaded, ["A", "Sofie", "B", "a"])
    assert str(error.value) == (
        "the run's cases to rebuild: value(s) 2, 4 are not case ids of the roster "
        f"({HINT}, as a run parameter, whatever they hold); give the roster's case ids, "
        "or --force to re-render every case. Nothing was run."
    )


def test_check_before_flow_screens_every_parameter_then_the_case_ids(make_study, tmp_path):
    folder = make_study(BASE)
    names = check_before_flow(folder, tmp_path / "out", ["A"], "en_core_web_sm")
    assert names == roster_names(folder) and holds_name(names, "Karen")
    for args, which in [
        ((tmp_path / "Mette out", None, None), "output folder"),
        ((tmp_path / "out", ["Henrik"], None), "cases to rebuild"),  # a name: not "no case id"
        ((tmp_path / "out", None, "karen-model"), "model"),
    ]:
        with pytest.raises(LeakError, match=rf"^the run's {which} hold\(s\) a roster name"):
            check_before_flow(folder, *args)
    with pytest.raises(LeakError, match=r"value\(s\) 1 are not case ids"):
        check_before_flow(folder, tmp_path / "out", ["Sofie"])
    named = make_study(BASE, study_toml=TINY_STUDY.replace('id = "tiny"', 'id = "lund"'))
    with pytest.raises(LeakError, match=r"^the run's study id hold\(s\)"):
        check_before_flow(named, tmp_path / "out")


# ----------------------------------------------------------------- check_ingested


def _ingested(folder: Path, persons, person_cases, cases, study_id="tiny", names=NAMES):
    definition = SimpleNamespace(
        study=SimpleNamespace(id=study_id),
        inputs=SimpleNamespace(files=lambda: {"roster": "roster.csv"}),
    )
    loaded = SimpleNamespace(
        definition=definition,
        path=folder / "study.toml",
        input_path=lambda name: folder / {"roster": "roster.csv"}[name],
    )
    data = SimpleNamespace(
        persons=pd.DataFrame({"person_id": persons}),
        person_cases=pd.DataFrame(
            {"person_id": [p for p, _ in person_cases], "case_id": [c for _, c in person_cases]}
        ),
        cases=pd.DataFrame({"case_id": cases}),
    )
    return SimpleNamespace(name_set=lambda: names, study=loaded, data=data)


def test_ingested_ids_holding_a_name_are_reported_by_file_and_row(tmp_path):
    write_csv(
        tmp_path / "roster.csv",
        [["person_id", "role", "case_ids"], ["P1", "peer", "A"], ["karen", "peer", "B"],
         ["P3", "peer", "Henrik"], ["P1", "peer", "C"]],
    )  # fmt: skip
    ingested = _ingested(
        tmp_path,
        persons=["P1", "karen", "P3"],
        person_cases=[("P1", "A"), ("karen", "B"), ("P3", "Henrik"), ("lund", "A")],
        cases=["A", "B", "Henrik", "Karen-2", "C"],
        study_id="study-of-henrik",
    )
    with pytest.raises(LeakError) as error:
        check_ingested(ingested)
    assert str(error.value) == (
        "study.toml: [study] id holds a roster name; "
        "roster.csv: row 3: person_id holds a roster name; "
        "roster.csv: a row: person_id holds a roster name; "
        "roster.csv: row 4: case_ids: a case id holds a roster name; "
        "case 4 of the excerpts: its id holds a roster name "
        f"({HINT}; choose ids that name no one). Nothing was written."
    )


def test_ingested_ids_naming_no_one_pass_and_twenty_problems_at_most(tmp_path):
    check_ingested(_ingested(tmp_path, ["P1"], [("P1", "A")], ["A", "B"]))
    check_ingested(_ingested(tmp_path, ["karen"], [], ["karen"], names=NameSet(())))
    many = [f"Karen-{n}" for n in range(25)]
    with pytest.raises(LeakError) as error:
        check_ingested(_ingested(tmp_path, [], [], many))
    message = str(error.value)
    assert message.count("its id holds a roster name") == 20
    assert message.startswith("case 1 of the excerpts: ") and "case 20 of" in message
    assert "case 21 of" not in message


def test_roster_lines_count_physical_lines_and_keep_the_first(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(
        '\ufeffperson_id,role,note\nP1,peer,"two\nlines"\n P2 ,peer,x\nP1,peer,y\n,peer,z\n',
        encoding="utf-8",
    )
    assert preflight._roster_lines(path) == {"P1": 3, "P2": 4, "": 6}
    assert preflight._roster_lines(tmp_path / "missing.csv") == {}
    (tmp_path / "latin.csv").write_bytes(b"person_id\nS\xf8ren\n")
    assert preflight._roster_lines(tmp_path / "latin.csv") == {}


def test_an_error_message_reaches_the_terminal_only_without_a_name(make_study, tmp_path):
    folder = make_study(BASE)
    assert error_detail(OSError("disk full"), folder) == "OSError: disk full"
    assert error_detail(ValueError(""), folder) == "ValueError: "
    withheld = "KeyError; its message is withheld: it may name a person"
    assert error_detail(KeyError("Mette Krogh"), folder) == withheld
    assert error_detail(KeyError("x"), tmp_path / "nowhere") == withheld


def test_a_qda_studys_roster_read_as_its_spec_says(tmp_path):
    """A QDA study's roster may leave case_ids empty (the project assigns them),
    and may be written in another encoding: the names and the case ids are
    read as `triangulate run` reads them, or the check would fail (or miss)."""
    from tests_support import format_builders

    fb = format_builders()
    toml = fb.QDA_STUDY.format(
        excerpts='{ path = "coded.csv", format = "qualcoder" }',
        qda='person = { from = "variable", name = "Participant" }',
    ).replace('roster = "roster.csv"', 'roster = { path = "roster.csv", encoding = "latin-1" }')
    tmp_path.joinpath("study.toml").write_text(toml, encoding="utf-8")
    rows = [list(r) for r in fb.QDA_ROSTER]
    rows[3][3] = "Karen Sølund"
    text = "".join(",".join(r) + "\n" for r in rows)
    tmp_path.joinpath("roster.csv").write_bytes(text.encode("latin-1"))
    for other in ("coded.csv", "survey.csv"):
        tmp_path.joinpath(other).write_text("", encoding="utf-8")
    loaded = load_study(tmp_path)
    assert roster_cases(loaded) == ["A", "A", "B"]  # N: no case id, accepted
    names = names_of(loaded)
    assert {"Karen Sølund", "Lone Berg"} <= set(names.names)
    assert holds_name(names, "sølund")


def test_identifiers_are_names_as_given_not_by_part(make_study):
    toml = TINY_STUDY + '\n[privacy]\nidentifiers = "identifiers.csv"\n'
    folder = make_study(BASE, study_toml=toml)
    write_csv(
        folder / "identifiers.csv",
        [["kind", "name", "aliases"], ["institution", "Sandvig Skole", ""], ["x", "Bad", ""]],
    )
    names = names_of(load_study(folder))
    assert "Sandvig Skole" in names.names
    assert holds_name(names, "Sandvig Skole") and not holds_name(names, "Skole")
    assert holds_name(names, "Sørensen")  # a person is searched by part


def test_a_name_spelled_with_a_zero_width_space_in_a_list_parameter_is_found():
    """Each item of a list parameter is screened as it is, not the list's repr
    (which escapes the zero-width space, so "Ka\\u200bren" would pass)."""
    with pytest.raises(LeakError, match="cases to rebuild"):
        check_run_parameters(NAMES, {"cases to rebuild": ["A", "Ka\u200bren"]})
    with pytest.raises(LeakError, match="output folder"):
        check_run_parameters(NAMES, {"output folder": ("out", "Hen\u200brik")})


def test_flags_and_missing_parameters_are_no_text_to_screen():
    names = NameSet(distinct_names([("T", "peer", ["True Nelson", "True"])]))
    check_run_parameters(names, {"force": True, "model": None, "quiet": [False, None]})
    with pytest.raises(LeakError):
        check_run_parameters(names, {"model": "true-model"})


def test_check_before_flow_names_a_study_folder_holding_a_name(make_study, tmp_path):
    (tmp_path / "Mette Krogh").mkdir()
    folder = make_study(BASE, base=tmp_path / "Mette Krogh")
    with pytest.raises(LeakError, match=r"^the run's study folder hold\(s\) a roster name"):
        check_before_flow(folder, tmp_path / "out")


def test_a_native_studys_roster_row_without_case_ids_stops_the_check(make_study, tmp_path):
    """Only a QDA study may leave case_ids empty: a native study's roster is read
    as ingestion reads it, so the run stops here, before Prefect, naming the row."""
    from flows.ingest.roster import RosterError

    loaded = load_study(make_study(BASE, roster=_roster((6, 2, ""))))
    for check in (names_of, roster_cases):
        with pytest.raises(RosterError, match=r"row 7: case_ids: no case ids"):
            check(loaded)


ROSTER_NAMES = NameSet(distinct_names([(r[0], r[1], [r[3], *r[4].split(";")]) for r in ROSTER[1:]]))


@pytest.mark.parametrize(
    ("run_name", "tags", "holds"),
    [
        ("wise-robin", ["triangulate"], False),  # Prefect's own name
        ("", [], False),
        ("rerun after the withdrawal", ["triangulate", "study:tiny"], False),
        ("Karen Lund follow-up", [], True),  # a roster name in the name
        ("", ["triangulate", "Karen Lund follow-up"], True),  # in a tag, no name
        ("wise-robin", ["triangulate", "SOERENSEN"], True),  # a spelling the audit knows
        ("rerun", ["Henrk"], True),  # misspelt (decision 0326)
        ("interview with Dr Madsen", [], True),  # a name nobody listed, after a title
        ("wise-robin", ["Sofie's case"], True),  # a gazetteer name in the genitive
        ("Sofie", [], True),  # a gazetteer name
    ],
)
def test_a_run_label_holding_a_name_is_found(run_name, tags, holds):
    """Decision 0327: the check a UI run makes of its own name and tags, in the run
    name or in any tag (the guard of names nobody listed and the audit's screen)."""
    assert preflight.run_label_holds_name(ROSTER_NAMES, run_name, tags) is holds

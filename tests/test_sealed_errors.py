"""Errors sealed before Prefect can log them (flows/privacy/sealed_errors.py):
pure logic, no Prefect. The flow test is in tests/test_flow.py."""

from __future__ import annotations

import traceback

import pytest

from flows.errors import InputFileError, StudyFileError, UnexpectedError, WithheldError
from flows.privacy.audit import distinct_names
from flows.privacy.matching import NameSet
from flows.privacy.sealed_errors import (
    PLACE_UNCHECKED,
    PLACE_WITHHELD,
    names_known,
    original,
    seal,
    sealed,
    where_raised,
)

NAMES = NameSet(distinct_names([("B", "peer", ["Karen Lund"]), ("A", "peer", ["Henrik Sørensen"])]))


def _raised(error: Exception) -> Exception:
    try:
        raise error
    except Exception as caught:
        return caught


def _formatted(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc))


def test_an_unexpected_error_keeps_its_type_and_place_not_its_message():
    sealed_error = seal(_raised(KeyError("Karen Lund")))
    assert isinstance(sealed_error, UnexpectedError)
    assert "Karen" not in str(sealed_error)
    assert str(sealed_error).startswith("KeyError raised at tests/test_sealed_errors.py:")
    assert "in _raised" in str(sealed_error) and "message is withheld" in str(sealed_error)
    assert isinstance(original(sealed_error), KeyError)


def test_a_researchers_error_without_a_name_passes_as_it_is():
    error = InputFileError("survey.csv", "duplicate column 'q3'", where="header")
    assert seal(error, NAMES) is error
    with names_known(NAMES):
        assert seal(error) is error
    assert original(error) is error


@pytest.mark.parametrize(
    "error",
    [
        InputFileError("survey.csv", "duplicate column 'karen_rating'", where="header"),
        InputFileError("excerpts.csv", "speaker 'HENRIK' is not a role", where="row 7"),
        StudyFileError("study.toml", "qda.role.values", "'Henrik Sorensen' maps to nothing"),
    ],
)
def test_a_researchers_error_naming_a_person_keeps_file_and_place_only(error):
    with names_known(NAMES):
        sealed_error = seal(error)
    assert isinstance(sealed_error, WithheldError) and original(sealed_error) is error
    text = str(sealed_error).lower()
    assert "karen" not in text and "henrik" not in text
    assert text.startswith(f"{error.path}: ".lower())
    assert "withheld" in text and "triangulate validate" in text
    assert getattr(error, "where", None) in (None, sealed_error.where)


def test_without_the_rosters_names_every_problem_text_is_withheld():
    """In doubt (a thread where the roster is not known), withheld."""
    error = InputFileError("survey.csv", "duplicate column 'q3'", where="header")
    sealed_error = seal(error)
    assert isinstance(sealed_error, WithheldError)
    assert str(sealed_error).startswith(
        f"{PLACE_UNCHECKED}: {PLACE_UNCHECKED}: the problem's text is withheld"
    )  # a file or element may name someone too (decision 0364)
    assert "names could not be checked" in str(sealed_error)


def test_sealing_is_idempotent():
    once = seal(_raised(ValueError("Karen")))
    assert seal(once) is once
    withheld = seal(InputFileError("a.csv", "Karen"))
    assert seal(withheld, NAMES) is withheld


def test_a_sealed_function_raises_without_the_chain_that_quotes_the_input():
    """What Prefect logs is the traceback: neither the message nor an exception
    it chained (`during handling of ...`) may quote the input."""

    @sealed
    def read_cell():
        try:
            {}["Karen Lund"]
        except KeyError:
            raise InputFileError("excerpts.csv", "no such speaker", where="row 2")  # noqa: B904

    @sealed
    def crash():
        raise ValueError("cell 'Henrik Sørensen' is odd")

    with names_known(NAMES), pytest.raises(InputFileError) as passed:
        read_cell()
    assert "Karen" not in _formatted(passed.value)  # the KeyError's context is cut
    assert str(passed.value) == "excerpts.csv: row 2: no such speaker"
    with pytest.raises(UnexpectedError) as raised:
        crash()
    formatted = _formatted(raised.value)
    assert "Henrik" not in formatted and "ValueError raised at" in formatted
    assert "in crash" in formatted


def test_where_raised_names_project_frames_only():
    import json

    try:
        json.loads("{")
    except ValueError as exc:
        where = where_raised(exc)
    assert where.startswith("tests/test_sealed_errors.py:")  # not json's own frames
    assert "json/" not in where
    assert where_raised(ValueError("never raised")) == "outside the project's code"


def test_withheld_messages_word_for_word():
    """What Prefect stores in place of the problem: the file, the element and why."""
    named = seal(InputFileError("survey.csv", "column 'karen'", where="header"), NAMES)
    assert str(named) == (
        "survey.csv: header: the problem's text is withheld from Prefect and the logs "
        "(it may name a person); `triangulate validate` prints it in your terminal"
    )
    unknown = seal(StudyFileError("study.toml", "roles", "'Karen'"))
    assert str(unknown) == (
        f"{PLACE_UNCHECKED}: the problem's text is withheld from Prefect and the logs "
        "(names could not be checked here); `triangulate validate` prints it in your terminal"
    )


def test_an_error_without_a_file_is_withheld_too():
    """A `LeakError` has no file or element: sealing it must not fail on them."""
    from flows.errors import LeakError

    sealed_error = seal(LeakError("the audit found Karen Lund"), NAMES)
    assert isinstance(sealed_error, WithheldError)
    assert str(sealed_error).startswith("an input: the problem's text is withheld")
    assert sealed_error.path is None and sealed_error.where is None
    assert seal(LeakError("the audit found 3 names"), NAMES).args == ("the audit found 3 names",)


def _deep(levels: int):
    if levels == 0:
        raise ValueError("Karen")
    _deep(levels - 1)


def test_where_raised_gives_the_three_innermost_project_frames_joined():
    try:
        _deep(4)
    except ValueError as exc:
        where = where_raised(exc)
        two = where_raised(exc, frames=2)
    parts = where.split(" <- ")
    assert len(parts) == 3 and all(p.endswith(" in _deep") for p in parts)
    assert all(p.startswith("tests/test_sealed_errors.py:") for p in parts)
    assert two == " <- ".join(parts[:2])


def test_where_raised_skips_the_projects_hidden_folders(tmp_path):
    """A frame in the project's .venv (a package's code) is no place in the project."""
    from flows.privacy import sealed_errors

    package = sealed_errors._ROOT / ".venv" / "lib" / "package.py"
    namespace: dict = {}
    exec(compile("def boom():\n    raise KeyError('x')\n", str(package), "exec"), namespace)
    try:
        namespace["boom"]()
    except KeyError as exc:
        where = where_raised(exc)
    assert ".venv" not in where and "boom" not in where
    assert where.startswith("tests/test_sealed_errors.py:") and where.endswith(
        "in test_where_raised_skips_the_projects_hidden_folders"
    )


@pytest.mark.parametrize(
    ("error", "path", "where"),
    [
        (  # a file named after a participant, with a broken header (decision 0364)
            InputFileError("/study/survey Karen Lund.csv", "duplicate column 'sex'", "header"),
            PLACE_WITHHELD,
            "header",
        ),
        (  # a damaged entry of a QDA project named after its interviewee
            InputFileError("/s/p.qdpx", "cannot be read (Bad CRC)", "entry 'sources/SØRENSEN.txt'"),
            "/s/p.qdpx",
            PLACE_WITHHELD,
        ),
        (  # a file named after someone nobody listed
            InputFileError("/s/Łukasz Wiśniewski.csv", "duplicate column 'sex'", "header"),
            PLACE_WITHHELD,
            "header",
        ),
    ],
)
def test_a_withheld_errors_file_and_element_naming_someone_are_withheld_too(error, path, where):
    """Before decision 0364 the file and element were kept as they were, so the
    name reached Prefect's log lines and state messages all the same."""
    sealed_error = seal(error, NAMES)
    assert isinstance(sealed_error, WithheldError)
    assert (sealed_error.path, sealed_error.where) == (path, where)
    text = str(sealed_error).lower()
    assert not any(n in text for n in ("karen", "lund", "sørensen", "łukasz", "wiśniewski"))


@pytest.mark.parametrize(
    "problem",
    [
        "no sheet named 'survey' (sheets: Sofie, Zbigniew)",  # gazetteer names
        "no sheet named 'survey' (sheets: Data, helsesøster Bakken)",  # a title (0366)
        "no sheet named 'survey' (sheets: Data, Dr Madsen)",
        "entry 'sources/Interview Ayşe Yılmaz.txt' cannot be read",
    ],
)
def test_a_problem_naming_someone_nobody_listed_is_withheld(problem):
    """The roster's names alone let a name nobody listed through (decision 0364)."""
    error = InputFileError("survey.xlsx", problem)
    sealed_error = seal(error, NAMES)
    assert isinstance(sealed_error, WithheldError)
    assert str(sealed_error).startswith("survey.xlsx: the problem's text is withheld")


def test_a_problem_in_the_projects_own_words_still_passes():
    for error in [
        InputFileError("survey.csv", "duplicate column 'q3'", where="header"),
        InputFileError("survey.xlsx", "no sheet named 'survey' (sheets: Data, Notes, Sheet1)"),
        StudyFileError("study.toml", "inputs.survey", "file not found: survey.csv"),
    ]:
        assert seal(error, NAMES) is error

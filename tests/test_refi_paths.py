"""Where the REFI-QDA reader looks for a source's text file (relative://,
absolute://, Windows paths, basePath) and where it never looks (the
working folder, folders not allowed); and selections refused at their
positions. Pure reader calls on small hand-written projects."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_refi_read import definition, small_project, texts
from tests_support import format_builders

from flows.readers.common import Rejects
from flows.readers.refi import read_refi

fb = format_builders()


@pytest.fixture
def study_folder(tmp_path: Path) -> Path:
    """A study folder holding texts/t.txt ("tired") and by-name.txt ("weary")."""
    folder = tmp_path / "study"
    (folder / "texts").mkdir(parents=True)
    (folder / "texts" / "t.txt").write_text("R: tired.\n", encoding="utf-8")
    (folder / "by-name.txt").write_text("R: weary.\n", encoding="utf-8")
    fb.write_qdpx(folder / "project.qdpx", small_project(), {})
    return folder


def read_with(folder: Path, path_attr: str, base: str = "", allowed=None) -> list[str]:
    fb.write_qdpx(folder / "project.qdpx", small_project(path_attr, base), {})
    project = read_refi(folder / "project.qdpx", definition(folder), Rejects(), allowed=allowed)
    return texts(project)


def test_windows_relative_path_with_backslashes(study_folder):
    assert read_with(study_folder, 'plainTextPath="relative://texts\\t.txt"') == ["tired"]


def test_file_name_starting_with_x_is_kept_whole(study_folder):
    (study_folder / "Xavier.txt").write_text("R: Xavier walks.\n", encoding="utf-8")
    project_text = small_project('plainTextPath="relative://Xavier.txt"').replace(
        'startPosition="3" endPosition="8"', 'startPosition="3" endPosition="9"'
    )
    fb.write_qdpx(study_folder / "project.qdpx", project_text, {})
    project = read_refi(study_folder / "project.qdpx", definition(study_folder), Rejects())
    assert texts(project) == ["Xavier"]


def test_search_goes_on_after_a_path_the_system_cannot_look_up(study_folder):
    """A folder name longer than the system allows (ENAMETOOLONG): the next
    candidate, the file by name in the study folder, is read."""
    long = "x" * 300
    assert read_with(study_folder, f'plainTextPath="relative://{long}/by-name.txt"') == ["weary"]


def test_base_path_first_then_the_project_folder(study_folder, tmp_path):
    """basePath names another allowed folder: its file wins over the one of
    the same relative path in the project's folder."""
    other = tmp_path / "moved"
    (other / "texts").mkdir(parents=True)
    (other / "texts" / "t.txt").write_text("R: spent.\n", encoding="utf-8")
    allowed = (study_folder.resolve(), other.resolve())
    path_attr = 'plainTextPath="relative://texts/t.txt"'
    assert read_with(study_folder, path_attr, str(other), allowed) == ["spent"]
    assert read_with(study_folder, path_attr, "", allowed) == ["tired"]
    assert read_with(study_folder, path_attr, str(other)) == ["tired"]  # not allowed: skipped


def test_relative_paths_never_resolved_against_the_working_folder(study_folder, monkeypatch):
    """The working folder holds a file of the same relative path (inside the
    allowed folder, even): the reader still reads the project's own."""
    elsewhere = study_folder / "cwd"
    (elsewhere / "texts").mkdir(parents=True)
    (elsewhere / "texts" / "t.txt").write_text("R: wrong.\n", encoding="utf-8")
    (elsewhere / "C:" / "x").mkdir(parents=True)
    (elsewhere / "c:" / "x").mkdir(parents=True)
    (elsewhere / "C:" / "x" / "by-name.txt").write_text("R: wrong.\n", encoding="utf-8")
    (elsewhere / "c:" / "x" / "by-name.txt").write_text("R: wrong.\n", encoding="utf-8")
    for drive in ("D:\\proj", "d:\\proj"):  # a folder of that name here, on POSIX
        (elsewhere / drive / "elsewhere").mkdir(parents=True)
        (elsewhere / drive / "elsewhere" / "by-name.txt").write_text(
            "R: wrong.\n", encoding="utf-8"
        )
    monkeypatch.chdir(elsewhere)
    assert read_with(study_folder, 'plainTextPath="relative://texts/t.txt"') == ["tired"]
    # a Windows basePath is skipped, not read as a folder of the working folder
    for base in ("D:\\proj", "d:\\proj"):
        path_attr = 'plainTextPath="relative://elsewhere/by-name.txt"'
        assert read_with(study_folder, path_attr, base) == ["weary"]
    # a Windows drive path is not a relative path on this machine: found by name
    assert read_with(study_folder, 'plainTextPath="absolute://C:/x/by-name.txt"') == ["weary"]
    assert read_with(study_folder, 'plainTextPath="absolute://c:/x/by-name.txt"') == ["weary"]


@pytest.mark.parametrize("name", ["sub/t.txt", "sub\\t.txt"])
def test_internal_name_with_a_folder_is_refused(tmp_path, name):
    """internal:// names a file directly in sources/: one naming a folder
    is not looked up, though the archive holds sources/sub/t.txt."""
    qde = small_project(f'plainTextPath="internal://{name}"')
    fb.write_qdpx(tmp_path / "project.qdpx", qde, {"sub/t.txt": b"R: tired.\n"})
    project = read_refi(tmp_path / "project.qdpx", definition(tmp_path), Rejects())
    assert texts(project) == []
    assert project.sources["s1"].problem.startswith("source text file not found")


def test_bare_qde_reads_only_its_sources_folder(tmp_path):
    """Beside the .qde, only a folder called sources (any case) is searched."""
    (tmp_path / "project.qdpx").write_bytes(b"")
    study = definition(tmp_path)
    (tmp_path / "project.qde").write_text(small_project(), encoding="utf-8")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "t.txt").write_text("R: wrong.\n", encoding="utf-8")
    project = read_refi(tmp_path / "project.qde", study, Rejects())
    assert texts(project) == []


def test_coding_without_a_code_reference_has_no_code(tmp_path):
    """A Coding without CodeRef, or with one lacking targetGUID, is read with
    no code (the mapping lists it as an unknown code reference); two codings
    without a guid are not duplicates of each other."""
    qde = small_project().replace(
        '<Coding guid="k1"><CodeRef targetGUID="c2"/></Coding>',
        "<Coding/>\n<Coding><CodeRef/></Coding>",
    )
    fb.write_qdpx(tmp_path / "project.qdpx", qde, {"t.txt": b"R: tired.\n"})
    project = read_refi(tmp_path / "project.qdpx", definition(tmp_path), Rejects())
    assert [(c.code, c.text, c.structural) for c in project.codings] == [
        (None, "tired", False),
        (None, "tired", False),
    ]

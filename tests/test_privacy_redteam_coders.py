"""Red-team pass (privacy10): the coder a QDA tool records (decision 0284).

NVivo and MAXQDA write the user's name into a REFI-QDA project (the real NVivo
export in tests/fixtures/real-exports has users "Gergo" and "floriansipos"),
Dedoose's "Excerpt Creator" is the account's login. The coder was shown beside
every excerpt of every dossier and kept in the database: a researcher's name
or e-mail address, which no screen looked at (the pseudonymiser reads excerpt
text, the audit roster names)."""

from __future__ import annotations

import pytest
from test_privacy_redteam import deep_text
from test_privacy_redteam_qdpx import _plant

from flows import stages
from flows.privacy.coders import coder_labels, label_coders, shows_as_initials
from flows.readers.refi import read_refi

PLANTED = ("Anders", "Jeppesen", "a.jeppesen@sdu.dk")


def test_initials_show_and_anything_else_is_numbered():
    kept = ["AK", "JM", "A.K.", "JM2", "HCA", "C1", "ÅB"]
    assert [v for v in kept if not shows_as_initials(v)] == []
    withheld = ["Gergo", "floriansipos", "Anders Jeppesen", "a.jeppesen@sdu.dk", "ak", "OLE"]
    withheld += ["EVA", "ANNE", "Researcher A", "default", "Anders J"]
    assert [v for v in withheld if shows_as_initials(v)] == []
    labels = coder_labels(["floriansipos", "AK", "", "Gergo", "floriansipos", " AK "])
    assert labels == {"": "", "AK": "AK", " AK ": "AK", "Gergo": "#1", "floriansipos": "#2"}


def test_rows_and_columns_share_one_numbering():
    """The excerpts come as rows or, when every row loads, as columns (0269):
    both are relabelled in place, numbered over all the tables together."""
    rows = [{"coder": "Anders Jeppesen"}, {"coder": "AK"}, {"coder": None}]
    columns = {"excerpt_id": ["e1", "e2", "e3"], "coder": ["AK", "a.jeppesen@sdu.dk", ""]}
    label_coders(columns, rows)
    assert [r["coder"] for r in rows] == ["#1", "AK", ""]
    assert columns["coder"] == ["AK", "#2", ""]
    assert columns["excerpt_id"] == ["e1", "e2", "e3"]


def test_the_real_nvivo_exports_users_are_named():
    """The fixture as NVivo wrote it: its users' names reach the reader."""
    from test_readers_real import NVIVO, study_with

    from flows.readers.common import Rejects

    project = read_refi(NVIVO, study_with(dialect="auto"), Rejects())
    assert {c.coder for c in project.codings} <= {"Gergo", "floriansipos"}
    assert {coder_labels(c.coder for c in project.codings)[c.coder] for c in project.codings} <= {
        "#1",
        "#2",
    }


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The REFI-QDA example with its users named as NVivo and Dedoose name them."""
    tmp = tmp_path_factory.mktemp("redteam-coders")
    study = _plant(tmp, r'name="AK"/>', 'name="Anders Jeppesen"/>')
    qdpx = study / "walking-together.qdpx"
    import zipfile

    with zipfile.ZipFile(qdpx) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    members["project.qde"] = members["project.qde"].replace(
        b'name="JM"/>', b'name="a.jeppesen@sdu.dk"/>'
    )
    qdpx.unlink()
    with zipfile.ZipFile(qdpx, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    out = tmp / "out" / "w"
    stages.run_direct(study, out)
    return out


def test_a_coders_name_or_e_mail_reaches_no_output(published):
    holding = [
        str(p.relative_to(published))
        for p in sorted(published.rglob("*"))
        if p.is_file() and any(w.lower() in deep_text(p).lower() for w in PLANTED)
    ]
    assert holding == []
    page = (published / "cases" / "W1.html").read_text(encoding="utf-8")
    assert "coder #1" in page and "coder #2" in page

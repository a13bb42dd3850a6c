"""Red-team pass (privacy12): a Dedoose export's code columns are named after the
codes ("Code: Family/Sofie Applied"), and a researcher who codes by person makes
a column of a name. A coding under an unmapped code is a reject; decision 0247
withheld the code in its reason, but the reject's element was the column's
header, so "Sofie", a name nobody listed, was published in rejects.csv, the
database and the index (decision 0364)."""

from __future__ import annotations

import shutil

from test_readers_segments import FORMATS, ingest, make_study

from flows.codes import CODE_WITHHELD


def test_a_code_column_named_after_someone_is_withheld_in_the_rejects(tmp_path):
    qda = 'person = { from = "variable", name = "Descriptor: Participant" }'
    folder = make_study(tmp_path, '{ path = "excerpts.csv", format = "dedoose" }', qda=qda)
    shutil.copy(FORMATS / "dedoose_excerpts.csv", folder / "excerpts.csv")
    lines = (folder / "excerpts.csv").read_text(encoding="utf-8").splitlines()
    lines[0] += ",Code: Family/Sofie Applied,Code: Family/Daughter Applied"
    lines[1:] = [f"{line},True,True" for line in lines[1:]]
    (folder / "excerpts.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, rejects = ingest(folder)
    named = [r for r in rejects if "sofie" in (r["element"] + r["reason"]).lower()]
    assert named == []
    withheld = [r for r in rejects if CODE_WITHHELD in r["reason"]]
    assert withheld and all(r["element"].startswith("code column ") for r in withheld)
    daughter = [r for r in rejects if "Family/Daughter" in r["reason"]]
    assert daughter and {r["element"] for r in daughter} == {"Code: Family/Daughter Applied"}

"""What a warm re-run no longer makes twice or imports for nothing (decision 0318):
the unknown-names guard once per `Ingested`, each name's two-letter spellings
once per process, no openpyxl for a CSV's audit, no QCA modules when the QCA is
kept. Same results: the guard, the spellings and the segments are compared with
what they were made from."""

from __future__ import annotations

import subprocess
import sys

import pytest

from flows import stage_warehouse, stages
from flows.privacy import matching
from flows.privacy.output_text import csv_segments


def test_the_name_guard_is_made_once_while_its_inputs_hold(demo_dir):
    from flows.privacy.unknown_names import NameGuard

    ingested = stages.ingest(demo_dir)
    guard = stages.name_guard(ingested)
    assert stages.name_guard(ingested) is guard
    fresh = NameGuard(guard.roster_names, guard.known, guard.decisions, guard.mode)
    assert (guard.word_parts, guard.known) == (fresh.word_parts, fresh.known)
    # a decision the researcher adds makes another guard, which knows it
    ingested.name_decisions["zyxwvut"] = "name"
    other = stages.name_guard(ingested)
    assert other is not guard and other.decisions["zyxwvut"] == "name"
    assert "zyxwvut" not in guard.decisions  # the first guard kept its own copy
    assert other.fingerprint() != guard.fingerprint()
    assert other.replace("then Zyxwvut came")[1] == 1
    assert guard.replace("then Zyxwvut came")[1] == 0
    assert stages.name_guard(ingested) is other


def test_each_names_spellings_are_made_once_and_a_callers_change_stays_its_own():
    matching._digraph_spellings.cache_clear()
    first = matching.digraph_spellings("Søren Aagaard")
    made = matching._digraph_spellings.cache_info().misses
    first.append("changed by a caller")
    again = matching.digraph_spellings("Søren Aagaard")
    assert matching._digraph_spellings.cache_info().misses == made
    assert again == first[:-1] and "Soeren Aagaard" in again
    # the pseudonymiser's ask (alias parts added) spells no name the audit's spelt
    matching._person_forms.cache_clear()
    matching.person_forms(["Søren Aagaard", "Sørby"])
    spelt = matching._digraph_spellings.cache_info().misses
    matching.person_forms(["Søren Aagaard", "Sørby", "Aagaard"])
    assert matching._digraph_spellings.cache_info().misses == spelt


def test_a_csv_is_audited_with_openpyxls_column_letters_without_importing_it():
    from openpyxl.utils import get_column_letter

    row = ",".join(f"v{i}" for i in range(1, 60))
    segments = csv_segments(f"{row}\n\n{row}\n")
    expected = [
        (f"row {r} column {get_column_letter(c)}", f"v{c}") for r in (1, 3) for c in range(1, 60)
    ]
    assert segments == expected
    code = (
        "import sys\n"
        "from flows.privacy.output_text import csv_segments\n"
        "assert csv_segments('a,b') == [('row 1 column A', 'a'), ('row 1 column B', 'b')]\n"
        "assert 'openpyxl' not in sys.modules, 'openpyxl imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_kept_qca_imports_no_qca_module(demo_out, tmp_path, monkeypatch):
    import shutil

    import flows
    from flows import incremental

    source = incremental.cache_database(stages.store_dir(demo_out))
    db_path = tmp_path / source.name
    shutil.copyfile(source, db_path)
    first = stage_warehouse.analyse_cross_case(db_path, kept="k")
    monkeypatch.delattr(flows, "qca")
    monkeypatch.setitem(sys.modules, "flows.qca", None)  # importing it now fails
    assert stage_warehouse.analyse_cross_case(db_path, kept="k") == first
    with pytest.raises(ImportError):
        stage_warehouse.analyse_cross_case(db_path, kept="another key")

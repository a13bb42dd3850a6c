"""The name guard made once per `Ingested` (decision 0318) is made again when any
of what it is made of changes (mutants15): a roster name, a word of the study's
own vocabulary, a decision of the researcher (a "not a name" too, which is no
name the audit looks for) and the mode. A guard kept past such a change would
miss a roster name added, or replace a word the researcher said is no name."""

from __future__ import annotations

import pytest

from flows import stages


@pytest.fixture
def ingested(demo_dir):
    return stages.ingest(demo_dir)


def _changed_definition(ingested, **update):
    definition = ingested.study.definition
    ingested.study = ingested.study.model_copy(
        update={"definition": definition.model_copy(update=update)}
    )


def test_a_roster_name_added_makes_a_guard_that_knows_it(ingested):
    guard = stages.name_guard(ingested)
    ingested.data.roster_names.append(("P99", "peer", ["Qwertyuiop Asdfgh"]))
    other = stages.name_guard(ingested)
    assert other is not guard
    assert "Qwertyuiop Asdfgh" in other.roster_names
    assert "Qwertyuiop Asdfgh" not in guard.roster_names
    assert stages.name_guard(ingested) is other


def test_a_not_a_name_decision_makes_a_guard_that_keeps_the_word(ingested):
    guard = stages.name_guard(ingested)
    assert guard.replace("then Hansen came") == ("then [person] came", 1)
    ingested.name_decisions["hansen"] = "not a name"
    other = stages.name_guard(ingested)
    assert other is not guard
    assert other.replace("then Hansen came") == ("then Hansen came", 0)
    assert stages.name_guard(ingested) is other


def test_a_word_of_the_study_makes_a_guard_that_knows_it(ingested):
    guard = stages.name_guard(ingested)
    assert "zyxwvut" not in {w.casefold() for w in guard.known}
    info = ingested.study.definition.study
    _changed_definition(ingested, study=info.model_copy(update={"title": "Zyxwvut walks"}))
    other = stages.name_guard(ingested)
    assert other is not guard and "zyxwvut" in {w.casefold() for w in other.known}
    assert stages.name_guard(ingested) is other


def test_the_mode_makes_another_guard(ingested):
    guard = stages.name_guard(ingested)
    assert guard.mode == "replace"
    privacy = ingested.study.definition.privacy
    _changed_definition(ingested, privacy=privacy.model_copy(update={"unknown_names": "review"}))
    other = stages.name_guard(ingested)
    assert other is not guard and other.mode == "review"
    assert stages.name_guard(ingested) is other

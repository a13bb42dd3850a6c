"""Red-team pass (privacy10): names in context values (decision 0286).

A context variable can be free text: REDCap's "other conditions, specify", a
"living situation" field, a QDA project's case variable such as a walking group
named after its leader. Its values are shown in the dossier's context profile
and kept in the database; the pseudonymiser read excerpt text only and the
audit searches for roster names, so a name nobody listed was published."""

from __future__ import annotations

import pandas as pd
from privacy.test_corpus import BASE, SURVEY
from test_privacy_redteam import deep_text

from flows import stages
from flows.stage_warehouse import screened_context


def test_context_values_lose_names_nobody_listed(make_study):
    ingested = stages.ingest(make_study(BASE, SURVEY))
    ingested.data.context = pd.DataFrame(
        {
            "case_id": ["A", "A", "B", "B"],
            "variable_id": ["sex", "living", "living", "group"],
            "value": ["m", "lives with daughter Sofie", "alone", "Dr Hansen's group"],
        }
    )
    assert screened_context(ingested)["value"].tolist() == [
        "m",
        "lives with daughter [person]",
        "alone",
        "[person] group",  # the title's name with its genitive
    ]


def test_a_name_in_a_context_value_reaches_no_output(make_study, tmp_path):
    survey = [list(r) for r in SURVEY]
    survey[0][4] = "m, lives with daughter Sofie"
    out = tmp_path / "out" / "tiny"
    stages.run_direct(make_study(BASE, survey), out)
    holding = [
        str(p.relative_to(out))
        for p in sorted(out.rglob("*"))
        if p.is_file() and "sofie" in deep_text(p).lower()
    ]
    assert holding == []
    assert "lives with daughter [person]" in (out / "cases" / "A.html").read_text("utf-8")

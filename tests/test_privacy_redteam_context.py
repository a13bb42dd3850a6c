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


def test_repeated_context_values_are_screened_once_each_with_the_same_result(
    make_study, monkeypatch
):
    """Decision 0381: `replace` runs once per distinct text; every row gets what a
    call per row gives (missing values kept as they are)."""
    from flows import stage_nlp

    ingested = stages.ingest(make_study(BASE, SURVEY))
    values = ["alone", "lives with daughter Sofie", None, "alone", "lives with daughter Sofie"]
    values += ["", "m", "m", float("nan")]
    ingested.data.context = pd.DataFrame(
        {"case_id": ["A"] * len(values), "variable_id": ["v"] * len(values), "value": values}
    )
    guard = stage_nlp.name_guard(ingested)
    stored = list(ingested.data.context["value"])  # as pandas holds them (None may be NaN)
    expected = [v if not isinstance(v, str) else guard.replace(v)[0] for v in stored]
    calls: list[str] = []
    real = type(guard).replace
    monkeypatch.setattr(type(guard), "replace", lambda self, t: calls.append(t) or real(self, t))
    got = screened_context(ingested)["value"].tolist()
    same = [g == e or (g != g and e != e) or (g is e) for g, e in zip(got, expected, strict=True)]
    assert all(same), (got, expected)  # a missing value stays missing
    assert got[1] == "lives with daughter [person]"
    assert sorted(calls) == sorted(["alone", "lives with daughter Sofie", "", "m"])


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

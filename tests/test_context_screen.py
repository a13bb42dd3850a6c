"""`stage_warehouse.screened_context` (decisions 0286, 0381) keeps each screened
value on its own row: a context frame whose index is not 0..n-1 (rows taken out
of it, as a withdrawal takes a case's rows out, without a new index) must not
give a row another row's value, or none."""

from __future__ import annotations

import pandas as pd
from privacy.test_corpus import BASE, SURVEY

from flows import stages
from flows.stage_warehouse import screened_context


def test_each_value_stays_on_its_row_whatever_the_index(make_study):
    ingested = stages.ingest(make_study(BASE, SURVEY))
    context = pd.DataFrame(
        {
            "case_id": ["A", "B", "A", "B", "A"],
            "variable_id": ["living", "living", "sex", "sex", "group"],
            "value": ["with daughter Sofie", "alone", "m", None, "Dr Hansen's group"],
        }
    )
    ingested.data.context = context[context["case_id"] == "A"]  # index 0, 2, 4
    got = screened_context(ingested)
    assert list(got.index) == [0, 2, 4]
    assert got.to_dict("records") == [
        {"case_id": "A", "variable_id": "living", "value": "with daughter [person]"},
        {"case_id": "A", "variable_id": "sex", "value": "m"},
        {"case_id": "A", "variable_id": "group", "value": "[person] group"},
    ]

"""docs/study-file.md cannot drift from the study file's models."""

from flows import study_doc


def test_every_key_is_described():
    assert study_doc.missing() == [], "describe these keys in flows/study_doc.py WHAT"


def test_reference_matches_the_models():
    assert study_doc.DOC.read_text(encoding="utf-8") == study_doc.render(), (
        "docs/study-file.md is stale: run python -m flows.study_doc"
    )

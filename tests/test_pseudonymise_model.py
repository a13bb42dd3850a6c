"""The trained-model layer of the pseudonymiser: a real spaCy pipeline, saved to
disk and loaded by path as a user's installed model would be (no download).

Its entities come from an entity ruler rather than a statistical NER, so which
spans are entities is known exactly: the tests then pin what the pseudonymiser
does with each (replaced by the label of its kind, left alone when the kind is
not redacted or the span is a pseudonym label already, counted per label)."""

from __future__ import annotations

import pytest
import spacy

from flows.errors import TriangulateError
from flows.privacy.pseudonymise import Pseudonymiser, load_model


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(
        [
            {"label": "DATE", "pattern": "Tuesday"},  # a kind that is not redacted
            {"label": "PERSON", "pattern": "Jensen"},
            {"label": "PER", "pattern": "Holm"},
            {"label": "GPE", "pattern": "Aarhus"},
            {"label": "LOC", "pattern": "Mols Bjerge"},
            {"label": "FAC", "pattern": "Sundhedshuset"},
            {"label": "ORG", "pattern": "Rigshospitalet"},
            # a statistical model may tag a pseudonym label as a person: left alone
            {
                "label": "PERSON",
                "pattern": [{"ORTH": "["}, {"LOWER": "peer"}, {"ORTH": "P1"}, {"ORTH": "]"}],
            },
        ]
    )
    path = tmp_path_factory.mktemp("model") / "ner"
    nlp.to_disk(path)
    return str(path)


def test_model_entities_are_replaced_by_kind_after_the_roster(model_dir):
    p = Pseudonymiser([("[peer P1]", ["Henrik"])], model=model_dir)
    text = (
        "On Tuesday Henrik met Jensen and Holm at Sundhedshuset in Aarhus, "
        "near Mols Bjerge; Jensen works at Rigshospitalet."
    )
    [item] = list(p.deidentify([text]))
    assert item.text == (
        "On Tuesday [peer P1] met [person] and [person] at [place] in [place], "
        "near [place]; [person] works at [organisation]."
    )
    assert item.names == 1
    assert item.counts == {"[person]": 3, "[place]": 3, "[organisation]": 1}
    assert p.counts == item.counts


def test_model_counts_add_up_over_texts(model_dir):
    p = Pseudonymiser([], model=model_dir)
    items = list(p.deidentify(["Jensen.", "Tuesday only.", "Jensen and Holm, 12 34 56 78."]))
    assert [i.text for i in items] == [
        "[person].",
        "Tuesday only.",
        "[person] and [person], [phone].",
    ]
    assert [dict(i.counts) for i in items] == [
        {"[person]": 1},
        {},
        {"[person]": 2, "[phone]": 1},
    ]
    assert p.counts == {"[person]": 3, "[phone]": 1}


def test_load_model_loads_a_pipeline_by_path(model_dir):
    nlp = load_model(model_dir)
    assert [(e.text, e.label_) for e in nlp("Jensen in Aarhus").ents] == [
        ("Jensen", "PERSON"),
        ("Aarhus", "GPE"),
    ]


def test_a_missing_model_says_how_to_go_on_without_it(tmp_path):
    """Never a download: the error names the pipeline and says that leaving
    the option out gives rule-only de-identification."""
    missing = str(tmp_path / "no-such-model")
    with pytest.raises(TriangulateError) as raised:
        Pseudonymiser([], model=missing)
    assert str(raised.value) == (
        f"spaCy pipeline {missing!r} is not installed; install it from a local file or "
        "leave the option out (de-identification is then rule-only)"
    )

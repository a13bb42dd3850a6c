"""Value labels naming no answer (decision 0425), called directly: the reject's
reason word for word and the codes `init` drafts, each with its first label
(mutants15)."""

from __future__ import annotations

from flows.readers.missing_labels import (
    is_missing_label,
    labelled_missing_codes,
    undeclared_missing,
)


def test_the_reason_names_the_value_its_label_and_the_key_to_set():
    assert undeclared_missing("-99", "Missing") == (
        "value -99 is labelled 'Missing', a missing-value code the file does not "
        "declare missing: treated as missing (to say so, list it in [survey] missing_codes)"
    )


def test_every_code_any_column_labels_as_no_answer_with_its_first_label():
    labels = {
        "ucla_total": {"1": "Yes", "-99": "Missing", "998": "Weiß nicht"},
        "gp_appts_3m": {"-99": "Not answered", "999": "Not applicable", "0": "None"},
        "site": {},
    }
    assert labelled_missing_codes(labels) == {
        "-99": "Missing",
        "998": "Weiß nicht",
        "999": "Not applicable",
    }
    assert list(labelled_missing_codes(labels)) == ["-99", "998", "999"]
    assert labelled_missing_codes({"a": {"1": "Yes", "2": "No"}}) == {}
    assert labelled_missing_codes({}) == {}


def test_a_label_is_read_from_its_start_as_a_whole_word():
    assert is_missing_label("  missing (system)")
    assert is_missing_label("NOT APPLICABLE")
    assert not is_missing_label("Missingness of the item")
    assert not is_missing_label("Pain: missing a dose")

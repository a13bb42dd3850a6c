"""The synthetic-study generator: deterministic, sized like the demo, valid, with a truth key."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from flows import stages, synth
from flows.nlp.reader import StanceReader
from flows.study import load_study

FILES = (
    "study.toml",
    "roster.csv",
    "interviews.csv",
    "excerpts.csv",
    "survey.csv",
    "truth.json",
    "gold_stances.csv",
)


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def study40(tmp_path_factory) -> tuple[Path, synth.Truth]:
    folder = tmp_path_factory.mktemp("synth") / "s40"
    return folder, synth.generate_study(40, folder, seed=7)


def test_same_seed_gives_identical_bytes(tmp_path):
    synth.generate_study(12, tmp_path / "a", seed=3)
    synth.generate_study(12, tmp_path / "b", seed=3)
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_another_seed_gives_another_study(tmp_path):
    synth.generate_study(12, tmp_path / "a", seed=3)
    synth.generate_study(12, tmp_path / "b", seed=4)
    for name in ("roster.csv", "excerpts.csv", "survey.csv", "truth.json"):
        assert (tmp_path / "a" / name).read_bytes() != (tmp_path / "b" / name).read_bytes(), name


def test_sizes_follow_the_demo(study40):
    folder, truth = study40
    roster = rows(folder / "roster.csv")
    by_role: dict[str, list[dict]] = {}
    for person in roster:
        by_role.setdefault(person["role"], []).append(person)
    assert len(by_role["peer"]) == 40
    assert 40 <= len(by_role["supporter"]) <= 60
    assert len(by_role["manager"]) == 2  # one per 30 cases
    assert len(by_role["nurse"]) == 2  # one per 20 cases
    assert all(len(p["case_ids"].split(";")) > 1 for p in by_role["manager"] + by_role["nurse"])

    excerpts = rows(folder / "excerpts.csv")
    per_case: dict[str, int] = {}
    for row in excerpts:
        per_case[row["case_id"]] = per_case.get(row["case_id"], 0) + 1
    assert len(per_case) == 40
    assert 34 <= len(excerpts) / 40 <= 46
    sentences = [len(re.findall(r"[.!?](?:\s|$)", row["text"])) for row in excerpts]
    assert min(sentences) >= 1 and max(sentences) <= 4
    coded = sum(
        1 for row in excerpts if row["stance"] or row["code"].rsplit("/", 1)[-1] in CHILD_LEAVES
    )
    assert 0.3 <= coded / len(excerpts) <= 0.5

    # staff interviews each speak about several cases
    interviews = {r["interview_id"]: r["person_id"] for r in rows(folder / "interviews.csv")}
    staff = {p["person_id"] for p in by_role["manager"] + by_role["nurse"]}
    cases_per_interview: dict[str, set[str]] = {}
    for row in excerpts:
        if interviews[row["interview_id"]] in staff:
            cases_per_interview.setdefault(row["interview_id"], set()).add(row["case_id"])
    assert cases_per_interview and all(len(c) >= 2 for c in cases_per_interview.values())

    survey = rows(folder / "survey.csv")
    assert len(survey) == 80
    assert truth.counts["excerpts"] == len(excerpts)


CHILD_LEAVES = set(synth.STANCE_LEAVES.values())


def test_truth_json_shape(study40):
    folder, truth = study40
    data = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    assert data["n_cases"] == 40 and data["seed"] == 7
    assert set(data["counts"]) == {"persons", "interviews", "excerpts", "words", "survey_rows"}
    assert len(data["cases"]) == 40
    keys = {
        "case_id",
        "achieves",
        "activities",
        "improved_domains",
        "worsened_domains",
        "dissonant_themes",
        "supporters",
    }
    assert all(set(case) == keys for case in data["cases"])
    achievers = [c for c in data["cases"] if c["achieves"]]
    others = [c for c in data["cases"] if not c["achieves"]]
    assert achievers and others
    assert all(len(c["activities"]) >= 2 and c["improved_domains"] for c in achievers)
    assert all(not c["improved_domains"] for c in others)
    assert any(c["dissonant_themes"] for c in data["cases"])
    gold = rows(folder / "gold_stances.csv")
    assert len(gold) == data["counts"]["excerpts"]


def test_survey_matches_the_truth(study40):
    """Achievers improve by at least the mcid in a domain; non-achievers never do."""
    folder, truth = study40
    items = {i[0]: i for i in synth.ITEMS}
    waves: dict[tuple[str, str], dict[str, str]] = {}
    for row in rows(folder / "survey.csv"):
        waves[(row["case_id"], row["wave"])] = row
    for case in truth.cases:
        improved = set()
        for item_id, (_, domain, _, better, mcid, *_rest) in items.items():
            before = waves[(case.case_id, "baseline")][item_id]
            after = waves[(case.case_id, "followup")][item_id]
            if before and after:
                change = (float(after) - float(before)) * (1 if better == "higher" else -1)
                if change >= mcid:
                    improved.add(domain)
        assert improved == set(case.improved_domains), case.case_id


def test_generated_study_validates_without_rejects(study40):
    folder, truth = study40
    ingested = stages.ingest(folder)
    assert ingested.data.rejects.empty, ingested.data.rejects.to_dict("records")[:5]
    assert ingested.data.loaded_counts == ingested.data.read_counts
    assert ingested.data.loaded_counts["excerpts.csv"] == truth.counts["excerpts"]


def test_every_example_phrase_is_found_by_the_study_examples():
    study = load_study(synth.TEMPLATE_STUDY).definition
    tagger = StanceReader("en", {}, {t.id: t.examples for t in study.themes}, model=False)
    for theme, examples in synth.EXAMPLE_PHRASES.items():
        for example, forms in examples.items():
            for phrase in (p for form in forms.values() for p in form):
                doc = tagger.nlp(phrase.replace("{my}", "my"))
                assert example in tagger.find_examples(doc, theme), (theme, example, phrase)


def test_names_are_not_words_of_the_phrase_banks():
    """A first name that is also an ordinary word would trip the leak audit."""
    texts = [
        *(
            t
            for stances in synth.SENTENCES.values()
            for p in stances.values()
            for ts in p.values()
            for t in ts
        ),
        *(
            t
            for stances in synth.ACTIVITY.values()
            for p in stances.values()
            for ts in p.values()
            for t in ts
        ),
        *(t for p in synth.OUTCOME_GOOD.values() for ts in p.values() for t in ts),
        *(
            t
            for d in synth.OUTCOME_BAD.values()
            for p in d.values()
            for ts in p.values()
            for t in ts
        ),
        *synth.FILLERS,
        *synth.OPENERS,
        *(t for ts in synth.ELABORATIONS.values() for t in ts),
    ]
    words = {w.lower() for text in texts for w in re.findall(r"[^\W\d_]+", text)}
    names = {n.lower() for n in (*synth.MALE, *synth.FEMALE, *synth.NICKNAMES.values())}
    assert not names & words


def test_pipeline_classifies_cases_as_planned(tmp_path):
    folder = tmp_path / "s9"
    truth = synth.generate_study(9, folder, seed=11)
    stages.run_direct(folder, tmp_path / "out")
    import duckdb

    with duckdb.connect(str(tmp_path / "out" / stages.DB_NAME), read_only=True) as con:
        achieved = dict(con.execute("select case_id, achieved from case_classification").fetchall())
    agree = sum(achieved[c.case_id] == c.achieves for c in truth.cases)
    assert agree >= 8, f"{agree}/9 cases classified as planned"

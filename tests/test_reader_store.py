"""Stance readers kept between runs (decision 0174): a warm run loads the reader
its key names and reads exactly as a built one; any change to what a reader is
built from builds it anew; a file not the owner's own, or not this key's, is
never loaded; the file holds no roster name and no excerpt text."""

from __future__ import annotations

import os
import pickle

import pandas as pd
import pytest

from flows import stages, synth
from flows.nlp import annotate, lexicons, reader_store
from flows.nlp.annotate import annotate_excerpts


@pytest.fixture(scope="module")
def study(tmp_path_factory) -> stages.Ingested:
    folder = tmp_path_factory.mktemp("synth") / "s8"
    synth.generate_study(8, folder, seed=5)
    return stages.ingest(folder)


@pytest.fixture
def made(monkeypatch) -> list[reader_store.Readers]:
    """Every `Readers` a run makes (what it loaded is in `.loaded`)."""
    found: list[reader_store.Readers] = []
    real = reader_store.Readers

    def recording(*args, **kwargs):
        found.append(real(*args, **kwargs))
        return found[-1]

    monkeypatch.setattr(reader_store, "Readers", recording)
    return found


def run(ingested: stages.Ingested, cache=None, excerpts=None, study=None):
    return annotate_excerpts(
        ingested.data.excerpts if excerpts is None else excerpts,
        study or ingested.study.definition,
        ingested.data.roster_names,
        extra_names=ingested.identifiers,
        person_cases=ingested.data.cases_by_person(),
        cache_path=cache,
    )


def _changed(excerpts: pd.DataFrame) -> pd.DataFrame:
    changed = excerpts.copy()
    changed["text"] = changed["text"] + " She walks more now."
    return changed


def test_a_warm_run_loads_the_reader_and_reads_as_a_built_one(study, tmp_path, made):
    cache = tmp_path / "annotations.marshal"
    plain, plain_stats = run(study)
    run(study, cache)  # cold: builds and keeps the reader
    assert made[-1].loaded == [] and reader_store.store_path(cache).is_file()
    # every excerpt changed: all read again, by the loaded reader
    changed = _changed(study.data.excerpts)
    warm, warm_stats = run(study, cache, changed)
    assert made[-1].loaded == [study.study.definition.study.language]
    fresh, fresh_stats = run(study, excerpts=changed)
    pd.testing.assert_frame_equal(warm, fresh)
    assert warm_stats == fresh_stats
    assert not warm["suggested_stance"].equals(plain["suggested_stance"]) or len(plain)


def test_a_changed_code_or_theme_builds_the_reader_anew(study, tmp_path, made, monkeypatch):
    cache = tmp_path / "annotations.marshal"
    run(study, cache)
    first_key = made[-1].key
    changed = _changed(study.data.excerpts)
    # another version of the reading code
    real = annotate._shared_salt
    monkeypatch.setattr(
        annotate, "_shared_salt", lambda: {**real(), "code": {"flows.nlp.reader": "edited"}}
    )
    run(study, cache, changed)
    assert made[-1].loaded == [] and made[-1].key != first_key
    monkeypatch.setattr(annotate, "_shared_salt", real)
    # another theme label in the study file
    definition = study.study.definition
    themes = [definition.themes[0].model_copy(update={"label": "Other words"})]
    edited = definition.model_copy(update={"themes": themes + list(definition.themes[1:])})
    run(study, cache, _changed(changed), study=edited)
    assert made[-1].loaded == [] and made[-1].key != first_key
    # and the file now holds the last key's reader only
    run(study, cache, _changed(_changed(changed)), study=edited)
    assert made[-1].loaded == [definition.study.language]


def test_a_withdrawal_still_vanishes_with_the_reader_loaded(demo_dir, tmp_path, made):
    """The reader does not depend on the roster: a withdrawal after a run loads it,
    the withdrawn person's excerpts are gone from every output, and the outputs are
    a cold run's of the same inputs."""
    import shutil

    folder = tmp_path / "study"
    shutil.copytree(demo_dir, folder)
    out = tmp_path / "out"
    stages.run_direct(folder, out)
    roster = pd.read_csv(folder / "roster.csv", dtype=str, keep_default_na=False)
    withdrawn = (roster["role"] == "peer") & (roster["case_ids"] == "P4")
    assert withdrawn.sum() == 1
    roster.loc[withdrawn, "status"] = "withdrawn"
    roster.to_csv(folder / "roster.csv", index=False)
    interviews = pd.read_csv(folder / "interviews.csv", dtype=str, keep_default_na=False)
    person = roster["person_id"][withdrawn].iloc[0]
    theirs = set(interviews["interview_id"][interviews["person_id"] == person])
    excerpts = pd.read_csv(folder / "excerpts.csv", dtype=str, keep_default_na=False)
    gone = excerpts[excerpts["interview_id"].isin(theirs)]
    assert len(gone)
    # one excerpt of another person changed, so something is read again
    other = excerpts.index[~excerpts["interview_id"].isin(theirs)][0]
    excerpts.loc[other, "text"] += " She walks more now."
    excerpts.to_csv(folder / "excerpts.csv", index=False)
    stages.run_direct(folder, out)
    assert made[-1].loaded  # the reader came from the store
    cold = tmp_path / "cold"
    stages.run_direct(folder, cold)
    assert not made[-1].loaded  # a fresh output folder: built
    files = sorted(
        p.relative_to(cold)
        for p in cold.rglob("*")
        if p.is_file() and p.name not in (stages.DB_NAME, "manifest.json")
    )
    assert files
    for name in files:
        assert (out / name).read_bytes() == (cold / name).read_bytes(), name
        if name.suffix in (".csv", ".html"):
            text = (out / name).read_text(encoding="utf-8")
            for excerpt_id, words in zip(gone["excerpt_id"], gone["text"], strict=True):
                assert words[:60] not in text, (name, excerpt_id)


def test_a_file_not_owner_only_or_not_this_keys_is_not_loaded(study, tmp_path, made):
    cache = tmp_path / "annotations.marshal"
    run(study, cache)
    path = reader_store.store_path(cache)
    assert oct(path.stat().st_mode & 0o777) == oct(0o600)
    changed = _changed(study.data.excerpts)
    path.chmod(0o640)
    run(study, cache, changed)
    assert made[-1].loaded == []  # ignored, and replaced by an owner-only file
    assert oct(path.stat().st_mode & 0o777) == oct(0o600)
    key = made[-1].key
    stored = pickle.loads(path.read_bytes())
    path.write_bytes(pickle.dumps({**stored, "key": key + "x"}))
    os.chmod(path, 0o600)
    run(study, cache, _changed(changed))
    assert made[-1].loaded == []
    path.write_bytes(b"not a pickle")
    run(study, cache, _changed(_changed(changed)))
    assert made[-1].loaded == []
    assert pickle.loads(path.read_bytes())["key"] == key


def test_the_file_holds_no_roster_name_or_excerpt_text(study, tmp_path):
    # the process's shared pipeline reads the raw excerpts first
    nlp = lexicons.shared_pipeline(study.study.definition.study.language)
    for text in study.data.excerpts["text"]:
        nlp.make_doc(text)
    cache = tmp_path / "annotations.marshal"
    run(study, cache)
    raw = reader_store.store_path(cache).read_bytes()
    names = {n for _, _, found in study.data.roster_names for n in found}
    words = {w for n in names for w in n.split() if len(w) > 3}
    assert names and words
    for word in words:
        assert word.encode() not in raw, word


def test_loading_a_reader_leaves_the_collector_as_it_was(study, tmp_path, made):
    """spaCy's `from_bytes` turns the cycle collector on (srsly's msgpack_loads):
    a reader loaded or built inside a paused stage must leave it paused (0189),
    and one loaded outside a pause leaves it on."""
    import gc

    from flows.collector import collector_paused

    cache = tmp_path / "annotations.marshal"
    language = study.study.definition.study.language
    run(study, cache)  # keeps the reader
    key = reader_store.key_for(annotate.reader_salt(study.study.definition))
    build = lambda lang: annotate.study_reader(study.study.definition, lang)  # noqa: E731
    with collector_paused():
        readers = reader_store.Readers(reader_store.store_path(cache), key, build)
        readers(language)
        assert readers.loaded == [language] and not gc.isenabled()
        other = reader_store.Readers(tmp_path / "elsewhere.pickle", key, build)
        other(language)  # built (and kept)
        assert other.loaded == [] and not gc.isenabled()
    assert gc.isenabled()
    reader_store.Readers(reader_store.store_path(cache), key, build)(language)
    assert gc.isenabled()


def test_the_review_list_tokenises_with_the_loaded_readers_pipeline(study, tmp_path, made):
    """0189: the review list takes the tokenizer of the reader the run loaded
    (no blank pipeline made); its words are those of a blank pipeline's."""
    from flows.privacy.pseudonymise import review_candidates

    cache = tmp_path / "annotations.marshal"
    language = study.study.definition.study.language
    run(study, cache)
    frame, _ = run(study, cache, _changed(study.data.excerpts))  # loads the reader
    assert made[-1].loaded == [language]
    nlp = reader_store.pipeline_in_process(language)
    assert nlp is made[-1](language).nlp and not nlp.pipe_names
    extra = [("X1", "Met Dr. Alma Berg. [peer P3] and Olsen said: Yes! Kim, Oslo..."), ("X2", "")]
    items = [*zip(frame["excerpt_id"], frame["text"], strict=True), *extra]
    vocabulary = stages.study_vocabulary(study)
    blank = review_candidates(items, vocabulary, language)
    assert review_candidates(items, vocabulary, language, nlp=nlp) == blank
    assert any(row["excerpts"] == "X1" for row in blank)


def test_a_loaded_readers_tokenizer_adds_only_the_special_cases_its_texts_hold(
    study, tmp_path, made, monkeypatch
):
    """0319: a reader is kept without its tokenizer's special cases; loaded, it adds
    before each text those whose string the text holds, so every text gets the
    whole tokenizer's tokens; past ALL_RULES_AFTER texts it adds all."""
    cache = tmp_path / "annotations.marshal"
    run(study, cache)
    language = study.study.definition.study.language
    key = reader_store.key_for(annotate.reader_salt(study.study.definition))
    build = lambda lang: annotate.study_reader(study.study.definition, lang)  # noqa: E731
    whole = lexicons.blank_pipeline(language).tokenizer
    rules = whole.rules

    def loaded():
        readers = reader_store.Readers(reader_store.store_path(cache), key, build)
        found = readers(language)
        assert readers.loaded == [language]
        return found.nlp.tokenizer

    def tokens(doc):
        return [(t.text, t.whitespace_, t.norm_, t.lower_) for t in doc]

    texts = [
        "I can't say she doesn't walk, e.g. at 5 p.m. on Mon. :) ",
        "Well -- y'all know it's N.Y. & that's o.k.!",
        "nothing special here",
    ]
    sizes = []
    for text in texts:
        tokenizer = loaded()
        assert isinstance(tokenizer, reader_store.RulesOnDemand)
        assert tokenizer.tokenizer.rules == {}  # kept without them
        assert tokens(tokenizer(text)) == tokens(whole(text))
        added = set(tokenizer.tokenizer.rules)
        assert added == {s for s in rules if s in text}
        sizes.append(len(added))
    assert max(sizes) < 50 and len(rules) > 1000
    tokenizer = loaded()
    monkeypatch.setattr(reader_store, "ALL_RULES_AFTER", 2)
    for text in texts:
        assert tokens(tokenizer(text)) == tokens(whole(text))
    assert tokenizer.pending == {} and tokenizer.tokenizer.rules == rules
    # anything but tokenising, or pickling, sees the whole tokenizer
    tokenizer = loaded()
    assert tokenizer.rules == rules and tokenizer.pending == {}
    assert pickle.loads(pickle.dumps(loaded())).rules == rules


def test_a_reader_loaded_for_each_text_reads_as_a_built_one(study, tmp_path, made, monkeypatch):
    """Every excerpt changed, read by a loaded reader that never adds the special
    cases its texts do not hold: the frame of a built reader."""
    monkeypatch.setattr(reader_store, "ALL_RULES_AFTER", 10**9)
    cache = tmp_path / "annotations.marshal"
    run(study, cache)
    changed = _changed(study.data.excerpts)
    warm, warm_stats = run(study, cache, changed)
    assert made[-1].loaded == [study.study.definition.study.language]
    tokenizer = made[-1].made[study.study.definition.study.language].nlp.tokenizer
    assert tokenizer.pending  # some special case no excerpt held was never added
    fresh, fresh_stats = run(study, excerpts=changed)
    pd.testing.assert_frame_equal(warm, fresh)
    assert warm_stats == fresh_stats

"""The annotation cache: same output with or without it, only misses annotated,
rewritten with exactly the run's excerpts, owner-only, no original names."""

from __future__ import annotations

import marshal
import stat

import pandas as pd
import pytest

from flows import stages, synth
from flows.nlp import annotate
from flows.nlp.annotate import annotate_excerpts


@pytest.fixture(scope="module")
def study(tmp_path_factory) -> stages.Ingested:
    folder = tmp_path_factory.mktemp("synth") / "s12"
    synth.generate_study(12, folder, seed=3)
    ingested = stages.ingest(folder)
    # identifiers by pattern, so that their counts are part of what must match
    excerpts = ingested.data.excerpts
    excerpts.loc[0, "text"] += " Call me on 12 34 56 78 or write to kim@example.dk."
    excerpts.loc[1, "text"] += " We met on 3 May 2021."
    return ingested


def person_cases(ingested: stages.Ingested) -> dict[str, list[str]]:
    return ingested.data.cases_by_person()


def run(ingested: stages.Ingested, excerpts: pd.DataFrame | None = None, **kwargs):
    return annotate_excerpts(
        ingested.data.excerpts if excerpts is None else excerpts,
        ingested.study.definition,
        ingested.data.roster_names,
        extra_names=ingested.identifiers,
        person_cases=person_cases(ingested),
        **kwargs,
    )


@pytest.fixture
def annotated_rows(monkeypatch) -> list[int]:
    """The number of excerpts each run annotates (the cache's misses); a run
    with no miss annotates nothing and adds nothing."""
    calls: list[int] = []
    real = annotate._annotate

    def counting(frame, *args):
        calls.append(len(frame))
        return real(frame, *args)

    monkeypatch.setattr(annotate, "_annotate", counting)
    return calls


def cache_columns(path) -> dict[str, list]:
    return marshal.loads(path.read_bytes())["columns"]


def cache_keys(path) -> list[str]:
    return cache_columns(path)["key"]


def test_same_frame_and_counts_without_cache_cold_and_warm(study, tmp_path, annotated_rows):
    cache = tmp_path / ".cache" / "annotations.marshal"
    plain, plain_stats = run(study)
    cold, cold_stats = run(study, cache_path=cache)
    warm, warm_stats = run(study, cache_path=cache)
    assert annotated_rows == [len(plain), len(plain)]  # the warm run annotated nothing
    for frame, stats in ((cold, cold_stats), (warm, warm_stats)):
        pd.testing.assert_frame_equal(frame, plain)
        assert stats == plain_stats
    assert plain_stats["replaced [phone]"] == 1 and plain_stats["replaced [e-mail]"] == 1
    assert plain_stats["replaced [date]"] == 1 and plain_stats["names_replaced"] > 0
    assert list(warm.columns) == [*study.data.excerpts.columns, *annotate.CACHE_COLUMNS[2:6]]
    assert isinstance(warm["suggestion_cues"].iloc[0], list)


def test_one_changed_excerpt_is_the_only_one_annotated(study, tmp_path, annotated_rows):
    cache = tmp_path / "annotations.marshal"
    run(study, cache_path=cache)
    changed = study.data.excerpts.copy()
    changed.loc[5, "text"] = "I walk more now, and I cook a meal every day."
    changed.loc[7, "theme_id"] = changed.loc[8, "theme_id"]  # same text, other theme
    frame, stats = run(study, changed, cache_path=cache)
    assert annotated_rows == [len(changed), 2]
    again, again_stats = run(study, changed, cache_path=cache)  # old rows and new, merged
    assert annotated_rows == [len(changed), 2]
    expected, expected_stats = run(study, changed)
    for got, got_stats in ((frame, stats), (again, again_stats)):
        pd.testing.assert_frame_equal(got, expected)
        assert got_stats == expected_stats


def test_cache_holds_exactly_the_runs_excerpts(study, tmp_path):
    cache = tmp_path / "annotations.marshal"
    run(study, cache_path=cache)
    assert len(set(cache_keys(cache))) == len(cache_keys(cache))
    kept = study.data.excerpts.iloc[::2].reset_index(drop=True)  # half withdrawn or deleted
    frame, stats = run(study, kept, cache_path=cache)
    expected, expected_stats = run(study, kept)
    pd.testing.assert_frame_equal(frame, expected)
    assert stats == expected_stats
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    kinds = {t.id: t.kind for t in study.study.definition.themes}
    salt = annotate.run_salt(
        study.study.definition,
        annotate.roster_carriers(
            study.study.definition, study.data.roster_names, person_cases(study)
        ),
        study.identifiers,
        None,
    )
    assert sorted(cache_keys(cache)) == sorted(set(annotate.excerpt_keys(kept, kinds, salt)))
    run(study, kept.iloc[:0], cache_path=cache)
    assert cache_keys(cache) == []


def test_cache_is_owner_only_and_holds_no_roster_name(study, tmp_path):
    cache = tmp_path / "annotations.marshal"
    cache.write_bytes(b"")
    cache.chmod(0o644)
    run(study, cache_path=cache)
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    # beside it only the stance readers' file (decision 0174; no name either)
    assert sorted(p.name for p in tmp_path.iterdir()) == [cache.name, "readers.pickle"]
    assert stat.S_IMODE((tmp_path / "readers.pickle").stat().st_mode) == 0o600
    pattern = stages.name_pattern(study.data.roster_names)
    frame = pd.DataFrame(cache_columns(cache))
    for column in frame.columns:
        assert not frame[column].astype(str).str.contains(pattern).any(), column
    raw = cache.read_bytes().decode("utf-8", "replace")
    for _, _, names in study.data.roster_names:
        for name in names:
            assert name not in raw


def test_roster_change_invalidates_every_entry(study, tmp_path, annotated_rows):
    cache = tmp_path / "annotations.marshal"
    run(study, cache_path=cache)
    pid, role, names = study.data.roster_names[0]
    renamed = [(pid, role, [*names, "Zebulon"]), *study.data.roster_names[1:]]
    annotate_excerpts(
        study.data.excerpts,
        study.study.definition,
        renamed,
        extra_names=study.identifiers,
        person_cases=person_cases(study),
        cache_path=cache,
    )
    assert annotated_rows == [len(study.data.excerpts)] * 2


def test_unreadable_cache_is_ignored_and_rewritten(study, tmp_path, annotated_rows):
    cache = tmp_path / "annotations.marshal"
    cache.write_bytes(b"not a marshalled cache at all")
    plain, plain_stats = run(study)
    frame, stats = run(study, cache_path=cache)
    pd.testing.assert_frame_equal(frame, plain)
    assert stats == plain_stats
    assert len(cache_keys(cache)) > 0
    run(study, cache_path=cache)
    assert annotated_rows == [len(plain)] * 2  # the last run annotated nothing


@pytest.mark.parametrize(
    "values", [[], [""], ["more"], ["go for a walk", "less"], ["a\x1fb", "c"], ["[x]", "\x1f"]]
)
def test_list_cells_round_trip(values):
    encoded = annotate._encode_list(values)
    assert isinstance(encoded, str)
    assert annotate._decode_list(encoded) == values


def test_identical_excerpts_share_a_row_but_not_their_lists(study, tmp_path):
    cache = tmp_path / "annotations.marshal"
    excerpts = study.data.excerpts
    twin = excerpts.iloc[[0]].assign(excerpt_id="twin")
    frame = pd.concat([excerpts, twin], ignore_index=True)
    plain, plain_stats = run(study, frame)
    run(study, cache_path=cache)
    rows = len(cache_keys(cache))
    run(study, frame, cache_path=cache)
    assert len(cache_keys(cache)) == rows  # the twin is the same row
    warm, warm_stats = run(study, frame, cache_path=cache)
    pd.testing.assert_frame_equal(warm, plain)
    assert warm_stats == plain_stats
    for column in ("suggestion_cues", "examples"):
        assert warm[column].iloc[0] is not warm[column].iloc[-1]


def test_every_module_the_reader_imports_salts_the_cache():
    """A module of the stance reader left out of the salt would let a changed
    reading be served from the cache (numbers.py once was)."""
    import sys

    import flows.nlp.reader  # noqa: F401
    from flows.nlp.compiled import TYPED

    loaded = {  # by source name: a module may load compiled (decision 0221), a typed
        # one has a .pyx source only (decision 0306)
        f"{stem}.pyx" if stem in TYPED else f"{stem}.py"
        for name, module in sys.modules.items()
        if name.startswith("flows.nlp.") and getattr(module, "__file__", None)
        for stem in [name.rsplit(".", 1)[-1]]
    }
    hashed = {path.name for path in annotate.reading_modules()}
    assert loaded - annotate.NOT_READING <= hashed
    assert {"numbers.py", "cues.py", "states.py", "decide.py", "model.py"} <= hashed


def test_results_are_columns_of_cached_rows_with_fresh_ones_in_place():
    """0165: `_results` picks the run's rows from the cache's columns (no object
    per row) and puts each fresh annotation at its own position."""
    from flows.nlp.annotation_cache import Annotation, Cached, _encode_list, _results

    columns = {
        "key": ["a", "b"],
        "text": ["one [person]", "two"],
        "suggested_stance": ["improved", "unclear"],
        "suggestion_confidence": [0.9, 0.0],
        "suggestion_cues": [_encode_list(["less", "now"]), ""],
        "examples": [_encode_list(["walk"]), ""],
        "names_replaced": [1, 0],
        "replaced": ['[["[phone]", 2]]', ""],
    }
    cached = Cached({"a": 0, "b": 1}, columns)
    fresh = Annotation("new", "worse", 0.7, ["more"], [], 3, (("[date]", 1),))
    got = _results([1, None, 0, 0], cached, {1: fresh})
    assert got.text == ["two", "new", "one [person]", "one [person]"]
    assert got.stance == ["unclear", "worse", "improved", "improved"]
    assert got.confidence == [0.0, 0.7, 0.9, 0.9]
    assert got.cues == [[], ["more"], ["less", "now"], ["less", "now"]]
    assert got.cues[2] is not got.cues[3] and got.cues[0] is not got.examples[0]
    assert got.examples == [[], [], ["walk"], ["walk"]]
    assert got.names == [0, 3, 1, 1]
    assert got.replaced == [(), (("[date]", 1),), (("[phone]", 2),), (("[phone]", 2),)]
    assert _results([], None, {}).text == []


def test_cache_rows_follow_the_run_and_a_reordered_run_reads_them(study, tmp_path, annotated_rows):
    """0189: the file keeps the rows in the order of the run that wrote it; a run
    in another order still picks each excerpt's own row."""
    cache = tmp_path / "annotations.marshal"
    run(study, cache_path=cache)
    keys = cache_keys(cache)
    assert len(keys) == len(study.data.excerpts) == len(set(keys))
    shuffled = study.data.excerpts.sample(frac=1, random_state=1).reset_index(drop=True)
    frame, stats = run(study, shuffled, cache_path=cache)
    expected, expected_stats = run(study, shuffled)
    pd.testing.assert_frame_equal(frame, expected)
    assert stats == expected_stats
    assert annotated_rows == [len(shuffled), len(shuffled)]  # the shuffled run read nothing
    assert set(cache_keys(cache)) == set(keys)


def test_results_give_the_fresh_row_where_the_cache_held_another():
    from flows.nlp.annotation_cache import Annotation, Cached, _encode_list, _results

    columns = {
        "key": ["a", "b", "c"],
        "text": ["one", "old two", "three"],
        "suggested_stance": ["improved", "unclear", "worse"],
        "suggestion_confidence": [0.9, 0.0, 0.5],
        "suggestion_cues": [_encode_list(["less"]), "", _encode_list(["less"])],
        "examples": ["", _encode_list(["walk"]), ""],
        "names_replaced": [1, 2, 0],
        "replaced": ['[["[phone]", 2]]', "", ""],
    }
    fresh = Annotation("new two", "worse", 0.7, ["more"], [], 3, (("[date]", 1),))
    got = _results([0, None, 2], Cached({"a": 0, "b": 1, "c": 2}, columns), {1: fresh})
    assert got.text == ["one", "new two", "three"]
    assert got.cues == [["less"], ["more"], ["less"]] and got.cues[0] is not got.cues[2]
    assert got.examples == [[], [], []]
    assert got.names == [1, 3, 0]
    assert got.replaced == [(("[phone]", 2),), (("[date]", 1),), ()]
    assert columns["text"] == ["one", "old two", "three"]  # the cache's columns untouched


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s.update(format="annotations-1"),
        lambda s: s["columns"]["key"].append("extra"),  # columns of unequal length
        lambda s: s["columns"]["key"].__setitem__(1, s["columns"]["key"][0]),  # a key twice
        lambda s: s["columns"]["names_replaced"].__setitem__(0, "1"),  # a cell of another type
        lambda s: s["columns"]["examples"].__setitem__(0, "[not json"),  # a cell not decoding
        lambda s: s["columns"].pop("replaced"),
    ],
)
def test_a_cache_not_as_written_is_not_read(study, tmp_path, change, annotated_rows):
    cache = tmp_path / "annotations.marshal"
    run(study, cache_path=cache)
    stored = marshal.loads(cache.read_bytes())
    change(stored)
    cache.write_bytes(marshal.dumps(stored))
    assert annotate.read_cache(cache) is None
    frame, stats = run(study, cache_path=cache)
    expected, expected_stats = run(study)
    pd.testing.assert_frame_equal(frame, expected)
    assert stats == expected_stats
    assert annotated_rows == [len(frame)] * 3  # the broken cache: everything annotated again
    assert annotate.read_cache(cache) is not None  # and the file written anew


def test_the_stage_removes_the_cache_file_of_the_old_format(study, tmp_path):
    """0189: the Parquet cache of earlier versions is not read again, and goes."""
    old = tmp_path / "annotations.parquet"
    old.write_bytes(b"PAR1 old rows")
    frame, _ = stages.annotate(study, None, tmp_path / "annotations.marshal")
    assert not old.exists() and (tmp_path / "annotations.marshal").is_file()
    assert len(frame) == len(study.data.excerpts) + len(study.data.programme_excerpts)

"""The privacy corpus (issue #13): every name spelling and every placement or
roster mistake, run end to end. Each is replaced, or the run fails with nothing
published; none is published with the audit clean.

The oracle does not use the matcher under test: after a run, every letter of
an excerpt that is not inside a pseudonym label must be a letter of the
sentence around the name ("Yesterday", "walked with me").
"""

from __future__ import annotations

import csv
import json
import os
import re
import unicodedata
from pathlib import Path

import pytest
from conftest import ROSTER, TINY_STUDY, write_csv

from flows import stages
from flows.errors import TriangulateError
from flows.privacy.audit import audit, file_text
from flows.runs import RunLock, lock_path, private_dir
from privacy.spellings import SPELLINGS

AROUND = ("Yesterday ", " walked with me.")
LABEL = re.compile(r"\[[^\[\]]*\](?:['’]s\b)?")  # a label, with its genitive
SURVEY = [["A", "baseline", "60", "8", "m"], ["A", "followup", "200", "5", "m"],
          ["B", "baseline", "60", "8", "f"], ["B", "followup", "200", "5", "f"]]  # fmt: skip


def excerpt(eid: str, text: str, interview: str = "I2", case: str = "A") -> list[str]:
    return [eid, interview, case, "Intervention/Walking/Present", "", "1", "AK", text]


BASE = [
    excerpt("E0", "We walk twice a week."),
    excerpt("E00", "I walk with her on Mondays.", "I3", "B"),
]


def letters(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text) if c.isalpha()).lower()


def run(make_study, tmp_path, excerpts, roster=None, study_toml=TINY_STUDY, out=None):
    folder = make_study([*BASE, *excerpts], SURVEY, roster, study_toml)
    out = out or tmp_path / "out" / "tiny"
    return folder, out, stages.run_direct(folder, out)


def run_probes(tmp: Path, probes, not_caught, roster_rows) -> tuple[Path, Path, dict[str, str]]:
    """One run of the tiny study with `roster_rows`, each probe (id, text) one
    excerpt "S00".., each knowingly not caught one "N00"..., between `AROUND`'s
    words; the published excerpts' texts by id (the red-team spelling files)."""
    from conftest import EXCERPT_HEADER, INTERVIEWS, SURVEY_HEADER, write_csv

    def make_study(excerpts, survey, roster, study_toml):
        folder = tmp / "study"
        folder.mkdir(exist_ok=True)
        (folder / "study.toml").write_text(study_toml, encoding="utf-8")
        write_csv(folder / "roster.csv", roster)
        write_csv(folder / "interviews.csv", INTERVIEWS)
        write_csv(folder / "excerpts.csv", [EXCERPT_HEADER, *excerpts])
        write_csv(folder / "survey.csv", [SURVEY_HEADER, *(survey or [])])
        return folder

    rows = [excerpt(f"S{i:02d}", AROUND[0] + t + AROUND[1]) for i, (_, t) in enumerate(probes)]
    rows += [excerpt(f"N{i:02d}", AROUND[0] + t + AROUND[1]) for i, (_, t) in enumerate(not_caught)]
    folder, out, _ = run(make_study, tmp, rows, roster_rows)
    return folder, out, published_excerpts(out)


def probe_run(tmp: Path, probes, not_caught, extra_people) -> tuple[Path, Path, dict[str, str]]:
    """`run_probes` with the tiny study's ROSTER and `extra_people` on the roster."""
    return run_probes(tmp, probes, not_caught, with_people(extra_people))


def with_people(extra_people) -> list[list[str]]:
    """The tiny study's roster rows (header first) and `extra_people` after them."""
    return [*(list(r) for r in ROSTER), *extra_people]


def probe_text(published, probes, not_caught, sid: str) -> str:
    """The published text of probe `sid` of a `probe_run`: one of `probes` ("S00"..)
    or of `not_caught` ("N00"..)."""
    for prefix, listed in (("S", probes), ("N", not_caught)):
        ids = [s for s, _ in listed]
        if sid in ids:
            return published[2][f"{prefix}{ids.index(sid):02d}"]
    raise KeyError(sid)


def probe_audit(published) -> list:
    """What the audit finds in the outputs of a `probe_run` (none, or the run leaks)."""
    folder, out, _ = published
    return audit(out, stages.ingest(folder).name_set())


def page_hits(extra_people, spelling: str) -> list:
    """What the audit finds in a page holding `spelling` between `AROUND`'s words
    (line breaks as `<br>`), with the tiny study's roster and `extra_people`."""
    from flows.privacy.audit import NameScreen, distinct_names

    people = with_people(extra_people)[1:]
    screen = NameScreen(distinct_names([(p[0], p[1], [p[3], *p[4].split(";")]) for p in people]))
    page = f"<p>{AROUND[0]}{spelling}{AROUND[1]}</p>".replace("\n", "<br>\n")
    return screen.html_hits(page)


def leaks(text: str, residue: str = "") -> bool:
    """Whether a probe's published text holds a letter outside its pseudonym labels
    that is not one of the words around it (or of `residue`, letters it may keep)."""
    return letters(LABEL.sub(" ", text)) != letters(AROUND[0] + residue + AROUND[1])


def published_excerpts(out: Path) -> dict[str, str]:
    import duckdb

    with duckdb.connect(str(out / "triangulate.duckdb"), read_only=True) as con:
        return dict(con.execute("select excerpt_id, text from raw_excerpts").fetchall())


def every_output_text(out: Path) -> str:
    return "\n".join(
        file_text(p)
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.suffix in (".html", ".csv", ".json", ".xlsx")
    )


# ------------------------------------------------------------------ spellings


def test_corpus_has_enough_variants():
    assert len(SPELLINGS) >= 40
    assert len(MISTAKES) >= 15


def test_every_spelling_is_replaced_end_to_end(make_study, tmp_path):
    """One run carries every spelling, one excerpt each: it publishes, the audit
    is clean, and no letter of any name survives outside a label."""
    rows = [
        excerpt(f"S{i:02d}", AROUND[0] + text + AROUND[1]) for i, (_, text) in enumerate(SPELLINGS)
    ]
    _, out, _ = run(make_study, tmp_path, rows)
    assert out.is_dir()
    texts = published_excerpts(out)
    leaked = []
    for i, (sid, _) in enumerate(SPELLINGS):
        rest = letters(LABEL.sub(" ", texts[f"S{i:02d}"]))
        if rest != letters("".join(AROUND)):
            leaked.append((sid, texts[f"S{i:02d}"]))
    assert leaked == []
    # and what the audit reads is clean
    assert audit(out, stages.ingest(tmp_path / "study").name_set()) == []


@pytest.mark.parametrize(("sid", "spelling"), SPELLINGS, ids=[s for s, _ in SPELLINGS])
def test_audit_finds_every_spelling_left_in_an_output(tmp_path, sid, spelling):
    """Had the pseudonymiser missed it, the audit would stop the run."""
    from flows.privacy.audit import NameScreen, distinct_names

    screen = NameScreen(
        distinct_names([(p[0], p[1], [p[3], *p[4].split(";")]) for p in ROSTER[1:]])
    )
    page = f"<p>{AROUND[0]}{spelling}{AROUND[1]}</p>".replace("\n", "<br>\n")
    assert screen.html_hits(page), sid


def test_common_word_aliases_read_as_names_only_where_they_are(make_study, tmp_path):
    roster = [list(r) for r in ROSTER]
    roster[1][4] = "Henrik;Will;May;Max;Page"
    rows = [
        excerpt("C1", "I will go again in June; it may help. The page says max two."),
        excerpt("C2", "Will said so. Then I told Max about it."),
    ]
    _, out, _ = run(make_study, tmp_path, rows, roster)
    texts = published_excerpts(out)
    assert texts["C1"] == "I will go again in June; it may help. The page says max two."
    assert texts["C2"] == "[peer A] said so. Then I told [peer A] about it."


# ---------------------------------------------------------- placement and roster mistakes


def _roster(change):
    roster = [list(r) for r in ROSTER]
    change(roster)
    return roster


def _set(row, column, value):
    def change(roster):
        roster[row][column] = value

    return change


MISTAKES = {
    # roster mistakes: the run stops before anything is written
    "status-capital-withdrawn": {"roster": _set(1, 5, "Withdrawn")},
    "status-unknown": {"roster": _set(2, 5, "inactive")},
    "status-misspelt": {"roster": _set(2, 5, "actif")},
    "role-typo": {"roster": _set(3, 1, "peeer")},
    "duplicate-person-id": {"roster": _set(4, 0, "B")},
    "empty-person-id": {"roster": _set(5, 0, "")},
    "no-case-ids": {"roster": _set(2, 2, "")},
    "unquoted-comma-in-name": {"roster": lambda r: r[2].insert(3, "Holm")},
    "control-character-in-name": {"roster": _set(2, 3, "Birgitte\x00Holm")},
    # placements outside excerpt text: the audit stops the run
    "name-in-study-title": {
        "toml": ('title = "Tiny test study"', 'title = "Study of Henrik Sørensen"')
    },
    "name-as-entity-in-title": {
        "toml": ('title = "Tiny test study"', 'title = "Visits to O&#39;Lund, Karen Lund"')
    },
    "name-in-theme-label": {"toml": ('label = "Energy"', 'label = "Energy of Karen"')},
    "name-in-coder-column": {
        # a coder that is not initials is published as "#1" (decision 0284)
        "excerpt": [
            "X1",
            "I2",
            "A",
            "Intervention/Walking/Present",
            "",
            "1",
            "Mette Krogh",
            "We walk.",
        ],
        "published": True,
    },
    "name-as-excerpt-id": {
        "excerpt": ["Henrik", "I2", "A", "Intervention/Walking/Present", "", "1", "AK", "We walk."]
    },
    "name-in-survey-context": {"survey": [["A", "baseline", "60", "8", "Henrik"]]},
    # placements the pipeline repairs: published, the name gone
    "name-in-other-case": {
        "excerpt": excerpt("X2", "Karen Lund walked with us too."),
        "published": True,
    },
    "name-in-code-path": {
        # the reject names an unmapped code (#15), but withholds one holding a
        # first name or surname (decision 0247): published, the name nowhere
        "excerpt": ["X3", "I2", "A", "Karen/Walking", "", "1", "AK", "We walk."],
        "published": True,
    },
    "roster-word-in-code-path": {
        # a roster name that is no gazetteer name is quoted: the audit finds it
        "excerpt": ["X7", "I2", "A", "Holm/Walking", "", "1", "AK", "We walk."],
        "published": False,
    },
    "extra-csv-column": {
        "excerpt": [*excerpt("X4", "Henrik walks"), "Sørensen"],
        "published": True,
    },
    "name-over-a-line-break": {
        "excerpt": excerpt("X5", "Henrik\nSørensen walked."),
        "published": True,
    },
    "name-in-email": {
        "excerpt": excerpt("X6", "Mail karen.lund@example.dk today."),
        "published": True,
    },
}


@pytest.mark.parametrize("mistake", sorted(MISTAKES), ids=sorted(MISTAKES))
def test_mistake_is_replaced_or_nothing_is_published(make_study, tmp_path, mistake):
    spec = MISTAKES[mistake]
    roster = _roster(spec["roster"]) if "roster" in spec else None
    toml = TINY_STUDY.replace(*spec["toml"]) if "toml" in spec else TINY_STUDY
    rows = [spec["excerpt"]] if "excerpt" in spec else []
    survey = SURVEY[1:] + spec["survey"] if "survey" in spec else SURVEY
    folder = make_study([*BASE, *rows], survey, roster, toml)
    out = tmp_path / "out" / "tiny"
    if spec.get("published"):
        stages.run_direct(folder, out)
        text = every_output_text(out)
        for name in ("Henrik", "Sørensen", "Karen", "Lund", "Mette", "Krogh"):
            assert name.lower() not in text.lower(), name
        return
    with pytest.raises(TriangulateError) as caught:
        stages.run_direct(folder, out)
    assert not out.exists()
    message = str(caught.value)
    for name in ("Henrik", "Sørensen", "Karen", "Birgitte", "Mette"):
        assert name not in message  # errors say where, never the name


def test_roster_error_names_file_row_and_expected_values(make_study, tmp_path):
    folder = make_study(BASE, SURVEY, _roster(_set(1, 5, "Withdrawn")))
    with pytest.raises(
        TriangulateError,
        match=r"roster.csv: row 2: status: expected exactly one of active, withdrawn",
    ):
        stages.ingest(folder)


def test_an_alias_added_for_another_case_re_renders_the_pages(make_study, tmp_path):
    """Issue #13: page keys cover every roster name, so no stale page fails the audit.
    (A nickname in no gazetteer, so only the new alias replaces it.)"""
    rows = [excerpt("R1", "Karen's friend Zorbu walked with us.")]
    folder, out, _ = run(make_study, tmp_path, rows)
    assert "Zorbu" in published_excerpts(out)["R1"]
    roster = [list(r) for r in ROSTER]
    roster[3][4] = "Karen;Zorbu"
    write_csv(folder / "roster.csv", roster)
    stages.run_direct(folder, out)
    assert "Zorbu" not in every_output_text(out)


def test_withdrawn_person_vanishes_also_from_the_private_cache(make_study, tmp_path):
    import marshal

    def kept_texts() -> dict[Path, str]:
        """Every file of the private folder as text (marshal files decoded)."""
        kept = [p for p in private_dir(out).rglob("*") if p.is_file()]
        return {
            p: repr(marshal.loads(p.read_bytes()))
            if p.suffix == ".marshal"
            else p.read_text("utf-8", "replace")
            for p in kept
        }

    rows = [excerpt("W1", "Birgitte likes the walks by the lake.")]
    folder, out, _ = run(make_study, tmp_path, rows)
    cache = [p for p in kept_texts() if p.name == "annotations.marshal"]
    assert cache and "by the lake" in kept_texts()[cache[0]]  # the search would find it
    roster = [list(r) for r in ROSTER]
    roster[2][5] = "withdrawn"  # A-a, who speaks in interview I2
    write_csv(folder / "roster.csv", roster)
    stages.run_direct(folder, out)
    assert "by the lake" not in every_output_text(out)
    texts = kept_texts()
    assert any(p.name == "annotations.marshal" for p in texts)  # the annotation cache (0189)
    assert not any("by the lake" in t for t in texts.values())


# ---------------------------------------------------------------------- runs


def test_a_second_run_into_the_same_output_refuses(make_study, tmp_path):
    folder = make_study(BASE, SURVEY)
    out = tmp_path / "out" / "tiny"
    with RunLock(out) as run_id:
        with pytest.raises(TriangulateError, match=f"another run \\(id {run_id}"):
            stages.run_direct(folder, out)
        assert not out.exists()
    stages.run_direct(folder, out)  # the lock is released
    assert (out / "manifest.json").exists() and not lock_path(out).exists()


def test_a_dead_runs_lock_and_a_cut_off_publish_are_repaired(make_study, tmp_path):
    folder = make_study(BASE, SURVEY)
    out = tmp_path / "out" / "tiny"
    stages.run_direct(folder, out)
    # killed between the two renames of publish: outputs in previous/, none published
    out.rename(private_dir(out) / "previous")
    (private_dir(out) / "staging" / "dead").mkdir(parents=True)
    lock_path(out).write_text(
        json.dumps({"run_id": "dead", "pid": 2**22 + 7, "host": os.uname().nodename})
    )
    with RunLock(out):
        assert (out / "manifest.json").exists()  # rolled back
        assert not (private_dir(out) / "staging" / "dead").exists()
    stages.run_direct(folder, out)
    assert json.loads((out / "manifest.json").read_text())["run_id"]


def test_private_things_are_in_one_private_folder(make_study, tmp_path):
    _, out, _ = run(make_study, tmp_path, [])
    beside = sorted(p.name for p in out.parent.iterdir())
    assert beside == [".triangulate-private", "tiny"]
    assert sorted(p.name for p in private_dir(out).iterdir()) == ["cache", "review", "staging"]


def test_rejects_report_extra_cells_without_values(make_study, tmp_path):
    folder = make_study([*BASE, [*excerpt("X4", "Henrik walks"), "Sørensen"]], SURVEY)
    rejects = stages.ingest(folder).data.rejects
    row = rejects[rejects["row"] == "4"].iloc[0]
    assert row["element"] == "row" and "more cells than the header" in row["reason"]
    with (folder / "excerpts.csv").open(encoding="utf-8") as handle:
        assert len(list(csv.reader(handle))) == 4

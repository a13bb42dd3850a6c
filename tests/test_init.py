"""`triangulate init`: a draft study file from the exports that loads as it
is and, after the edits its `# check:` comments ask for, gives the same
convergence and classification as the hand-written example study."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows import stages
from flows.cli import app
from flows.errors import InputFileError
from flows.init import init_study

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data" / "example-qdpx"


def draft(tmp_path: Path) -> Path:
    for name in ("walking-together.qdpx", "redcap_export.csv", "redcap_dictionary.csv"):
        shutil.copy(EXAMPLE / name, tmp_path / name)
    return init_study(
        tmp_path / "mine",
        qdpx=tmp_path / "walking-together.qdpx",
        survey=tmp_path / "redcap_export.csv",
        dictionary=tmp_path / "redcap_dictionary.csv",
    )


def check_edit(text: str, old: str, new: str) -> str:
    """Replace one line the draft marks `# check:` (only those may need editing)."""
    lines = [line for line in text.splitlines() if line.startswith(old)]
    assert len(lines) == 1, f"expected one line starting {old!r}"
    assert "# check" in lines[0], f"{lines[0]!r} is not marked # check"
    return text.replace(lines[0], new, 1)


def results(study_dir: Path, tmp_path: Path, name: str) -> tuple[set, set]:
    ingested = stages.ingest(study_dir)
    excerpts, _ = stages.annotate(ingested)
    db = tmp_path / f"{name}.duckdb"
    stages.build_warehouse(db, stages.warehouse_frames(ingested, excerpts))
    by_codes = {t.id: tuple(t.codes) for t in ingested.study.definition.themes}
    with duckdb.connect(str(db), read_only=True) as con:
        convergence = {
            (case, by_codes[theme], code)
            for case, theme, code in con.execute(
                "select case_id, theme_id, code from convergence"
            ).fetchall()
        }
        classes = set(
            con.execute("select case_id, classification from case_classification").fetchall()
        )
    return convergence, classes


def test_draft_loads_and_validates_as_it_is(tmp_path):
    path = draft(tmp_path)
    data = stages.ingest(path.parent).data
    assert data.rejects.empty
    assert data.read_counts == data.loaded_counts
    roster = (path.parent / "roster.csv").read_text(encoding="utf-8").splitlines()
    assert roster[0] == "person_id,role,case_ids,name,aliases,status"
    assert "W3-b,buddy,W3,,,active" in roster and "CO,coordinator,,,,active" in roster
    text = path.read_text(encoding="utf-8")
    assert "PAIRED BY SORT ORDER ONLY" in text
    result = CliRunner().invoke(app, ["validate", str(path.parent)])
    assert result.exit_code == 0, result.output


def test_draft_plus_checked_edits_matches_the_hand_written_study(tmp_path):
    path = draft(tmp_path)
    text = path.read_text(encoding="utf-8")
    hand = tomllib.loads((EXAMPLE / "study.toml").read_text(encoding="utf-8"))
    hand_themes = {tuple(t["codes"]): t for t in hand["themes"]}
    drafted = tomllib.loads(text)
    # the examples of every theme, as the comments ask
    for theme in drafted["themes"]:
        examples = hand_themes[tuple(theme["codes"])]["examples"]
        body = ", ".join(f"{k} = {sorted(v)!r}".replace("'", '"') for k, v in examples.items())
        block = text[text.index(f'id = "{theme["id"]}"') :]
        line = next(x for x in block.splitlines() if x.startswith("examples = {}"))
        text = text.replace(block, block.replace(line, f"examples = {{ {body} }}", 1), 1)
    # each survey item: domain, direction, smallest change, example
    columns = {v: k for k, v in hand["survey"]["columns"].items()}
    hand_items = {i["id"]: i for i in hand["survey_items"]}
    theme_of_domain = {
        t.get("survey_domain"): next(d for d in drafted["themes"] if d["codes"] == t["codes"])["id"]
        for t in hand["themes"]
    }
    for item in drafted["survey_items"]:
        want = hand_items[columns[item["id"]]]
        block_start = text.index(f'id = "{item["id"]}"')
        head, block = text[:block_start], text[block_start:]
        end = block.index("\n\n")
        part = block[:end]
        part = check_edit(part, "domain = ", f'domain = "{theme_of_domain[want["domain"]]}"')
        part = check_edit(part, "better = ", f'better = "{want["better"]}"')
        part = check_edit(part, "mcid = ", f"mcid = {want['mcid']}")
        part = check_edit(part, "# check: example", f'example = "{want["example"]}"')
        text = head + part + block[end:]
    path.write_text(text, encoding="utf-8")
    mine = results(path.parent, tmp_path, "mine")
    theirs = results(EXAMPLE, tmp_path, "hand")
    assert mine == theirs
    assert len(mine[0]) == 4 * 9


def test_init_refuses_to_overwrite_and_bad_arguments(tmp_path):
    path = draft(tmp_path)
    with pytest.raises(InputFileError, match="exists already"):
        init_study(path.parent, qdpx=tmp_path / "walking-together.qdpx")
    with pytest.raises(InputFileError, match="exactly one of --qdpx"):
        init_study(tmp_path / "x")
    result = CliRunner().invoke(
        app, ["init", "--out", str(path.parent), "--qdpx", str(tmp_path / "walking-together.qdpx")]
    )
    assert result.exit_code == 2 and "never overwrites" in result.output

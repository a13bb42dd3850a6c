"""Small helpers shared by tests."""

import csv
import importlib.util
import sys
import tempfile
from pathlib import Path
from types import ModuleType

import pytest

FORMATS = Path(__file__).resolve().parent / "fixtures" / "formats"

# Two cases, A and B, of tests/conftest.py's tiny study (`make_study`): one coded
# excerpt each, by the case's peer. For flow and server tests that need a whole
# run but not the demo's nine cases.
TWO_CASES = [
    ["E1", "I1", "A", "Intervention/Walking/Present", "", "1", "AK", "We walk."],
    ["E2", "I3", "B", "Context/Energy/Barrier", "", "1", "AK", "I am so tired."],
]


def replace_once(text: str, old: str, new: str) -> str:
    """Replace exactly one occurrence, so a test cannot silently edit nothing."""
    assert text.count(old) == 1, f"expected exactly one {old!r}"
    return text.replace(old, new)


def format_builders() -> ModuleType:
    """tests/fixtures/formats/format_builders.py, loaded once by path."""
    if "format_builders" not in sys.modules:
        spec = importlib.util.spec_from_file_location(
            "format_builders", FORMATS / "format_builders.py"
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules["format_builders"] = module
        spec.loader.exec_module(module)
    return sys.modules["format_builders"]


def drafted_roster(folder: Path) -> dict[str, tuple[str, str]]:
    """The roster.csv `triangulate init` drafted in `folder`: person id -> (role,
    case ids as written, ";"-joined)."""
    with (folder / "roster.csv").open(encoding="utf-8") as handle:
        return {r["person_id"]: (r["role"], r["case_ids"]) for r in csv.DictReader(handle)}


def read_segment_export(folder: Path, export: Path, fmt: str):
    """`export` read as a coded-segment export of format `fmt` ("maxqda",
    "atlasti", ...) by a QDA study in `folder` (format_builders' QDA_STUDY, its
    roster, a survey header, the person from the `Participant` variable)."""
    from flows.readers.common import Rejects
    from flows.readers.segments import read_segments
    from flows.study import load_study

    fb = format_builders()
    fb.write_csv(folder / "roster.csv", fb.QDA_ROSTER)
    fb.write_csv(folder / "survey.csv", [["case_id", "wave", "walk_min", "sex"]])
    qda = 'person = { from = "variable", name = "Participant" }'
    spec = f'{{ path = "{export.name}", format = "{fmt}" }}'
    (folder / "study.toml").write_text(fb.QDA_STUDY.format(excerpts=spec, qda=qda), "utf-8")
    study = load_study(folder)
    return read_segments(export, study.input_spec("excerpts"), study.definition, Rejects())


@pytest.fixture(scope="module")
def synth_study(tmp_path_factory):
    """A synthetic study of four cases (`flows.synth`, seed 5), ingested once per
    test module that imports this fixture (the onboarding walks' stance reading)."""
    from flows import stages, synth

    folder = tmp_path_factory.mktemp("synth") / "s4"
    synth.generate_study(4, folder, seed=5)
    return stages.ingest(folder)


def annotated(ingested, excerpts):
    """`excerpts` annotated with `ingested`'s study file and roster names (the
    annotate step's output frame; the cache's frame dropped)."""
    from flows.nlp.annotate import annotate_excerpts

    out, _ = annotate_excerpts(excerpts, ingested.study.definition, ingested.data.roster_names)
    return out


def own_reader(language: str, examples: dict, label=None, *, theme="theme", model=False):
    """A stance reader of one own outcome theme where lower is better, read from
    its study-file examples and label (`profiles.profile_for`): the rules alone
    unless `model` (the own-theme tests of decisions 0279, 0356, 0388-0391)."""
    from flows.nlp.profiles import profile_for
    from flows.nlp.reader import StanceReader

    profile = profile_for(theme, language, "outcome", examples, None, "lower", label)
    return StanceReader(language, {theme: profile}, {theme: examples}, model=model)


def fresh_dir(parent: Path) -> Path:
    """A new empty folder under `parent`: each hypothesis example gets its own,
    since a test's tmp_path is one folder shared by all of its examples."""
    return Path(tempfile.mkdtemp(dir=parent, prefix="example-"))


def minimal_pdf(*pages: str) -> bytes:
    """A PDF with one page per text, each shown in Helvetica (cross-reference
    table computed): what the leak audit reads from a PDF, without a renderer."""
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(len(pages)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, text in enumerate(pages):
        stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (5 + 2 * i)
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    body, offsets = b"%PDF-1.4\n", []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return body


def tiny_study(base: Path, rows: list[list[str]], study_toml: str | None = None) -> Path:
    """conftest's `make_study` outside a test (a module fixture): the tiny study
    with these excerpt rows in BASE/study."""
    from conftest import EXCERPT_HEADER, INTERVIEWS, ROSTER, SURVEY_HEADER, TINY_STUDY, write_csv

    folder = base / "study"
    folder.mkdir(parents=True)
    (folder / "study.toml").write_text(study_toml or TINY_STUDY, encoding="utf-8")
    write_csv(folder / "roster.csv", ROSTER)
    write_csv(folder / "interviews.csv", INTERVIEWS)
    write_csv(folder / "excerpts.csv", [EXCERPT_HEADER, *rows])
    write_csv(folder / "survey.csv", [SURVEY_HEADER])
    return folder

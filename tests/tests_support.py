"""Small helpers shared by tests."""

import importlib.util
import sys
import tempfile
from pathlib import Path
from types import ModuleType

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


def fresh_dir(parent: Path) -> Path:
    """A new empty folder under `parent`: each hypothesis example gets its own,
    since a test's tmp_path is one folder shared by all of its examples."""
    return Path(tempfile.mkdtemp(dir=parent, prefix="example-"))

"""Loading a study file: `load_study(path)` parses and validates `study.toml`,
raising `StudyFileError` naming the file and the key at fault; `LoadedStudy`
knows where the study's input files are and refuses files outside the allowed
folders (`inside`).
"""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from flows.errors import StudyFileError
from flows.study.definition import Study
from flows.study.inputs import InputSpec


class LoadedStudy(BaseModel):
    """A validated study plus where it came from."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    definition: Study
    path: Path
    sha256: str

    @property
    def root(self) -> Path:
        return self.path.parent

    @property
    def allowed_folders(self) -> tuple[Path, ...]:
        """Folders input files may come from: the study folder and any folder the
        study file allows (`[privacy] allow_files_from`, relative to the study folder)."""
        extra = [
            (self.root / folder).resolve() for folder in self.definition.privacy.allow_files_from
        ]
        return (self.root.resolve(), *extra)

    def input_path(self, name: str) -> Path:
        """The file of an input (`roster`, `interviews`, `excerpts`, `survey`), or
        of another file an input names (`survey.dictionary`). A file outside the
        allowed folders (`..`, an absolute path, a symbolic link out) is refused."""
        path = self.root / self.definition.inputs.files()[name]
        if not inside(path, self.allowed_folders):
            raise StudyFileError(
                str(self.path),
                f"inputs.{name}",
                "the file is outside the study folder (or a link out of it); move it in, "
                "or allow its folder in [privacy] allow_files_from",
            )
        return path

    def input_spec(self, name: str) -> InputSpec:
        return getattr(self.definition.inputs, name)


def inside(path: Path, folders: tuple[Path, ...]) -> bool:
    """True when the real path of `path` (links resolved) is in one of `folders`."""
    try:
        real = Path(path).resolve()
    except (OSError, RuntimeError):
        return False
    return any(real == folder or real.is_relative_to(folder) for folder in folders)


def _location(error: dict) -> str:
    return ".".join(str(p) for p in error["loc"]) or "(top level)"


def load_study(path: str | Path) -> LoadedStudy:
    """Read and validate a study file; a directory means its `study.toml`."""
    path = Path(path)
    if path.is_dir():
        path = path / "study.toml"
    if not path.is_file():
        raise StudyFileError(str(path), "(file)", "no study file here (expected study.toml)")
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise StudyFileError(str(path), "(file)", f"not UTF-8 text: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise StudyFileError(str(path), "(syntax)", str(exc)) from None
    try:
        study = Study.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        others = "; ".join(f"{_location(e)}: {e['msg']}" for e in errors[1:6])
        more = f" (also {others}" + (" ..." if len(errors) > 6 else "") + ")" if others else ""
        raise StudyFileError(str(path), _location(errors[0]), errors[0]["msg"] + more) from None
    for key, name in study.inputs.files().items():
        if key == "interviews" and study.inputs.interviews == study.inputs.excerpts:
            continue  # the QDA file that supplies both: reported as excerpts
        target = path.parent / name
        if not target.is_file():
            raise StudyFileError(str(path), f"inputs.{key}", f"file not found: {target}")
    return LoadedStudy(definition=study, path=path, sha256=hashlib.sha256(raw).hexdigest())

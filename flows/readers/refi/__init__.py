"""REFI-QDA projects: a `.qdpx` archive, or a `.qde` file beside its `sources/`.

What is read (REFI-QDA 1.5, `Project.xsd`):

- the codebook: nested `Code`s become paths joined by the study's code
  separator (`Outcome/Eating habits/Improved`); non-codable codes are folders;
- `Variables` and `VariableValue`s on cases and on text sources, all six
  types (Text, Boolean, Integer, Float, Date, DateTime), checked;
- `Cases`: name, variables, `SourceRef` (whole source), `SelectionRef`
  (one selection: how one interview speaks about several cases);
- `TextSource`s with text inline (`PlainTextContent`) or in a file
  (`internal://` in the archive's `sources/` or `Sources/` folder,
  `relative://` to the project's `basePath` or the study folder,
  `absolute://`), UTF-8 with or without a byte-order mark, or UTF-16 with one;
- `PlainTextSelection`s with their `Coding`s (code and coder) and notes
  (`NoteRef`s, and `Link`s between a note and the selection); whole-source
  `Coding`s;
- `Sets` of `MemberSource`s (ATLAS.ti's document groups) as source
  variables: "Site::London" gives `Site` = `London`, another group's name is
  the value of `Document group`;
- dialects: positions counted as code points, UTF-16 units or CRLF-as-1
  (see `offsets`), detected or set by `[qda] dialect`; NVivo's cases
  duplicated as codes (a coding of a case's guid assigns the selection to
  the case); MAXQDA's and Quirkos' unnamed cases carrying one source's
  variables.

Non-text sources (pictures, PDFs, audio, video) are skipped, each listed in
the rejects with the number of its codings. A selection whose text cannot be
located exactly is listed, never imported shifted.

The reader is split by part of the project: `container` (archive and files),
`project_xml` (codebook, variables, notes, links), `cases` (case assignment),
`sources` (text sources and selections) and `codings` (dialect and codings).
"""

from __future__ import annotations

from pathlib import Path

from flows.errors import InputFileError
from flows.readers.common import Rejects
from flows.readers.qda import QdaProject
from flows.readers.refi.cases import CaseAssignment
from flows.readers.refi.codings import SelectionCodings
from flows.readers.refi.container import _Container
from flows.readers.refi.project_xml import VALUE_ELEMENTS, ProjectXml
from flows.readers.refi.sources import NON_TEXT_SOURCES, SourceTexts
from flows.readers.safe_xml import XmlDocument, parse_xml
from flows.study import Study

__all__ = ["NON_TEXT_SOURCES", "VALUE_ELEMENTS", "RefiReader", "read_refi"]


class RefiReader(ProjectXml, CaseAssignment, SourceTexts, SelectionCodings):
    """Reads one project into a `QdaProject`; see the module docstring."""

    def __init__(
        self,
        path: Path,
        study: Study,
        rejects: Rejects,
        label: str | None = None,
        allowed: tuple[Path, ...] | None = None,
    ):
        self.path = Path(path)
        self.allowed = allowed or (self.path.parent.resolve(),)
        self.file = self.path.name
        self.label = label or str(path)
        self.study = study
        self.sep = study.study.code_separator
        self.rejects = rejects
        self.project = QdaProject(file=self.path)

    # -- reading ---------------------------------------------------------
    def read(self) -> QdaProject:
        container = _Container(self.path, self.label)
        try:
            self.doc: XmlDocument = parse_xml(
                container.project_bytes(), f"{self.label} ({container.member})"
            )
            root = self.doc.root
            if root.tag != "Project":
                raise InputFileError(
                    self.label, f"root element is {root.tag!r}, expected 'Project' (REFI-QDA)"
                )
            self.origin = root.get("origin", "")
            self.base_path = root.get("basePath", "")
            self.users = {
                u.get("guid", ""): (u.get("name") or u.get("id") or "")
                for u in self.children(self.child(root, "Users"), "User")
            }
            self.codes: dict[str, str] = {}
            codebook = self.child(root, "CodeBook")
            self.read_codes(self.child(codebook, "Codes"), "")
            self.variables = self.read_variables(self.child(root, "Variables"))
            self.notes = self.read_notes(self.child(root, "Notes"), container)
            self.read_cases(self.child(root, "Cases"))
            texts = self.read_sources(self.child(root, "Sources"), container)
            self.read_document_groups(self.child(root, "Sets"))
            self.check_case_refs()
            self.note_links = self.read_links(self.child(root, "Links"))
            self.read_selections(texts)
            self.project.codebook = list(dict.fromkeys(self.codes.values()))
        finally:
            container.close()
        return self.project


def read_refi(
    path: Path,
    study: Study,
    rejects: Rejects,
    label: str | None = None,
    allowed: tuple[Path, ...] | None = None,
) -> QdaProject:
    """Read a `.qdpx` (or a `.qde` beside its `sources/` folder); external source
    files only from `allowed` folders (default: the project's own folder)."""
    return RefiReader(path, study, rejects, label, allowed).read()

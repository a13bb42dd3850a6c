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
- dialects: positions counted as code points, UTF-16 units or CRLF-as-1
  (see `offsets`), detected or set by `[qda] dialect`; NVivo's cases
  duplicated as codes (a coding of a case's guid assigns the selection to
  the case); MAXQDA's and Quirkos' unnamed cases carrying one source's
  variables.

Non-text sources (pictures, PDFs, audio, video) are skipped, each listed in
the rejects with the number of its codings. A selection whose text cannot be
located exactly is listed, never imported shifted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePosixPath, PureWindowsPath
from xml.etree.ElementTree import Element

from flows.errors import InputFileError
from flows.readers.common import (
    MAX_FILE_BYTES,
    Rejects,
    bounded_read,
    decode_text,
    normalise_newlines,
)
from flows.readers.offsets import (
    DIALECT_SCHEMES,
    SCHEMES,
    Selection,
    SourceText,
    detect_scheme,
    lands_differently,
    same_text,
    scheme_from_origin,
)
from flows.readers.qda import QdaCoding, QdaProject, QdaSource
from flows.readers.safe_xml import XmlDocument, parse_xml
from flows.readers.safe_zip import SafeZip
from flows.study import Study

NON_TEXT_SOURCES = ("PictureSource", "PDFSource", "AudioSource", "VideoSource")
VALUE_ELEMENTS = {
    "TextValue": "Text",
    "BooleanValue": "Boolean",
    "IntegerValue": "Integer",
    "FloatValue": "Float",
    "DateValue": "Date",
    "DateTimeValue": "DateTime",
}


class _Container:
    """Where the project file and its internal sources live."""

    def __init__(self, path: Path, label: str):
        self.path, self.label = path, label
        self.zip: SafeZip | None = None
        if path.suffix.lower() == ".qdpx":
            self.zip = SafeZip(path, label)
            projects = [
                n
                for n in self.zip.names()
                if n.lower().endswith(".qde")
                and not n.startswith("__MACOSX/")
                and n.count("/") <= 1
            ]
            if len(projects) != 1:
                self.zip.close()
                found = "no .qde project file" if not projects else "several .qde project files"
                raise InputFileError(label, f"{found} in the archive (expected exactly one)")
            self.member = projects[0]
            self.base = self.member.rsplit("/", 1)[0] + "/" if "/" in self.member else ""
        else:
            self.member = path.name

    def project_bytes(self) -> bytes:
        if self.zip is not None:
            return self.zip.read(self.member)
        return bounded_read(self.path)

    def internal(self, name: str) -> bytes | None:
        """An internal source file (`sources/<name>`, any case of the folder)."""
        if "/" in name or "\\" in name or name in ("", ".", ".."):
            return None
        if self.zip is not None:
            member = self.zip.find(f"{self.base}sources/{name}")
            return self.zip.read(member, MAX_FILE_BYTES) if member else None
        for folder in self.path.parent.iterdir():
            if folder.is_dir() and folder.name.lower() == "sources":
                candidate = folder / name
                if candidate.is_file():
                    return bounded_read(candidate)
        return None

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


def _text_file(candidates: list[Path], allowed: tuple[Path, ...]) -> bytes | None:
    """The first candidate that is a `.txt` file inside the allowed folders."""
    from flows.study import inside

    for candidate in candidates:
        try:
            if (
                candidate.suffix.lower() == ".txt"
                and candidate.is_file()
                and inside(candidate, allowed)
            ):
                return bounded_read(candidate)
        except (OSError, ValueError):
            continue
    return None


def _external(
    kind: str, rest: str, base_path: str, folder: Path, allowed: tuple[Path, ...]
) -> bytes | None:
    """A relative:// or absolute:// text file: where the project says, else by
    name in the study folder (projects move between machines); only from the
    allowed folders (the study folder and `[privacy] allow_files_from`)."""
    rest = rest.lstrip("/") if kind == "relative" else rest
    windows = re.match(r"^/?[A-Za-z]:[\\/]", rest) or "\\" in rest
    pure = PureWindowsPath(rest.lstrip("/")) if windows else PurePosixPath(rest)
    candidates: list[Path] = []
    if kind == "relative":
        if base_path and not re.match(r"^[A-Za-z]:|^//|^\\\\", base_path):
            candidates.append(Path(base_path) / Path(*pure.parts))
        candidates.append(folder / Path(*pure.parts))
    elif not windows:
        candidates.append(Path(rest))
    candidates.append(folder / pure.name)
    return _text_file(candidates, allowed)


@dataclass
class _Selection:
    element: Element
    guid: str
    start: int
    end: int
    name: str
    user: str


@dataclass
class _TextSource:
    source: QdaSource
    text: SourceText | None
    problem: str | None
    selections: list[_Selection] = field(default_factory=list)
    whole_codings: list[Element] = field(default_factory=list)


def _int(value: str | None) -> int | None:
    try:
        return int(value.strip()) if value is not None else None
    except ValueError:
        return None


def _bool(text: str) -> str | None:
    lowered = text.strip().lower()
    return {"true": "true", "1": "true", "false": "false", "0": "false"}.get(lowered)


def _typed_value(kind: str, text: str) -> str | None:
    """A variable value checked against its type, as text; None if invalid."""
    text = text.strip()
    if not text:
        return ""
    try:
        if kind == "Boolean":
            return _bool(text)
        if kind == "Integer":
            return str(int(text))
        if kind == "Float":
            number = Decimal(text)
            return str(number) if number.is_finite() else None
        if kind == "Date":
            return date.fromisoformat(text).isoformat()
        if kind == "DateTime":
            return datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()
    except (ValueError, InvalidOperation):
        return None
    return text


class RefiReader:
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

    # -- helpers ---------------------------------------------------------
    def reject(self, element: Element, what: str, reason: str) -> None:
        self.rejects.add(self.file, self.doc.line(element), what, reason)

    def children(self, element: Element | None, tag: str) -> list[Element]:
        return [] if element is None else [c for c in element if c.tag == tag]

    def child(self, element: Element | None, tag: str) -> Element | None:
        found = self.children(element, tag)
        return found[0] if found else None

    def ref(self, element: Element, tag: str) -> str:
        """The targetGUID of a child reference element (CodeRef, VariableRef)."""
        found = self.child(element, tag)
        return found.get("targetGUID", "") if found is not None else ""

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
            self.check_case_refs()
            self.note_links = self.read_links(self.child(root, "Links"))
            self.read_selections(texts)
            self.project.codebook = list(dict.fromkeys(self.codes.values()))
        finally:
            container.close()
        return self.project

    def read_codes(self, parent: Element | None, prefix: str) -> None:
        for code in self.children(parent, "Code"):
            guid = code.get("guid", "")
            name = (code.get("name") or "").strip()
            path = f"{prefix}{self.sep}{name}" if prefix else name
            if not guid or not name:
                self.reject(code, "Code", "code without guid or name; ignored")
            elif guid in self.codes:
                self.reject(code, f"Code {guid}", "duplicate code guid; the later code is ignored")
            else:
                self.codes[guid] = path
            self.read_codes(code, path)

    def read_variables(self, parent: Element | None) -> dict[str, tuple[str, str]]:
        variables: dict[str, tuple[str, str]] = {}
        for variable in self.children(parent, "Variable"):
            guid, name = variable.get("guid", ""), (variable.get("name") or "").strip()
            kind = variable.get("typeOfVariable", "Text")
            if not guid or not name:
                self.reject(variable, "Variable", "variable without guid or name; ignored")
            elif guid in variables:
                self.reject(variable, f"Variable {guid}", "duplicate variable guid; ignored")
            elif kind not in VALUE_ELEMENTS.values():
                self.reject(variable, f"Variable {guid}", "unknown typeOfVariable; ignored")
            else:
                variables[guid] = (name, kind)
        return variables

    def read_values(self, owner: Element, owner_name: str) -> dict[str, str]:
        """The VariableValues of a case or source, checked against their types."""
        values: dict[str, str] = {}
        for value in self.children(owner, "VariableValue"):
            target = self.ref(value, "VariableRef")
            if target not in self.variables:
                self.reject(value, f"{owner_name}/VariableValue", "unknown variable reference")
                continue
            name, kind = self.variables[target]
            holders = [c for c in value if c.tag in VALUE_ELEMENTS]
            if not holders:
                values[name] = ""
                continue
            typed = _typed_value(kind, holders[0].text or "")
            if typed is None or VALUE_ELEMENTS[holders[0].tag] not in (kind, "Text"):
                self.reject(
                    value, f"{owner_name}/VariableValue", f"not a valid {kind} value; ignored"
                )
                continue
            values[name] = typed
        return values

    def read_notes(self, parent: Element | None, container: _Container) -> dict[str, str]:
        notes: dict[str, str] = {}
        for note in self.children(parent, "Note"):
            guid = note.get("guid", "")
            content = self.child(note, "PlainTextContent")
            text = content.text if content is not None else None
            path = note.get("plainTextPath", "")
            if text is None and path.startswith("internal://"):
                data = container.internal(path[len("internal://") :])
                try:
                    text = decode_text(data) if data is not None else None
                except UnicodeDecodeError:
                    text = None
            if guid and text:
                notes[guid] = normalise_newlines(text).strip()
        return notes

    def read_cases(self, parent: Element | None) -> None:
        self.case_names: dict[str, str] = {}  # guid -> name (named cases)
        self.case_sources: dict[str, list[str]] = {}  # source guid -> case names
        self.case_selections: dict[str, list[str]] = {}  # selection guid -> case names
        self.source_variables: dict[str, dict[str, str]] = {}
        self.case_refs: list[tuple[Element, str, str, str]] = []
        seen: set[str] = set()
        for case in self.children(parent, "Case"):
            guid = case.get("guid", "")
            name = (case.get("name") or "").strip()
            if not guid or guid in seen:
                self.reject(
                    case, f"Case {guid}", "case without guid or with a duplicate guid; ignored"
                )
                continue
            seen.add(guid)
            values = self.read_values(case, f"Case {guid}")
            sources = [r.get("targetGUID", "") for r in self.children(case, "SourceRef")]
            selections = [r.get("targetGUID", "") for r in self.children(case, "SelectionRef")]
            for ref in self.children(case, "SourceRef"):
                self.case_refs.append((ref, guid, "SourceRef", ref.get("targetGUID", "")))
            for ref in self.children(case, "SelectionRef"):
                self.case_refs.append((ref, guid, "SelectionRef", ref.get("targetGUID", "")))
            if not name:
                if len(sources) == 1 and not selections:
                    # MAXQDA / Quirkos: a source's variables written as an unnamed case
                    self.source_variables.setdefault(sources[0], {}).update(values)
                else:
                    self.reject(case, f"Case {guid}", "unnamed case; ignored")
                continue
            self.case_names[guid] = name
            self.project.case_variables[name] = values
            for source in sources:
                self.case_sources.setdefault(source, []).append(name)
            for selection in selections:
                self.case_selections.setdefault(selection, []).append(name)
        for source, names in self.case_sources.items():
            for name in names:
                variables = self.project.case_variables.get(name, {})
                merged = self.source_variables.setdefault(source, {})
                for key, value in variables.items():
                    merged.setdefault(key, value)

    def read_links(self, parent: Element | None) -> dict[str, list[str]]:
        """Notes linked to a selection (in either direction), by selection guid."""
        linked: dict[str, list[str]] = {}
        for link in self.children(parent, "Link"):
            origin, target = link.get("originGUID", ""), link.get("targetGUID", "")
            if origin in self.notes:
                linked.setdefault(target, []).append(self.notes[origin])
            elif target in self.notes:
                linked.setdefault(origin, []).append(self.notes[target])
        return linked

    def load_text(
        self, element: Element, container: _Container
    ) -> tuple[SourceText | None, str | None]:
        content = self.child(element, "PlainTextContent")
        path = element.get("plainTextPath", "")
        if content is not None and not path:
            return SourceText(content.text or ""), None
        if not path:
            if element.get("richTextPath"):
                return None, "text source has only a rich-text file, no plain text; skipped"
            return None, "text source has neither plainTextPath nor PlainTextContent; skipped"
        scheme, _, rest = path.partition("://")
        if scheme == "internal":
            data = container.internal(rest)
        elif scheme in ("relative", "absolute"):
            data = _external(scheme, rest, self.base_path, self.path.parent, self.allowed)
        elif not rest:  # no scheme (QualCoder 1.3 writes a bare file name)
            scheme = "no scheme"
            data = container.internal(PureWindowsPath(path).name) or _external(
                "relative", path, self.base_path, self.path.parent, self.allowed
            )
        else:
            return None, "plainTextPath is not internal://, relative:// or absolute://"
        if data is None:
            where = "no scheme" if scheme == "no scheme" else f"{scheme}://"
            return None, (
                f"source text file not found in the study folder ({where}; files elsewhere "
                "need [privacy] allow_files_from); its codings are not imported"
            )
        try:
            return SourceText(decode_text(data)), None
        except UnicodeDecodeError as exc:
            return (
                None,
                f"source text is not UTF-8 (byte {exc.start}); its codings are not imported",
            )

    def read_sources(self, parent: Element | None, container: _Container) -> list[_TextSource]:
        texts: list[_TextSource] = []
        seen: set[str] = set()
        self.selection_guids: set[str] = set()
        for element in [] if parent is None else list(parent):
            self.project.read_sources += 1
            guid = element.get("guid", "")
            if element.tag in NON_TEXT_SOURCES:
                codings = sum(1 for e in element.iter("Coding"))
                self.project.read_codings += codings
                self.project.skipped_sources += 1
                self.reject(
                    element,
                    f"{element.tag} {guid}",
                    f"non-text source skipped ({codings} codings not imported)",
                )
                continue
            if element.tag != "TextSource":
                self.reject(element, element.tag, "unknown kind of source; skipped")
                continue
            if not guid or guid in seen:
                codings = sum(1 for e in element.iter("Coding"))
                self.project.read_codings += codings
                self.reject(
                    element,
                    f"TextSource {guid}",
                    f"source without guid or with a duplicate guid; skipped ({codings} codings)",
                )
                continue
            seen.add(guid)
            name = (element.get("name") or guid).strip()
            variables = dict(self.source_variables.get(guid, {}))
            variables.update(self.read_values(element, f"TextSource {guid}"))
            source = QdaSource(
                key=guid,
                name=name,
                row=self.doc.line(element),
                element=f"TextSource {guid}",
                variables=variables,
                cases=sorted(set(self.case_sources.get(guid, []))),
            )
            text, problem = self.load_text(element, container)
            source.problem = problem
            entry = _TextSource(source, text, problem)
            for selection in self.children(element, "PlainTextSelection"):
                sel_guid = selection.get("guid", "")
                start, end = (
                    _int(selection.get("startPosition")),
                    _int(selection.get("endPosition")),
                )
                if not sel_guid or sel_guid in self.selection_guids:
                    codings = len(self.children(selection, "Coding"))
                    self.project.read_codings += codings
                    self.reject(
                        selection,
                        f"PlainTextSelection {sel_guid}",
                        f"selection without guid or with a duplicate guid; ignored ({codings} codings)",
                    )
                    continue
                self.selection_guids.add(sel_guid)
                if start is None or end is None:
                    codings = len(self.children(selection, "Coding"))
                    self.project.read_codings += codings
                    self.reject(
                        selection,
                        f"PlainTextSelection {sel_guid}",
                        f"startPosition or endPosition missing or not a whole number ({codings} codings)",
                    )
                    continue
                entry.selections.append(
                    _Selection(
                        selection,
                        sel_guid,
                        start,
                        end,
                        selection.get("name") or "",
                        selection.get("creatingUser", ""),
                    )
                )
            entry.whole_codings = self.children(element, "Coding")
            for coding in entry.whole_codings:
                target = self.ref(coding, "CodeRef")
                if target in self.codes:
                    source.codes.append(self.codes[target])
                elif target in self.case_names:
                    source.cases = sorted({*source.cases, self.case_names[target]})
            self.project.sources[guid] = source
            texts.append(entry)
        return texts

    def check_case_refs(self) -> None:
        for ref, case_guid, kind, target in self.case_refs:
            known = self.project.sources if kind == "SourceRef" else self.selection_guids
            if target not in known:
                what = "source" if kind == "SourceRef" else "selection"
                self.reject(ref, f"Case {case_guid}/{kind}", f"unknown {what} reference; ignored")

    # -- selections --------------------------------------------------------
    def choose_scheme(self, texts: list[_TextSource]) -> tuple[str, bool, bool]:
        """The counting scheme, whether names repeat the text, and whether the
        scheme is confirmed (names repeat the text, the origin agrees, or a set
        dialect agrees with the evidence): only an unconfirmed scheme refuses
        single selections that cut words (a coder may cut mid-word).

        A set `[qda] dialect` that the origin or the detection contradicts is
        refused with the evidence, unless `[qda] dialect_override = true`."""
        dialect = self.study.qda.dialect
        candidates = [
            Selection(t.text, s.start, s.end, s.name)
            for t in texts
            if t.text is not None
            for s in t.selections
        ]
        origin_scheme = scheme_from_origin(self.origin)
        detection = detect_scheme(candidates, origin_scheme)
        origin_note = (
            f"origin {self.origin!r} suggests {origin_scheme}"
            if origin_scheme
            else f"origin {self.origin!r} names no known tool"
        )
        if dialect == "auto":
            self.project.scheme = detection.scheme
            self.project.scheme_evidence = (
                f"detected {detection.scheme}; {origin_note}; {detection.evidence}"
            )
            confirmed = detection.names_are_text or origin_scheme == detection.scheme
            return detection.scheme, detection.names_are_text, confirmed
        scheme = DIALECT_SCHEMES[dialect]
        against = []
        if origin_scheme and origin_scheme != scheme:
            moved = lands_differently(candidates, scheme, origin_scheme)
            if moved:
                against.append(
                    f"the origin {self.origin!r} counts as {origin_scheme} "
                    f"({moved} selections would hold other text)"
                )
        if detection.scores.get(detection.scheme, ()) > detection.scores.get(scheme, ()):
            against.append(f"the positions fit {detection.scheme} better")
        how = f"set by [qda] dialect = {dialect!r} ({scheme})"
        if against and not self.study.qda.dialect_override:
            raise InputFileError(
                self.label,
                f"dialect = {dialect!r} counts positions as {scheme}, but "
                + " and ".join(against)
                + f" ({detection.evidence}). Importing would shift or cut passages: remove "
                "dialect (auto-detect), or set dialect_override = true if you are sure",
                where="[qda] dialect",
            )
        override = " despite the evidence (dialect_override = true)" if against else ""
        self.project.scheme = scheme
        self.project.scheme_evidence = f"{how}{override}; {origin_note}; {detection.evidence}"
        matched, _, _ = detection.scores.get(scheme, (0, 0, 0))
        named = sum(1 for c in candidates if c.name.strip())
        names_are_text = named > 0 and matched * 2 >= named
        return scheme, names_are_text, not against

    def locate(
        self,
        entry: _TextSource,
        sel: _Selection,
        scheme: str,
        names_are_text: bool,
        confirmed: bool,
    ) -> tuple[tuple[int, int] | None, str | None]:
        text = entry.text
        span = text.locate(scheme, sel.start, sel.end)
        if span is None:
            if sel.start < 0 or sel.end < sel.start:
                return None, "selection positions are negative or reversed"
            return None, (
                f"selection positions are out of range or inside a character when counted as "
                f"{scheme}; not imported"
            )
        found = text.base(scheme)[span[0] : span[1]]
        if names_are_text and sel.name.strip() and not same_text(sel.name, found):
            return None, (
                f"the text at the selection's positions (counted as {scheme}) differs from its "
                "name; not imported rather than shifted"
            )
        unchecked = not (names_are_text and sel.name.strip())
        if unchecked and not confirmed and text.boundary_score(scheme, span) < 2:
            for other in SCHEMES:
                alt = text.locate(other, sel.start, sel.end)
                if other != scheme and alt and text.boundary_score(other, alt) == 2:
                    advice = "check" if self.study.qda.dialect != "auto" else "set"
                    return None, (
                        f"the selection cuts words when counted as {scheme} but not as "
                        f"{other}; {advice} [qda] dialect; not imported rather than shifted"
                    )
        return span, None

    def read_selections(self, texts: list[_TextSource]) -> None:
        scheme, names_are_text, confirmed = self.choose_scheme(texts)
        seen_codings: set[str] = set()
        for entry in texts:
            source = entry.source
            for sel in entry.selections:
                codings = self.children(sel.element, "Coding")
                self.project.read_codings += len(codings)
                if not codings:
                    self.reject(
                        sel.element,
                        f"PlainTextSelection {sel.guid}",
                        "selection carries no coding; nothing to import",
                    )
                    continue
                if entry.text is None:
                    for coding in codings:
                        self.reject(coding, f"PlainTextSelection {sel.guid}", entry.problem or "")
                    continue
                span, problem = self.locate(entry, sel, scheme, names_are_text, confirmed)
                if span is None:
                    for coding in codings:
                        self.reject(coding, f"PlainTextSelection {sel.guid}", problem or "")
                    continue
                text = normalise_newlines(entry.text.base(scheme)[span[0] : span[1]]).strip()
                position = entry.text.paragraph(scheme, span[0])
                notes = [
                    self.notes[r.get("targetGUID", "")]
                    for r in [
                        *self.children(sel.element, "NoteRef"),
                        *(n for c in codings for n in self.children(c, "NoteRef")),
                    ]
                    if r.get("targetGUID", "") in self.notes
                ] + self.note_links.get(sel.guid, [])
                cases = list(self.case_selections.get(sel.guid, []))
                paths = []
                parsed = []
                for coding in codings:
                    guid = coding.get("guid", "")
                    target = self.ref(coding, "CodeRef")
                    if guid and guid in seen_codings:
                        self.reject(
                            coding,
                            f"PlainTextSelection {sel.guid}",
                            "duplicate coding guid; ignored",
                        )
                        continue
                    seen_codings.add(guid)
                    if target in self.case_names and target not in self.codes:
                        cases.append(self.case_names[target])
                        parsed.append((coding, None, True))
                    elif target in self.case_names:
                        cases.append(self.case_names[target])
                        parsed.append((coding, self.codes[target], True))
                    else:
                        path = self.codes.get(target)
                        if path:
                            paths.append(path)
                        parsed.append((coding, path, False))
                for coding, path, structural in parsed:
                    user = coding.get("creatingUser") or sel.user
                    self.project.codings.append(
                        QdaCoding(
                            ref=self.doc.line(coding),
                            element=f"PlainTextSelection {sel.guid}",
                            source_key=source.key,
                            code=path,
                            coder=self.users.get(user, ""),
                            position=position,
                            text=text,
                            order=(span[0], span[1], path or "", coding.get("guid", "")),
                            cases=sorted(set(cases)),
                            selection_codes=paths,
                            notes=notes,
                            structural=structural,
                        )
                    )
            for coding in entry.whole_codings:
                self.project.read_codings += 1
                target = self.ref(coding, "CodeRef")
                if entry.text is None:
                    self.reject(coding, f"TextSource {source.key}/Coding", entry.problem or "")
                    continue
                whole = entry.text.text
                self.project.codings.append(
                    QdaCoding(
                        ref=self.doc.line(coding),
                        element=f"TextSource {source.key}/Coding",
                        source_key=source.key,
                        code=self.codes.get(target),
                        coder=self.users.get(coding.get("creatingUser", ""), ""),
                        position=1,
                        text=normalise_newlines(whole).strip(),
                        order=(0, len(whole), self.codes.get(target, ""), coding.get("guid", "")),
                        selection_codes=list(source.codes),
                        structural=target in self.case_names,
                    )
                )


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

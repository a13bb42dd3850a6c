"""Text sources: their text (inline, internal, relative or absolute file), their
variables, selections and whole-source codings; non-text sources are skipped,
each listed in the rejects with the number of its codings.

`SourceTexts` is the part of `RefiReader` (flows.readers.refi) that reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PureWindowsPath
from xml.etree.ElementTree import Element

from flows.readers.common import decode_text
from flows.readers.offsets import SourceText
from flows.readers.qda import QdaSource
from flows.readers.refi.container import _Container, _external
from flows.readers.refi.project_xml import shown_guid

NON_TEXT_SOURCES = ("PictureSource", "PDFSource", "AudioSource", "VideoSource")


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


class SourceTexts:
    """The project's sources and their selections (a part of `RefiReader`)."""

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
                    f"{element.tag} {shown_guid(guid)}",
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
                    f"TextSource {shown_guid(guid)}",
                    f"source without guid or with a duplicate guid; skipped ({codings} codings)",
                )
                continue
            seen.add(guid)
            name = (element.get("name") or guid).strip()
            variables = dict(self.source_variables.get(guid, {}))
            variables.update(self.read_values(element, f"TextSource {shown_guid(guid)}"))
            source = QdaSource(
                key=guid,
                name=name,
                row=self.doc.line(element),
                element=f"TextSource {shown_guid(guid)}",
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
                        f"PlainTextSelection {shown_guid(sel_guid)}",
                        f"selection without guid or with a duplicate guid; ignored ({codings} codings)",
                    )
                    continue
                self.selection_guids.add(sel_guid)
                if start is None or end is None:
                    codings = len(self.children(selection, "Coding"))
                    self.project.read_codings += codings
                    self.reject(
                        selection,
                        f"PlainTextSelection {shown_guid(sel_guid)}",
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

"""Case assignment: the project's `Cases`, their variables, and the sources
(`SourceRef`) and selections (`SelectionRef`) each case holds; MAXQDA's and
Quirkos' unnamed cases carrying one source's variables.

`CaseAssignment` is the part of `RefiReader` (flows.readers.refi) that reads them.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element


class CaseAssignment:
    """The project's cases and what they refer to (a part of `RefiReader`)."""

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

    def check_case_refs(self) -> None:
        for ref, case_guid, kind, target in self.case_refs:
            known = self.project.sources if kind == "SourceRef" else self.selection_guids
            if target not in known:
                what = "source" if kind == "SourceRef" else "selection"
                self.reject(ref, f"Case {case_guid}/{kind}", f"unknown {what} reference; ignored")

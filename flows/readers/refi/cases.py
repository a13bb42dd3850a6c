"""Case assignment: the project's `Cases`, their variables, and the sources
(`SourceRef`) and selections (`SelectionRef`) each case holds; MAXQDA's and
Quirkos' unnamed cases carrying one source's variables; document groups
(`Sets` of `MemberSource`s, how ATLAS.ti exports its document groups) as
source variables.

`CaseAssignment` is the part of `RefiReader` (flows.readers.refi) that reads them.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from flows.readers.refi.project_xml import shown_guid

#: The source variable a plain document group's name is the value of.
DOCUMENT_GROUP = "Document group"


def group_variable(name: str) -> tuple[str, str]:
    """The source variable and value an ATLAS.ti document group's name gives:
    "Site::London" -> (`Site`, `London`), "Peer navigators" -> (`Document group`,
    "Peer navigators") (decision 0288; its `.qdpx` and its quotation export alike)."""
    name = name.strip()
    variable, sep, value = name.partition("::")
    return (variable.strip(), value.strip()) if sep else (DOCUMENT_GROUP, name)


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
                    case,
                    f"Case {shown_guid(guid)}",
                    "case without guid or with a duplicate guid; ignored",
                )
                continue
            seen.add(guid)
            values = self.read_values(case, f"Case {shown_guid(guid)}")
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
                    self.reject(case, f"Case {shown_guid(guid)}", "unnamed case; ignored")
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

    def read_document_groups(self, parent: Element | None) -> None:
        """Document groups as source variables (decision 0288). ATLAS.ti exports
        its document groups as `Set`s of `MemberSource`s: a group named
        "Site::London" (ATLAS.ti's way of writing a variable and its value)
        gives the variable `Site` = `London`; any other group's name is the
        value of `Document group` ("Peer navigators"). A document in several
        groups of one variable holds their names joined by "; ". Sets of codes
        are not read."""
        found: dict[str, dict[str, list[str]]] = {}  # source key -> variable -> values
        for group in self.children(parent, "Set"):
            variable, value = group_variable(group.get("name") or "")
            if not variable or not value:
                continue
            for member in self.children(group, "MemberSource"):
                key = member.get("targetGUID", "")
                if key in self.project.sources:
                    values = found.setdefault(key, {}).setdefault(variable, [])
                    values.extend([] if value in values else [value])
        for key, groups in found.items():
            variables = self.project.sources[key].variables
            for variable, values in groups.items():
                if variable not in variables:  # a real variable of that name wins
                    variables[variable] = "; ".join(values)
                    self.project.group_variables.add(variable)

    def check_case_refs(self) -> None:
        for ref, case_guid, kind, target in self.case_refs:
            known = self.project.sources if kind == "SourceRef" else self.selection_guids
            if target not in known:
                what = "source" if kind == "SourceRef" else "selection"
                self.reject(
                    ref,
                    f"Case {shown_guid(case_guid)}/{kind}",
                    f"unknown {what} reference; ignored",
                )

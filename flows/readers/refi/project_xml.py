"""The project XML outside the sources: codebook, variables and their typed
values, notes and links between notes and selections.

`ProjectXml` is the part of `RefiReader` (flows.readers.refi) that reads them,
with the element helpers every part uses (`reject`, `children`, `child`, `ref`).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element

from flows.readers.common import decode_text, normalise_newlines
from flows.readers.refi.container import _Container

#: a GUID as REFI-QDA writes it: 32 hex digits, grouped 8-4-4-4-12 (braces optional)
_GUID = re.compile(r"\{?[0-9A-Fa-f]{8}(?:-?[0-9A-Fa-f]{4}){3}-?[0-9A-Fa-f]{12}\}?")
GUID_WITHHELD = "<withheld: not a GUID>"


def shown_guid(guid: str) -> str:
    """A guid attribute as a reject shows it: itself when it is a GUID, else
    withheld. A tool, or a script building a project, can write any text there
    ("Hodan Mehmet"); the reject's row says where it is (decision 0424)."""
    return guid if _GUID.fullmatch(guid) else GUID_WITHHELD


VALUE_ELEMENTS = {
    "TextValue": "Text",
    "BooleanValue": "Boolean",
    "IntegerValue": "Integer",
    "FloatValue": "Float",
    "DateValue": "Date",
    "DateTimeValue": "DateTime",
}


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


class ProjectXml:
    """Codebook, variables, notes and links of the project (a part of `RefiReader`)."""

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

    def read_codes(self, parent: Element | None, prefix: str) -> None:
        for code in self.children(parent, "Code"):
            guid = code.get("guid", "")
            name = (code.get("name") or "").strip()
            path = f"{prefix}{self.sep}{name}" if prefix else name
            if not guid or not name:
                self.reject(code, "Code", "code without guid or name; ignored")
            elif guid in self.codes:
                self.reject(
                    code,
                    f"Code {shown_guid(guid)}",
                    "duplicate code guid; the later code is ignored",
                )
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
                self.reject(
                    variable, f"Variable {shown_guid(guid)}", "duplicate variable guid; ignored"
                )
            elif kind not in VALUE_ELEMENTS.values():
                self.reject(
                    variable, f"Variable {shown_guid(guid)}", "unknown typeOfVariable; ignored"
                )
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
                if data is None:
                    self.reject(
                        note,
                        f"Note {shown_guid(guid)}",
                        "its text file is not in the project; ignored",
                    )
                    continue
                try:
                    text = decode_text(data)
                except UnicodeDecodeError:
                    self.reject(
                        note, f"Note {shown_guid(guid)}", "its text file is not UTF-8 text; ignored"
                    )
                    continue
            if guid and text:
                notes[guid] = normalise_newlines(text).strip()
        return notes

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

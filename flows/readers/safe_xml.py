"""Parsing XML (a REFI-QDA `.qde`) without trusting it.

defusedxml's parser refuses entity declarations (billion laughs, quadratic
blow-up) and external entities or DTDs fetched from elsewhere; here those
become `UnsafeInputError`. Elements keep their local names (namespaces are
dropped: tools disagree on them) and their line numbers, so rejects can point
at a line of the file. Nesting deeper than `MAX_DEPTH` is refused.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError

from flows.errors import InputFileError, UnsafeInputError
from flows.readers.common import MAX_CELL_CHARS

MAX_DEPTH = 200


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


class _Target:
    """Builds the tree with local names, and records each element's line."""

    def __init__(self, label: str):
        self.label = label
        self.builder = ET.TreeBuilder()
        self.lines: dict[ET.Element, int] = {}
        self.depth = 0
        self.expat = None

    def start(self, tag, attrib):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise UnsafeInputError(self.label, f"XML nested deeper than {MAX_DEPTH}; refused")
        attrs = {}
        for key, value in attrib.items():
            if len(value) > MAX_CELL_CHARS:
                raise UnsafeInputError(
                    self.label,
                    f"an XML attribute is longer than {MAX_CELL_CHARS} characters; refused",
                    where=f"line {self.expat.CurrentLineNumber if self.expat else '?'}",
                )
            attrs[_local(key)] = value
        element = self.builder.start(_local(tag), attrs)
        if self.expat is not None:
            self.lines[element] = self.expat.CurrentLineNumber
        return element

    def end(self, tag):
        self.depth -= 1
        return self.builder.end(_local(tag))

    def data(self, data):
        self.builder.data(data)

    def close(self):
        return self.builder.close()


class XmlDocument:
    """A parsed document: the root element and a line number per element."""

    def __init__(self, root: ET.Element, lines: dict[ET.Element, int]):
        self.root = root
        self.lines = lines

    def line(self, element: ET.Element) -> str:
        return str(self.lines.get(element, "?"))


def parse_xml(data: bytes, label: str) -> XmlDocument:
    """Parse XML bytes safely; `label` names the file (and member) in errors."""
    target = _Target(label)
    parser = DefusedXMLParser(
        target=target, forbid_dtd=False, forbid_entities=True, forbid_external=True
    )
    target.expat = parser.parser
    try:
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException as exc:
        raise UnsafeInputError(
            label,
            f"XML declares entities or refers to external ones ({type(exc).__name__}); refused",
        ) from None
    except ParseError as exc:
        line, column = getattr(exc, "position", (None, None))
        where = f"line {line}, column {column}" if line else None
        raise InputFileError(label, f"malformed XML: {_reason(exc)}", where=where) from None
    except (ValueError, LookupError, RecursionError) as exc:
        raise InputFileError(label, f"malformed XML: {type(exc).__name__}") from None
    return XmlDocument(root, target.lines)


def _reason(exc: ParseError) -> str:
    text = str(exc)
    return text.split(":", 1)[0] if ": line" in text else text

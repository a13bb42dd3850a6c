"""The text of a published file as a reader sees it, in located segments.

The leak audit (`flows.privacy.audit`) searches these segments for names:
HTML text and the attributes a reader meets (by source line), CSV cells (row
and column), XLSX cells, shared strings, sheet names, comments and document
properties, JSON strings and keys (their path), PDF pages, other text by line.
"""

from __future__ import annotations

import bisect
import html
import json
import re
import zipfile
from pathlib import Path

OFFICE_SUFFIXES = {".xlsx"}

Segment = tuple[str, str]  # (where, text)


def line_segments(text: str) -> list[Segment]:
    return [(f"line {n}", line) for n, line in enumerate(text.split("\n"), 1)]


def file_segments(path: Path) -> list[Segment]:
    """The text of an output file as a reader would see it, in located segments."""
    if path.suffix in OFFICE_SUFFIXES:
        return xlsx_segments(path)
    if path.suffix == ".pdf":
        from flows.render.pdf import pdf_pages

        return [(f"page {n}", text) for n, text in enumerate(pdf_pages(path), 1)]
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".html":
        return html_segments(text)
    if path.suffix == ".csv":
        return csv_segments(text)
    if path.suffix == ".json":
        try:
            return json_segments(json.loads(text))
        except ValueError:
            pass
    return line_segments(text)


def file_text(path: Path) -> str:
    """The text of an output file as a reader would see it."""
    return "\n".join(text for _, text in file_segments(path))


#: attributes whose values a reader or a screen reader meets
READ_ATTRIBUTES = (
    "alt", "title", "aria-label", "aria-description", "placeholder", "value", "content", "label",
)  # fmt: skip
HIDDEN = re.compile(r"<!--.*?-->|<(style|script|template)\b[^>]*>.*?</\1\s*>", re.S | re.I)
_MARKUP = re.compile(r"<[^>]*>")
_NEWLINE = re.compile("\n")
_ATTRIBUTE = re.compile(
    r"\s(" + "|".join(READ_ATTRIBUTES) + r""")\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I
)


#: (offset in the page, attribute or "", text as a reader meets it)
Part = tuple[int, str, str]


def html_segments(text: str) -> list[Segment]:
    """An HTML page's text content and read attributes, entities decoded; each
    located by its source line. Comments, styles and scripts are not read.

    Regular expressions rather than an HTML parser: the pages are our own
    well-formed output, and this runs on every page as it is rendered."""
    return located(text, html_parts(text))


def located(text: str, parts: list[Part]) -> list[Segment]:
    """`html_parts` of the page `text` as segments located by source line."""
    newlines = [m.start() for m in _NEWLINE.finditer(text)]
    return [
        (f"line {bisect.bisect_left(newlines, offset) + 1}" + (f" ({attr})" if attr else ""), raw)
        for offset, attr, raw in parts
    ]


def html_parts(text: str) -> list[Part]:
    """The text content and read attributes of HTML `text` (see `html_segments`)
    with their offsets: a text node's where its first visible character is, an
    attribute's where its tag starts."""
    parts: list[tuple[int, str, str]] = []  # (source offset, attribute or "", raw text)
    hidden = [(m.start(), m.end()) for m in HIDDEN.finditer(text)]
    cursor, spans = 0, []
    for start, end in hidden:
        spans.append((cursor, start))
        cursor = end
    spans.append((cursor, len(text)))
    for begin, finish in spans:
        position = begin
        for tag in _MARKUP.finditer(text, begin, finish):
            if tag.start() > position:
                parts.append((position, "", text[position : tag.start()]))
            for attribute in _ATTRIBUTE.finditer(tag.group()):
                value = next(v for v in attribute.groups()[1:] if v is not None)
                parts.append((tag.start(), attribute.group(1).lower(), value))
            position = tag.end()
        if finish > position:
            parts.append((position, "", text[position:finish]))
    found = []
    for offset, attribute, raw in parts:
        if not raw.strip():
            continue
        if not attribute:  # a text node's line is where its text starts, not its whitespace
            offset += len(raw) - len(raw.lstrip())
        found.append((offset, attribute, html.unescape(raw)))
    return found


def csv_segments(text: str) -> list[Segment]:
    import csv
    import io

    # openpyxl's letters without importing openpyxl (about 0.1 s of CPU a process)
    from flows.render.exports import get_column_letter

    rows = csv.reader(io.StringIO(text, newline=""))
    return [
        (f"row {r} column {get_column_letter(c)}", cell)
        for r, row in enumerate(rows, 1)
        for c, cell in enumerate(row, 1)
        if cell
    ]


def json_segments(value, path: str = "$") -> list[Segment]:
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            found += [(f"{path} (key)", str(key)), *json_segments(item, f"{path}.{key}")]
        return found
    if isinstance(value, list):
        return [s for i, item in enumerate(value) for s in json_segments(item, f"{path}[{i}]")]
    return [(path, str(value))] if value is not None else []


_CELL = re.compile(r"<(?:\w+:)?c\b([^>]*)>(.*?)</(?:\w+:)?c>", re.S)
_CELL_REF = re.compile(r'\br="([A-Z]+\d+)"')
_CELL_TEXT = re.compile(r"<(?:\w+:)?[tv](?:\s[^>]*)?>([^<]*)</(?:\w+:)?[tv]>")
_SHARED = re.compile(r"<(?:\w+:)?si\b[^>]*>(.*?)</(?:\w+:)?si>", re.S)
_TAG = re.compile(r"<[^>]+>")
_SHEET_NAME = re.compile(r"<(?:\w+:)?sheet\b[^>]*?\sname=\"([^\"]*)\"")
_DEFINED = re.compile(r"<(?:\w+:)?definedName\b[^>]*>([^<]*)<")


def xlsx_segments(path: Path) -> list[Segment]:
    """The text an Office file shows: each worksheet cell's text (sheet and cell),
    each shared string, the sheet names, comments and the text of the document
    properties (not styles or themes, whose font names, e.g. script="Hans",
    would match people's names)."""
    with zipfile.ZipFile(path) as archive:
        segments: list[Segment] = []
        for part in sorted(n for n in archive.namelist() if holds_content(n)):
            xml = archive.read(part).decode("utf-8", "replace")
            if part.startswith("docProps/") or part.startswith("xl/comments"):
                segments += [(part, html.unescape(t)) for t in _TAG.split(xml) if t.strip()]
            elif part == "xl/workbook.xml":  # sheet names and defined names
                names = _SHEET_NAME.findall(xml) + _DEFINED.findall(xml)
                segments += [(f"{part} name", html.unescape(n)) for n in names if n.strip()]
            elif part == "xl/sharedStrings.xml":
                for number, item in enumerate(_SHARED.findall(xml)):
                    text = "".join(_CELL_TEXT.findall(item))
                    segments.append((f"shared string {number}", html.unescape(text)))
            else:
                sheet = part.rsplit("/", 1)[-1]
                for attrs, inner in _CELL.findall(xml):
                    ref = _CELL_REF.search(attrs)
                    text = "".join(_CELL_TEXT.findall(inner))
                    where = f"{sheet} cell {ref.group(1) if ref else '?'}"
                    segments.append((where, html.unescape(text)))
        return segments


def holds_content(part: str) -> bool:
    """Office parts that hold cell text or document properties."""
    return part in (
        "xl/sharedStrings.xml", "xl/workbook.xml", "docProps/core.xml", "docProps/app.xml"
    ) or (
        part.startswith(("xl/worksheets/", "xl/comments")) and part.endswith(".xml")
    )  # fmt: skip

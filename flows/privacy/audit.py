"""The leak audit: no roster name may reach an output, a log line or an artifact.

Every output is read as a reader sees it and searched for every roster name,
alias and part of a full name with the same matcher as the pseudonymiser
(`flows.privacy.matching`: canonical form, any case, accents, invisible
characters, look-alike letters, hyphens and line breaks between the parts,
the genitive; common-word aliases only where they read as a name):

- HTML: the text content with entities decoded (not markup, styles or
  scripts), plus the attributes a reader or screen reader meets (alt, title,
  aria-label, placeholder, value, content); located by source line;
- CSV: each cell (row and column); XLSX: each cell's text (sheet and cell) and
  the document properties; JSON: each string and key (its path); PDF: the text
  of each page; Markdown and text files: the text (line);
- the database: every column that can hold text, its distinct values;
- extra texts: the artifacts before they are created and the run's log lines.

Text is searched across line breaks and element boundaries ("Henrik<br>
Sørensen" is a name). A hit fails the run; nothing is published; the error
says where (file and location), never the name.

Dossiers are audited where they are rendered (`NameScreen.hits` on the very
string written); the final audit then skips a file whose SHA-256 is in
`known_clean` (audited clean against the same names), so each byte is
searched once. A file that changed since is searched again.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import html
import json
import re
import zipfile
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path

import duckdb

from flows import warehouse
from flows.errors import LeakError
from flows.privacy.canonical import TOKEN, canonical
from flows.privacy.matching import NameSet, matcher_for, person_forms
from flows.privacy.unknown_names import SCREEN_VERSION, OutputScreen

TEXT_SUFFIXES = {".html", ".csv", ".json", ".md", ".txt", ".log"}
OFFICE_SUFFIXES = {".xlsx"}
#: outputs whose SHA-256 may be vouched for by `known_clean` (audited where made)
KNOWN_CLEAN_SUFFIXES = {".html", ".csv", ".xlsx"}

RosterNames = Iterable[tuple[str, str, list[str]]]


def distinct_names(roster_names: RosterNames) -> tuple[str, ...]:
    """Every name, alias and part of a person's full name once, longest first.
    Identifiers (role "identifier") are searched as given, not by part."""
    names = {
        n
        for _, role, names in roster_names
        for n in (names if role == "identifier" else person_forms(names))
        if n.strip()
    }
    return tuple(sorted(names, key=lambda n: (-len(n), n)))


def names_fingerprint(names: tuple[str, ...] | NameSet) -> str:
    """A digest of the names searched for (audit results hold only against them)."""
    digest = names.fingerprint if isinstance(names, NameSet) else "\n".join(names)
    return hashlib.sha256(f"{SCREEN_VERSION}\n{digest}".encode()).hexdigest()


def name_pattern(roster_names: RosterNames) -> re.Pattern | None:
    """A plain case-insensitive whole-word pattern for every roster name and alias
    as written (for tests and quick checks; the audit uses the matcher)."""
    names = tuple(sorted({n for _, _, ns in roster_names for n in ns if n.strip()}, key=len))
    if not names:
        return None
    return re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(n) for n in names[::-1]) + r")(?!\w)", re.IGNORECASE
    )


def as_name_set(names: NameSet | tuple[str, ...] | RosterNames) -> NameSet:
    if isinstance(names, NameSet):
        return names
    names = tuple(names)
    if names and isinstance(names[0], str):
        return NameSet(names)
    return NameSet(distinct_names(names))


Segment = tuple[str, str]  # (where, text)

#: at most this many clean pieces of pages are remembered per screen (a few MB)
CLEAN_PIECES_MAX = 50_000


class NameScreen:
    """Search segments of text for names; report where."""

    def __init__(self, names: NameSet | tuple[str, ...]):
        self.name_set = as_name_set(names)
        self.matcher = matcher_for(self.name_set)
        self.fingerprint = names_fingerprint(self.name_set)
        self.digit_first = any(key.isdigit() for key in self.matcher.index)
        #: names nobody listed: a title + capitalised word (flows.privacy.unknown_names)
        self.unknown = OutputScreen(self.name_set.names)
        #: pieces of pages (`may_hold_page`) this screen found nothing in
        self._clean_pieces: set[str] = set()

    def holds_name(self, text: str) -> bool:
        found = bool(self.name_set) and bool(self.matcher.find(text))
        return found or self.unknown.search(text)

    def hits(self, segments: Iterable[Segment]) -> list[str]:
        """Where names are, one entry per segment holding one. Segments are read
        as one text (a name split across two is found, at the first); a title
        followed by a capitalised word is looked for in each segment."""
        segments = list(segments)
        titled = [segments[i][0] for i in self.titled_in([t for _, t in segments])]
        return list(dict.fromkeys([*self._roster_hits(segments), *titled]))

    def holds_roster_name(self, text: str) -> bool:
        """Whether `_roster_hits` finds a name in segments whose texts joined by
        new lines are `text`."""
        return bool(self.name_set) and self.may_hold(text) and bool(self.matcher.find(text))

    def titled_in(self, texts: list[str]) -> list[int]:
        """Positions of the texts holding a title followed by a capitalised word."""
        return [i for i, text in enumerate(texts) if self.unknown.search(text)]

    def _roster_hits(self, segments: list[Segment]) -> list[str]:
        if not self.name_set:
            return []
        places, starts, texts, offset = [], [], [], 0
        for where, text in segments:
            places.append(where)
            starts.append(offset)
            texts.append(text)
            offset += len(text) + 1
        found: list[str] = []
        text = "\n".join(texts)
        if not self.may_hold(text):
            return []
        for match in self.matcher.find(text):
            where = places[bisect.bisect_right(starts, match.start) - 1]
            if not found or found[-1] != where:
                found.append(where)
        return list(dict.fromkeys(found))

    def html_hits(self, text: str) -> list[str]:
        """Where names are in an HTML page (see `html_segments`)."""
        if not self.may_hold_page(text):
            return []
        return self.hits(html_segments(text))

    def may_hold_page(self, text: str) -> bool:
        """A quick screen of a whole page, markup included, entities decoded: False
        only when neither the name screen (`may_hold`) nor the unknown-name screen
        finds anything in it. Read as its distinct pieces between "<" and ">"
        (decision 0195): no name, part or title match can hold either character, and
        every screen reads the two alike (not a letter, a blank, a word character
        or "["), so the page holds a match exactly when one of its pieces does; an
        entity never spans them either. Pieces found clean before by this screen
        (the static text of every dossier) are not read again."""
        pieces = set(text.replace(">", "<").split("<"))
        pieces -= self._clean_pieces
        if not pieces:
            return False
        raw = "<".join(html.unescape(p) if "&" in p else p for p in pieces)
        if (self.name_set and self.may_hold(raw)) or self.unknown.search(raw):
            return True
        if len(self._clean_pieces) + len(pieces) > CLEAN_PIECES_MAX:
            self._clean_pieces.clear()
        self._clean_pieces |= pieces
        return False

    def may_hold_html(self, text: str) -> bool:
        """A quick screen: False only when no name can start anywhere in the page.
        The whole page, markup included, entities decoded: its words are a
        superset of the words of what a reader sees (tags separate words in
        both), so no first word of a name among them means no name."""
        return self.may_hold(html.unescape(text) if "&" in text else text)

    def may_hold(self, text: str) -> bool:
        """False only when no first word of a name is among the words of `text`."""
        if self.digit_first:
            return True
        return not self.matcher.index.keys().isdisjoint(quick_words(text))


#: ASCII bytes other than letters become spaces; other bytes stay (UTF-8 sequences)
_LETTERS = bytes(b if chr(b).isalpha() or b >= 128 else 32 for b in range(256))


def quick_words(text: str) -> set[str]:
    """The canonical letter tokens of `text`, fast: ASCII is lower-cased and split
    in bytes; only the few distinct tokens holding other characters are folded
    (`flows.privacy.canonical`) and split again."""
    found: set[str] = set()
    for token in set(text.lower().encode("utf-8", "surrogatepass").translate(_LETTERS).split()):
        if token.isascii():
            found.add(token.decode("ascii"))
        else:
            found.update(_folded_words(token))
    return found


#: the canonical tokens of each non-ASCII byte token met (they repeat from page to
#: page: quotation marks around cue words, arrows, badges' symbols)
_FOLDED: dict[bytes, tuple[str, ...]] = {}
_FOLDED_MAX = 65536


def _folded_words(token: bytes) -> tuple[str, ...]:
    """`TOKEN.findall(canonical(...))` of a byte token, once per token and process."""
    words = _FOLDED.get(token)
    if words is None:
        if len(_FOLDED) >= _FOLDED_MAX:
            _FOLDED.clear()
        words = _FOLDED[token] = tuple(TOKEN.findall(canonical(token.decode("utf-8", "replace"))))
    return words


@functools.lru_cache(maxsize=2)
def screen_for(names: NameSet | tuple[str, ...]) -> NameScreen:
    """One screen per process and set of names (worker processes reuse it)."""
    return NameScreen(names)


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def audit(
    out_dir: Path,
    names: NameSet | RosterNames,
    extra_texts: dict[str, str] | None = None,
    known_clean: Collection[str] = (),
    skip_tables: Collection[str] = (),
    known_files: Mapping[str, str] | None = None,
) -> list[dict]:
    """Find roster names in every output file, every text column of the database,
    and any extra texts (e.g. Prefect artifacts before they are created).

    `known_clean`: SHA-256 digests of file contents already audited clean against
    these names (skipped: dossiers and exports). `skip_tables`: database
    tables already audited against these names (an incremental warehouse
    audits the rows it adds as it adds them, `flows.incremental`).
    `known_files`: path relative to `out_dir` (POSIX) -> the SHA-256 of its
    content, vouched for by the caller (`AuditLedger.linked_clean`: a hard
    link to a stored page unchanged since it was audited), used instead of
    hashing the file; it is skipped only if that digest is in `known_clean`.
    Returns where each hit is (never the name itself)."""
    screen = screen_for(as_name_set(names))
    if not screen.name_set:
        return []
    hits = []
    for key, text in sorted((extra_texts or {}).items()):
        hits += [{"where": f"artifact:{key}", "at": w} for w in screen.hits(line_segments(text))]
    hits += _audit_files(out_dir, screen, set(known_clean), known_files or {})
    db_path = out_dir / warehouse.DB_NAME
    if db_path.exists():
        hits += audit_database(db_path, screen, skip_tables)
    return [_withheld(screen, hit) for hit in hits]


#: what a report says in place of a location that would repeat a name
WITHHELD = "<withheld: holds a name>"


def _withheld(screen: NameScreen, hit: dict) -> dict:
    """A hit whose location (a file name from a case id, a JSON key, a column
    named after a source) would repeat the name: that part withheld, so the
    error names the place and never the name."""
    where = "/".join(
        WITHHELD if screen.holds_name(part) else part for part in hit["where"].split("/")
    )
    at = hit.get("at", "")
    return {"where": where, "at": WITHHELD if at and screen.holds_name(at) else at}


def _audit_files(
    out_dir: Path, screen: NameScreen, known: set[str], known_files: Mapping[str, str]
) -> list[dict]:
    """Every output file a reader can open, and every file and folder name
    (published names are read too: a case id or a source makes a file name)."""
    hits = []
    for path in sorted(out_dir.rglob("*")):
        where = str(path.relative_to(out_dir))
        if screen.hits([("", path.name)]):
            hits.append({"where": where, "at": "its name"})
        if not path.is_file() or path.name == warehouse.DB_NAME:  # the database: by table
            continue
        if path.suffix not in (*TEXT_SUFFIXES, *OFFICE_SUFFIXES, ".pdf"):
            hits.append({"where": where, "at": "a file the audit cannot read"})
            continue
        if known and path.suffix in KNOWN_CLEAN_SUFFIXES:
            vouched = known_files.get(path.relative_to(out_dir).as_posix())
            if (vouched or sha256_file(path)) in known:
                continue
        hits += [{"where": where, "at": at} for at in screen.hits(file_segments(path))]
    return hits


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

    from openpyxl.utils import get_column_letter

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


#: column types that cannot hold text (a name can only be in the others)
NON_TEXT_TYPES = {
    "BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT",
    "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE", "DATE",
    "TIME", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "INTERVAL",
}  # fmt: skip


def audit_database(db_path: Path, screen: NameScreen, skip: Collection[str] = ()) -> list[dict]:
    """Every column of every warehouse table (but those in `skip`) that can
    hold text, read as text."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        present = warehouse.query(con, "warehouse_tables")["table_name"].tolist()
        return audit_tables(con, [t for t in present if t not in set(skip)], screen)


def audit_tables(
    con: duckdb.DuckDBPyConnection, tables: Iterable[str], screen: NameScreen
) -> list[dict]:
    """Search every text-holding column of `tables` for names, reading each
    column's distinct values (codes such as "agreement" repeat thousands of times)."""
    hits: list[dict] = []
    for table in tables:
        relation = con.table(table)
        named = [c for c in relation.columns if screen.hits([("", c)])]
        if named:  # a column named after a source or a condition of the study file
            where = f"{warehouse.DB_NAME}:{table.split('.')[-1]}"
            hits.append({"where": where, "at": f"{len(named)} column name(s)"})
        columns = [
            column
            for column, kind in zip(relation.columns, relation.types, strict=True)
            if str(kind) not in NON_TEXT_TYPES and not str(kind).startswith("DECIMAL")
        ]
        if not columns:
            continue
        # one query per table (issue 16: a re-run audits a dozen small tables)
        (found,) = relation.aggregate([_distinct_texts(c) for c in columns]).fetchall()
        for column, distinct in zip(columns, found, strict=True):
            values = [v for v in distinct or [] if v]
            if screen.hits([("", v) for v in values]):
                name = table.split(".")[-1]  # temp.<table>: an incremental update's rows
                hits.append({"where": f"{warehouse.DB_NAME}:{name}.{column}", "at": ""})
    return hits


def _distinct_texts(column: str) -> duckdb.Expression:
    """A column's distinct values as text, as a list (NULL for no rows)."""
    as_text = duckdb.ColumnExpression(column).cast(duckdb.sqltypes.VARCHAR)
    return duckdb.FunctionExpression("list_distinct", duckdb.FunctionExpression("list", as_text))


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
        for part in sorted(n for n in archive.namelist() if _holds_content(n)):
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


def _holds_content(part: str) -> bool:
    """Office parts that hold cell text or document properties."""
    return part in (
        "xl/sharedStrings.xml", "xl/workbook.xml", "docProps/core.xml", "docProps/app.xml"
    ) or (
        part.startswith(("xl/worksheets/", "xl/comments")) and part.endswith(".xml")
    )  # fmt: skip


def check_audit(hits: list[dict]) -> None:
    if hits:
        places = "; ".join(
            f"{h['where']}" + (f" {h['at']}" if h.get("at") else "") for h in hits[:20]
        )
        raise LeakError(
            f"leak audit found {len(hits)} roster name(s) in the outputs ({places}); "
            "nothing was published, the outputs stay in the private staging folder"
        )

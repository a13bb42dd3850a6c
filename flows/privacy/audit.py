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
import re
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path

import duckdb

from flows import warehouse
from flows.errors import LeakError
from flows.privacy.canonical import TOKEN, canonical
from flows.privacy.matching import NameSet, matcher_for, person_forms
from flows.privacy.output_text import (  # noqa: F401 (audit.html_segments etc.: the audit's API)
    HIDDEN,
    OFFICE_SUFFIXES,
    Segment,
    csv_segments,
    file_segments,
    file_text,
    html_parts,
    html_segments,
    json_segments,
    line_segments,
    located,
    xlsx_segments,
)
from flows.privacy.unknown_names import SCREEN_VERSION, OutputScreen

TEXT_SUFFIXES = {".html", ".csv", ".json", ".md", ".txt", ".log"}
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


#: a hyphen after a letter, then markup before the next letter: a word broken over
#: two lines of a page, which no piece between "<" and ">" holds whole
_BROKEN_BY_MARKUP = re.compile(r"[^\W\d_][-‐‑][ \t]*(?:<[^<>]*>\s*)+[^\W\d_<]")
#: where one can start: a hyphen before a tag (a scan for one of three characters,
#: instead of trying the whole pattern at every letter of a 120 kB page)
_HYPHEN_BEFORE_TAG = re.compile(r"[-‐‑][ \t]*<")


def broken_by_markup(text: str) -> bool:
    """Whether `text` holds a word broken by a hyphen before a tag
    (`_BROKEN_BY_MARKUP` anchored at each hyphen before a tag: the same answer)."""
    return any(
        m.start() and _BROKEN_BY_MARKUP.match(text, m.start() - 1)
        for m in _HYPHEN_BEFORE_TAG.finditer(text)
    )


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
        near = self._near_hits(segments) if len(segments) > 1 else []
        return list(dict.fromkeys([*self._roster_hits(segments), *titled, *near]))

    def _near_hits(self, segments: list[Segment]) -> list[str]:
        """Where a roster name broken by a hyphen over two segments is ("Jen-" at
        the end of one line, "sen" on the next: decision 0326), at the first."""
        starts, offset = [], 0
        for _, text in segments:
            starts.append(offset)
            offset += len(text) + 1
        text = "\n".join(t for _, t in segments)
        return [
            segments[bisect.bisect_right(starts, found.start) - 1][0]
            for found in self.unknown.near.find(text)
        ]

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
        if broken_by_markup(text):
            return True  # a word broken by a hyphen before a tag ("Jen-<br>sen")
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
    screened: set[frozenset[str]] = set()  # large value sets found clean (see below)
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
            same = frozenset(values) if len(values) >= SCREENED_ONCE else None
            if same is not None and same in screened:
                continue  # e.g. the excerpt texts of raw_excerpts again in stg_excerpts
            if screen.hits([("", v) for v in values]):
                name = table.split(".")[-1]  # temp.<table>: an incremental update's rows
                hits.append({"where": f"{warehouse.DB_NAME}:{name}.{column}", "at": ""})
            elif same is not None:
                screened.add(same)
    return hits


#: a column of at least this many distinct texts is not searched again when another
#: column of the same call held exactly the same texts and was found clean (the
#: distinct values come in no fixed order, so the search would only read them again)
SCREENED_ONCE = 1_000


def _distinct_texts(column: str) -> duckdb.Expression:
    """A column's distinct values as text, as a list (NULL for no rows)."""
    as_text = duckdb.ColumnExpression(column).cast(duckdb.sqltypes.VARCHAR)
    return duckdb.FunctionExpression("list_distinct", duckdb.FunctionExpression("list", as_text))


def check_audit(hits: list[dict]) -> None:
    if hits:
        places = "; ".join(
            f"{h['where']}" + (f" {h['at']}" if h.get("at") else "") for h in hits[:20]
        )
        raise LeakError(
            f"leak audit found {len(hits)} roster name(s) in the outputs ({places}); "
            "nothing was published, the outputs stay in the private staging folder"
        )

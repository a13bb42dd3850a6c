"""The leak audit: no roster name may reach an output, a log line or an artifact.

Every output file (HTML, CSV, JSON, the text parts of XLSX files, PDF text),
every text column of the database, and any extra texts (artifacts before they
are created, the run's log lines) are searched for every roster name and
alias, whole word and case-insensitive, after NFKC normalisation. A hit fails
the run; nothing is published.

Dossiers are audited where they are rendered (`NameScreen.lines_with_names`
on the very string written); the final audit then skips a file whose SHA-256
is in `known_clean` (audited clean against the same names), so each byte is
searched once. A file that changed since is searched again.
"""

from __future__ import annotations

import functools
import hashlib
import html
import re
import unicodedata
import zipfile
from collections.abc import Collection, Iterable
from pathlib import Path

import duckdb

from flows import warehouse
from flows.errors import LeakError

TEXT_SUFFIXES = {".html", ".csv", ".json", ".md", ".txt"}
OFFICE_SUFFIXES = {".xlsx"}
#: outputs whose SHA-256 may be vouched for by `known_clean` (audited where made)
KNOWN_CLEAN_SUFFIXES = {".html", ".csv", ".xlsx"}

RosterNames = Iterable[tuple[str, str, list[str]]]


def distinct_names(roster_names: RosterNames) -> tuple[str, ...]:
    """Every name and alias once, longest first (the order the pattern tries them)."""
    names = {n for _, _, names in roster_names for n in names if n.strip()}
    return tuple(sorted(names, key=lambda n: (-len(n), n)))


def names_fingerprint(names: tuple[str, ...]) -> str:
    """A digest of the names searched for (audit results hold only against them)."""
    return hashlib.sha256("\n".join(names).encode()).hexdigest()


def name_pattern(roster_names: RosterNames) -> re.Pattern | None:
    """One case-insensitive whole-word pattern for every roster name and alias."""
    return _pattern(distinct_names(roster_names))


def _pattern(names: tuple[str, ...]) -> re.Pattern | None:
    if not names:
        return None
    return re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)", re.IGNORECASE
    )


class NameScreen:
    """Search text for names: a cheap whole-word pre-filter, then the exact pattern.

    A name can only match where its first word stands as a whole word, so text
    without any of those words needs no regular expression at all."""

    def __init__(self, names: tuple[str, ...]):
        self.names = names
        self.pattern = _pattern(names)
        self.first_words = {
            words[0] for name in names if (words := re.findall(r"\w+", name.lower()))
        }
        self.fingerprint = names_fingerprint(names)

    def may_hold(self, text: str) -> bool:
        return not self.first_words.isdisjoint(words(text))

    def holds_name(self, text: str) -> bool:
        text = unicodedata.normalize("NFKC", text)
        return self.pattern is not None and self.may_hold(text) and bool(self.pattern.search(text))

    def lines_with_names(self, text: str) -> list[int]:
        """Line numbers (from 1) holding a name, after NFKC normalisation."""
        if self.pattern is None or not self.may_hold(text):
            return []
        text = unicodedata.normalize("NFKC", text)
        return [
            number
            for number, line in enumerate(text.splitlines(), 1)
            if self.may_hold(line) and self.pattern.search(line)
        ]


#: ASCII bytes that are not word characters become spaces; other bytes stay
_NON_WORD = bytes(b if chr(b).isalnum() or b == ord("_") or b >= 128 else 32 for b in range(256))
_WORD = re.compile(r"\w+")


def words(text: str) -> set[str]:
    """The lower-case words (`\\w+`) of `text` after NFKC normalisation.

    Fast path: ASCII punctuation is blanked out in the UTF-8 bytes and the
    text split on whitespace; only the few distinct tokens holding non-ASCII
    characters are normalised and split with the regular expression (ASCII
    is stable under NFKC)."""
    tokens = set(text.lower().encode("utf-8").translate(_NON_WORD).split())
    found: set[str] = set()
    for token in tokens:
        if token.isascii():
            found.add(token.decode("ascii"))
        else:
            normal = unicodedata.normalize("NFKC", token.decode("utf-8")).lower()
            found.update(_WORD.findall(normal))
    return found


@functools.lru_cache(maxsize=2)
def screen_for(names: tuple[str, ...]) -> NameScreen:
    """One screen per process and set of names (worker processes reuse it)."""
    return NameScreen(names)


def sha256_file(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def audit(
    out_dir: Path,
    roster_names: RosterNames,
    extra_texts: dict[str, str] | None = None,
    known_clean: Collection[str] = (),
    skip_tables: Collection[str] = (),
) -> list[dict]:
    """Find roster names in every output file, every text column of the database,
    and any extra texts (e.g. Prefect artifacts before they are created).

    `known_clean`: SHA-256 digests of file contents already audited clean against
    these names (skipped: dossiers and exports). `skip_tables`: database
    tables already audited against these names (an incremental warehouse
    audits the rows it adds as it adds them, `flows.incremental`). Returns
    where each hit is (never the name itself)."""
    screen = screen_for(distinct_names(roster_names))
    if screen.pattern is None:
        return []
    hits = [
        {"where": f"artifact:{key}", "line": 0}
        for key, text in sorted((extra_texts or {}).items())
        if screen.holds_name(unicodedata.normalize("NFKC", text))
    ]
    known = set(known_clean)
    for path in sorted(out_dir.rglob("*")):
        if not path.is_file() or path.suffix not in (*TEXT_SUFFIXES, *OFFICE_SUFFIXES, ".pdf"):
            continue
        if known and path.suffix in KNOWN_CLEAN_SUFFIXES and sha256_file(path) in known:
            continue
        where = str(path.relative_to(out_dir))
        hits += [{"where": where, "line": n} for n in screen.lines_with_names(file_text(path))]
    db_path = out_dir / warehouse.DB_NAME
    if db_path.exists():
        hits += audit_database(db_path, screen, skip_tables)
    return hits


def file_text(path: Path) -> str:
    """The text of an output file as a reader would see it."""
    if path.suffix in OFFICE_SUFFIXES:
        return _zip_text(path)
    if path.suffix == ".pdf":
        from flows.render.pdf import pdf_text

        return pdf_text(path)
    return path.read_text(encoding="utf-8")


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
    """Search every text-holding column of `tables` for names.

    Each column's distinct values are screened together (DuckDB finds them;
    codes such as "agreement" repeat thousands of times), then searched one by
    one only when the screen lets them through."""
    hits: list[dict] = []
    if screen.pattern is None:
        return hits
    for table in tables:
        relation = con.table(table)
        for column, kind in zip(relation.columns, relation.types, strict=True):
            if str(kind) in NON_TEXT_TYPES or str(kind).startswith("DECIMAL"):
                continue
            as_text = duckdb.ColumnExpression(column).cast(duckdb.sqltypes.VARCHAR)
            values = [v for (v,) in relation.select(as_text).distinct().fetchall() if v]
            text = unicodedata.normalize("NFKC", "\n".join(values))
            if screen.may_hold(text) and any(screen.pattern.search(v) for v in text.split("\n")):
                name = table.split(".")[-1]
                hits.append({"where": f"{warehouse.DB_NAME}:{name}.{column}", "line": 0})
    return hits


def _zip_text(path: Path) -> str:
    """The text an Office file shows: cell text (`<t>` and `<v>` elements of the
    worksheets and the shared strings) and the document properties."""
    with zipfile.ZipFile(path) as archive:
        texts = []
        for part in (n for n in archive.namelist() if _holds_content(n)):
            xml = archive.read(part).decode("utf-8", "replace")
            if part.startswith("docProps/"):
                texts.append(xml)
            else:
                texts += map(html.unescape, _CELL_TEXT.findall(xml))
        return "\n".join(texts)


_CELL_TEXT = re.compile(r"<(?:\w+:)?[tv](?:\s[^>]*)?>([^<]*)</(?:\w+:)?[tv]>")


def _holds_content(part: str) -> bool:
    """Office parts that hold cell text or document properties; not styles or themes,
    whose font names (e.g. script="Hans") would match people's names."""
    return part in ("xl/sharedStrings.xml", "docProps/core.xml", "docProps/app.xml") or (
        part.startswith("xl/worksheets/") and part.endswith(".xml")
    )


def check_audit(hits: list[dict]) -> None:
    if hits:
        places = "; ".join(
            f"{h['where']}" + (f" line {h['line']}" if h["line"] else "") for h in hits[:20]
        )
        raise LeakError(
            f"leak audit found {len(hits)} roster name(s) in the outputs ({places}); "
            "nothing was published, the outputs stay in the staging folder"
        )

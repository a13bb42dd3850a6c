"""The cross-case index's per-case rows, rendered once per distinct row (issue 16).

At 1,000 cases the index page is about 5 MB, nearly all of it three rows per
case: the overview, the typology and the cases x themes matrix
(templates/index_rows.html). Each row's HTML depends only on the data the
macro is given, so it is kept in the private cache under a digest of that
data (and of the code and templates: the cache's salt is the warehouse's
shared key). A re-run after a one-case change renders that case's rows and
reuses the others; a cold run renders every row through the same macros, so
the page is the same either way. Each case's three rows are also kept under the
case's fingerprint (`RowCache.kept`, the warehouse state's case keys): the
overview and matrix rows of a case depend only on its rows of the per-case
models, which change only with its key (decision 0080), so a re-run queries,
builds and renders the context of the changed cases only (`with_reused`; the
skeleton needs of the others only their id and whether they achieved).

The page is audited as it is rendered (`index_page`), from the rows' cached
texts: it is rendered with a slot token in each row's place, the rows are put
in the slots, and the page's segment texts are the skeleton's (parsed each
run, a few kB) and the rows' (parsed once per distinct row, with whether one
holds a title and a capitalised word) in page order. That is exactly what
`audit.html_segments` reads in the whole page when every seam falls between
tags (`seams_hold`, `RowCache.reading`; else the whole page is parsed). The
roster names are searched in all of it read as one text, as `NameScreen.hits`
does, so a name split across two rows is still found; a hit of either kind
parses the whole page to say exactly where.
"""

from __future__ import annotations

import hashlib
import marshal
import re
import secrets
from pathlib import Path

import jinja2
from markupsafe import Markup

from flows.privacy import audit

#: bumped when the cache's format changes (older caches are ignored)
FORMAT = 4
#: what may not be in a row for its segments to be read apart from the page's
_SEAM_BREAKERS = re.compile(r"<!--|-->|</?(?:style|script|template)\b", re.I)
TEMPLATE = "index_rows.html"
KINDS = ("overview", "typology", "matrix")


class RowCache:
    """Rendered rows by kind and digest of the row's data; `salt`: what else
    they depend on (code, templates, study file)."""

    def __init__(self, path: Path | None = None, salt: str = ""):
        self.path, self.salt = path, salt
        self.saved: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}
        self.used: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}
        #: per distinct row (digest of its HTML): its text as the audit reads it,
        #: whether a part holds a title and a capitalised word, whether its seams hold
        self.saved_readings: dict[str, tuple[str, bool, bool]] = {}
        self.used_readings: dict[str, tuple[str, bool, bool]] = {}
        #: per case: its key, whether it achieved, its overview, typology and matrix rows
        self.saved_cases: dict[str, tuple] = {}
        self.used_cases: dict[str, tuple] = {}
        self.rendered = 0
        if path is None:
            return
        try:
            data = marshal.loads(path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return
        if isinstance(data, dict) and (data.get("format"), data.get("salt")) == (FORMAT, salt):
            self.saved, self.saved_readings = data["rows"], data["readings"]
            self.saved_cases = data["cases"]

    def reusable(self, keys: dict[str, str] | None, case_ids: list[str]) -> dict[str, tuple]:
        """The cases of `case_ids` whose rows were kept for their key in `keys`;
        none unless `keys` holds exactly those cases."""
        if not keys or sorted(keys) != sorted(case_ids):
            return {}
        return {c: kept for c in case_ids if (kept := self.kept(c, keys)) is not None}

    def kept(self, case_id: str, keys: dict[str, str] | None) -> tuple | None:
        """A case's kept entry (key, achieved, rows' HTML) if kept for its key in `keys`."""
        kept = self.saved_cases.get(case_id)
        if keys is None or kept is None or kept[0] != keys.get(case_id):
            return None
        return kept

    def keep(self, case: dict, keys: dict[str, str] | None, htmls: tuple) -> None:
        """Keep a case's rows under its key in `keys` (none: nothing kept)."""
        case_id = case["case_id"]
        if keys is not None and case_id in keys:
            self.used_cases[case_id] = (keys[case_id], case["achieved"], *map(str, htmls))

    def row(self, env: jinja2.Environment, kind: str, data: dict) -> Markup:
        """The macro `kind` of templates/index_rows.html over `data`, rendered or reused."""
        digest = hashlib.sha256(repr(sorted(data.items())).encode()).hexdigest()
        html = self.used[kind].get(digest) or self.saved[kind].get(digest)
        if html is None:
            html = str(getattr(env.get_template(TEMPLATE).module, kind)(data))
            self.rendered += 1
        self.used[kind][digest] = html
        return Markup(html)

    def reading(self, html: str, screen: audit.NameScreen) -> tuple[str, bool, bool]:
        """A row's `audit.html_parts` texts joined by new lines (as
        `NameScreen.hits` reads them), whether one holds a title and a
        capitalised word, and whether the row starts and ends at a tag with no
        comment, style or script boundary inside; once per distinct row (the
        salt holds the names searched for)."""
        digest = hashlib.sha256(html.encode()).hexdigest()
        found = self.used_readings.get(digest) or self.saved_readings.get(digest)
        if found is None:
            texts = [text for _, _, text in audit.html_parts(html)]
            inner = html.strip()
            seams = inner.startswith("<") and inner.endswith(">")
            found = (
                "\n".join(texts),
                bool(screen.titled_in(texts)),
                seams and not _SEAM_BREAKERS.search(html),
            )
        self.used_readings[digest] = found
        return found

    def save(self) -> None:
        """Keep the rows this page used (the others go)."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = {"format": FORMAT, "salt": self.salt, "rows": self.used}
        data["readings"] = self.used_readings
        data["cases"] = self.used_cases
        self.path.write_bytes(marshal.dumps(data))
        self.path.chmod(0o600)


def case_rows(
    env: jinja2.Environment,
    context: dict,
    cache: RowCache | None = None,
    keys: dict[str, str] | None = None,
) -> dict:
    """The rows `templates/index.html` places: overview and matrix rows in case
    order, typology rows by case id (`context`: `pages.index_context`, or
    `with_reused`). A case kept in `cache` for its key in `keys` (the case
    fingerprints the warehouse was updated with) has its rows reused."""
    cache = cache or RowCache()
    matrix = {row["case_id"]: row for row in context["rows"]}
    rows: dict = {"overview": [], "typology": {}, "matrix": []}
    for case in context["cases"]:
        case_id = case["case_id"]
        kept = cache.kept(case_id, keys)
        if kept is None:
            htmls = (
                cache.row(env, "overview", case),
                cache.row(env, "typology", case),
                cache.row(env, "matrix", matrix[case_id]),
            )
        else:
            htmls = tuple(Markup(html) for html in kept[2:])
        cache.keep(case, keys, htmls)
        rows["overview"].append(htmls[0])
        rows["typology"][case_id] = htmls[1]
        rows["matrix"].append(htmls[2])
    return rows


def with_reused(context: dict, case_ids: list[str], reused: dict[str, tuple]) -> dict:
    """`context` (`pages.index_context` of the cases not in `reused`) with
    every case of `case_ids` in that order: a reused case as its id and
    whether it achieved, all the skeleton reads of it (its rows are kept)."""
    fresh = {case["case_id"]: case for case in context["cases"]}
    cases = [fresh[c] if c in fresh else {"case_id": c, "achieved": reused[c][1]} for c in case_ids]
    return {
        **context,
        "cases": cases,
        "achievers": [c for c in cases if c["achieved"]],
        "non_achievers": [c for c in cases if not c["achieved"]],
    }


def index_page(
    env: jinja2.Environment,
    context: dict,
    cache: RowCache,
    screen: audit.NameScreen,
    keys: dict[str, str] | None = None,
) -> tuple[str, list[str]]:
    """The index page (`templates/index.html`) and where names are in it
    (`NameScreen.hits` of its `audit.html_segments`, worked out from the
    rows' cached segments; see the module docstring). `keys`: as `case_rows`."""
    rows = case_rows(env, context, cache, keys)
    htmls: list[str] = []
    nonce = secrets.token_hex(8)  # a row's place: no text of the study can spell it

    def slot(html: Markup) -> Markup:
        htmls.append(str(html))
        return Markup(f"\x00{nonce}:{len(htmls) - 1}\x00")

    slotted = {
        "overview": [slot(h) for h in rows["overview"]],
        "typology": {case_id: slot(h) for case_id, h in rows["typology"].items()},
        "matrix": [slot(h) for h in rows["matrix"]],
    }
    skeleton = env.get_template("index.html").render(case_rows=slotted, **context)
    pieces = re.split(f"\x00{nonce}:(\\d+)\x00", skeleton)  # text, slot number, text, ...
    page = "".join(p if i % 2 == 0 else htmls[int(p)] for i, p in enumerate(pieces))
    if skeleton.count("\x00") != len(pieces) - 1 or not seams_hold(pieces, skeleton):
        return page, screen.hits(audit.html_segments(page))
    texts, titled = [], False
    for i, piece in enumerate(pieces):
        if i % 2 == 0:
            found = [text for _, _, text in audit.html_parts(piece)]
            titled = titled or bool(screen.titled_in(found))
            texts += found
            continue
        text, row_titled, row_seams = cache.reading(htmls[int(piece)], screen)
        if not row_seams:
            return page, screen.hits(audit.html_segments(page))
        titled = titled or row_titled
        texts += [text] if text else []
    if titled or screen.holds_roster_name("\n".join(texts)):
        return page, screen.hits(audit.html_segments(page))  # located exactly
    return page, []


def seams_hold(pieces: list[str], skeleton: str) -> bool:
    """Whether every slot of the skeleton sits between tags, with only
    whitespace beside it, outside any comment, style or script (the rows' own
    seams: `RowCache.reading`)."""
    if any("\x00" in m.group() for m in audit.HIDDEN.finditer(skeleton)):
        return False
    texts = pieces[0::2]
    for before, after in zip(texts, texts[1:], strict=False):
        if before[before.rfind(">") + 1 :].strip() or before.rfind("<") > before.rfind(">"):
            return False
        if after[: after.find("<") if "<" in after else len(after)].strip():
            return False
    return True

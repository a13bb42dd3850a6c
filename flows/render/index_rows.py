"""The cross-case index's per-case rows, rendered once per distinct row (issue 16).

At 1,000 cases the index page is about 5 MB, nearly all of it three rows per
case: the overview, the typology and the cases x themes matrix
(templates/index_rows.html). Each row's HTML depends only on the data the
macro is given, so it is kept in the private cache under a digest of that
data (and of the code and templates: the cache's salt is the warehouse's
shared key). A re-run after a one-case change renders that case's rows and
reuses the others; a cold run renders every row through the same macros, so
the page is the same either way.
"""

from __future__ import annotations

import hashlib
import marshal
from pathlib import Path

import jinja2
from markupsafe import Markup

#: bumped when the cache's format changes (older caches are ignored)
FORMAT = 1
TEMPLATE = "index_rows.html"
KINDS = ("overview", "typology", "matrix")


class RowCache:
    """Rendered rows by kind and digest of the row's data; `salt`: what else
    they depend on (code, templates, study file)."""

    def __init__(self, path: Path | None = None, salt: str = ""):
        self.path, self.salt = path, salt
        self.saved: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}
        self.used: dict[str, dict[str, str]] = {kind: {} for kind in KINDS}
        self.rendered = 0
        if path is None:
            return
        try:
            data = marshal.loads(path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return
        if isinstance(data, dict) and (data.get("format"), data.get("salt")) == (FORMAT, salt):
            self.saved = data["rows"]

    def row(self, env: jinja2.Environment, kind: str, data: dict) -> Markup:
        """The macro `kind` of templates/index_rows.html over `data`, rendered or reused."""
        digest = hashlib.sha256(repr(sorted(data.items())).encode()).hexdigest()
        html = self.used[kind].get(digest) or self.saved[kind].get(digest)
        if html is None:
            html = str(getattr(env.get_template(TEMPLATE).module, kind)(data))
            self.rendered += 1
        self.used[kind][digest] = html
        return Markup(html)

    def save(self) -> None:
        """Keep the rows this page used (the others go)."""
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = {"format": FORMAT, "salt": self.salt, "rows": self.used}
        self.path.write_bytes(marshal.dumps(data))
        self.path.chmod(0o600)


def case_rows(env: jinja2.Environment, context: dict, cache: RowCache | None = None) -> dict:
    """The rows `templates/index.html` places: overview and matrix rows in case
    order, typology rows by case id (`context`: `pages.index_context`)."""
    cache = cache or RowCache()
    return {
        "overview": [cache.row(env, "overview", case) for case in context["cases"]],
        "typology": {c["case_id"]: cache.row(env, "typology", c) for c in context["cases"]},
        "matrix": [cache.row(env, "matrix", row) for row in context["rows"]],
    }

"""Everything a Prefect server stored, read back over its REST API as texts.

For the red-team tests: flow runs (names, parameters, tags, state messages),
task runs, log lines, artifacts, events, deployments (their parameter schema
and defaults), variables and block documents; each record as its JSON text,
so a name in any field of any record is found."""

from __future__ import annotations

import json
import time
import urllib.request
from datetime import datetime

COLLECTIONS = (
    "flow_runs",
    "task_runs",
    "logs",
    "artifacts",
    "deployments",
    "flows",
    "variables",
    "block_documents",
)


def call(api: str, path: str, body: dict | None = None):
    """One POST (with `body`) or GET of the API (503s retried, test_ui_run._api)."""
    from test_ui_run import _api

    return _api(f"{api}/{path}", body, None if body is None else "POST")


def _all(api: str, collection: str) -> list[dict]:
    found, offset = [], 0
    while True:
        page = call(api, f"{collection}/filter", {"limit": 200, "offset": offset})
        found += page
        if len(page) < 200:
            return found
        offset += 200


def _events(api: str) -> list[dict]:
    page = call(api, "events/filter", {"limit": 50, "filter": {"order": "ASC"}})
    found = list(page.get("events", []))
    while page.get("next_page"):
        with urllib.request.urlopen(page["next_page"], timeout=30) as response:
            page = json.load(response)
        found += page.get("events", [])
    return found


def _made_since(record: dict, since: datetime | None) -> bool:
    stamp = record.get("created") or record.get("occurred")
    return since is None or not stamp or datetime.fromisoformat(stamp) >= since


def stored_texts(api: str, since: datetime | None = None) -> list[tuple[str, str]]:
    """(collection, the record's JSON) for every record the server holds; with
    `since` (aware UTC), only those made from then on: a module's temporary server
    shares its database with the other test modules of its worker, and some of
    those plant a name on purpose (tests/test_flow.py logs "henrik" to show the
    audit reads log lines)."""
    texts = []
    for collection in COLLECTIONS:
        texts += [
            (collection, json.dumps(r, ensure_ascii=False))
            for r in _all(api, collection)
            if _made_since(r, since)
        ]
    texts += [
        ("events", json.dumps(e, ensure_ascii=False)) for e in _events(api) if _made_since(e, since)
    ]
    return texts


def stored_texts_once(
    api: str, since: datetime | None, landed, wait: float = 30.0
) -> list[tuple[str, str]]:
    """`stored_texts`, read again (up to `wait` seconds) until `landed(texts)` holds:
    Prefect stores events in the background, so on a loaded machine they can land a
    moment after the run has ended (a read-back that looked too early failed three
    times under a full suite)."""
    deadline = time.monotonic() + wait
    while True:
        texts = stored_texts(api, since)
        if landed(texts) or time.monotonic() > deadline:
            return texts
        time.sleep(1)


def landed(*collections: str):
    """A `stored_texts_once` condition: records of each of `collections` are there
    (events and log lines are both sent in the background)."""
    return lambda texts: set(collections) <= {collection for collection, _ in texts}

"""The publish stage and the private folders around it: staging, the content
store and its audit ledger, the annotation cache, the manifest, and the move
of audited outputs into place.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

from flows.privacy.audit import names_fingerprint, sha256_file
from flows.privacy.matching import NameSet
from flows.render import dossiers
from flows.runs import private_dir


def staging_dir(out_dir: Path, run_id: str) -> Path:
    """Where run `run_id` writes before the audit lets it publish (private)."""
    return private_dir(out_dir) / "staging" / run_id


def store_dir(out_dir: Path) -> Path:
    """The content store of rendered dossiers, keyed by case fingerprint (private)."""
    return private_dir(out_dir) / "cache"


class AuditLedger:
    """Which dossier contents passed the leak audit against which names, kept in
    the store so that a re-run searches only new or changed pages. Holds cache
    keys and SHA-256 digests only; forgotten when the names change."""

    def __init__(self, store: Path, names: NameSet | tuple[str, ...]):
        self.path = store / "audited.json"
        self.names = names_fingerprint(names)
        self.entries: dict[str, str] = {}
        if self.path.exists():
            saved = json.loads(self.path.read_text(encoding="utf-8"))
            if saved.get("names") == self.names:
                self.entries = saved.get("clean", {})

    def clean_digests(self, jobs: list[dossiers.CaseJob], records: list[dict]) -> set[str]:
        """Digests the final audit may skip: pages audited clean as they were
        rendered this run, and reused pages audited clean by an earlier run."""
        rendered = {r["case_id"] for r in records}
        reused = {
            self.entries[j.key] for j in jobs if j.case_id not in rendered and j.key in self.entries
        }
        return {r["sha256"] for r in records if r["clean"]} | reused

    def linked_clean(
        self, jobs: list[dossiers.CaseJob], records: list[dict], cases_dir: Path
    ) -> dict[str, str]:
        """Reused pages the final audit need not hash (`audit(known_files=...)`):
        path relative to the staging folder -> the digest this ledger holds for
        the page's key. Only a page placed as a hard link (`place_pages`) to
        its stored page, whose size and modification time are still those
        `place_pages` noted: the stored page was as placed by the run that
        audited it (`drop_altered` deletes it otherwise), so its content is the
        one audited. A copy, or anything changed, is hashed as before."""
        from flows.render.pages import case_filename

        rendered = {r["case_id"] for r in records}
        try:
            placed = json.loads(_placed_path(Path(jobs[0].path).parent).read_text("utf-8"))
        except (IndexError, OSError, ValueError):
            return {}
        trusted = {}
        for job in jobs:
            digest = self.entries.get(job.key)
            if digest is None or job.case_id in rendered:
                continue
            name = case_filename(job.case_id)
            try:
                page, stored = os.stat(cases_dir / name), os.stat(job.path)
            except OSError:
                continue
            same = (page.st_dev, page.st_ino) == (stored.st_dev, stored.st_ino)
            if same and placed.get(Path(job.path).name) == [page.st_size, page.st_mtime_ns]:
                trusted[f"{cases_dir.name}/{name}"] = digest
        return trusted

    def record(self, jobs: list[dossiers.CaseJob], records: list[dict]) -> None:
        """After a passed audit: every current page is clean (older entries go)."""
        digests = {r["case_id"]: r["sha256"] for r in records}
        clean = {
            j.key: digests.get(j.case_id) or self.entries.get(j.key) or sha256_file(Path(j.path))
            for j in jobs
        }
        self.path.write_text(
            json.dumps({"names": self.names, "clean": dict(sorted(clean.items()))}, indent=1),
            encoding="utf-8",
        )


def prune_store(store: Path, jobs: list[dossiers.CaseJob]) -> int:
    """Delete stored pages no current case uses (e.g. a withdrawn participant's
    old dossier); returns how many."""
    keep = {Path(j.path).name for j in jobs}
    stale = [p for p in store.glob("*.html*") if p.name not in keep]
    for path in stale:
        path.unlink()
    return len(stale)


def _placed_path(store: Path) -> Path:
    """The stored pages' size and modification time when they were last placed
    (beside the store, which holds pages only)."""
    return store.with_name(f"{store.name}-placed.json")


def drop_altered(store: Path, jobs: Sequence[dossiers.CaseJob]) -> int:
    """Delete stored pages that are not as they were last placed (changed since,
    e.g. edited through a published hard link, or never placed): they are
    rendered again, never reused. Returns how many."""
    try:
        placed = json.loads(_placed_path(store).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        placed = {}
    dropped = 0
    for job in jobs:
        page = Path(job.path)
        try:
            found = page.stat()
        except FileNotFoundError:
            continue
        if placed.get(page.name) != [found.st_size, found.st_mtime_ns]:
            page.unlink()
            dropped += 1
    return dropped


def place_pages(jobs: Sequence[dossiers.CaseJob], cases_dir: Path, store: Path) -> None:
    """Every case's stored page into `cases_dir` under its case's file name: a
    hard link when a copy would be owner-only anyway (umask 077; same bytes,
    same mode, no copy), else a copy (group-readable outputs). Notes each
    page's size and modification time for `drop_altered`."""
    from flows.render.pages import case_filename

    cases_dir.mkdir(parents=True, exist_ok=True)
    link = _umask() == 0o077
    placed = {}
    for job in jobs:
        target = cases_dir / case_filename(job.case_id)
        try:
            if not link:
                raise OSError("copy")
            os.link(job.path, target)
        except OSError:
            shutil.copyfile(job.path, target)
        found = os.stat(job.path)
        placed[Path(job.path).name] = [found.st_size, found.st_mtime_ns]
    path = _placed_path(store)
    path.write_text(json.dumps(placed, sort_keys=True), encoding="utf-8")
    path.chmod(0o600)


def _umask() -> int | None:
    """The process's umask, read without changing it (threads may be creating
    files); None where /proc does not tell."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return None


def annotation_cache(out_dir: Path) -> Path:
    """The NLP stage's per-excerpt cache (pseudonymised text only), in the
    owner-only store beside the outputs: kept across runs, never published."""
    return store_dir(out_dir) / "annotations.marshal"


def publish(
    staging: Path,
    out_dir: Path,
    manifest: dict | None = None,
    people: Sequence[str] | None = None,
) -> None:
    """Move audited outputs into place, replacing the previous run's; the manifest
    is written into the staging folder first, so a published folder always has
    one. A run killed between the two renames leaves the previous outputs in
    the private folder; the next run puts them back (`RunLock`). `people`: the
    ids of the active participants whose data the outputs hold, noted in the
    private folder for `retract_withdrawn`."""
    if manifest is not None:
        write_manifest(staging, manifest)
    previous = private_dir(out_dir) / "previous"
    shutil.rmtree(previous, ignore_errors=True)
    record = _published_path(out_dir)
    record.unlink(missing_ok=True)  # until the new outputs are in place: no record, doubt
    if out_dir.exists():
        out_dir.rename(previous)
    staging.rename(out_dir)
    shutil.rmtree(previous, ignore_errors=True)
    if people is not None:
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps({"active": sorted(people)}), encoding="utf-8")
        record.chmod(0o600)


def _published_path(out_dir: Path) -> Path:
    """Whose data the published outputs hold (person ids only; private)."""
    return store_dir(out_dir) / "published.json"


def active_people(persons) -> list[str]:
    """The ids of a study's active participants (`StudyData.persons`)."""
    return sorted(persons.loc[persons["status"] == "active", "person_id"].tolist())


def retract_withdrawn(out_dir: Path, persons) -> bool:
    """Withdraw the published outputs when they hold the data of someone who is
    no longer an active participant (withdrawn, or their roster row deleted),
    before this run does anything else: should it fail, nothing published
    holds their data (fail closed). Without a record of whose data the outputs
    hold (published by an older version) they are withdrawn when anyone is.
    Returns whether outputs were withdrawn. Run under the run's lock."""
    if not out_dir.exists():
        return False
    now = set(active_people(persons))
    try:
        before = set(json.loads(_published_path(out_dir).read_text("utf-8"))["active"])
        gone = bool(before - now)
    except (OSError, ValueError, KeyError, TypeError):
        gone = bool(set(persons["person_id"]) - now)
    if gone:
        retracted = private_dir(out_dir) / "retracted"
        shutil.rmtree(retracted, ignore_errors=True)
        out_dir.rename(retracted)
        shutil.rmtree(retracted, ignore_errors=True)
        _published_path(out_dir).unlink(missing_ok=True)
    return gone


def write_manifest(out_dir: Path, manifest: dict) -> Path:
    """Run metadata (times, counts) kept apart from the compared outputs."""
    path = out_dir / "manifest.json"
    path.write_text(manifest_text(manifest), encoding="utf-8")
    return path


def manifest_text(manifest: dict) -> str:
    return json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n"

"""The stance review sheet: machine readings for the researcher to confirm or correct.

Each run writes `stances.xlsx` (and `stances.csv`) into the private review
folder beside the outputs (`stages.review_sheet_path`): one row per excerpt
whose stance is machine-read (suggested, or unclear when the suggester
abstained), readings that decide a provisional dissonance, discordant fit or
outcome verdict first, then the stances already reviewed (filled in), then
reviews that went stale. The `your stance` column offers the theme's stance
labels in a drop-down.

The study file points at a filled sheet (`[inputs] stance_reviews`). A row is
keyed by its `excerpt id` (the excerpt id the sheet writes, or the selection
GUID in the QDA tool), its theme and case, plus a fingerprint of the
excerpt's original text. A row whose excerpt changed since (another
fingerprint) or is gone is stale: never applied, listed in the rejects and on
the next sheet. Applied reviews set `reviewed_stance`, which counts as coded.

The fingerprint is a short sha256 of the original text with white space
collapsed (a re-export with other line ends keeps it); the sheet holds the
pseudonymised text only.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from flows.errors import InputFileError
from flows.readers.tables import read_table
from flows.render.exports import safe_frame, write_csv, write_xlsx
from flows.study import Study

#: the sheet's columns, in order; the last three key a review to its excerpt
COLUMNS = [
    "case",
    "theme",
    "informant",
    "excerpt",
    "suggested stance",
    "confidence",
    "cue words",
    "decides",
    "your stance",
    "status",
    "excerpt id",
    "theme id",
    "fingerprint",
]
YOUR_STANCE = "your stance"
#: review_rank (sql/marts/verdict_basis.sql) -> what the reading decides
DECIDES = {
    1: "a dissonance",
    2: "a discordant fit with the survey",
    3: "an outcome verdict (the case classification)",
    4: "a provisional verdict",
}
REVIEW_COLUMNS = ["review_key", "theme_id", "case_id", "fingerprint", "stance", "row"]


def text_fingerprint(text: str) -> str:
    """16 hex digits of sha256 over the text, NFC, white space collapsed."""
    normal = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:16]


def review_keys(frame: pd.DataFrame) -> pd.Series:
    """Each excerpt's review key: its QDA selection id, else its excerpt id."""
    if "selection_id" not in frame.columns:
        return frame["excerpt_id"].astype(str)
    selection = frame["selection_id"].astype(object)
    return selection.where(selection.notna() & (selection != ""), frame["excerpt_id"]).astype(str)


def stance_label(stance: str) -> str:
    """A stance as the sheet shows it ("no_change" -> "no change")."""
    return stance.replace("_", " ")


def parse_stance(label: str) -> str:
    """A stance as typed or chosen in the sheet, in the study's spelling."""
    return label.strip().lower().replace(" ", "_").replace("-", "_")


def read_reviews(path: Path, study: Study, label: str) -> tuple[pd.DataFrame, list[dict]]:
    """The filled rows of a review sheet (XLSX or CSV) and the rows rejected.

    A row without `your stance` is no review (skipped silently: the sheet lists
    every machine reading, most are left as they are)."""
    table = read_table(path, label=label)
    missing = [c for c in ("excerpt id", "theme id", "case", "fingerprint", YOUR_STANCE)]
    missing = [c for c in missing if c not in table.header]
    if missing:
        raise InputFileError(
            label, f"expected the review sheet's columns; missing {missing}", where="header"
        )
    themes = {t.id: t for t in study.themes}
    rows, rejects, seen = [], [], set()
    for ref, row in table.rows:
        chosen = (row.get(YOUR_STANCE) or "").strip()
        if not chosen:
            continue
        theme = themes.get((row.get("theme id") or "").strip())
        if theme is None:
            rejects.append(_reject(path, ref, "theme id", "not a theme id of study.toml"))
            continue
        stance = parse_stance(chosen)
        if stance not in theme.stances:
            allowed = ", ".join(stance_label(s) for s in theme.stances)
            rejects.append(_reject(path, ref, YOUR_STANCE, f"expected one of: {allowed}"))
            continue
        key = ((row.get("excerpt id") or "").strip(), theme.id, (row.get("case") or "").strip())
        if key in seen:
            rejects.append(_reject(path, ref, "excerpt id", "a second review of this excerpt"))
            continue
        seen.add(key)
        rows.append([*key, (row.get("fingerprint") or "").strip(), stance, str(ref)])
    return pd.DataFrame(rows, columns=REVIEW_COLUMNS), rejects


def _reject(path: Path, ref, element: str, reason: str) -> dict:
    return {"file": path.name, "row": str(ref), "element": element, "reason": reason}


def apply_reviews(
    excerpts: pd.DataFrame,
    original_texts: dict[str, str],
    reviews: pd.DataFrame,
    file_name: str,
) -> tuple[pd.DataFrame, pd.DataFrame, list[dict]]:
    """Excerpts with `reviewed_stance` (None where no valid review applies), the
    stale reviews (key, theme, case, stance, why) and their rejects.

    `original_texts` maps excerpt id to the excerpt's text as read (before
    pseudonymisation), which the fingerprint is taken over."""
    out = excerpts.copy()
    ids = out["excerpt_id"].tolist()
    index: dict[tuple[str, str, str], list[int]] = {}
    if len(reviews):  # no reviews: no excerpt's key is looked up
        # a review names the excerpt by its QDA selection id or by its excerpt id
        # (what the sheet's `excerpt id` column holds): either finds it
        keys, themes, cases = review_keys(out).tolist(), out["theme_id"], out["case_id"]
        for i, key in enumerate(zip(keys, ids, themes.tolist(), cases.tolist(), strict=True)):
            for name in dict.fromkeys(key[:2]):
                index.setdefault((name, key[2], key[3]), []).append(i)
    reviewed: list[str | None] = [None] * len(out)
    stale, rejects = [], []
    for review in reviews.itertuples(index=False):
        key = (review.review_key, review.theme_id, review.case_id)
        positions = index.get(key, [])
        if not positions:
            why = "excerpt not in this run (deleted, recoded or its informant withdrew)"
        elif review.fingerprint != text_fingerprint(original_texts[ids[positions[0]]]):
            why = "excerpt changed since it was reviewed (text fingerprint differs)"
        else:
            for i in positions:
                reviewed[i] = review.stance
            continue
        stale.append({**review._asdict(), "why": why})
        rejects.append(
            {
                "file": file_name,
                "row": review.row,
                "element": YOUR_STANCE,
                "reason": f"stale review: {why}; not applied",
            }
        )
    out["reviewed_stance"] = pd.Series(reviewed, index=out.index, dtype=object)
    return out, pd.DataFrame(stale, columns=[*REVIEW_COLUMNS, "why"]), rejects


def sheet_frame(
    rows: pd.DataFrame,
    original_texts: dict[str, str],
    stale: pd.DataFrame,
) -> pd.DataFrame:
    """The review sheet's rows from the `review_sheet` query (machine-read and
    reviewed excerpts, ordered), plus the stale reviews still in this run."""
    frame = pd.DataFrame(
        {
            "case": rows["case_id"],
            "theme": rows["theme_label"],
            "informant": rows["role_label"] + " " + rows["person_id"],
            "excerpt": rows["text"],
            "suggested stance": rows["suggested_stance"].map(
                lambda s: stance_label(s) if isinstance(s, str) else None
            ),
            "confidence": rows["suggestion_confidence"],
            "cue words": rows["suggestion_cues"].map(
                lambda c: "; ".join(c) if c is not None and len(c) else None
            ),
            "decides": rows["review_rank"].map(
                lambda r: DECIDES.get(int(r)) if pd.notna(r) else None
            ),
            YOUR_STANCE: rows["reviewed_stance"].map(
                lambda s: stance_label(s) if isinstance(s, str) else None
            ),
            "status": rows["reviewed_stance"].map(
                lambda s: "reviewed" if isinstance(s, str) else "to review"
            ),
            "excerpt id": review_keys(rows),
            "theme id": rows["theme_id"],
            "fingerprint": rows["excerpt_id"].map(lambda e: text_fingerprint(original_texts[e])),
        },
        columns=COLUMNS,
    )
    frame = frame.drop_duplicates(subset=["excerpt id", "theme id", "case"], keep="first")
    if not stale.empty:
        here = {
            (k, t, c): i
            for i, (k, t, c) in enumerate(
                frame[["excerpt id", "theme id", "case"]].itertuples(index=False, name=None)
            )
        }
        for review in stale.itertuples(index=False):
            i = here.get((review.review_key, review.theme_id, review.case_id))
            if i is not None:
                frame.iloc[i, COLUMNS.index("status")] = (
                    f"stale: {review.why}; your earlier stance ({stance_label(review.stance)}) "
                    "was not applied, review it again"
                )
    return frame.reset_index(drop=True)


def sheet_choices(theme_ids: Iterable[str], study: Study) -> dict[str, list[str]]:
    """The `your stance` drop-downs: the cells of each theme's rows (the sheet's
    rows from 2, in order) -> that theme's stance labels."""
    column = chr(ord("A") + COLUMNS.index(YOUR_STANCE))
    cells: dict[str, list[str]] = {}
    for number, theme_id in enumerate(theme_ids, 2):
        cells.setdefault(theme_id, []).append(f"{column}{number}")
    return {
        " ".join(refs): [stance_label(s) for s in study.theme(theme_id).stances]
        for theme_id, refs in cells.items()
    }


def write_sheet(frame: pd.DataFrame, study: Study, path: Path) -> list[Path]:
    """`stances.xlsx` (with a drop-down of each theme's stances in `your
    stance`) and `stances.csv`, owner-only; returns both paths."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    choices = sheet_choices(frame["theme id"], study)
    safe = safe_frame(frame)
    xlsx, csv = path.with_suffix(".xlsx"), path.with_suffix(".csv")
    write_xlsx(frame, xlsx, sheet="stances", safe=safe, choices=choices)
    write_csv(frame, csv, safe)
    for written in (xlsx, csv):
        written.chmod(0o600)
    return [xlsx, csv]

"""The ICAMO diagram of a case: a fixed layout computed here, drawn as inline SVG
by the `icamo_diagram` macro in templates/macros.html (no Graphviz, no subprocess).

Intervention activities → mechanisms → outputs → outcomes, left to right, with
context factors above, drawn as facilitators (+) or barriers (−) of the
mechanisms. Everything shown comes from the case's own verdicts. Style is
never the only signal: every node's label says its state in words.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

KIND_RANK = {
    "intervention": "activities",
    "mechanism": "mechanisms",
    "output": "outputs",
    "outcome": "outcomes",
}
COLUMN_TITLES = {
    "activities": "Intervention activities",
    "mechanisms": "Mechanisms",
    "outputs": "Outputs",
    "outcomes": "Outcomes",
}


def _state(verdict: dict) -> tuple[str, bool]:
    """A node's state in words, and whether it is 'on' (delivered, active, achieved)."""
    kind, stance = verdict["kind"], verdict["qualitative_stance"]
    if kind == "outcome":
        return ("achieved" if verdict["outcome_achieved"] else "not achieved"), bool(
            verdict["outcome_achieved"]
        )
    if kind == "intervention":
        return ("delivered" if stance == "present" else "not delivered"), stance == "present"
    if stance == "present":
        return "active", True
    return ("absent" if stance == "absent" else "no evidence"), False


#: estimated advance of an average character of DejaVu Sans at the node font size
#: (10 px) and at the column-title size (11 px); generous, so text stays inside
CHAR_WIDTH, TITLE_CHAR_WIDTH = 6.2, 6.9
LINE_HEIGHT, PAD_X, PAD_Y = 13, 8, 6
NODE_GAP, CLUSTER_PAD, TITLE_HEIGHT = 10, 10, 20
COLUMN_GAP, ROW_GAP, MARGIN = 46, 42, 4
WRAP, CONTEXT_WRAP = 26, 22


@dataclass(frozen=True)
class Box:
    """A node: position, size, text lines and style (on, off, facilitator, barrier, unknown)."""

    x: float
    y: float
    w: float
    h: float
    lines: tuple[str, ...]
    style: str


@dataclass(frozen=True)
class Cluster:
    """A titled group of nodes (one ICAMO component)."""

    x: float
    y: float
    w: float
    h: float
    title: str


@dataclass(frozen=True)
class Arrow:
    """A straight arrow; style is flow, facilitator or barrier."""

    x1: float
    y1: float
    x2: float
    y2: float
    style: str


@dataclass(frozen=True)
class Diagram:
    """A laid-out ICAMO diagram, drawn by the `icamo_diagram` template macro."""

    width: float
    height: float
    clusters: tuple[Cluster, ...]
    boxes: tuple[Box, ...]
    arrows: tuple[Arrow, ...]


def _lines(label: str, state: str, width: int) -> tuple[str, ...]:
    return (*(textwrap.wrap(label, width) or [""]), f"({state})")


def _size(lines: tuple[str, ...]) -> tuple[float, float]:
    width = max(len(line) for line in lines) * CHAR_WIDTH + 2 * PAD_X
    return round(width, 1), len(lines) * LINE_HEIGHT + 2 * PAD_Y


def _context_node(verdict: dict) -> tuple[tuple[str, ...], str]:
    stance = verdict["qualitative_stance"]
    if stance in ("facilitator", "barrier"):
        sign = "+" if stance == "facilitator" else "−"
        return _lines(f"{sign} {verdict['label']}", stance, CONTEXT_WRAP), stance
    return _lines(f"? {verdict['label']}", "no evidence", CONTEXT_WRAP), "unknown"


def layout(verdicts: list[dict]) -> Diagram:
    """Lay out a case's ICAMO configuration: activities → mechanisms → outputs →
    outcomes as columns, left to right; context factors in a row above, each with
    an arrow into the mechanisms it facilitates (solid) or hinders (dashed).

    A fixed, deterministic layout: the same verdicts always give the same diagram."""
    columns: dict[str, list] = {name: [] for name in COLUMN_TITLES}
    contexts = []
    for verdict in verdicts:
        if verdict["kind"] == "context":
            contexts.append(_context_node(verdict))
        elif (column := KIND_RANK.get(verdict["kind"])) is not None:
            state, on = _state(verdict)
            columns[column].append((_lines(verdict["label"], state, WRAP), "on" if on else "off"))

    context_sizes = [_size(lines) for lines, _ in contexts]
    context_height = (
        TITLE_HEIGHT + max(h for _, h in context_sizes) + 2 * CLUSTER_PAD if contexts else 0
    )
    top = MARGIN + (context_height + ROW_GAP if contexts else 0)

    boxes, arrows, placed = [], [], {}
    x = MARGIN
    for name, nodes in columns.items():
        if not nodes:
            continue
        sizes = [_size(lines) for lines, _ in nodes]
        inner = max([w for w, _ in sizes] + [len(COLUMN_TITLES[name]) * TITLE_CHAR_WIDTH])
        y = top + TITLE_HEIGHT + CLUSTER_PAD
        for (lines, style), (w, h) in zip(nodes, sizes, strict=True):
            boxes.append(Box(round(x + CLUSTER_PAD + (inner - w) / 2, 1), y, w, h, lines, style))
            y += h + NODE_GAP
        height = y - NODE_GAP + CLUSTER_PAD - top
        placed[name] = Cluster(
            x, top, round(inner + 2 * CLUSTER_PAD, 1), height, COLUMN_TITLES[name]
        )
        x = round(x + placed[name].w + COLUMN_GAP, 1)
    main = list(placed.values())
    y = top + TITLE_HEIGHT + (min((c.h for c in main), default=0) - TITLE_HEIGHT) / 2
    for left, right in zip(main, main[1:], strict=False):
        arrows.append(Arrow(left.x + left.w, y, right.x, y, "flow"))
    width = x - COLUMN_GAP + MARGIN if main else 2 * MARGIN

    clusters = list(main)
    if contexts:
        row = sum(w for w, _ in context_sizes) + NODE_GAP * (len(contexts) - 1) + 2 * CLUSTER_PAD
        target = placed.get("mechanisms")
        centre = target.x + target.w / 2 if target else MARGIN + row / 2
        cx = round(max(MARGIN, centre - row / 2), 1)
        clusters.insert(0, Cluster(cx, MARGIN, round(row, 1), context_height, "Context"))
        bx = cx + CLUSTER_PAD
        for (lines, style), (w, h) in zip(contexts, context_sizes, strict=True):
            box = Box(round(bx, 1), MARGIN + TITLE_HEIGHT + CLUSTER_PAD, w, h, lines, style)
            boxes.append(box)
            if target is not None and style in ("facilitator", "barrier"):
                middle = box.x + w / 2
                tx = min(max(middle, target.x + 12), target.x + target.w - 12)
                arrows.append(Arrow(round(middle, 1), box.y + h, round(tx, 1), target.y, style))
            bx += w + NODE_GAP
        width = max(width, cx + row + MARGIN)
    height = max((c.y + c.h for c in clusters), default=0) + MARGIN
    return Diagram(round(width, 1), round(height, 1), tuple(clusters), tuple(boxes), tuple(arrows))


def text_alternative(verdicts: list[dict]) -> list[str]:
    """The diagram in words, one line per ICAMO component."""
    lines = []
    for kind, title in (
        ("intervention", "Activities"),
        ("mechanism", "Mechanisms"),
        ("output", "Outputs"),
        ("outcome", "Outcomes"),
    ):
        parts = [f"{v['label']} ({_state(v)[0]})" for v in verdicts if v["kind"] == kind]
        if parts:
            lines.append(f"{title}: " + "; ".join(parts) + ".")
    context = [
        f"{v['label']} ({v['qualitative_stance'].replace('_', ' ')})"
        for v in verdicts
        if v["kind"] == "context"
    ]
    if context:
        lines.append("Context: " + "; ".join(context) + ".")
    return lines

"""The ICAMO diagram of a case, laid out by Graphviz and embedded as inline SVG.

Intervention activities → mechanisms → outputs → outcomes, left to right, with
context factors above, drawn as facilitators (+) or barriers (−) of the
mechanisms. Everything shown comes from the case's own verdicts. Style is
never the only signal: every node's label says its state in words.
"""

from __future__ import annotations

import re

import graphviz

from flows.errors import TriangulateError

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
ON, OFF = "#0b4f8a", "#8c959f"
FACILITATOR, BARRIER = "#1a7f37", "#b42318"


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


def dot_source(case_id: str, verdicts: list[dict]) -> str:
    """The case's ICAMO configuration as Graphviz DOT."""
    graph = graphviz.Digraph(
        name=f"icamo_{re.sub(r'[^A-Za-z0-9_]', '_', case_id)}",
        graph_attr={
            "rankdir": "LR",
            "fontname": "DejaVu Sans",
            "fontsize": "11",
            "nodesep": "0.25",
            "ranksep": "0.6",
            "bgcolor": "transparent",
        },
        node_attr={"shape": "box", "style": "rounded", "fontname": "DejaVu Sans", "fontsize": "10"},
        edge_attr={"color": "#57606a", "arrowsize": "0.6"},
    )
    columns: dict[str, list[str]] = {name: [] for name in COLUMN_TITLES}
    for index, verdict in enumerate(verdicts):
        node = f"n{index}"
        if verdict["kind"] == "context":
            continue
        column = KIND_RANK.get(verdict["kind"])
        if column is None:
            continue
        state, on = _state(verdict)
        graph.node(
            node,
            label=f"{verdict['label']}\n({state})",
            color=ON if on else OFF,
            fontcolor="#1b1f24" if on else "#57606a",
            style="rounded,bold" if on else "rounded,dashed",
        )
        columns[column].append(node)
    for name, nodes in columns.items():
        with graph.subgraph(name=f"cluster_{name}") as cluster:
            cluster.attr(
                label=COLUMN_TITLES[name], color="#d0d7de", fontcolor="#4a5560", style="rounded"
            )
            for node in nodes:
                cluster.node(node)
    order = list(COLUMN_TITLES)
    for left, right in zip(order, order[1:], strict=False):
        if columns[left] and columns[right]:
            graph.edge(
                columns[left][0],
                columns[right][0],
                ltail=f"cluster_{left}",
                lhead=f"cluster_{right}",
            )
    graph.attr(compound="true")
    contexts = [(i, v) for i, v in enumerate(verdicts) if v["kind"] == "context"]
    if contexts and columns["mechanisms"]:
        with graph.subgraph(name="cluster_context") as cluster:
            cluster.attr(
                label="Context", color="#d0d7de", fontcolor="#4a5560", style="rounded", rank="same"
            )
            for index, verdict in contexts:
                stance = verdict["qualitative_stance"]
                sign, colour = {"facilitator": ("+", FACILITATOR), "barrier": ("−", BARRIER)}.get(
                    stance, ("?", OFF)
                )
                words = (
                    stance.replace("_", " ")
                    if stance in ("facilitator", "barrier")
                    else "no evidence"
                )
                cluster.node(
                    f"n{index}",
                    label=f"{sign} {verdict['label']}\n({words})",
                    color=colour,
                    fontcolor=colour if stance in ("facilitator", "barrier") else "#57606a",
                    shape="note",
                )
        for index, verdict in contexts:
            stance = verdict["qualitative_stance"]
            if stance in ("facilitator", "barrier"):
                graph.edge(
                    f"n{index}",
                    columns["mechanisms"][0],
                    lhead="cluster_mechanisms",
                    color=FACILITATOR if stance == "facilitator" else BARRIER,
                    style="solid" if stance == "facilitator" else "dashed",
                )
    return graph.source


_UNSAFE = re.compile(
    r"<script|javascript:|\son[a-z]+\s*=|<foreignObject|xlink:href|\shref=", re.IGNORECASE
)


def render_svg(source: str) -> str:
    """Lay out DOT with Graphviz and return an inline-ready SVG element.

    The XML prolog, doctype and Graphviz's comments are dropped; the result is
    checked to hold no script, event handler, link or foreign content."""
    try:
        svg = graphviz.Source(source).pipe(format="svg", encoding="utf-8")
    except graphviz.ExecutableNotFound:
        raise TriangulateError(
            "the ICAMO diagram needs Graphviz: install it with `sudo apt-get install graphviz` "
            "(make does this)"
        ) from None
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<!--.*?-->\n?", "", svg, flags=re.DOTALL)
    if _UNSAFE.search(svg):
        raise TriangulateError(
            "the ICAMO diagram came out with active content; refusing to embed it"
        )
    return svg


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

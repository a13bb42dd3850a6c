"""The ICAMO diagram: a deterministic layout and a safe, well-formed SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from flows.render import diagram, pages

SVG = "{http://www.w3.org/2000/svg}"


def verdict(theme: str, kind: str, stance: str, achieved: bool = False) -> dict:
    return {
        "label": theme,
        "kind": kind,
        "qualitative_stance": stance,
        "outcome_achieved": achieved,
    }


VERDICTS = [
    verdict("Social support", "intervention", "present"),
    verdict("Daily management", "intervention", "absent"),
    verdict("Encouragement", "mechanism", "present"),
    verdict("Readiness", "mechanism", "no_evidence"),
    verdict("Self-care awareness", "output", "present"),
    verdict("Eating habits", "outcome", "improved", achieved=True),
    verdict("Physical activity", "outcome", "no_change"),
    verdict("Finances", "context", "barrier"),
    verdict("Energy", "context", "facilitator"),
    verdict("Life events", "context", "silent"),
]


def inside(box, cluster) -> bool:
    return (
        cluster.x <= box.x
        and box.x + box.w <= cluster.x + cluster.w
        and cluster.y <= box.y
        and box.y + box.h <= cluster.y + cluster.h
    )


def overlap(a, b) -> bool:
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h


def test_every_component_is_drawn_with_its_state_in_words():
    d = diagram.layout(VERDICTS)
    texts = [" ".join(b.lines) for b in d.boxes]
    assert len(d.boxes) == len(VERDICTS)
    assert "Social support (delivered)" in texts
    assert "Daily management (not delivered)" in texts
    assert "Readiness (no evidence)" in texts
    assert "Eating habits (achieved)" in texts
    assert "Physical activity (not achieved)" in texts
    assert "− Finances (barrier)" in texts and "+ Energy (facilitator)" in texts
    assert "? Life events (no evidence)" in texts
    assert [c.title for c in d.clusters] == [
        "Context",
        "Intervention activities",
        "Mechanisms",
        "Outputs",
        "Outcomes",
    ]


def test_boxes_sit_inside_their_cluster_and_never_overlap():
    d = diagram.layout(VERDICTS)
    for box in d.boxes:
        assert sum(inside(box, c) for c in d.clusters) == 1
        assert box.x >= 0 and box.x + box.w <= d.width and box.y + box.h <= d.height
    for i, a in enumerate(d.boxes):
        for b in d.boxes[i + 1 :]:
            assert not overlap(a, b)


def test_context_arrows_only_for_facilitators_and_barriers_into_mechanisms():
    d = diagram.layout(VERDICTS)
    mechanisms = next(c for c in d.clusters if c.title == "Mechanisms")
    context = [a for a in d.arrows if a.style != "flow"]
    assert sorted(a.style for a in context) == ["barrier", "facilitator"]
    for arrow in context:
        assert arrow.y2 == mechanisms.y and mechanisms.x < arrow.x2 < mechanisms.x + mechanisms.w
    # activities -> mechanisms -> outputs -> outcomes
    assert len([a for a in d.arrows if a.style == "flow"]) == 3


def test_layout_is_deterministic_and_copes_with_missing_components():
    assert diagram.layout(VERDICTS) == diagram.layout([dict(v) for v in VERDICTS])
    only_outcomes = diagram.layout([verdict("Eating", "outcome", "improved", True)])
    assert [c.title for c in only_outcomes.clusters] == ["Outcomes"] and not only_outcomes.arrows
    empty = diagram.layout([])
    assert empty.boxes == () and empty.width > 0


def test_svg_is_well_formed_and_escapes_labels():
    hostile = [*VERDICTS, verdict('<script>alert("x")</script> & co', "mechanism", "present")]
    env = pages.environment()
    svg = str(
        env.from_string('{% import "macros.html" as ui %}{{ ui.icamo_diagram(d) }}').render(
            d=diagram.layout(hostile)
        )
    )
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.find(f".//{SVG}script") is None and "<script>" not in svg
    words = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert "Encouragement" in words and "(barrier)" in words

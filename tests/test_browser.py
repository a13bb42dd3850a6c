"""The rendered pages in a real browser: Debian's Chromium driven by Playwright.

Checks every page of the demo (and of a study full of hostile text): no console
errors, no request leaves file://, every link resolves, the matrix, charts and
diagram are there, and axe-core finds no serious or critical accessibility
violation. Screenshots land in test-artifacts/.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from flows import stages
from flows.render.pdf import launch

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / ".cache" / "node" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
HOSTILE = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2"><svg onload="window.pwned=3">'


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = launch(playwright)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def demo_pages(demo_out) -> list[Path]:
    return [demo_out / "index.html", *sorted((demo_out / "cases").glob("*.html"))]


def visit(browser, page_path: Path) -> dict:
    """Open a page; return its console errors, requests and the page itself."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(page_path.as_uri(), wait_until="load")
    return {"page": page, "context": context, "errors": errors, "requests": requests}


@pytest.fixture(scope="module")
def demo_seen(browser, demo_pages) -> dict[str, dict]:
    """Each demo page opened once (as a reader opens it, CSP in force): its console
    errors, the requests it made, its links and the counts the tests below check;
    screenshots of the index and of P7 go to test-artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    found = {}
    for path in demo_pages:
        seen = visit(browser, path)
        page = seen["page"]
        found[path.name] = {
            "path": path,
            "errors": seen["errors"],
            "requests": seen["requests"],
            "hrefs": page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"),
            "tables": page.locator("table").count(),
            "case_links": page.locator("a[href^='cases/']").count(),
            "matrix_rows": page.locator("table.matrix tbody tr").count(),
            "charts": page.locator("svg.chart").count(),
            "diagrams": page.locator(".diagram-svg svg").count(),
            "quotes": page.locator("figure.quote").count(),
        }
        if path.name in ("index.html", "P7.html"):
            shot = "index.png" if path.name == "index.html" else "dossier-P7.png"
            page.screenshot(path=str(ARTIFACTS / shot), full_page=True)
        seen["context"].close()
    return found


def test_pages_load_without_errors_or_outside_requests(demo_seen):
    assert len(demo_seen) == 10
    for name, seen in demo_seen.items():
        assert seen["errors"] == [], (name, seen["errors"])
        outside = [u for u in seen["requests"] if not u.startswith(("file://", "data:"))]
        assert outside == [], (name, outside)


def test_review_panels_are_present(browser, demo_pages):
    """Issue #14: provisional marks, the 'To review' list linked to the evidence,
    reviewed / machine-read counts (axe and console checks cover these pages too)."""
    index = visit(browser, demo_pages[0])
    page = index["page"]
    assert page.get_by_role("columnheader", name="Provisional verdicts").count() == 1
    assert page.locator("td >> text=/^\\d+ \\/ \\d+$/").count() >= 9  # reviewed / machine-read
    index["context"].close()
    dossier = next(p for p in demo_pages[1:] if p.stem == "P7")
    seen = visit(browser, dossier)
    page = seen["page"]
    assert page.locator("#review-h").is_visible()
    links = page.locator("section[aria-labelledby='review-h'] tbody a")
    assert links.count() >= 2
    for i in range(links.count()):  # each reading links to its quote card
        target = links.nth(i).get_attribute("href")
        assert page.locator(f"figure.quote[id='{target[1:]}']").count() == 1
    assert page.locator("table.matrix .provisional").count() >= 1
    assert page.get_by_text("machine-read (not reviewed)").count() == 1
    seen["context"].close()


def test_every_link_resolves(demo_seen):
    for name, seen in demo_seen.items():
        hrefs = seen["hrefs"]
        assert hrefs, name
        for href in hrefs:
            url = urlparse(href)
            assert url.scheme == "file", (name, href)
            target = Path(unquote(url.path))
            assert target.exists(), (name, href)
            if url.fragment and target.suffix == ".html":
                assert f'id="{url.fragment}"' in target.read_text(encoding="utf-8"), (name, href)


def test_matrix_charts_and_diagram_are_present(demo_seen):
    index = demo_seen["index.html"]
    assert index["tables"] >= 3
    assert index["case_links"] >= 9
    dossiers = {name: seen for name, seen in demo_seen.items() if name != "index.html"}
    assert len(dossiers) == 9
    for name, seen in dossiers.items():
        assert seen["matrix_rows"] == 16, name
        assert seen["charts"] == 5, name
        assert seen["diagrams"] == 1, name
        assert seen["quotes"] >= 25, name


def serious_violations(browser, path: Path) -> list[tuple]:
    """axe-core's serious and critical WCAG 2.1 A/AA and best-practice findings."""
    assert AXE.exists(), f"axe-core missing at {AXE}: `make test` installs it from the npm registry"
    context = browser.new_context(bypass_csp=True)  # lets the test inject axe-core only
    page = context.new_page()
    page.goto(path.as_uri(), wait_until="load")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {"
        "runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],"
        # only violations are read: axe skips collecting every passing node (3x faster)
        "resultTypes: ['violations']})"
    )
    context.close()
    return [
        (v["id"], v["impact"], len(v["nodes"]))
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_no_serious_accessibility_violations(browser, demo_pages):
    """Every page of the demo: the index and all nine dossiers."""
    assert len(demo_pages) == 10
    for path in demo_pages:
        assert serious_violations(browser, path) == [], path.name


def test_hostile_text_is_inert_in_the_dom(browser, make_study, tmp_path):
    excerpts = [
        ["E1", "I1", "A", "Intervention/Walking/Present", "", "1", HOSTILE, "We walk. " + HOSTILE],
        ["E2", "I2", "A", "Context/Energy/Barrier", "", "1", "AK", HOSTILE],
    ]
    out = tmp_path / "out"
    stages.run_direct(make_study(excerpts, [["A", "baseline", "1", "1", HOSTILE]]), out)
    for path in (out / "cases" / "A.html", out / "index.html"):
        seen = visit(browser, path)
        page = seen["page"]
        assert page.evaluate("window.pwned === undefined")
        assert page.locator("img").count() == 0
        assert page.locator("script").count() == 0
        if path.name == "A.html":
            text = page.locator("figure.quote blockquote").first.inner_text()
            assert "<script>window.pwned=1</script>" in text
        assert not [u for u in seen["requests"] if not re.match(r"^(file|data):", u)]
        seen["context"].close()
    # the hostile-text pages are accessible too (every page of that run)
    for path in (out / "index.html", *sorted((out / "cases").glob("*.html"))):
        assert serious_violations(browser, path) == [], path.name

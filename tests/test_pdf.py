"""PDF output through headless Chromium (kept apart from the browser tests'
module-scoped browser: Playwright's sync API runs one instance per thread)."""

from __future__ import annotations

from flows import stages


def test_run_with_pdf_prints_every_page(demo_dir, tmp_path):
    from flows.render.pdf import pdf_text

    out = tmp_path / "out"
    stages.run_direct(demo_dir, out, pdf=True)
    pdfs = sorted(p.name for p in (out / "pdf").glob("*.pdf"))
    assert pdfs == sorted(["index.pdf", *(f"P{i}.pdf" for i in range(1, 10))])
    text = pdf_text(out / "pdf" / "P3.pdf")
    assert "Convergence matrix" in text and "Case P3" in text
    assert (out / "pdf" / "P3.pdf").read_bytes().startswith(b"%PDF")

"""Headless Chromium (Debian's package) driven by Playwright: PDFs of the pages.

Playwright's own browser download does not work offline, so triangulate uses
the system Chromium (`apt-get install chromium`, done by `make`), launched with
the flags that keep it from reaching the network.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from flows.errors import TriangulateError

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
]


def chromium_path() -> str:
    """The system Chromium, or a clear error saying how to install it."""
    for candidate in (os.environ.get("TRIANGULATE_CHROMIUM"), "chromium", "chromium-browser"):
        if candidate and (found := shutil.which(candidate)):
            return found
    raise TriangulateError(
        "PDF output and browser tests need Chromium: install it with "
        "`sudo apt-get install chromium` (make test does this), or set TRIANGULATE_CHROMIUM"
    )


def launch(playwright):
    """A headless Chromium browser that makes no requests of its own."""
    return playwright.chromium.launch(
        executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
    )


def print_pdfs(pages: list[Path], pdf_dir: Path) -> list[Path]:
    """Print each HTML page to an A4 PDF (the page's print stylesheet applies)."""
    from playwright.sync_api import sync_playwright

    pdf_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page()
            for html in pages:
                page.goto(html.resolve().as_uri(), wait_until="load")
                target = pdf_dir / f"{html.stem}.pdf"
                page.pdf(
                    path=str(target), format="A4", print_background=True, prefer_css_page_size=True
                )
                written.append(target)
        finally:
            browser.close()
    return written


def pdf_pages(path: Path) -> list[str]:
    """The text of each page of a PDF, for the leak audit, as PDFium (the PDF
    engine of Chromium) lays it out: about 30 times faster than a pure-Python
    reader on Chromium's embedded fonts (decision 0130)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        texts = []
        for page in document:
            textpage = page.get_textpage()
            texts.append(textpage.get_text_bounded())
            textpage.close()
            page.close()
        return texts
    finally:
        document.close()


def pdf_text(path: Path) -> str:
    """The text of a PDF, for the leak audit."""
    return "\n".join(pdf_pages(path))

"""audit.html in a real headless browser: what a person sees, right-to-left Arabic, no script runs."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from provenance._cli import main

REPO = Path(__file__).parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if CHROMIUM is None and os.environ.get("CORPUS_AUDIT_REQUIRE_BROWSER"):
    raise RuntimeError("CORPUS_AUDIT_REQUIRE_BROWSER is set but no Chromium was found")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium on this machine (Debian package `chromium`; .ci/run installs it)"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as driver:
        instance = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


def _open(browser: Any, html: Path) -> tuple[Any, list[str]]:
    page = browser.new_page(viewport={"width": 1300, "height": 1000})
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(html.as_uri())
    return page, dialogs


def test_seed_report_as_a_person_sees_it(browser: Any, tmp_path: Path) -> None:
    """The verdict, the counts, the waived files; Arabic laid out right to left; a screenshot is kept."""
    assert main(["validate", str(REPO / "seeds"), "--report-dir", str(tmp_path), "--engine", "pandera"]) == 0
    page, _ = _open(browser, tmp_path / "audit.html")
    assert page.inner_text("#verdict") == "Audit passed"
    assert "3 waived" in page.inner_text("header")
    assert "000_351c3a7ca37fd0ed.txt" in page.inner_text("#waivers")
    page.click("#articles details summary >> nth=0")
    body_line = page.locator("#articles .lines p").nth(5)
    assert body_line.is_visible()
    assert body_line.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert "لندن - سبوتنيك" in body_line.inner_text()
    repeated = page.locator("#articles .lines p.repeated")
    assert repeated.count() == 4
    page.screenshot(path=str(tmp_path / "audit.png"), full_page=True)
    assert (tmp_path / "audit.png").stat().st_size > 10_000


def test_failing_report_lists_the_failing_file(browser: Any, tmp_path: Path) -> None:
    """A failed audit says so at the top and names each failing file with its check."""
    assert (
        main(
            [
                "validate",
                str(REPO / "tests" / "resources" / "invariants"),
                "--report-dir",
                str(tmp_path),
                "--engine",
                "pandera",
            ]
        )
        == 1
    )
    page, _ = _open(browser, tmp_path / "audit.html")
    assert page.inner_text("#verdict") == "Audit failed"
    findings = page.inner_text("#problems")
    assert "future-date.txt" in findings and "article.published_valid" in findings
    page.screenshot(path=str(tmp_path / "failed.png"))


def test_injected_markup_is_shown_not_run(browser: Any, tmp_path: Path) -> None:
    """A title holding <script> and an <img onerror> shows as text; no script runs, no dialog opens."""
    main(
        [
            "validate",
            str(REPO / "tests" / "resources" / "report-escape"),
            "--report-dir",
            str(tmp_path),
            "--engine",
            "pandera",
        ]
    )
    page, dialogs = _open(browser, tmp_path / "audit.html")
    page.click("#articles details summary >> nth=0")
    assert "<script>window.__xss = 1; alert(1)</script>" in page.inner_text("#articles")
    assert page.evaluate("() => window.__xss") is None
    assert page.locator("script").count() == 0 and page.locator("img").count() == 0
    assert dialogs == []

"""The reports in a real headless browser: audit.html as a person sees it (right-to-left Arabic, no script
runs), and GX's Data Docs rendering with the network off."""

from __future__ import annotations

import hashlib
import json
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
    body_line = page.locator("#articles .lines tr").nth(5).locator("td.text")
    assert body_line.is_visible()
    assert body_line.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert "لندن - سبوتنيك" in body_line.inner_text()
    repeated = page.locator("#articles .lines tr.repeated")
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


# The WCAG contrast ratio of two computed CSS colours, and the background an element shows (its
# own, else the nearest ancestor's that is not transparent).
_CONTRAST = """e => {
  const rgb = c => c.match(/[\\d.]+/g).map(Number);
  let node = e, bg = 'rgba(0, 0, 0, 0)';
  while (node && rgb(bg)[3] === 0) { bg = getComputedStyle(node).backgroundColor; node = node.parentElement; }
  if (rgb(bg)[3] === 0) bg = 'rgb(255, 255, 255)';
  const lum = c => { const [r, g, b] = rgb(c).slice(0, 3).map(v => v / 255)
      .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const [a, b] = [lum(getComputedStyle(e).color), lum(bg)];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def test_matrix_cells_are_readable_and_told_apart_by_letter(browser: Any, tmp_path: Path) -> None:
    """File names in the files × checks matrix contrast with their background (computed styles); a
    warning and a waived cell differ by letter and title, not by colour alone, and a legend says so."""
    corpus = tmp_path / "c"
    shutil.copytree(REPO / "tests" / "resources" / "invariants", corpus)
    sha = hashlib.sha256((corpus / "future-date.txt").read_bytes()).hexdigest()
    (corpus / "WAIVERS.md").write_text(
        "| file | check | sha256 | expires | reason |\n|---|---|---|---|---|\n"
        f"| `future-date.txt` | article.published_valid | {sha} | 2099-01-01 | test waiver |\n",
        encoding="utf-8",
    )
    main(["validate", str(corpus), "--report-dir", str(tmp_path / "r"), "--engine", "pandera"])
    page, _ = _open(browser, tmp_path / "r" / "audit.html")
    names = page.locator("#matrix tbody th.file")
    assert names.count() > 0
    for number in range(names.count()):
        cell = names.nth(number)
        assert cell.is_visible() and cell.inner_text().endswith(".txt")
        assert cell.locator("code").evaluate(_CONTRAST) >= 4.5  # WCAG AA for normal text
    waived = page.locator('#matrix td.s-waived[title="article.published_valid: waived"]')
    warning = page.locator('#matrix td.s-warning[title="article.layout: warning"]')
    assert waived.inner_text() == "V" and warning.inner_text() == "W"
    assert page.locator("#matrix td.s-failed").first.inner_text() == "F"
    legend = page.inner_text("#matrix .legend")
    assert all(
        f"{letter}{word}" in legend.replace(" ", "")
        for letter, word in [("P", "passed"), ("F", "failed"), ("W", "warning"), ("V", "waived")]
    )
    for status in ("waived", "warning", "failed"):  # a letter in any of these colours stays readable
        assert page.locator(f"#matrix td.s-{status}").first.evaluate(_CONTRAST) >= 3


def test_line_labels_stand_apart_from_the_text(browser: Any, tmp_path: Path) -> None:
    """An article's line number and role sit in cells of their own: the text cell holds only the
    line's text, and the boxes do not overlap, even where Arabic text opens with digits."""
    assert main(["validate", str(REPO / "seeds"), "--report-dir", str(tmp_path), "--engine", "pandera"]) == 0
    document = json.loads((tmp_path / "audit.json").read_text(encoding="utf-8"))
    article = next(a for a in document["articles"] if "lines" in a)
    page, _ = _open(browser, tmp_path / "audit.html")
    page.click("#articles details summary >> nth=0")
    rows = page.locator("#articles details").first.locator("table.lines tr")
    assert rows.count() == len(article["lines"])
    opening_digit = [n for n, line in enumerate(article["lines"]) if line["text"][:1].isdigit()]
    assert opening_digit, "the seed has a line that opens with digits (its date line)"
    for number in [*opening_digit, 5]:
        line = article["lines"][number]
        label, text = rows.nth(number).locator("td.ln"), rows.nth(number).locator("td.text")
        assert label.inner_text() == str(line["line"])
        assert text.evaluate("e => e.textContent") == line["text"]
        one, two = label.bounding_box(), text.bounding_box()
        assert one is not None and two is not None
        assert one["x"] + one["width"] <= two["x"] or two["x"] + two["width"] <= one["x"]


def test_policy_and_waivers_beside_the_verdict(browser: Any, tmp_path: Path) -> None:
    """The header shows the waivers in force and the policy's overrides beside the verdict."""
    corpus = tmp_path / "c"
    shutil.copytree(REPO / "seeds", corpus)
    (corpus / "corpus-audit.toml").write_text(
        '[checks."article.source_line"]\nseverity = "warning"\nreason = "Wire copy without source lines."\n',
        encoding="utf-8",
    )
    main(["validate", str(corpus), "--report-dir", str(tmp_path / "r"), "--engine", "pandera"])
    page, _ = _open(browser, tmp_path / "r" / "audit.html")
    notes = page.locator("header #verdict-notes")
    assert notes.is_visible()
    text = notes.inner_text()
    assert "article.source_line is a warning, not an error: Wire copy without source lines." in text
    assert "3 waived" in text and "000_351c3a7ca37fd0ed.txt article.no_duplicate_paragraphs until 2027-11-30" in text
    verdict, beside = page.locator("#verdict").bounding_box(), notes.bounding_box()
    assert verdict is not None and beside is not None
    assert beside["y"] < verdict["y"] + verdict["height"]  # at the top, beside the verdict, not below it


@pytest.fixture(scope="module")
def gx_docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Data Docs folder of one validate run (both engines) over the invariants corpus."""
    out = tmp_path_factory.mktemp("gx-browser")
    assert main(["validate", str(REPO / "tests" / "resources" / "invariants"), "--report-dir", str(out)]) == 1
    return out / "gx"


def test_data_docs_render_with_the_network_off(browser: Any, gx_docs: Path) -> None:
    """Every request that is not a local file is aborted and counted: Data Docs make none, yet their
    styles apply, their scripts run (the index table is filled in) and the pass/fail icons' font loads."""
    (validation,) = (gx_docs / "validations").rglob("*articles.html")
    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    requests: list[str] = []
    remote: list[str] = []
    errors: list[str] = []

    def route(handler: Any) -> None:
        if handler.request.url.startswith("file://"):
            handler.continue_()
        else:
            remote.append(handler.request.url)
            handler.abort()

    context.route("**/*", route)
    context.on("request", lambda request: requests.append(request.url))
    for html in (gx_docs / "index.html", validation):
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(html.as_uri())
        page.wait_for_load_state("load")
        page.evaluate("() => document.fonts.ready.then(() => true)")
        assert page.locator(".navbar").first.evaluate("e => getComputedStyle(e).display") == "flex"  # Bootstrap's
        # bootstrap-table may redraw the table after "load": poll one visible icon in the page as it
        # is, until its font, glyph and width are those of Font Awesome (a timeout fails the test).
        page.wait_for_function(
            """() => [...document.querySelectorAll("i.fas.fa-times")].some(e => {
                const glyph = getComputedStyle(e, "::before");
                return e.offsetParent !== null && glyph.fontFamily === '"Font Awesome 6 Free"'
                    && glyph.content !== "none" && e.getBoundingClientRect().width > 0;
            })""",
            timeout=15_000,
        )
        assert page.evaluate(
            "() => [...document.fonts].some(f => f.family.includes('Font Awesome') && f.status === 'loaded')"
        )
        page.screenshot(path=str(gx_docs.parent / f"{html.stem}.png"))
    assert remote == []
    assert requests and all(url.startswith("file://") for url in requests)
    assert errors == []  # jQuery, Bootstrap, bootstrap-table and the datepicker all loaded
    index = context.new_page()
    index.goto((gx_docs / "index.html").as_uri())
    assert index.locator("table[data-toggle=table] tbody tr").count() >= 2  # filled in by bootstrap-table
    assert index.locator("i.fas.fa-times").count() == 2  # both validations failed: a cross each
    page = context.new_page()
    page.goto(validation.as_uri())
    assert page.locator("i.fas.fa-check-circle").count() > 0
    assert "future-date.txt" in page.inner_text("body")  # unexpected rows named by file, not "7"
    context.close()

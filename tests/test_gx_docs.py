"""GX Data Docs open offline: vendored assets as upstream ships them, pages rewritten, no network used."""

from __future__ import annotations

import base64
import hashlib
import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from expectations.engines.gx_docs import GX_ASSETS, LOCAL, STATIC, UNUSED, VENDOR, offline_page
from provenance._cli import main

REPO = Path(__file__).parent.parent
# A remote reference a browser loads by itself: a script, a stylesheet, an image, a CSS url().
# Links (<a href>) are followed only when clicked, and are left as they are.
_LOADED = re.compile(
    r"""<(?:script|link|img|iframe|source|embed)\b[^>]*?\b(?:src|href|srcset)="((?:https?:)?//[^"]*)"|"""
    r"""url\(\s*['"]?((?:https?:)?//[^'")]*)""",
    re.IGNORECASE,
)


def _loaded(text: str) -> list[str]:
    return [a or b for a, b in _LOADED.findall(text)]


def _gx_templates() -> Path:
    import great_expectations

    return Path(great_expectations.__file__).parent / "render" / "view"


def _readme_table() -> dict[str, str]:
    """gx_docs_static/README.md's table: vendored file -> sha256."""
    text = (STATIC / "README.md").read_text(encoding="utf-8")
    return dict(re.findall(r"^\| `([^`]+)` \|.*\| `([0-9a-f]{64})` \|$", text, re.MULTILINE))


def test_vendored_files_are_the_ones_the_readme_lists() -> None:
    """Every vendored asset is listed in gx_docs_static/README.md with its sha256, and none is missing."""
    table = _readme_table()
    files = {
        p.relative_to(STATIC).as_posix()
        for p in STATIC.rglob("*")
        if p.is_file() and not p.name.startswith(("LICENSE", "README"))
    }
    assert files == set(table)
    for name, digest in table.items():
        assert hashlib.sha256((STATIC / name).read_bytes()).hexdigest() == digest, name
    assert {path for paths in LOCAL.values() for path in paths} <= files


def test_each_vendored_library_has_its_licence_beside_it() -> None:
    """Each library's folder holds its licence text (Font Awesome's covers fonts and CSS)."""
    for folder in {name.split("/")[0] for name in _readme_table()}:
        assert list((STATIC / folder).glob("LICENSE*")), folder
    assert "SIL OPEN FONT LICENSE" in (STATIC / "fontawesome-free" / "LICENSE.txt").read_text(encoding="utf-8")
    assert "Apache License" in (STATIC / "bootstrap-datepicker" / "LICENSE").read_text(encoding="utf-8")


def test_scripts_gx_pins_by_integrity_are_the_vendored_bytes() -> None:
    """Where GX's templates pin a script by Subresource Integrity, the vendored copy has that hash."""
    text = (_gx_templates() / "templates" / "js_script_imports.j2").read_text(encoding="utf-8")
    pinned = re.findall(r'<script src="([^"]+)" integrity="sha384-([^"]+)"', text)
    assert len(pinned) >= 2
    for url, digest in pinned:
        (path,) = LOCAL[url]
        assert base64.b64encode(hashlib.sha384((STATIC / path).read_bytes()).digest()).decode() == digest


def test_every_url_gx_templates_load_is_vendored_or_known_unused() -> None:
    """A GX upgrade that loads something new fails here, before its pages render unstyled offline."""
    found = set()
    for path in _gx_templates().rglob("*"):
        if path.suffix in (".j2", ".css", ".html"):
            found.update(_loaded(path.read_text(encoding="utf-8")))
    assert found
    unknown = {url for url in found if url not in LOCAL and url not in UNUSED and not url.startswith(GX_ASSETS)}
    assert unknown == set()


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (
            '<script src="https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js" '
            'integrity="sha384-x" crossorigin="anonymous"></script>\n<p>',
            f'<script src="../../{VENDOR}/bootstrap/bootstrap.min.js"></script>\n<p>',
        ),
        (
            '<link rel="stylesheet" href="https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css">\n',
            f'<link rel="stylesheet" href="../../{VENDOR}/fontawesome-free/css/fontawesome.min.css">\n'
            f'<link rel="stylesheet" href="../../{VENDOR}/fontawesome-free/css/solid.min.css">\n',
        ),
        ('<script src="https://cdn.jsdelivr.net/npm/vega@5"></script>\n<p>', "<p>"),
        ('<script src="//cdn.example/unknown.js"></script><p>', "<p>"),
        ('<link rel="preconnect" href="https://cdn.example">', ""),
        (
            f'<img\n  class="NO-CACHE"\n  src="{GX_ASSETS}logo-long.png?d=20260101T000000Z&dataContextId=6608"\n'
            '  alt="GX"/>',
            '<img\n  class="NO-CACHE"\n  src="../../static/images/logo-long.png"\n  alt="GX"/>',
        ),
        ('<img src="https://tracker.example/pixel.gif">x', "x"),
        (
            f"a {{ background: url('{GX_ASSETS}full_logo_dark.png') 0 0 no-repeat; }}",
            "a { background: url('../../static/images/logo-long.png') 0 0 no-repeat; }",
        ),
        ("b { background: url(https://elsewhere.example/x.png) }", "b { background: none }"),
        ('<a href="https://greatexpectations.io">GX</a>', '<a href="https://greatexpectations.io">GX</a>'),
        ('<link rel="shortcut icon" href="../../static/images/favicon.ico">', None),
    ],
)
def test_offline_page(page: str, expected: str | None) -> None:
    """Remote scripts, stylesheets, images and CSS urls become local copies or go; links and local files stay."""
    assert offline_page(page, root="../../") == (page if expected is None else expected)


@pytest.fixture(scope="module")
def gx_reports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[Any]]]:
    """One validate run with GX Data Docs, every name lookup and connection refused and recorded."""
    out = tmp_path_factory.mktemp("gx-docs")
    attempts: list[Any] = []

    def refuse(*args: Any) -> None:
        attempts.append(args)
        raise OSError("network is off in this test")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", refuse)
        patch.setattr(socket.socket, "connect_ex", refuse)
        patch.setattr(socket, "getaddrinfo", refuse)  # a name looked up is a name told
        assert main(["validate", str(REPO / "tests" / "resources" / "invariants"), "--report-dir", str(out)]) == 1
    yield out, attempts


def test_validate_with_gx_makes_no_network_call(gx_reports: tuple[Path, list[Any]]) -> None:
    """Neither GX nor anything else opens a connection during validate (GX's analytics are off)."""
    _, attempts = gx_reports
    assert attempts == []


def test_data_docs_load_only_local_files(gx_reports: tuple[Path, list[Any]]) -> None:
    """No page or stylesheet of gx/ loads anything remote, names the context, or points at a missing copy."""
    docs = gx_reports[0] / "gx"
    pages = [p for p in docs.rglob("*") if p.suffix in (".html", ".css") and VENDOR not in p.as_posix()]
    assert len([p for p in pages if p.suffix == ".html"]) == 5  # index, two suites, two validations
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert _loaded(text) == [], page
        assert "dataContextId" not in text and "data_context_id" not in text
        for ref in re.findall(rf'(?:src|href)="([^"]*{VENDOR}/[^"]*)"', text):
            assert (page.parent / ref).resolve().is_file(), (page, ref)
    assert (docs / VENDOR / "fontawesome-free" / "LICENSE.txt").is_file()  # the licences travel with the copies


def test_validation_pages_name_rows_by_file(gx_reports: tuple[Path, list[Any]]) -> None:
    """GX's validation pages name each unexpected row by its file (and line), not by an index number."""
    docs = gx_reports[0] / "gx" / "validations"
    (articles,) = docs.rglob("*articles.html")
    (paragraphs,) = docs.rglob("*paragraphs.html")
    assert "future-date.txt" in articles.read_text(encoding="utf-8")
    assert "repeated-paragraph.txt" in paragraphs.read_text(encoding="utf-8")

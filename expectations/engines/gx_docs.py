"""GX Data Docs that open offline: the scripts, styles and fonts GX loads from CDNs served from copies.

GX 1.x's page templates load Bootstrap, jQuery, bootstrap-table, a datepicker, Font Awesome and
Vega from public CDNs, and its logo from a cloud bucket (with a timestamp, and the context's id
when it has one). Its site builder has no setting for any of these, so after GX writes the pages
`make_offline` copies the vendored assets (gx_docs_static/, with their licences) beside them and
rewrites each page's references to relative ones: nothing is fetched, nothing leaves the machine.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

STATIC = Path(__file__).with_name("gx_docs_static")
VENDOR = "static/vendor"  # where the copies go, inside the Data Docs folder
LOGO = "static/images/logo-long.png"  # GX writes its own copy of its logo there
GX_ASSETS = "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/"  # GX's logos

_BOOTSTRAP_TABLE = "https://unpkg.com/bootstrap-table@"
_FILTER_CONTROL_CSS = ("bootstrap-table/bootstrap-table-filter-control.min.css",)

#: Each URL GX's templates load, and the copies beneath VENDOR that replace it (gx_docs_static/README.md).
LOCAL: dict[str, tuple[str, ...]] = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": ("bootstrap/bootstrap.min.css",),
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": ("bootstrap/bootstrap.min.js",),
    "https://code.jquery.com/jquery-3.7.1.min.js": ("jquery/jquery.min.js",),
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": ("popper.js/popper.min.js",),
    f"{_BOOTSTRAP_TABLE}1.19.1/dist/bootstrap-table.min.css": ("bootstrap-table/bootstrap-table.min.css",),
    f"{_BOOTSTRAP_TABLE}1.19.1/dist/bootstrap-table.min.js": ("bootstrap-table/bootstrap-table.min.js",),
    f"{_BOOTSTRAP_TABLE}1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js": (
        "bootstrap-table/bootstrap-table-filter-control.min.js",
    ),
    f"{_BOOTSTRAP_TABLE}1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css": _FILTER_CONTROL_CSS,
    f"{_BOOTSTRAP_TABLE}1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css": (
        _FILTER_CONTROL_CSS
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css": (
        "bootstrap-datepicker/bootstrap-datepicker.min.css",
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js": (
        "bootstrap-datepicker/bootstrap-datepicker.min.js",
    ),
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css": (
        "bootstrap-dark/bootstrap-prefers-dark.min.css",
    ),
    # Data Docs use solid icons only: the core stylesheet and the solid style stand for all.min.css.
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": (
        "fontawesome-free/css/fontawesome.min.css",
        "fontawesome-free/css/solid.min.css",
    ),
}
#: URLs GX's templates load that no page of ours uses: Vega draws charts for expectations (column
#: distributions) the catalogue has none of. Their tags are dropped, as is any URL not in LOCAL.
UNUSED = frozenset(
    {
        "https://cdn.jsdelivr.net/npm/vega@5",
        "https://cdn.jsdelivr.net/npm/vega-lite@5",
        "https://cdn.jsdelivr.net/npm/vega-embed@6",
    }
)

_REMOTE = r"(?:https?:)?//"  # http, https and protocol-relative URLs
_SCRIPT = re.compile(rf'<script\b[^>]*?\bsrc="({_REMOTE}[^"]*)"[^>]*>\s*</script>[ \t]*\n?', re.IGNORECASE)
_LINK = re.compile(rf'<link\b[^>]*?\bhref="({_REMOTE}[^"]*)"[^>]*>[ \t]*\n?', re.IGNORECASE)
_IMG = re.compile(rf'<img\b[^>]*?\bsrc="({_REMOTE}[^"]*)"[^>]*>', re.IGNORECASE)
_CSS_URL = re.compile(rf"""url\(\s*(['"]?)({_REMOTE}[^'")]*)\1\s*\)""", re.IGNORECASE)
_IMG_SRC = re.compile(rf'\bsrc="{_REMOTE}[^"]*"', re.IGNORECASE)


def offline_page(text: str, *, root: str) -> str:
    """A Data Docs page (or stylesheet) with every remote script, stylesheet, image and CSS url()
    replaced by its local copy, or removed when there is none; `root` leads from the page to the
    Data Docs folder ("" or "../../")."""

    def script(match: re.Match[str]) -> str:
        return "".join(f'<script src="{root}{VENDOR}/{path}"></script>\n' for path in LOCAL.get(match[1], ()))

    def link(match: re.Match[str]) -> str:
        return "".join(f'<link rel="stylesheet" href="{root}{VENDOR}/{path}">\n' for path in LOCAL.get(match[1], ()))

    def image(match: re.Match[str]) -> str:
        if _is_logo(match[1]):  # the cloud bucket's logo, with the time and the context's id: GX's own copy
            return _IMG_SRC.sub(f'src="{root}{LOGO}"', match[0], count=1)
        return ""

    def css_url(match: re.Match[str]) -> str:
        return f"url('{root}{LOGO}')" if _is_logo(match[2]) else "none"

    text = _SCRIPT.sub(script, text)
    text = _LINK.sub(link, text)
    text = _IMG.sub(image, text)
    return _CSS_URL.sub(css_url, text)


def _is_logo(url: str) -> bool:
    """GX's logo, light or dark, from its cloud bucket (GX writes a copy of the light one beside the pages)."""
    name = url.split("?", 1)[0].rsplit("/", 1)[-1]
    return url.startswith(GX_ASSETS) and "logo" in name


def make_offline(docs: Path) -> None:
    """Copy the vendored assets into the Data Docs folder `docs` and point every page and
    stylesheet GX wrote there at local files."""
    shutil.copytree(STATIC, docs / VENDOR, dirs_exist_ok=True)
    vendored = docs / VENDOR
    for path in sorted(docs.rglob("*")):
        if path.suffix not in (".html", ".css") or vendored in path.parents:
            continue
        root = os.path.relpath(docs, path.parent).replace(os.sep, "/")
        text = path.read_text(encoding="utf-8")
        rewritten = offline_page(text, root="" if root == "." else f"{root}/")
        if rewritten != text:
            path.write_text(rewritten, encoding="utf-8")

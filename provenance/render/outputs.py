"""Write every human and CI report of a run into the report folder, each rendered from one ReportData."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path

from provenance.atomic import write_atomic
from provenance.render.data import ReportData
from provenance.render.html import render_html
from provenance.render.junit import JUnitWriter
from provenance.render.markdown import render_markdown
from provenance.render.view import ReportView, collect

FORMATS = {"html": "audit.html", "md": "audit.md", "junit": "junit.xml"}


def write_reports(data: ReportData, *, targets: Mapping[str, Path]) -> ReportView:
    """Render each format in `targets` ({"html"|"md"|"junit": path}) from one pass over the results."""
    junit = JUnitWriter(targets["junit"]) if "junit" in targets else None
    view = collect(data, sink=junit.add if junit else None)
    if junit:
        junit.finish()
    if "md" in targets:
        write_atomic(targets["md"], render_markdown(view))
    if "html" in targets:
        write_atomic(targets["html"], render_html(view))
    return view


def default_targets(directory: Path) -> dict[str, Path]:
    """audit.html, audit.md and junit.xml in `directory`."""
    return {fmt: directory / name for fmt, name in FORMATS.items()}


def github_annotations(view: ReportView, *, corpus: Path, limit: int = 50) -> Iterator[str]:
    """GitHub Actions workflow commands for failures and warnings (the first `limit` of each)."""
    shown = {"error": 0, "warning": 0}
    for result in view.notable:
        if result["status"] != "failed":
            continue
        level = "error" if result["severity"] == "error" else "warning"
        if shown[level] >= limit:
            continue
        shown[level] += 1
        where = f"file={_escape_property(str(corpus / result['file']))}," if result["file"] else ""
        yield f"::{level} {where}title={_escape_property(str(result['check']))}::{_escape_data(str(result['message']))}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def append_step_summary(markdown: str) -> Path | None:
    """Append to $GITHUB_STEP_SUMMARY when it is set."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return None
    with Path(target).open("a", encoding="utf-8") as handle:
        handle.write(markdown + "\n")
    return Path(target)

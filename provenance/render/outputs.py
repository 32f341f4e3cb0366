"""Write every human and CI report of a run into the report folder, each rendered from one ReportData."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from provenance.atomic import write_atomic
from provenance.render.data import ReportData
from provenance.render.html import render_html
from provenance.render.junit import write_junit
from provenance.render.markdown import render_markdown

FORMATS = {"html": "audit.html", "md": "audit.md", "junit": "junit.xml"}


def write_format(data: ReportData, fmt: str, path: Path) -> Path:
    """Render one format to `path` atomically."""
    if fmt == "junit":
        return write_junit(data, path)
    write_atomic(path, render_html(data) if fmt == "html" else render_markdown(data))
    return path


def write_reports(data: ReportData, *, directory: Path) -> list[Path]:
    """audit.md, junit.xml and audit.html beside audit.json."""
    return [write_format(data, fmt, directory / name) for fmt, name in FORMATS.items()]


def github_annotations(data: ReportData, *, corpus: Path, limit: int = 50) -> Iterator[str]:
    """GitHub Actions workflow commands for failures and warnings (the first `limit` of each)."""
    shown = {"error": 0, "warning": 0}
    for result in data.results():
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

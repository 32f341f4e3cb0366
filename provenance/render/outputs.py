"""Write every human and CI report of a run into the report folder, each rendered from one ReportData."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from provenance.atomic import write_atomic
from provenance.escape import github_data, github_property
from provenance.render.data import ReportData
from provenance.render.html import render_html
from provenance.render.junit import JUnitWriter
from provenance.render.markdown import render_markdown
from provenance.render.view import Collector, ReportView, rows_of

FORMATS = {"html": "audit.html", "md": "audit.md", "junit": "junit.xml"}


class Renderer:
    """Renders the reports from results as they stream past, one file's row at a time.

    junit.xml is written as it goes; the view for Markdown and HTML is collected and rendered by
    `finish`. `validate` feeds it while writing audit.json, `report` while reading one back; both
    hand it the same dicts, so both give the same bytes. A report that lists only the results that
    did not pass (schema_version 2) renders the same as one that lists all (version 1, or 2 with
    `results_listed` "all"): the passed ones are counts in its head.
    """

    def __init__(self, targets: Mapping[str, Path]) -> None:
        self.targets = targets
        self.junit = JUnitWriter(targets["junit"]) if "junit" in targets else None
        self.collector = Collector()

    def row(self, name: str | None, results: Sequence[dict[str, Any]]) -> None:
        """One name's results; passed ones are read for their check only (their file may be None)."""
        self.collector.row(name, results)
        if self.junit:
            self.junit.add_row(name, results)

    def clean(self, name: str, row: Sequence[dict[str, Any]]) -> None:
        """A file whose results are `row` with its name, all passed."""
        self.collector.clean(name, row)

    def finish(self, head: dict[str, Any], articles: list[dict[str, Any]]) -> ReportView:
        view = self.collector.finish(head, articles)
        if self.junit:
            self.junit.finish(
                passed={check: n["passed"] for check, n in view.counts.items()}, policy=head.get("policy")
            )
        if "md" in self.targets:
            write_atomic(self.targets["md"], render_markdown(view))
        if "html" in self.targets:
            write_atomic(self.targets["html"], render_html(view))
        return view

    def abort(self) -> None:
        if self.junit:
            self.junit.abort()


#: Drives a Renderer, one file's row at a time, and returns the report's head and articles.
Feed = Callable[[Renderer], tuple[dict[str, Any], list[dict[str, Any]]]]


def write_reports(feed: Feed, *, targets: Mapping[str, Path]) -> ReportView:
    """The one path that writes the renderings: each format in `targets` ({"html"|"md"|"junit":
    path}) from one pass of `feed` over the results. `validate` feeds it while writing audit.json,
    `report` while reading one back, so both give the same bytes. Nothing is left half-written."""
    renderer = Renderer(targets)
    try:
        head, articles = feed(renderer)
        return renderer.finish(head, articles)
    except BaseException:
        renderer.abort()
        raise


def replay(data: ReportData) -> Feed:
    """A feed that reads a saved audit.json back, row by row."""

    def feed(renderer: Renderer) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        for name, row in rows_of(data.results()):
            renderer.row(name, row)
        return data.head, list(data.articles())

    return feed


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
        where = f"file={github_property(str(corpus / result['file']))}," if result["file"] else ""
        yield f"::{level} {where}title={github_property(str(result['check']))}::{github_data(str(result['message']))}"


def append_step_summary(markdown: str, *, target: Path) -> None:
    """Append the Markdown summary to a GitHub Actions job summary file ($GITHUB_STEP_SUMMARY)."""
    with target.open("a", encoding="utf-8") as handle:
        handle.write(markdown + "\n")

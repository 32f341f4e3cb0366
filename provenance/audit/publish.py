"""Write a validation run's report folder: audit.json and, in the same pass, every rendering of it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from provenance import gcpause
from provenance.atomic import make_folder
from provenance.audit.audit_json import Written, write_report
from provenance.audit.validate import Audit
from provenance.render.markdown import render_markdown
from provenance.render.outputs import Renderer, append_step_summary, default_targets, write_reports
from provenance.render.view import ReportView


@dataclass(frozen=True, slots=True)
class Published:
    """The report folder as written: audit.json, the renderings, the summary counts and the view."""

    report: Path
    renderings: dict[str, Path]
    summary: dict[str, int]
    view: ReportView


def publish_reports(
    audit: Audit, *, directory: Path, started: float | None = None, step_summary: Path | None = None
) -> Published:
    """Write DIRECTORY/audit.json and audit.md, junit.xml and audit.html rendered from it.

    `started` (a perf_counter reading) gives the run's duration in the run block; `step_summary`
    is a GitHub Actions job summary file that audit.md's text is appended to.
    """
    make_folder(directory)
    targets = default_targets(directory)
    written: list[Written] = []

    def feed(renderer: Renderer) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        written.append(write_report(audit, directory=directory, started=started, observer=renderer))
        return written[0].head, written[0].articles

    with gcpause.frozen():  # millions of short-lived dicts: leave the audit's heap unscanned
        view = write_reports(feed, targets=targets)
    if step_summary is not None:
        append_step_summary(render_markdown(view), target=step_summary)
    return Published(written[0].path, targets, written[0].summary, view)

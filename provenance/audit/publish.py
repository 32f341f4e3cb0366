"""Write a validation run's report folder: audit.json and, in the same pass, every rendering of it.

Everything is written into a staging folder inside the report folder and moved into place as one
set at the end, so an interrupted or failed run leaves the previous complete set.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from provenance import gcpause
from provenance.atomic import Staging
from provenance.audit.audit_json import REPORT_NAME, Written, write_report
from provenance.audit.validate import Audit, ResultsListed
from provenance.render.markdown import render_markdown
from provenance.render.outputs import FORMATS, Renderer, append_step_summary, default_targets, write_reports
from provenance.render.view import ReportView

GX_DOCS = "gx"  # GX's Data Docs folder in the report folder
#: The report set, in the order it is moved into place: audit.json, the source of truth, last.
REPORT_SET = (GX_DOCS, FORMATS["junit"], FORMATS["md"], FORMATS["html"], REPORT_NAME)


@dataclass(frozen=True, slots=True)
class Published:
    """The report folder as written: audit.json, the renderings, the summary counts and the view."""

    report: Path
    renderings: dict[str, Path]
    summary: dict[str, int]
    view: ReportView


def publish_reports(
    audit: Audit,
    *,
    stage: Staging,
    started: float | None = None,
    step_summary: Path | None = None,
    results: ResultsListed = "failed",
) -> Published:
    """Write audit.json, and audit.md, junit.xml and audit.html rendered from it, into `stage`, then
    move them (and the GX Data Docs already in `stage`, if any) into the report folder as one set.

    `started` (a perf_counter reading) gives the run's duration in the run block; `step_summary`
    is a GitHub Actions job summary file that audit.md's text is appended to; `results` says which
    results audit.json lists one by one (the renderings are the same either way).
    """
    staged = stage.create()
    written: list[Written] = []

    def feed(renderer: Renderer) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        written.append(write_report(audit, directory=staged, started=started, observer=renderer, results=results))
        return written[0].head, written[0].articles

    with gcpause.frozen():  # millions of short-lived dicts: leave the audit's heap unscanned
        view = write_reports(feed, targets=default_targets(staged))
    stage.commit(REPORT_SET)
    if step_summary is not None:
        append_step_summary(render_markdown(view), target=step_summary)
    return Published(stage.folder / REPORT_NAME, default_targets(stage.folder), written[0].summary, view)

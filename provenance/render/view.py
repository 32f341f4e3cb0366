"""One pass over a report's results, keeping only what the renderings show (memory stays flat)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from provenance.render.data import ReportData

MATRIX_LIMIT = 2000  # files shown in the checks matrix
_RANK = {"passed": 0, "waived": 1, "warning": 2, "failed": 3}


def status_of(result: dict[str, Any]) -> str:
    """passed, failed, waived, or warning (a failed warning-severity result)."""
    if result["status"] == "failed" and result["severity"] == "warning":
        return "warning"
    return str(result["status"])


@dataclass(slots=True)
class ReportView:
    """What the Markdown and HTML reports need: findings, the matrix of flagged files, fixity."""

    head: dict[str, Any]
    articles: list[dict[str, Any]]
    notable: list[dict[str, Any]] = field(default_factory=list)
    matrix: dict[str, dict[str, str]] = field(default_factory=dict)
    checks: set[str] = field(default_factory=set)
    fixity: dict[str, str] = field(default_factory=dict)  # files whose fixity is not all passed
    files: int = 0
    flagged: int = 0

    @property
    def ok(self) -> bool:
        return bool(self.head["ok"])


def collect(data: ReportData, *, sink: Callable[[dict[str, Any]], None] | None = None) -> ReportView:
    """Read every result once (also handing each to `sink`, e.g. the JUnit writer)."""
    view = ReportView(data.head, list(data.articles()))
    current: str | None = None
    row: dict[str, str] = {}

    def close_file() -> None:
        if current is None:
            return
        view.files += 1
        if any(s != "passed" for s in row.values()):
            view.flagged += 1
            if len(view.matrix) < MATRIX_LIMIT:
                view.matrix[current] = dict(row)

    for result in data.results():
        if sink is not None:
            sink(result)
        status, file, check = status_of(result), result["file"], str(result["check"])
        if status != "passed":
            view.notable.append(result)
        if file != current:
            close_file()
            current, row = file, {}
        if file is None or check.startswith("waiver."):
            continue
        if check.startswith(("fixity.", "manifest.")):
            if status != "passed":
                view.fixity[file] = max(status, view.fixity.get(file, "passed"), key=_RANK.__getitem__)
            continue
        row[check] = status
        view.checks.add(check)
    close_file()
    return view

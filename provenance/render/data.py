"""The data every report is rendered from: audit.json, whether loaded from disk or still streaming."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from provenance.errors import UsageError

if TYPE_CHECKING:
    from provenance.validate import Audit


@dataclass(frozen=True, slots=True)
class ReportData:
    """audit.json's content: `head` holds every key but results and articles."""

    head: dict[str, Any]
    articles: list[dict[str, Any]]
    _results: Callable[[], Iterator[dict[str, Any]]]

    def results(self) -> Iterator[dict[str, Any]]:
        """Every result dict, in report order (may be called more than once)."""
        return self._results()

    @property
    def ok(self) -> bool:
        return bool(self.head["ok"])

    @classmethod
    def from_file(cls, path: Path) -> ReportData:
        """Load a saved audit.json; a file that is not one is a usage error naming it."""
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UsageError(f"{path}: no such report") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise UsageError(f"{path}: not a corpus-audit JSON report ({exc})") from None
        if not isinstance(document, dict) or document.get("schema_version") != 1 or "results" not in document:
            raise UsageError(f"{path}: not a corpus-audit audit.json (schema_version 1)")
        results = document.pop("results")
        articles = document.pop("articles", [])
        return cls(document, articles, lambda: iter(results))

    @classmethod
    def from_audit(cls, audit: Audit, *, summary: dict[str, int], run: dict[str, Any]) -> ReportData:
        """The same data straight from a run, results streamed rather than held."""
        head = {**audit.head, "summary": summary, "checks": audit.checks, "run": run}
        return cls(head, audit.articles, lambda: (r.as_dict() for r in audit.results))

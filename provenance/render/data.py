"""The data every report is rendered from: a saved audit.json, read as a stream."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from provenance.errors import UsageError

# audit.json as corpus-audit writes it: these arrays hold one compact JSON object per line.
_SECTIONS = {b'  "results": [': "results", b'  "articles": [': "articles"}
_SECTION_END = (b"  ],", b"  ]")


@dataclass(frozen=True, slots=True)
class ReportData:
    """audit.json's content: `head` holds every key but results and articles, which stream."""

    head: dict[str, Any]
    _results: Callable[[], Iterator[dict[str, Any]]]
    _articles: Callable[[], Iterator[dict[str, Any]]]

    def results(self) -> Iterator[dict[str, Any]]:
        """Every result dict, in report order (may be called again)."""
        return self._results()

    def articles(self) -> Iterator[dict[str, Any]]:
        """Every article's facts, by file (may be called again)."""
        return self._articles()

    @property
    def ok(self) -> bool:
        return bool(self.head["ok"])

    @classmethod
    def from_file(cls, path: Path) -> ReportData:
        """Read a saved audit.json without holding its results in memory; usage error if it is not one."""
        try:
            head, offsets = _skeleton(path)
        except FileNotFoundError:
            raise UsageError(f"{path}: no such report") from None
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise UsageError(f"{path}: not a corpus-audit JSON report ({exc})") from None
        if head.get("schema_version") != 1 or "results" not in head:
            raise UsageError(f"{path}: not a corpus-audit audit.json (schema_version 1)")
        if offsets is None:  # laid out by another tool: read it whole
            results, articles = head.pop("results"), head.pop("articles", [])
            return cls(head, lambda: iter(results), lambda: iter(articles))
        head.pop("results")
        head.pop("articles", None)
        return cls(head, lambda: _stream(path, offsets["results"]), lambda: _stream(path, offsets.get("articles")))


def _skeleton(path: Path) -> tuple[dict[str, Any], dict[str, int] | None]:
    """The report without its array contents, and where each array's lines start."""
    kept: list[bytes] = []
    offsets: dict[str, int] = {}
    inside: str | None = None
    position = 0
    with path.open("rb") as handle:
        for line in handle:
            position += len(line)
            stripped = line.rstrip(b"\r\n")
            if inside is None:
                kept.append(line)
                if stripped in _SECTIONS:
                    inside = _SECTIONS[stripped]
                    offsets[inside] = position
            elif stripped in _SECTION_END:
                kept.append(line)
                inside = None
    if "results" not in offsets:
        return json.loads(path.read_bytes()), None
    return json.loads(b"".join(kept)), offsets


def _stream(path: Path, offset: int | None) -> Iterator[dict[str, Any]]:
    if offset is None:
        return
    with path.open("rb") as handle:
        handle.seek(offset)
        for line in handle:
            stripped = line.strip()
            if stripped in (b"],", b"]"):
                return
            yield json.loads(stripped.rstrip(b","))

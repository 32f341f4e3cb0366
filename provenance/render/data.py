"""The data every report is rendered from: a saved audit.json (schema_version 1 or 2), read as a stream."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from provenance.errors import UsageError
from provenance.safeopen import NotRegularFileError, open_regular

# audit.json as corpus-audit writes it: these arrays hold one compact JSON object per line.
_SECTIONS = {b'  "results": [': "results", b'  "articles": [': "articles"}
_SECTION_END = (b"  ],", b"  ]")


#: The audit.json versions read: 1 listed every result; 2 lists failed, waived and failed-warning
#: ones (every one with "results_listed": "all") and counts each check's results in its entry.
VERSIONS = (1, 2)
COUNTS = ("passed", "failed", "waived", "warnings")


@dataclass(frozen=True, slots=True)
class ReportData:
    """audit.json's content: `head` holds every key but results and articles, which stream."""

    head: dict[str, Any]
    _results: Callable[[], Iterator[dict[str, Any]]]
    _articles: Callable[[], Iterator[dict[str, Any]]]

    def results(self) -> Iterator[dict[str, Any]]:
        """Every result dict listed, in report order (may be called again); a version 2 report lists
        the passed ones only with `results_listed` "all", and counts them in `head["checks"]`."""
        return self._results()

    def articles(self) -> Iterator[dict[str, Any]]:
        """Every article's facts, by file (may be called again)."""
        return self._articles()

    @property
    def ok(self) -> bool:
        return bool(self.head["ok"])

    @classmethod
    def from_file(cls, path: Path) -> ReportData:
        """Read a saved audit.json without holding its results in memory; usage error if it is not one.

        Everything the renderers read is checked for shape and type: the head here, each result
        and article as it streams past (a bad one is a usage error naming the file and its index).
        """
        try:
            head, offsets = _skeleton(path)
        except FileNotFoundError:
            raise UsageError(f"{path}: no such report") from None
        except NotRegularFileError as exc:
            raise UsageError(f"{path}: is {exc.strerror}: expected a saved audit.json") from None
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise UsageError(f"{path}: not a corpus-audit JSON report ({exc})") from None
        version = head.get("schema_version") if isinstance(head, dict) else None
        if not _is_int(version) or version not in VERSIONS or "results" not in head:
            raise UsageError(f"{path}: not a corpus-audit audit.json (schema_version 1 or 2)")
        _check_head(path, head)
        if offsets is None:  # laid out by another tool: read it whole
            results, articles = head.pop("results"), head.pop("articles", [])
            return cls(
                head,
                lambda: _checked(path, "results", iter(results), _result_problem),
                lambda: _checked(path, "articles", iter(articles), _article_problem),
            )
        head.pop("results")
        head.pop("articles", None)
        return cls(
            head,
            lambda: _checked(path, "results", _stream(path, offsets["results"]), _result_problem),
            lambda: _checked(path, "articles", _stream(path, offsets.get("articles")), _article_problem),
        )


def _skeleton(path: Path) -> tuple[Any, dict[str, int] | None]:
    """The report without its array contents, and where each array's lines start.

    The report is whatever JSON the file holds (perhaps not an object): the caller checks it.
    """
    kept: list[bytes] = []
    offsets: dict[str, int] = {}
    inside: str | None = None
    position = 0
    with open_regular(path) as handle:  # a FIFO given as the report is refused, never waited on
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
        with open_regular(path) as handle:
            return json.loads(handle.read()), None
    return json.loads(b"".join(kept)), offsets


def _stream(path: Path, offset: int | None) -> Iterator[Any]:
    if offset is None:
        return
    with open_regular(path) as handle:
        handle.seek(offset)
        for line in handle:
            stripped = line.strip()
            if stripped in (b"],", b"]"):
                return
            try:
                item = json.loads(stripped.rstrip(b","))
            except ValueError as exc:  # edited by hand: not one JSON value per line any more
                raise UsageError(f"{path}: not a corpus-audit JSON report ({exc})") from None
            yield item


# What the renderers read, and the JSON types it must have (a bool is not a count).
_SCALAR = (str, int, float, bool, type(None))
_STATUSES = ("failed", "passed", "waived")
_SEVERITIES = ("error", "warning")
_POLICY_SEVERITIES = (*_SEVERITIES, "off")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _missing_or_wrong(item: dict[str, Any], fields: dict[str, Any], where: str) -> str | None:
    """The first field of `fields` ({key: type or tuple of types, or "int"}) that is absent or mistyped."""
    for key, kind in fields.items():
        if key not in item:
            return f"{where}lacks {key!r}"
        value = item[key]
        if not (_is_int(value) if kind == "int" else isinstance(value, kind)):
            return f"{where}{_wrong(key, value)}"
    return None


def _wrong(key: str, value: object) -> str:
    return f"{key!r} has the wrong type ({type(value).__name__})"


def _check_head(path: Path, head: dict[str, Any]) -> None:
    """Raise a usage error naming the file when a head field the renderers read is absent or mistyped."""
    problem = _missing_or_wrong(
        head, {"ok": bool, "corpus": dict, "summary": dict, "run": dict, "results": list}, ""
    ) or (None if isinstance(head.get("articles", []), list) else _wrong("articles", head["articles"]))
    if problem is None:
        corpus = {"path": str, "files": "int", "bytes": "int", "digest": str}
        problem = _missing_or_wrong(head["corpus"], corpus, "corpus ") or _missing_or_wrong(
            head["summary"], dict.fromkeys(COUNTS, "int"), "summary "
        )
    if problem is None and head["schema_version"] == 2:
        problem = _listing_problem(head)
    if problem is None:
        problem = _policy_problem(head.get("policy"))  # a report from before policies has none
    if problem is not None:
        raise UsageError(f"{path}: not a corpus-audit audit.json: {problem}")


def _listing_problem(head: dict[str, Any]) -> str | None:
    """What is wrong with what version 2 adds: which results are listed, the files, each check's counts."""
    if problem := _missing_or_wrong(head, {"results_listed": str, "files_checked": "int", "checks": list}, ""):
        return problem
    if head["results_listed"] not in ("failed", "all"):
        return f"'results_listed' is {head['results_listed']!r}, not one of failed, all"
    for number, entry in enumerate(head["checks"]):
        where = f"checks[{number}] "
        if not isinstance(entry, dict):
            return f"{where}is not an object ({type(entry).__name__})"
        if problem := _missing_or_wrong(entry, {"id": str, "scope": str, **dict.fromkeys(COUNTS, "int")}, where):
            return problem
    return None


def _policy_problem(policy: Any) -> str | None:
    """What is wrong with the `policy` block the renderers read (None: fine, or no policy)."""
    if policy is None:
        return None
    if not isinstance(policy, dict):
        return _wrong("policy", policy)
    fields = {"file": str, "sha256": (str, type(None)), "corpus": dict, "metadata": dict, "duplicates": dict}
    if problem := _missing_or_wrong(policy, {**fields, "checks": list}, "policy "):
        return problem
    for key in ("corpus", "metadata", "duplicates"):
        if any(not isinstance(v, _SCALAR) for v in policy[key].values()):
            return f"policy {key} holds a value that is not a string, number or null"
    for number, entry in enumerate(policy["checks"]):
        where = f"policy checks[{number}] "
        if not isinstance(entry, dict):
            return f"{where}is not an object ({type(entry).__name__})"
        fields = {"id": str, "severity": str, "catalogue_severity": str, "reason": str}
        fields |= {"expires": (str, type(None)), "expired": bool}
        if problem := _missing_or_wrong(entry, fields, where):
            return problem
        if entry["severity"] not in _POLICY_SEVERITIES or entry["catalogue_severity"] not in _SEVERITIES:
            return f"{where}has a severity that is not one of {', '.join(_POLICY_SEVERITIES)}"
    return None


def _result_problem(result: Any) -> str | None:
    if not isinstance(result, dict):
        return f"not an object ({type(result).__name__})"
    fields = {"check": str, "file": (str, type(None)), "status": str, "severity": str, "message": str}
    if problem := _missing_or_wrong(result, fields, ""):
        return problem
    if result["status"] not in _STATUSES:
        return f"'status' is {result['status']!r}, not one of {', '.join(_STATUSES)}"
    if result["severity"] not in _SEVERITIES:
        return f"'severity' is {result['severity']!r}, not one of {', '.join(_SEVERITIES)}"
    details = result.get("details", {})
    if not isinstance(details, dict):
        return _wrong("details", details)
    waiver = details.get("waiver")
    if waiver is not None:
        if not isinstance(waiver, dict):
            return _wrong("details.waiver", waiver)
        return _missing_or_wrong(waiver, {"reason": str, "expires": str}, "details.waiver ")
    return None


def _article_problem(article: Any) -> str | None:
    if not isinstance(article, dict):
        return f"not an object ({type(article).__name__})"
    if problem := _missing_or_wrong(article, {"file": str}, ""):
        return problem
    for key, value in article.items():
        if key != "lines" and not isinstance(value, _SCALAR):
            return _wrong(key, value)
    for key in ("outlet", "title"):
        if not isinstance(article.get(key), str | None):
            return _wrong(key, article[key])
    lines = article.get("lines", [])
    if not isinstance(lines, list):
        return _wrong("lines", lines)
    for number, line in enumerate(lines):
        where = f"lines[{number}] "
        if not isinstance(line, dict):
            return f"{where}is not an object ({type(line).__name__})"
        fields = {"line": "int", "role": str, "text": str, "duplicate_of": (int, type(None))}
        if problem := _missing_or_wrong(line, fields, where):
            return problem
    return None


def _checked(
    path: Path, section: str, items: Iterator[Any], problem_of: Callable[[Any], str | None]
) -> Iterator[dict[str, Any]]:
    """`items` as they come, each checked: a usage error names the file and the item's index."""
    for number, item in enumerate(items):
        if problem := problem_of(item):
            raise UsageError(f"{path}: {section}[{number}]: {problem}")
        yield item

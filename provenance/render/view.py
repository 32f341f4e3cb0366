"""One pass over a report's results, keeping only what the renderings show (memory stays flat)."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

MATRIX_LIMIT = 2000  # files shown in the checks matrix
_NOTABLE_KEYS = ("check", "file", "status", "severity", "message")
_RANK = {"passed": 0, "waived": 1, "warning": 2, "failed": 3}
_COUNTED = {"passed": "passed", "failed": "failed", "waived": "waived", "warning": "warnings"}  # status_of -> count


def status_of(result: Mapping[str, Any]) -> str:
    """passed, failed, waived, or warning (a failed warning-severity result)."""
    if result["status"] == "failed" and result["severity"] == "warning":
        return "warning"
    return str(result["status"])


_WORST = {"failed": 0, "warning": 1, "waived": 2}


def worst_first(findings: Iterable[Mapping[str, Any]]) -> list[str]:
    """The files of `findings` (results with status and severity), the most serious first.

    A file with a failed error comes first, then one with a failed warning, then one only waived;
    within each, the file with more findings first, then by name. audit.html lists the articles
    with findings in this order, and `validate` keeps the lines of the first ones in it.
    """
    worst: dict[str, int] = {}
    count: Counter[str] = Counter()
    for result in findings:
        file = result["file"]
        if file is None:
            continue
        worst[file] = min(worst.get(file, len(_WORST)), _WORST.get(status_of(result), len(_WORST)))
        count[file] += 1
    return sorted(worst, key=lambda file: (worst[file], -count[file], file))


@dataclass(slots=True)
class ReportView:
    """What the Markdown and HTML reports need: findings, the matrix of flagged files, fixity."""

    head: dict[str, Any]
    articles: list[dict[str, Any]]
    notable: list[dict[str, Any]] = field(default_factory=list)  # check, file, status, severity, message,
    # and details.waiver for a waived result
    matrix: dict[str, dict[str, str]] = field(default_factory=dict)
    checks: set[str] = field(default_factory=set)
    fixity: dict[str, str] = field(default_factory=dict)  # files whose fixity is not all passed
    files: int = 0
    flagged: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # per check id: passed, failed, waived, warnings

    @property
    def ok(self) -> bool:
        return bool(self.head["ok"])


class Collector:
    """Builds a ReportView from a report's results, handed over one file's row at a time."""

    def __init__(self) -> None:
        self.view = ReportView({}, [])
        self._messages: dict[str, str] = {}
        self._counts: dict[str, dict[str, int]] = {}  # per check, of the results streamed past

    def _count(self, check: str, status: str) -> None:
        counts = self._counts.get(check) or self._counts.setdefault(check, dict.fromkeys(_COUNTED.values(), 0))
        counts[_COUNTED[status]] += 1

    def row(self, file: str | None, results: Sequence[dict[str, Any]]) -> None:
        """One name's results (None: the corpus as a whole); passed ones are read for check only."""
        view, row = self.view, {}
        for result in results:
            status, check = status_of(result), str(result["check"])
            self._count(check, status)
            if status != "passed":
                view.notable.append(self._slim(result))
            if file is None or check.startswith("waiver."):
                continue
            if check.startswith(("fixity.", "manifest.")):
                if status != "passed":
                    view.fixity[file] = max(status, view.fixity.get(file, "passed"), key=_RANK.__getitem__)
                continue
            row[check] = status
            view.checks.add(check)
        if file is None:
            return
        view.files += 1
        if any(s != "passed" for s in row.values()):
            view.flagged += 1
            if len(view.matrix) < MATRIX_LIMIT:
                view.matrix[file] = row

    def _slim(self, result: dict[str, Any]) -> dict[str, Any]:
        """What the renderings read of a notable result; a large corpus has a hundred thousand."""
        slim = {key: result[key] for key in _NOTABLE_KEYS}
        message = slim["message"]
        slim["message"] = self._messages.setdefault(message, message)  # one copy of each message text
        waiver = result.get("details", {}).get("waiver")
        if waiver is not None:
            slim["details"] = {"waiver": waiver}
        return slim

    def clean(self, name: str, row: Sequence[dict[str, Any]]) -> None:
        """A file whose results are `row` (file None there), all passed: the same as row() on them."""
        del name  # a clean file shows only in the counts
        self.view.files += 1
        for result in row:
            self._count(str(result["check"]), "passed")
        self.view.checks.update(
            str(r["check"]) for r in row if not str(r["check"]).startswith(("fixity.", "manifest.", "waiver."))
        )

    def finish(self, head: dict[str, Any], articles: list[dict[str, Any]]) -> ReportView:
        """The view, completed from the head of a version 2 report, whose passed results may be only counted.

        Such a report counts each check's results and the files with results in its head. Every
        check of scope "article" with results ran on every parsed article (those in `articles`),
        so a flagged article's row in the matrix shows it passed where nothing else is listed.
        """
        view = self.view
        view.head, view.articles = head, articles
        if "files_checked" not in head:  # version 1 listed every result: what streamed past is all
            view.counts = dict(sorted(self._counts.items()))
            return view
        view.files = head["files_checked"]
        view.counts = {
            entry["id"]: {key: entry[key] for key in _COUNTED.values()}
            for entry in sorted(head["checks"], key=lambda entry: str(entry["id"]))
            if any(entry[key] for key in _COUNTED.values())
        }
        per_article = sorted(c["id"] for c in head["checks"] if c["scope"] == "article" and c["id"] in view.counts)
        view.checks.update(per_article)
        parsed = {article["file"] for article in articles}
        for file, row in view.matrix.items():
            if file in parsed:
                for check in per_article:
                    row.setdefault(check, "passed")
        return view


_PHRASES = {"error": "an error", "warning": "a warning", "off": "off"}


@dataclass(frozen=True, slots=True)
class PolicyNote:
    """One override of the corpus policy, said in words: `check` `verdict`: `reason`."""

    check: str
    severity: str  # in force: the policy's, or the catalogue's again once the override expired
    verdict: str  # "is off", "is a warning, not an error, until 2027-06-30", ...
    reason: str

    @property
    def text(self) -> str:
        return f"{self.check} {self.verdict}: {self.reason}"


def policy_notes(policy: Mapping[str, Any] | None) -> list[PolicyNote]:
    """What the policy block of a report does to each check it overrides (none without a policy)."""
    if not policy:
        return []
    notes = []
    for entry in policy["checks"]:
        severity, catalogue, expires = entry["severity"], entry["catalogue_severity"], entry["expires"]
        if entry["expired"]:
            verdict = f"is {_PHRASES[catalogue]} again (its override to {severity} expired on {expires})"
        else:
            verdict = f"is {_PHRASES[severity]}"
            if severity not in ("off", catalogue):
                verdict += f", not {_PHRASES[catalogue]}"
            if expires:
                verdict += f", until {expires}"
        in_force = catalogue if entry["expired"] else severity
        notes.append(PolicyNote(str(entry["id"]), str(in_force), verdict, str(entry["reason"])))
    return notes


def rows_of(results: Iterable[dict[str, Any]]) -> Iterator[tuple[str | None, list[dict[str, Any]]]]:
    """Results in report order grouped by file: (name, its results) per name."""
    for name, group in itertools.groupby(results, key=lambda r: r["file"]):
        yield name, list(group)

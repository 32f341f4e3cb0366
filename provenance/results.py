"""Audit results: one per (check, file), with severity, engine verdicts and waivers applied."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from expectations.catalogue import CATALOGUE, CheckSpec
from expectations.rules import rule_columns
from provenance.findings import Finding, Status
from provenance.waivers import Waiver


@dataclass(frozen=True, slots=True)
class Result:
    """The verdict of one check on one file (None: the corpus as a whole)."""

    check: str
    file: str | None
    status: Status
    message: str
    engines: Mapping[str, str] = field(default_factory=dict)
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def severity(self) -> str:
        return CATALOGUE[self.check].severity

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "file": self.file,
            "status": self.status,
            "severity": self.severity,
            "message": self.message,
            "engines": dict(self.engines),
            "details": dict(self.details),
        }


def from_finding(finding: Finding) -> Result:
    """A fixity finding as a result: computed by corpus-audit itself, not by either engine."""
    return Result(finding.check, finding.file, finding.status, finding.message, {}, finding.details)


def engine_results(
    check: CheckSpec,
    files: Iterable[str],
    verdicts: Mapping[str, Mapping[str | None, int]],
    *,
    details: Mapping[str | None, Mapping[str, Any]] | None = None,
    notes: Iterable[str] = (),
) -> list[Result]:
    """Results of one engine-enforced check from each engine's failures ({file: failing rule}).

    A result fails when any engine that ran failed it; `engines` shows each engine's verdict and
    the message names the rule that failed and the values it read.
    """
    failing = sorted({f for failures in verdicts.values() for f in failures}, key=lambda f: f or "")
    targets: list[str | None] = list(files) if check.scope == "article" else (failing or [None])
    unsupported = dict(check.unsupported)
    results = []
    for file in targets:
        engines = {e: ("failed" if file in verdicts[e] else "passed") for e in verdicts}
        engines.update({e: f"unsupported: {why}" for e, why in unsupported.items()})
        numbers = [verdicts[e][file] for e in sorted(verdicts) if file in verdicts[e]]
        extra = dict((details or {}).get(file, {}))
        if numbers:
            results.append(Result(check.id, file, "failed", _message(check, numbers[0], extra, notes), engines, extra))
        else:
            results.append(Result(check.id, file, "passed", check.title, engines))
    return results


def _message(check: CheckSpec, number: int, details: Mapping[str, Any], notes: Iterable[str]) -> str:
    if number < 0 or number >= len(check.rules):
        return f"{check.title}: failed: {'; '.join(notes) or check.description}"
    rule = check.rules[number]
    if "repeated_lines" in details:
        lines = ", ".join(str(n) for n in details["repeated_lines"])
        return f"{check.title}: failed: lines {lines} repeat earlier body paragraphs"
    values = ", ".join(f"{c}={details[c]!r}" for c in rule_columns(rule) if c in details)
    return f"{check.title}: failed: expected {rule.describe()}" + (f" ({values})" if values else "")


def apply_waivers(
    results: list[Result], waivers: Iterable[Waiver], *, digests: Mapping[str, str], today: date
) -> list[Result]:
    """Waived failures become `waived`; a stale, expired or unused waiver is a result of its own."""
    index = {(r.check, r.file): i for i, r in enumerate(results)}
    out = list(results)
    for waiver in waivers:
        where = {"waived_check": waiver.check, "waiver_line": waiver.line}
        current = digests.get(waiver.file)
        if current != waiver.sha256:
            found = current or "no such file"
            out.append(
                Result(
                    "waiver.stale",
                    waiver.file,
                    "failed",
                    f"waiver for {waiver.check} was granted for sha256 {waiver.sha256[:12]}…, "
                    f"the file is now {found[:12]}…",
                    {},
                    where,
                )
            )
            continue
        if waiver.expires < today:
            out.append(
                Result(
                    "waiver.expired",
                    waiver.file,
                    "failed",
                    f"waiver for {waiver.check} expired on {waiver.expires.isoformat()}",
                    {},
                    where,
                )
            )
            continue
        position = index.get((waiver.check, waiver.file))
        if position is None or out[position].status != "failed":
            out.append(
                Result(
                    "waiver.unused",
                    waiver.file,
                    "failed",
                    f"waiver for {waiver.check} matches no failure: remove it",
                    {},
                    where,
                )
            )
            continue
        waived = out[position]
        details = {
            **waived.details,
            "waiver": {"reason": waiver.reason, "expires": waiver.expires.isoformat(), "line": waiver.line},
        }
        out[position] = replace(
            waived, status="waived", message=f"{waived.message} (waived: {waiver.reason})", details=details
        )
    return sorted(out, key=lambda r: (r.file or "", r.check))

"""Results: what one check concluded about one file (or the whole corpus), as plain data."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from expectations.catalogue import CATALOGUE

Status = Literal["passed", "failed", "waived"]


@dataclass(frozen=True, slots=True)
class Result:
    """The verdict of check `check` on `file` (None: the corpus as a whole).

    `engines` holds each engine's verdict for the catalogue's invariants; it is empty for checks
    corpus-audit computes itself (fixity, waivers). `policy_severity` is the severity the corpus
    policy (corpus-audit.toml) gives the check, when it overrides the catalogue's.
    """

    check: str
    file: str | None
    status: Status
    message: str
    engines: Mapping[str, str] = field(default_factory=dict)
    details: Mapping[str, Any] = field(default_factory=dict)
    policy_severity: str | None = None

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    @property
    def severity(self) -> str:
        """The severity that decides the gate: the policy's, else the catalogue's."""
        return self.policy_severity or CATALOGUE[self.check].severity

    def sort_key(self) -> tuple[str, str]:
        """Report order: by file (the corpus first), then check id."""
        return (self.file or "", self.check)

    def as_dict(self) -> dict[str, Any]:
        """The result as audit.json holds it."""
        return {
            "check": self.check,
            "file": self.file,
            "status": self.status,
            "severity": self.severity,
            "message": self.message,
            "engines": dict(self.engines),
            "details": dict(self.details),
        }

    def to_json(self) -> str:
        """One compact JSON object, as audit.json holds it."""
        return json.dumps(self.as_dict(), ensure_ascii=False)


def passed(check: str, file: str | None, message: str, **details: Any) -> Result:
    return Result(check, file, "passed", message, details=details)


def failed(check: str, file: str | None, message: str, **details: Any) -> Result:
    return Result(check, file, "failed", message, details=details)

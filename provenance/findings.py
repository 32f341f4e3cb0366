"""Findings: what a check concluded about one file (or the whole corpus), as plain data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["passed", "failed", "waived"]


@dataclass(frozen=True, slots=True)
class Finding:
    """The verdict of check `check` on `file` (None for corpus-wide checks)."""

    check: str
    file: str | None
    status: Status
    message: str
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    def sort_key(self) -> tuple[str, str]:
        return (self.file or "", self.check)

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of a result: check, file, status, message, then details."""
        return {
            "check": self.check,
            "file": self.file,
            "status": self.status,
            "message": self.message,
            **({"details": dict(self.details)} if self.details else {}),
        }


def passed(check: str, file: str | None, message: str, **details: Any) -> Finding:
    return Finding(check, file, "passed", message, details)


def failed(check: str, file: str | None, message: str, **details: Any) -> Finding:
    return Finding(check, file, "failed", message, details)

"""The one small exception tree for runs that cannot go on (data problems are findings instead)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


class ProvenanceError(Exception):
    """Base of every error corpus-audit raises on purpose; the CLI maps it to an exit code."""

    exit_code = 3


class UsageError(ProvenanceError):
    """The command was asked for something that cannot be done (bad directory, bad option)."""

    exit_code = 2


class ExportRefusedError(ProvenanceError):
    """An export was refused because the corpus is not what INDEX.md records (a finding: exit 1)."""

    exit_code = 1


class AttestationError(ProvenanceError):
    """An attestation does not hold for the corpus, is not one, or its audit is of other bytes (exit 1)."""

    exit_code = 1


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in a metadata file, with the 1-based line it is on (None: the whole file)."""

    line: int | None
    message: str


class ManifestError(ProvenanceError):
    """A metadata file (INDEX.md, WAIVERS.md, outlets.toml) is missing or malformed.

    Carries every problem found, so a steward fixes them all in one pass.
    """

    exit_code = 2

    def __init__(self, path: Path | str, problems: Sequence[Problem] | str) -> None:
        self.path = str(path)
        if isinstance(problems, str):
            problems = [Problem(None, problems)]
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self.lines()[0])

    @property
    def line(self) -> int | None:
        """The line of the first problem (None when it concerns the whole file)."""
        return self.problems[0].line

    def lines(self) -> list[str]:
        """One `path:line: message` line per problem."""
        return [f"{self.path}:{p.line}: {p.message}" if p.line else f"{self.path}: {p.message}" for p in self.problems]

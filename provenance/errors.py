"""The one small exception tree for runs that cannot go on (data problems are findings instead)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

#: Characters of an exception's message shown on one line.
LINE_LIMIT = 300


def first_line(exc: BaseException, *, limit: int = LINE_LIMIT) -> str:
    """An exception's message as one line: its first non-blank line (a Spark or Java error carries a
    stack trace after it), at most `limit` characters and " ..." where more was cut; its type's
    name when it has no message."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    if not lines:
        return type(exc).__name__
    return lines[0][:limit] + (" ..." if len(lines) > 1 or len(lines[0]) > limit else "")


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

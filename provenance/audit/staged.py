"""What a commit changes in a corpus: the paths git has staged, and the INDEX.md rows they touch.

`validate --staged` (the pre-commit hook) audits the staged change and what it can affect instead
of the whole corpus: the staged article files, the files whose INDEX.md row the staged INDEX.md
adds, changes or removes, INDEX.md itself (its pin, and with --strict its layout), and duplicates
of a staged article anywhere in the corpus. Files the commit does not touch are git's committed
bytes: pre-commit stashes unstaged changes before hooks run, and every file already committed was
audited when it was. A staged WAIVERS.md, outlets.toml or corpus-audit.toml can change any
verdict, so it makes the hook audit the whole corpus, as does a change too large to be worth
scoping.

git is asked, never parsed from .git: `git diff --cached --name-status -z --no-renames` for the
paths (a rename is a deletion and an addition; deletions are listed, so a commit that only
removes a file is still checked), `git diff --cached -U0` for INDEX.md's changed lines.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from provenance.errors import UsageError
from provenance.fixity.walk import METADATA_FILES
from provenance.manifest.model import INDEX_NAME

#: A staged change touching more files than this (or than a tenth of the corpus, whichever is
#: larger) is audited whole: scoping it would save little.
SCOPE_LIMIT = 2000


@dataclass(frozen=True, slots=True)
class StagedChange:
    """The corpus paths a commit stages (relative to the corpus, POSIX), by kind."""

    payload: frozenset[str]  # article files (and anything else under the corpus that is not metadata)
    metadata: frozenset[str]  # INDEX.md, WAIVERS.md, outlets.toml, corpus-audit.toml, at the top
    index_lines: tuple[str, ...] = ()  # INDEX.md lines the commit adds or removes, without +/-

    @property
    def whole(self) -> bool:
        """A staged metadata file other than INDEX.md: every verdict may change."""
        return bool(self.metadata - {INDEX_NAME})


def staged_change(corpus: Path) -> StagedChange:
    """The change git has staged under `corpus`; UsageError when `corpus` is not in a git work tree."""
    listing = _git(corpus, "diff", "--cached", "--name-status", "-z", "--no-renames", "--relative", "--", ".")
    fields = listing.split("\0")
    payload: set[str] = set()
    metadata: set[str] = set()
    for status, path in zip(fields[0::2], fields[1::2], strict=False):
        if not status or not path:
            continue
        if path in METADATA_FILES:
            metadata.add(path)
        elif not any(part.startswith(".") for part in path.split("/")):  # hidden names are never payload
            payload.add(path)
    lines: tuple[str, ...] = ()
    if INDEX_NAME in metadata:
        diff = _git(corpus, "diff", "--cached", "-U0", "--no-color", "--no-ext-diff", "--relative", "--", INDEX_NAME)
        lines = tuple(
            line[1:].rstrip("\r")
            for line in diff.split("\n")
            if line[:1] in ("+", "-") and not line.startswith(("+++ ", "--- "))
        )
    return StagedChange(frozenset(payload), frozenset(metadata), lines)


def _git(corpus: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-c", "core.quotePath=false", *args],
            cwd=corpus,
            capture_output=True,
            check=False,
            timeout=120,
        )
    except FileNotFoundError:
        raise UsageError("--staged asks git what a commit changes, and git is not installed") from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"--staged: git did not answer within 120 s in {corpus}") from None
    if done.returncode != 0:
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(f"--staged needs {corpus} in a git work tree ({why[0] if why else 'git failed'})")
    return done.stdout.decode("utf-8", "surrogateescape")

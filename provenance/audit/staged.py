"""What a commit changes in a corpus: the paths git has staged, and the INDEX.md rows they touch.

`validate --staged` (the pre-commit hook) audits the staged change and what it can affect instead
of the whole corpus: the staged article files, the files whose INDEX.md row the staged INDEX.md
adds, changes or removes, INDEX.md itself (its pin, and with --strict its layout), and duplicates
of a staged article anywhere in the corpus. Files the commit does not touch are git's committed
bytes: pre-commit stashes unstaged changes before hooks run, and every file already committed was
audited when it was. A staged WAIVERS.md, outlets.toml or corpus-audit.toml can change any
verdict, so it makes the hook audit the whole corpus, as does a change too large to be worth
scoping, and a run with nothing staged (`pre-commit run --all-files`, or by hand).

git is asked, never parsed from .git: `git diff --cached --name-status -z --no-renames` for the
paths (a rename is a deletion and an addition; deletions are listed, so a commit that only
removes a file is still checked), `git diff --cached -U0` for INDEX.md's changed lines.
"""

from __future__ import annotations

import os
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

from provenance.errors import UsageError
from provenance.fixity.walk import METADATA_FILES, is_payload
from provenance.manifest.mdtable import cells, is_delimiter, is_fence, is_row, unquote
from provenance.manifest.model import INDEX_NAME
from provenance.manifest.reader import MAX_LINE
from provenance.safeopen import open_metadata

#: A staged change touching more files than this is audited whole: scoping it would save little.
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

    def decide(self, corpus: Path) -> tuple[frozenset[str] | None, str | None]:
        """The corpus paths to audit, and None; or None and why the whole corpus must be audited,
        in a steward's words. The paths are the staged payload and the files whose INDEX.md row
        the commit adds, changes or removes. The whole corpus is audited when a policy, waivers or
        outlets file is staged, INDEX.md's header or layout changed, too much changed, a staged
        path is a folder, or nothing under the corpus is staged: pre-commit runs the hook then
        only when asked to (`pre-commit run --all-files`), and a check of nothing would pass a
        corpus unseen."""
        if not (self.payload or self.metadata):
            return None, "nothing under it is staged (pre-commit run --all-files, or a run by hand)"
        if self.whole:
            return None, f"{' and '.join(sorted(self.metadata - {INDEX_NAME}))} staged: every verdict may change"
        rows = _row_files(corpus, self.index_lines) if self.index_lines else frozenset()
        if rows is None:
            return None, "INDEX.md's header or table layout changed"
        scope = self.payload | rows
        if len(scope) > SCOPE_LIMIT:
            return None, f"the commit changes {len(scope):,} files, more than {SCOPE_LIMIT:,}"
        if any(_is_folder(corpus / path) for path in self.payload):
            return None, "a staged path is a folder (a submodule): its files are judged with the rest"
        return scope, None


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
        elif is_payload(path):
            payload.add(path)
    lines: tuple[str, ...] = ()
    if INDEX_NAME in metadata:
        # As text whatever it holds (a NUL byte would make it "binary", its rows unseen), with no
        # diff driver, external tool or colour the user's git may be set to apply.
        diff = _git(
            corpus,
            *("diff", "--cached", "-U0", "--text", "--no-textconv", "--no-ext-diff", "--no-color", "--relative"),
            *("--", INDEX_NAME),
        )
        lines = tuple(
            line[1:].rstrip("\r")
            for line in diff.split("\n")
            if line[:1] in ("+", "-") and not line.startswith(("+++ ", "--- "))
        )
    return StagedChange(frozenset(payload), frozenset(metadata), lines)


def _is_folder(path: Path) -> bool:
    """A real folder (not a link to one) is at `path`."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _row_files(corpus: Path, lines: tuple[str, ...]) -> frozenset[str] | None:
    """The files named by INDEX.md lines a commit changed, read under the staged INDEX.md's header;
    None when a changed line is not a plain row (the header, the delimiter, a malformed row)."""
    header = _header(corpus)
    keys = [cell.lower() for cell in header]
    if "file" not in keys:
        return None
    files: set[str] = set()
    for line in lines:
        if not is_row(line):
            continue  # prose or the pin: INDEX.md's own checks judge them
        row = cells(line)
        if len(row) != len(keys) or is_delimiter(line, len(keys)) or [c.lower() for c in row] == keys:
            return None
        files.add(unquote(row[keys.index("file")]))
    return frozenset(files)


def _header(corpus: Path) -> list[str]:
    """The cells of INDEX.md's table header (the first table line outside a code fence), or []."""
    handle = open_metadata(corpus, INDEX_NAME)
    if handle is None:
        return []
    fenced = False
    with handle:
        for raw in iter(lambda: handle.readline(MAX_LINE + 1), b""):
            line = raw.decode("utf-8-sig", "replace").rstrip("\r\n")
            fenced ^= is_fence(line)
            if not fenced and is_row(line):
                return cells(line)
    return []


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

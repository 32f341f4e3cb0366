"""`corpus-audit index`: the INDEX.md that matches the disk, keeping steward columns and prose.

Only the pinned columns (file, sha256, bytes) are ever written; steward columns hold what a
steward declared, so nothing the parser guesses is put there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from provenance.atomic import write_atomic
from provenance.errors import ManifestError, Problem
from provenance.fixity.walk import Entry, walk_corpus
from provenance.manifest.model import INDEX_LIMIT, INDEX_NAME, Manifest, Pin, Row, render_manifest
from provenance.manifest.reader import parse_manifest
from provenance.safeopen import read_metadata
from provenance.words import counted, number


@dataclass(frozen=True, slots=True)
class IndexUpdate:
    """The manifest INDEX.md should hold, and how it differs from the one on disk."""

    path: Path
    text: str
    current: str | None
    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    skipped: tuple[Entry, ...]  # links, special and unreadable files: never indexed
    files: int = 0  # rows of the new INDEX.md

    @property
    def up_to_date(self) -> bool:
        return self.text == self.current

    def changes(self) -> list[str]:
        """What differs, one `added|changed|removed <file>` line per file, in that order."""
        return [
            *(f"added {n}" for n in self.added),
            *(f"changed {n}" for n in self.changed),
            *(f"removed {n}" for n in self.removed),
        ]

    def summary(self) -> str:
        """How the new INDEX.md differs: "3 added, 1 changed, 0 removed"."""
        return ", ".join(
            f"{number(len(files))} {word}"
            for word, files in (("added", self.added), ("changed", self.changed), ("removed", self.removed))
        )

    def check_lines(self, *, verbose: bool = False) -> list[str]:
        """What `index --check` prints: up to date, or what differs (each file with `verbose`) and what to run."""
        if self.up_to_date:
            return [f"{self.path}: up to date"]
        lines = [f"{self.path}: {line}" for line in self.changes()] if verbose else []
        differs = self.summary() if self.added or self.changed or self.removed else ""
        differs = differs or "table layout or corpus pin differs from what `corpus-audit index` writes"
        return [*lines, f"{self.path}: not up to date ({differs}): run `corpus-audit index {self.path.parent}`"]

    def write_lines(self, *, wrote: bool, verbose: bool = False) -> list[str]:
        """What `index` prints after writing: each change with `verbose`, then one summary line."""
        lines = [f"{self.path}: {line}" for line in self.changes()] if verbose else []
        if not wrote:
            return [*lines, f"{self.path}: up to date"]
        action = "created" if self.current is None else "updated"
        return [*lines, f"{self.path}: {action}, {counted(self.files, 'file')} listed ({self.summary()})"]

    def skipped_lines(self) -> list[str]:
        """One line per path never indexed (links, special and unreadable files), for stderr."""
        return [f"{entry.path}: skipped: {entry.error}" for entry in self.skipped]


def plan_index(
    corpus: Path,
    *,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    manifest: Manifest | None = None,
    entries: Iterable[Entry] | None = None,
    pin: Pin | None = None,
) -> IndexUpdate:
    """Work out the up-to-date INDEX.md for `corpus` without writing anything.

    `manifest` and `entries` let a caller that already read INDEX.md and walked the corpus
    (verify --strict) reuse that work instead of doing it twice; `pin`, the pin of `manifest`'s
    rows it computed, stands when the walk found those rows unchanged.
    """
    path = corpus / INDEX_NAME
    data = read_metadata(corpus, INDEX_NAME, limit=INDEX_LIMIT)  # read once, as bytes: CRLF stays CRLF
    current = _decode(data, path) if data is not None else None
    if manifest is None:
        manifest = parse_manifest(current, path=path) if current is not None else Manifest()
    old = manifest.by_file()
    if entries is None:
        entries = walk_corpus(corpus, listed=old.keys(), jobs=jobs, progress=progress)
    rows: list[Row] = []
    added: list[str] = []
    changed: list[str] = []
    skipped: list[Entry] = []
    for entry in entries:
        if entry.kind != "file":
            skipped.append(entry)
            continue
        previous = old.get(entry.path)
        if previous is None:
            added.append(entry.path)
            rows.append(Row(entry.path, entry.sha256, entry.size))
        elif (previous.sha256, previous.bytes) == (entry.sha256, entry.size):
            rows.append(previous)  # most rows: no copy
        else:
            changed.append(entry.path)
            rows.append(previous._replace(sha256=entry.sha256, bytes=entry.size))
    present = {row.file for row in rows}
    removed = sorted(name for name in old if name not in present)
    same = not added and not changed and len(rows) == len(old)  # then rows are manifest's rows
    text = render_manifest(manifest.with_rows(rows), pin=pin if same else None)
    return IndexUpdate(
        path,
        text,
        current,
        tuple(sorted(added)),
        tuple(sorted(changed)),
        tuple(removed),
        tuple(sorted(skipped, key=lambda e: e.path)),
        len(rows),
    )


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1  # exc.object: the bytes after any BOM
        raise ManifestError(path, [Problem(line, "not valid UTF-8")]) from None


def write_index(update: IndexUpdate) -> bool:
    """Write the planned INDEX.md atomically; True when the file changed."""
    if update.up_to_date:
        return False
    write_atomic(update.path, update.text)
    return True

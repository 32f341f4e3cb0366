"""Create or update INDEX.md from what is on disk, keeping steward columns and prose."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from provenance.atomic import write_atomic
from provenance.manifest import INDEX_NAME, Manifest, Row, read_manifest, render_manifest
from provenance.walk import Entry, walk_corpus


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

    @property
    def up_to_date(self) -> bool:
        return self.text == self.current


def plan_index(corpus: Path, *, jobs: int = 1, progress: Callable[[int], None] | None = None) -> IndexUpdate:
    """Work out the up-to-date INDEX.md for `corpus` without writing anything."""
    path = corpus / INDEX_NAME
    manifest = read_manifest(corpus) if path.exists() else Manifest()
    current = path.read_text(encoding="utf-8-sig") if path.exists() else None
    old = manifest.by_file()
    rows: list[Row] = []
    added: list[str] = []
    changed: list[str] = []
    skipped: list[Entry] = []
    for entry in walk_corpus(corpus, listed=old.keys(), jobs=jobs, progress=progress):
        if entry.kind != "file":
            skipped.append(entry)
            continue
        previous = old.get(entry.path)
        if previous is None:
            added.append(entry.path)
            rows.append(Row(entry.path, entry.sha256, entry.size))
        else:
            if (previous.sha256, previous.bytes) != (entry.sha256, entry.size):
                changed.append(entry.path)
            rows.append(previous._replace(sha256=entry.sha256, bytes=entry.size))
    present = {row.file for row in rows}
    removed = sorted(name for name in old if name not in present)
    text = render_manifest(manifest.with_rows(rows))
    return IndexUpdate(
        path,
        text,
        current,
        tuple(sorted(added)),
        tuple(sorted(changed)),
        tuple(removed),
        tuple(sorted(skipped, key=lambda e: e.path)),
    )


def write_index(update: IndexUpdate) -> bool:
    """Write the planned INDEX.md atomically; True when the file changed."""
    if update.up_to_date:
        return False
    write_atomic(update.path, update.text)
    return True

"""Create or update INDEX.md from what is on disk, keeping steward columns and prose."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from provenance.atomic import write_atomic
from provenance.fixity.walk import Entry, walk_corpus
from provenance.manifest.model import INDEX_NAME, Manifest, Row, render_manifest
from provenance.manifest.reader import read_manifest


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


def plan_index(
    corpus: Path,
    *,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    manifest: Manifest | None = None,
    entries: Iterable[Entry] | None = None,
) -> IndexUpdate:
    """Work out the up-to-date INDEX.md for `corpus` without writing anything.

    `manifest` and `entries` let a caller that already read INDEX.md and walked the corpus
    (verify --strict) reuse that work instead of doing it twice.
    """
    path = corpus / INDEX_NAME
    if manifest is None:
        manifest = read_manifest(corpus) if path.exists() else Manifest()
    current = path.read_text(encoding="utf-8-sig") if path.exists() else None
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
        else:
            if (previous.sha256, previous.bytes) != (entry.sha256, entry.size):
                changed.append(entry.path)
            rows.append(previous._replace(sha256=entry.sha256, bytes=entry.size))
    column = manifest.column("outlet")
    if column is not None:
        rows = _fill_outlets(corpus, rows, column)
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


def _fill_outlets(corpus: Path, rows: list[Row], column: str) -> list[Row]:
    """Fill empty cells of the steward's outlet column with the outlet the parser recognises."""
    empty = [row for row in rows if not row.extra.get(column, "").strip()]
    if not empty:
        return rows
    from provenance.parse.article import parse_article  # only when there is something to fill
    from provenance.parse.outlets import load_registry

    registry = load_registry(corpus)
    filled: dict[str, str] = {}
    for row in empty:
        encoding = next((v for k, v in row.extra.items() if k.lower() == "encoding"), None) or None
        try:
            data = (corpus / row.file).read_bytes()
        except OSError:
            continue
        outlet = parse_article(data, file=row.file, registry=registry, encoding=encoding).article["outlet"]
        if outlet:
            filled[row.file] = outlet
    return [row._replace(extra={**row.extra, column: filled[row.file]}) if row.file in filled else row for row in rows]


def write_index(update: IndexUpdate) -> bool:
    """Write the planned INDEX.md atomically; True when the file changed."""
    if update.up_to_date:
        return False
    write_atomic(update.path, update.text)
    return True

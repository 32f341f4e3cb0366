"""The cache folder's SQLite stores: where the folder is, how a store is opened, one write transaction.

Both caches (the parse cache, provenance/parsing/cache.py, and the stat cache,
provenance/fixity/statcache.py) are SQLite databases in one folder outside the corpus, opened in
WAL mode so concurrent runs are safe, and refused on a network filesystem, whose locking SQLite
cannot rely on. Every failure is the caller's to catch (OSError, sqlite3.Error): a cache that
cannot be used is a run without it, never a different result.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

ENV_DIR = "CORPUS_AUDIT_CACHE_DIR"
#: Filesystems whose locking SQLite cannot trust: a cache there is not used.
REMOTE_FILESYSTEMS = frozenset({"nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "afs", "ceph", "glusterfs"})


def default_dir() -> Path:
    """$CORPUS_AUDIT_CACHE_DIR, else $XDG_CACHE_HOME/corpus-audit, else ~/.cache/corpus-audit."""
    if chosen := os.environ.get(ENV_DIR):
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "corpus-audit"


def open_store(folder: Path, name: str, schema: tuple[str, ...]) -> sqlite3.Connection:
    """The database `name` in `folder` (both created if absent), with `schema`'s statements run.

    Raises OSError when the folder cannot be made or is on a network filesystem, sqlite3.Error when
    the database cannot be opened or is not one.
    """
    remote = filesystem(folder)
    if remote in REMOTE_FILESYSTEMS:
        raise OSError(f"on a {remote} filesystem, whose locking SQLite cannot trust")
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    db = sqlite3.connect(folder / name, timeout=30, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        for statement in schema:
            db.execute(statement)
    except sqlite3.Error:
        db.close()
        raise
    return db


@contextlib.contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[None]:
    """One write transaction: all of it is stored, or (on any exception) none of it."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def filesystem(folder: Path) -> str | None:
    """The type of the filesystem `folder` is (or would be) on, from /proc/self/mounts; None if unknown."""
    target = os.path.realpath(folder)
    best, kind = "", None
    try:
        with open("/proc/self/mounts", encoding="utf-8", errors="replace") as mounts:
            for line in mounts:
                parts = line.split()
                if len(parts) < 3:
                    continue
                point = parts[1].replace("\\040", " ")
                inside = target == point or target.startswith(point.rstrip("/") + "/")
                if inside and len(point) >= len(best):
                    best, kind = point, parts[2]
    except OSError:
        return None
    return kind


@dataclass(slots=True)
class Store:
    """A cache's database, or, when it cannot be used, nothing and a note that says why (once).

    Subclasses name their database and schema, what they are called in a note, and what the run
    does without them."""

    folder: Path
    notes: list[str] = field(default_factory=list)
    _db: sqlite3.Connection | None = None

    DB_NAME: ClassVar[str] = ""
    SCHEMA: ClassVar[tuple[str, ...]] = ()
    LABEL: ClassVar[str] = "cache"
    WITHOUT: ClassVar[str] = "running uncached"

    def _connect(self) -> None:
        try:
            self._db = open_store(self.folder, self.DB_NAME, self.SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            self._fail(exc)

    @property
    def usable(self) -> bool:
        return self._db is not None

    def _fail(self, exc: BaseException) -> None:
        """The store failed: say so once, and go on without it."""
        words = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        self.notes.append(f"{self.LABEL} {self.folder}: {words}: {self.WITHOUT}")
        self.close()

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None

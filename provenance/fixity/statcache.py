"""The stat cache: the digest of each file as last hashed, kept with what stat said of it then.

`verify --changed` (and the pre-commit hooks) trust a file's recorded digest instead of reading it
again when its size, modification and change times (nanoseconds), inode and device are all as they
were. That is git's index rule, racy case included: a record is trusted only when the file's times
are safely older than the moment the run that recorded it began (RACY_NS), because a file written
in the same tick as it was hashed can change again without its times moving. Such a record is
hashed again, and recorded again, next time.

It is for the hook path only. A stat cache cannot see a change that keeps every stat field (a
tool that restores times, a filesystem that does not update them), and fixity exists to catch
changes nothing announced; so plain `verify` and `validate`, which CI runs, hash every file.

The store is one SQLite database in the cache folder (provenance/store.py), keyed by the corpus's
real path and the file's path in it. An unusable store is a run that hashes every file, said once.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from provenance.store import Store, transaction

#: How much older than the recording run's start a file's times must be for its record to be
#: trusted: coarser than any filesystem's timestamps (FAT's are 2 s) and the kernel's clock ticks.
RACY_NS = 2_000_000_000
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS stats (corpus TEXT NOT NULL, path TEXT NOT NULL, size INTEGER NOT NULL,"
    " mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL, inode INTEGER NOT NULL, device INTEGER NOT NULL,"
    " sha256 TEXT NOT NULL, stamp INTEGER NOT NULL, PRIMARY KEY (corpus, path))",
)

#: What stat says of a file: size, mtime_ns, ctime_ns, inode, device.
Stat = tuple[int, int, int, int, int]


def stat_of(info: os.stat_result) -> Stat:
    """The fields of `info` a record is compared on."""
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


@dataclass(slots=True)
class StatCache(Store):
    """The stat records of one corpus; `notes` says what went wrong with the store (once)."""

    corpus: str = ""  # the corpus's real path: the records' key with each file's path
    _paths: set[str] = field(default_factory=set)

    DB_NAME: ClassVar[str] = "stats.sqlite3"
    SCHEMA: ClassVar[tuple[str, ...]] = _SCHEMA
    LABEL: ClassVar[str] = "stat cache"
    WITHOUT: ClassVar[str] = "hashing every file"

    @classmethod
    def open(cls, folder: Path, *, corpus: Path) -> StatCache:
        """The stat cache in `folder` for `corpus`; unusable, it trusts nothing and says why in `notes`."""
        cache = cls(folder, corpus=os.path.realpath(corpus))
        cache._connect()
        return cache

    def trusted(self) -> dict[str, tuple[Stat, str]]:
        """{path: (stat, sha256)} of the records that may stand in for hashing: those whose file's
        times were safely older than the start of the run that recorded them."""
        if self._db is None:
            return {}
        try:
            rows = self._db.execute(
                "SELECT path, size, mtime_ns, ctime_ns, inode, device, sha256, stamp FROM stats WHERE corpus = ?",
                (self.corpus,),
            ).fetchall()
        except sqlite3.Error as exc:
            self._fail(exc)
            return {}
        self._paths = {row[0] for row in rows}
        return {
            path: ((size, mtime, ctime, inode, device), sha256)
            for path, size, mtime, ctime, inode, device, sha256, stamp in rows
            if mtime < stamp - RACY_NS and ctime < stamp - RACY_NS
        }

    def record(self, hashed: Iterable[tuple[str, Stat, str]], *, stamp: int, listed: Collection[str]) -> None:
        """Store what this run hashed (its files' stat as read before hashing; `stamp`, the run's start
        in ns), and forget records of files INDEX.md no longer lists; one transaction."""
        rows = [(self.corpus, path, *info, sha256, stamp) for path, info, sha256 in hashed]
        gone = [(self.corpus, path) for path in self._paths if path not in listed]
        if self._db is None or not (rows or gone):
            return
        try:
            with transaction(self._db):
                self._db.executemany("INSERT OR REPLACE INTO stats VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
                self._db.executemany("DELETE FROM stats WHERE corpus = ? AND path = ?", gone)
        except sqlite3.Error as exc:
            self._fail(exc)

    def count(self) -> int:
        """Records held, for every corpus."""
        if self._db is None:
            return 0
        with contextlib.suppress(sqlite3.Error):
            return int(self._db.execute("SELECT COUNT(*) FROM stats").fetchone()[0])
        return 0

    def clear(self) -> int:
        """Remove every record, for every corpus; the number removed."""
        removed = self.count()
        if self._db is not None:
            try:
                with transaction(self._db):
                    self._db.execute("DELETE FROM stats")
                self._db.execute("VACUUM")
            except sqlite3.Error as exc:
                self._fail(exc)
        return removed


def unchanged(known: Mapping[str, tuple[Stat, str]], path: str, info: os.stat_result) -> str | None:
    """The recorded digest of `path` when `info` is exactly what was recorded, else None."""
    record = known.get(path)
    return record[1] if record is not None and record[0] == stat_of(info) else None

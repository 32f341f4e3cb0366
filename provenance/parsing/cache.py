"""A content-addressed cache of parsed rows, so a re-run parses only the files that changed.

An entry is one article's rows (its `articles` row and its `paragraphs` rows), stored under a key
that digests everything that can change them: the file's sha256 and name, the facts its INDEX.md
row declares, the parse settings, the outlet registry (with the corpus's outlets.toml), the size
limit, whether the text is kept, and the parser itself (every source and data file of
`provenance.parsing` and the column definitions). A row is reused only when its key matches
exactly; nothing is ever invalidated by hand. The store is one SQLite database in the cache folder
(WAL, so concurrent runs are safe; each write is a transaction, so a killed run leaves whole
entries or none). An entry that does not decode to rows of the same file and digest is a miss,
said once, and is written again.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import operator
import os
import shutil
import sqlite3
import time
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from expectations.columns import ARTICLES, PARAGRAPHS
from provenance._version import __version__
from provenance.parsing.outlets import Registry
from provenance.parsing.settings import ParseSettings, Source
from provenance.store import Store, transaction

if TYPE_CHECKING:
    import pyarrow as pa

DB_NAME = "parsed.sqlite3"
SNAPSHOTS = "tables"  # each corpus's tables as its last run left them (Arrow IPC), named by its real path
_SNAPSHOT_TOKEN = b"corpus-audit-snapshot"
_KEY_COLUMN = "__entry_key"
_DIGEST_COLUMN = "__plain_sha256"  # a Marks' `plain`: the key is not stored for these rows
_CONTEXT = b"corpus-audit-context"  # the Marks' context, in the articles snapshot's schema metadata
DEFAULT_LIMIT = 2 << 30  # bytes of entries kept; the least recently used go first beyond it
_MAGIC = b"CA1"  # the entry format; any other value is foreign
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value BLOB NOT NULL,"
    " size INTEGER NOT NULL, used INTEGER NOT NULL)",
    # No index on `used`: kept up to date, it cost every insert more than eviction's rare sort does.
    "DROP INDEX IF EXISTS entries_used",
    # The sha256 of each table snapshot file as written, checked before Arrow reads it.
    "CREATE TABLE IF NOT EXISTS snapshots (name TEXT PRIMARY KEY, sha256 TEXT NOT NULL)",
)


@functools.cache
def parser_digest() -> str:
    """A digest of the parser: the version, every file of provenance.parsing (code and data) and the
    column and problem-code definitions its rows are made of. Any edit to them is a new parser, so
    every cached row is a miss."""
    parsing = Path(str(resources.files("provenance.parsing")))
    expectations = Path(str(resources.files("expectations")))
    files = sorted(p for p in parsing.rglob("*") if p.is_file() and p.suffix in (".py", ".toml"))
    files += [expectations / "columns.py", expectations / "ids.py"]
    digest = hashlib.sha256(__version__.encode())
    for path in files:
        digest.update(f"{path.parent.name}/{path.name}".encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def context_digest(*, settings: ParseSettings, registry: Registry, max_bytes: int, lean: bool) -> str:
    """What, besides the file, a parse depends on, as one digest: the registry as loaded (shipped and
    the corpus's outlets.toml, in its order; every field of an Outlet has a stable repr)."""
    facts = {
        "parser": parser_digest(),
        "settings": asdict(settings),
        "registry": hashlib.sha256(repr(list(registry.outlets.values())).encode()).hexdigest(),
        "max_bytes": max_bytes,
        "lean": lean,
    }
    return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()


def entry_key(context: str, source: Source, sha256: str) -> str:
    """The key of one file's rows: the context, its digest, its name and INDEX.md's facts.

    The facts are strings or None, so their tuple's repr is unambiguous, and it is cheap: a warm
    run keys every article of the corpus before it knows which changed."""
    return _key(context, sha256, _source_facts(source))


def _key(context: str, sha256: str, facts: tuple[str | None, ...]) -> str:
    return hashlib.sha256(repr((context, sha256, facts)).encode()).hexdigest()


_source_facts = operator.attrgetter(*(f.name for f in fields(Source)))
_NO_FACTS = (None,) * (len(fields(Source)) - 2)  # a Source's facts after its file and encoding


def mark(context: str, source: Source, sha256: str, *, encoding: str | None) -> tuple[str | None, str | None]:
    """What names one file's parse in a snapshot, as (entry key, None), or (None, sha256) for a
    file whose INDEX.md row declares no facts (its Source: the file and `encoding`, the settings'
    one). Such a file's key is a function of the context, its name and its digest alone, so the
    snapshot keeps those instead: matching 100,000 of them is a dict lookup each, not a hash."""
    if _source_facts(source)[1:] == (encoding, *_NO_FACTS):
        return None, sha256
    return entry_key(context, source, sha256), None


@dataclass(frozen=True, slots=True)
class Marks:
    """Each snapshot row's mark (see `mark`), and the context they were made in."""

    context: str
    files: Sequence[str]
    keys: Sequence[str | None]
    plain: Sequence[str | None]  # the digest where the key is not stored (a file with no facts)

    def positions(
        self, files: Sequence[str], marks: Sequence[tuple[str | None, str | None]], context: str
    ) -> list[int | None]:
        """For each of `files` marked `marks` in `context` (None: not keyed), the number of this
        snapshot's row with the same key, or None. Equal marks in one context are equal keys."""
        if context != self.context:
            return [None] * len(files)
        by_key = {key: number for number, key in enumerate(self.keys) if key is not None}
        by_digest = {
            (file, digest): number
            for number, (file, digest) in enumerate(zip(self.files, self.plain, strict=True))
            if digest is not None
        }
        return [
            by_key.get(key) if key is not None else by_digest.get((file, digest)) if digest is not None else None
            for file, (key, digest) in zip(files, marks, strict=True)
        ]


# Entries: an article row and its line columns, JSON, zlib-compressed; datetimes as ISO text.
_KINDS = {c.name: c.kind for c in ARTICLES} | {c.name: c.kind for c in PARAGRAPHS}


def encode(article: Mapping[str, Any], lines: Mapping[str, Sequence[Any]]) -> bytes:
    """One article's rows as a cache entry."""

    def plain(value: Any) -> Any:
        return value.isoformat() if isinstance(value, datetime) else value

    data = {
        "article": {k: plain(v) for k, v in article.items()},
        "lines": {k: [plain(v) for v in values] for k, values in lines.items()},
    }
    return _MAGIC + zlib.compress(json.dumps(data, ensure_ascii=False, allow_nan=True).encode(), 1)


def decode(entry: bytes, *, file: str, sha256: str) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """A cache entry's rows; ValueError unless it is one of ours, for this file and digest."""
    if not entry.startswith(_MAGIC):
        raise ValueError("not a corpus-audit cache entry")
    try:
        data = json.loads(zlib.decompress(entry[len(_MAGIC) :]))
    except (zlib.error, UnicodeDecodeError) as exc:
        raise ValueError(f"damaged entry ({exc})") from None
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("article"), dict)
        or not isinstance(data.get("lines"), dict)
    ):
        raise ValueError("not a corpus-audit cache entry")
    article, lines = data["article"], data["lines"]
    if article.get("file") != file or article.get("sha256") != sha256:
        raise ValueError("an entry for other bytes")
    article = {k: _typed(k, v) for k, v in article.items()}
    lines = {k: [_typed(k, v) for v in values] for k, values in lines.items()}
    return article, lines


def _typed(name: str, value: Any) -> Any:
    kind = _KINDS.get(name)
    if value is None or kind not in ("datetime_utc", "datetime_local"):
        return value
    return datetime.fromisoformat(value)


@dataclass(frozen=True, slots=True)
class CacheInfo:
    """What the cache holds: where, how many entries and their bytes, how many corpora's table
    snapshots and their bytes, and the limit on the two together."""

    path: Path
    entries: int
    bytes: int
    limit: int
    snapshots: int = 0
    snapshot_bytes: int = 0


@dataclass(slots=True)
class ParseCache(Store):
    """The parse cache in one folder; `notes` says what went wrong with it (each thing once).

    Every failure of the store is caught: the run goes on uncached and the note says so. Results
    never depend on the cache: a hit gives the rows parsing the same bytes would.
    """

    limit: int = DEFAULT_LIMIT
    hits: int = 0
    misses: int = 0
    _used: list[str] = field(default_factory=list)
    _empty: bool | None = None  # no entry stored at all: nothing to look up (a first fill), until a put

    DB_NAME: ClassVar[str] = DB_NAME
    SCHEMA: ClassVar[tuple[str, ...]] = _SCHEMA

    @classmethod
    def open(cls, folder: Path, *, limit: int = DEFAULT_LIMIT) -> ParseCache:
        """The cache in `folder` (created if absent); unusable, it is a cache that holds nothing and
        says why in `notes`."""
        cache = cls(folder, limit=limit)
        cache._connect()
        return cache

    def get(self, keys: Sequence[str]) -> dict[str, bytes]:
        """The entries stored under `keys` (the ones found); their last use is now."""
        if self._db is None or not keys or self._holds_none():
            return {}
        try:
            marks = ",".join("?" * len(keys))
            found = dict(self._db.execute(f"SELECT key, value FROM entries WHERE key IN ({marks})", keys))
        except sqlite3.Error as exc:
            self._fail(exc)
            return {}
        self._used += found  # their last use is written with the run's other writes (`put`, `evict`)
        return {k: v for k, v in found.items() if isinstance(v, bytes)}

    def _holds_none(self) -> bool:
        """No entry is stored: a first fill looks none up (100,000 lookups cost seconds)."""
        if self._empty is None and self._db is not None:
            try:
                self._empty = self._db.execute("SELECT NOT EXISTS (SELECT 1 FROM entries)").fetchone()[0] == 1
            except sqlite3.Error as exc:
                self._fail(exc)
                return True
        return bool(self._empty)

    def put(self, items: Iterable[tuple[str, bytes]]) -> None:
        """Store entries, and the last use of those read since, in one transaction."""
        now = _now()
        rows = [(key, value, len(value), now) for key, value in items]
        if rows:
            self._empty = False
        used, self._used = [(now, key) for key in self._used], []
        if self._db is None or not (rows or used):
            return
        try:
            with transaction(self._db):
                self._db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?)", rows)
                self._db.executemany("UPDATE entries SET used = ? WHERE key = ?", used)
        except sqlite3.Error as exc:
            self._fail(exc)

    def bad(self, key: str, why: str) -> None:
        """An entry that did not decode: dropped (it is written again), said once."""
        if not any(note.startswith(f"cache {self.folder}: an entry") for note in self.notes):
            self.notes.append(f"cache {self.folder}: an entry was not usable ({why}): parsed again")
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("DELETE FROM entries WHERE key = ?", (key,))

    def evict(self) -> None:
        """Keep the entries and the table snapshots together within the limit: the least recently
        used entries go first, then the snapshots written longest ago (never the newest)."""
        self.put(())  # the last uses not written yet
        if self._db is None:
            return
        try:
            total = self._db.execute("SELECT COALESCE(SUM(size), 0) FROM entries").fetchone()[0]
            snapshots = self._snapshots()
            total += sum(size for _, size, _ in snapshots)
            if total <= self.limit:
                return
            with transaction(self._db):
                for key, size in self._db.execute("SELECT key, size FROM entries ORDER BY used, key").fetchall():
                    if total <= self.limit * 0.9:  # room for the next run's changes
                        break
                    self._db.execute("DELETE FROM entries WHERE key = ?", (key,))
                    total -= size
            for _, size, files in snapshots[:-1]:
                if total <= self.limit * 0.9:
                    break
                for path in files:
                    path.unlink(missing_ok=True)
                total -= size
        except (sqlite3.Error, OSError) as exc:
            self._fail(exc)

    def _snapshots(self) -> list[tuple[int, int, list[Path]]]:
        """Each corpus's snapshot files as (last written, bytes, files), the oldest first."""
        groups: dict[str, list[Path]] = {}
        with contextlib.suppress(OSError):
            for path in (self.folder / SNAPSHOTS).iterdir():
                if not path.name.startswith("."):  # a temporary file being written
                    groups.setdefault(path.name.split(".", 1)[0], []).append(path)
        found = []
        for files in groups.values():
            try:
                stats = [path.stat() for path in files]
            except OSError:
                continue
            found.append((max(st.st_mtime_ns for st in stats), sum(st.st_size for st in stats), sorted(files)))
        return sorted(found)

    def load_tables(
        self, corpus: Path, *, articles: pa.Schema, paragraphs: pa.Schema
    ) -> tuple[pa.Table, pa.Table, Marks, str] | None:
        """The snapshot of `corpus`'s tables the last run saved, with each article's mark and the
        snapshot's token; None when there is none, or it is not whole, of another schema or
        unreadable (said once)."""
        found = self._load(corpus, articles=articles, paragraphs=paragraphs)
        if found is None:
            return None
        table, lines, marks, token = found
        assert lines is not None
        return table, lines, marks, token

    def load_articles(self, corpus: Path, *, articles: pa.Schema) -> tuple[pa.Table, Marks] | None:
        """The articles table of `corpus`'s snapshot and each row's mark, without reading its lines."""
        found = self._load(corpus, articles=articles, paragraphs=None)
        return None if found is None else (found[0], found[2])

    def _load(
        self, corpus: Path, *, articles: pa.Schema, paragraphs: pa.Schema | None
    ) -> tuple[pa.Table, pa.Table | None, Marks, str] | None:
        import pyarrow as pa

        paths = self._snapshot(corpus)[: 1 if paragraphs is None else 2]
        if self._db is None or not all(path.exists() for path in paths):
            return None
        try:
            stored = [path.read_bytes() for path in paths]
            recorded = dict(self._db.execute("SELECT name, sha256 FROM snapshots"))
            found = (hashlib.sha256(data).hexdigest() for data in stored)
            if any(recorded.get(path.name) != digest for path, digest in zip(paths, found, strict=True)):
                # Damaged, or written by another tool: Arrow trusts the offsets in a file it reads.
                self._note_snapshot("not the bytes this cache wrote")
                return None
            tables = [pa.ipc.open_file(pa.py_buffer(data)).read_all() for data in stored]
        except (OSError, sqlite3.Error, pa.ArrowException) as exc:
            self._note_snapshot(f"unreadable ({exc})")
            return None
        table, lines = tables[0], (tables[1] if paragraphs is not None else None)
        tokens = {(t.schema.metadata or {}).get(_SNAPSHOT_TOKEN) for t in tables}
        context = (table.schema.metadata or {}).get(_CONTEXT)
        keyed = articles.append(pa.field(_KEY_COLUMN, pa.string())).append(pa.field(_DIGEST_COLUMN, pa.string()))
        wrong_lines = lines is not None and paragraphs is not None and not lines.schema.equals(paragraphs)
        if len(tokens) != 1 or None in tokens or context is None or not table.schema.equals(keyed) or wrong_lines:
            if tokens != {None} or table.schema.names != keyed.names:
                self._note_snapshot("not a whole snapshot of this version's tables")
            return None
        marks = Marks(
            context=context.decode(),
            files=table.column("file").to_pylist(),
            keys=table.column(_KEY_COLUMN).to_pylist(),
            plain=table.column(_DIGEST_COLUMN).to_pylist(),
        )
        token = bytes(tokens.pop() or b"")
        return table.drop_columns([_KEY_COLUMN, _DIGEST_COLUMN]), lines, marks, token.decode()

    def save_tables(
        self,
        corpus: Path,
        articles: pa.Table,
        paragraphs: pa.Table,
        marks: Sequence[tuple[str | None, str | None]],
        *,
        context: str,
    ) -> str | None:
        """Replace `corpus`'s snapshot: its tables, each article's mark (made in `context`) beside it;
        each file atomically, and the two tied by a token (returned; None when not saved) so a
        half-replaced pair is never used."""
        import pyarrow as pa

        if self._db is None:
            return None
        token = os.urandom(16).hex().encode()
        options = pa.ipc.IpcWriteOptions(compression=None)  # read back as it is: no decoding
        keys, plain = [list(column) for column in zip(*marks, strict=True)] if marks else ([], [])
        table = articles.append_column(_KEY_COLUMN, pa.array(keys, type=pa.string()))
        table = table.append_column(_DIGEST_COLUMN, pa.array(plain, type=pa.string()))
        try:
            for path, unmarked, extra in zip(
                self._snapshot(corpus), (table, paragraphs), ({_CONTEXT: context.encode()}, {}), strict=True
            ):
                path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                data = unmarked.replace_schema_metadata({_SNAPSHOT_TOKEN: token, **extra})
                temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
                try:
                    with (
                        pa.OSFile(str(temporary), "wb") as sink,
                        pa.ipc.new_file(sink, data.schema, options=options) as writer,
                    ):
                        writer.write_table(data)
                    with transaction(self._db):
                        digest = hashlib.sha256(temporary.read_bytes()).hexdigest()
                        self._db.execute("INSERT OR REPLACE INTO snapshots VALUES (?, ?)", (path.name, digest))
                        temporary.replace(path)
                finally:
                    temporary.unlink(missing_ok=True)
        except (OSError, sqlite3.Error, pa.ArrowException) as exc:
            self._note_snapshot(f"not saved ({exc})")
            return None
        return token.decode()

    def load_verdicts(self, corpus: Path) -> dict[str, Any] | None:
        """The engines' verdicts the last run saved beside `corpus`'s snapshot; None if none or unreadable."""
        path = self._verdicts(corpus)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            self._note_snapshot(f"unreadable ({exc})")
            return None
        return data if isinstance(data, dict) else None

    def save_verdicts(self, corpus: Path, data: Mapping[str, Any]) -> None:
        """Replace the verdicts saved beside `corpus`'s snapshot (atomically)."""
        if self._db is None:
            return
        path = self._verdicts(corpus)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            temporary.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
            temporary.replace(path)
        except OSError as exc:
            self._note_snapshot(f"not saved ({exc})")
        finally:
            temporary.unlink(missing_ok=True)

    def _verdicts(self, corpus: Path) -> Path:
        articles, _ = self._snapshot(corpus)
        return articles.with_name(articles.name.replace(".articles.arrow", ".verdicts.json"))

    def _snapshot(self, corpus: Path) -> tuple[Path, Path]:
        name = hashlib.sha256(os.path.realpath(corpus).encode("utf-8", "surrogateescape")).hexdigest()[:32]
        folder = self.folder / SNAPSHOTS
        return folder / f"{name}.articles.arrow", folder / f"{name}.lines.arrow"

    def _note_snapshot(self, why: str) -> None:
        if not any(note.startswith(f"cache {self.folder}: the tables") for note in self.notes):
            self.notes.append(f"cache {self.folder}: the tables saved by the last run were {why}: not used")

    def info(self) -> CacheInfo:
        entries, size = 0, 0
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                entries, size = self._db.execute("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM entries").fetchone()
        snapshots = self._snapshots()
        return CacheInfo(self.folder, entries, size, self.limit, len(snapshots), sum(s for _, s, _ in snapshots))

    def clear(self) -> tuple[int, int]:
        """Remove every entry and table snapshot; the numbers removed."""
        info = self.info()
        removed = info.entries, info.snapshots
        if self._db is not None:
            try:
                with transaction(self._db):
                    self._db.execute("DELETE FROM entries")
                self._db.execute("VACUUM")
                shutil.rmtree(self.folder / SNAPSHOTS, ignore_errors=True)
            except sqlite3.Error as exc:
                self._fail(exc)
        return removed


def _now() -> int:
    return time.time_ns()

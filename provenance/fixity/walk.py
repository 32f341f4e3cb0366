"""Walk a corpus directory and hash its payload: links never followed, parallel across folders.

One pass does both jobs: each folder is opened once (beneath the corpus, no link followed at any
component: safeopen.py), walked iteratively (no depth limit), listed with os.listdir on its
descriptor, and the files in it are opened relative to it, 64 at a time with a read-ahead hint
(readahead.py), so a 100,000-file corpus costs little more than the open/read/close of each
file, and a cold cache's disk reads overlap. Memory per worker is one fixed read buffer.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Literal, NamedTuple

from provenance.escape import one_line
from provenance.fixity.statcache import Stat, stat_of, unchanged
from provenance.manifest.paths import SAFE_PATH, path_problem
from provenance.parallel import ordered_map
from provenance.readahead import AHEAD, close_all, open_ahead
from provenance.safeopen import open_beneath, open_dir

#: The corpus's own metadata files at its top level: never payload.
METADATA_FILES = frozenset({"INDEX.md", "WAIVERS.md", "outlets.toml", "corpus-audit.toml"})
BUFFER = 1 << 18  # bytes read per call: bounded memory whatever the file size

Kind = Literal["file", "symlink", "special", "unreadable", "missing", "unsafe"]


class Entry(NamedTuple):
    """A payload path (relative, POSIX) with its size and SHA-256, or why it has none."""

    path: str
    kind: Kind
    size: int = -1
    sha256: str = ""
    error: str = ""


def walk_corpus(
    root: Path,
    *,
    listed: Collection[str] = (),
    hash_files: bool = True,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    expected: Mapping[str, tuple[int, str | None]] | None = None,
    known: Mapping[str, tuple[Stat, str]] | None = None,
    hashed: Callable[[list[tuple[str, Stat, str]]], None] | None = None,
) -> Iterator[Entry]:
    """Every payload entry below `root` (hidden names and metadata files skipped).

    Folders named by `listed` paths are audited as separate tasks spread over `jobs` processes;
    `progress` is called with the number of entries done so far. With `expected` ({path: (size,
    sha256 or None)}) the workers compare as they go and only the differences come back: files
    that match are not returned, listed files that are absent come back with kind "missing".

    With `known` (the stat cache's trusted records), a regular file whose stat is exactly as
    recorded is given its recorded digest without being read; `hashed` hears, batch by batch,
    (path, stat before reading, sha256) of every file that was read and hashed.
    """
    if expected is not None:
        listed = expected.keys()
    folders = sorted({p.rpartition("/")[0] for p in listed} | {""})
    by_folder: dict[str, list[str]] = {}
    for path in expected or ():
        by_folder.setdefault(path.rpartition("/")[0], []).append(path)
    done = 0
    # Settings travel once per worker (initargs; with fork, not even pickled), not once per folder.
    settings = (str(root), frozenset(folders), hash_files, expected, by_folder, known or {}, hashed is not None)
    tasks = ordered_map(_audit_folder, folders, jobs=jobs, initializer=_init_worker, initargs=(settings,), window=16)
    for batch, count, read in tasks:
        if hashed is not None:
            hashed(read)
        yield from batch
        done += count
        if progress:
            progress(done)


def is_payload(path: str) -> bool:
    """A corpus path (relative, POSIX) the walk audits: no hidden name on the way, and not one of
    the metadata files at the top."""
    return not (path.startswith(".") or "/." in path or path in METADATA_FILES)  # string tests: the walk's hot path


def entries_at(root: Path, paths: Collection[str]) -> Iterator[Entry]:
    """The entry at each of `paths` (relative, POSIX) as a walk of `root` would give it, without
    walking: for `validate --staged`, which audits only what a commit touches. Nothing comes back
    for a path with nothing there (or a folder), or for one the walk never audits (hidden names,
    the metadata files). Each file is opened beneath the corpus like the walk's: no link followed
    at any component, no FIFO or device opened for reading."""
    buffer = bytearray(BUFFER)
    root_fd = open_dir(root)
    try:
        for rel in sorted(paths):
            folder, _, name = rel.rpartition("/")
            if not is_payload(rel):
                continue
            if unsafe := unsafe_name(rel):
                yield Entry(_shown(rel), "unsafe", error=unsafe)
                continue
            try:
                fd = open_beneath(root_fd, folder, directory=True) if folder else os.dup(root_fd)
            except FileNotFoundError:
                continue
            except OSError as exc:  # a folder on the way is a link or not a folder
                yield Entry(rel, "unreadable", error=exc.strerror or str(exc))
                continue
            try:
                opened = open_ahead([name], dir_fd=fd, advise=False)
                try:
                    if isinstance(opened[0], FileNotFoundError):
                        continue
                    entry = _read_entry(fd, name, rel, opened[0], hash_files=True, buffer=buffer, read=None)
                finally:
                    close_all(opened)
            finally:
                os.close(fd)
            if entry is not None:
                yield entry
    finally:
        os.close(root_fd)


_Settings = tuple[
    str,
    frozenset[str],
    bool,
    Mapping[str, tuple[int, str | None]] | None,
    dict[str, list[str]],
    Mapping[str, tuple[Stat, str]],
    bool,
]
_settings: _Settings = ("", frozenset(), True, None, {}, {}, False)


def _init_worker(settings: _Settings) -> None:
    global _settings  # noqa: PLW0603 - per-worker settings, set once by the pool initializer
    _settings = settings


#: (path, stat before reading, sha256) of the files a task read and hashed (with a stat cache).
_Read = list[tuple[str, Stat, str]]


def _audit_folder(folder: str) -> tuple[list[Entry], int, _Read]:
    """Entries directly in `folder`, plus whole subtrees that no other task covers; how many; and
    the stat records of the files it hashed (when a stat cache asked for them)."""
    root, _, _, expected, by_folder, _, _ = _settings
    out: list[Entry] = []
    read: _Read = []
    root_fd = open_dir(root)
    try:
        _walk_from(root_fd, folder, bytearray(BUFFER), out, read)
    finally:
        os.close(root_fd)
    count = len(out)
    if expected is None:
        return out, count, read
    kept = differing(out, expected, listed=by_folder.get(folder, ()), present={e.path for e in out})
    return kept, count, read


def differing(
    entries: Iterable[Entry],
    expected: Mapping[str, tuple[int, str | None]],
    *,
    listed: Iterable[str],
    present: Collection[str],
) -> list[Entry]:
    """What differs from INDEX.md: the `entries` that do not match their expected (size, sha256),
    then each `listed` path with nothing `present` on disk, as kind "missing". However the entries
    were hashed (this walk's workers, Spark's executors), this is the one comparison."""
    kept = [entry for entry in entries if not matches(entry, expected.get(entry.path))]
    kept += [Entry(path, "missing") for path in listed if path not in present]
    return kept


def matches(entry: Entry, want: tuple[int, str | None] | None) -> bool:
    """The entry is a regular file with the expected size (and digest, when one is expected)."""
    if want is None or entry.kind != "file" or entry.size != want[0]:
        return False
    return want[1] is None or entry.sha256 == want[1]


def _walk_from(root_fd: int, top: str, buffer: bytearray, out: list[Entry], read: _Read) -> None:
    """Scan `top` and the subfolders no other task covers, iteratively: no depth limit.

    Each folder is opened beneath the corpus from its root (no link followed at any component,
    openat2 where the kernel has it), scanned and closed before the next, so descriptors stay
    bounded however deep the tree is.
    """
    pending = [top]
    while pending:
        folder = pending.pop()
        try:
            fd = open_beneath(root_fd, folder, directory=True)
        except OSError as exc:
            if folder != top:  # a subfolder that vanished or was swapped for a link meanwhile
                out.append(Entry(folder, "unreadable", error=exc.strerror or str(exc)))
            continue  # the task's own folder missing or a link: its listed files are missing
        try:
            subfolders = _scan(fd, folder, buffer, out, read)
        finally:
            os.close(fd)
        prefix = folder + "/" if folder else ""
        pending.extend(prefix + name for name in reversed(subfolders))


def _scan(fd: int, folder: str, buffer: bytearray, out: list[Entry], read: _Read) -> list[str]:
    """Hash the files directly in the folder open on `fd`; the names of its subfolders to walk."""
    _, task_folders, hash_files, expected, _, known, record = _settings
    prefix = folder + "/" if folder else ""
    names: list[str] = []
    for name in sorted(os.listdir(fd)):
        rel = prefix + name
        if not is_payload(rel):
            continue
        if unsafe := _name_problem(name):
            out.append(Entry(_shown(rel), "unsafe", error=unsafe))
            continue
        if rel in task_folders:  # its own task walks it, unless it is not a real folder
            mode = os.lstat(name, dir_fd=fd).st_mode
            if not stat.S_ISDIR(mode):
                out.append(_classify(fd, name, rel, OSError(errno.ENOTDIR, "not a folder")) or Entry(rel, "special"))
            continue
        names.append(name)
    if known and hash_files:
        names = _unread(fd, prefix, names, known, out)
    subfolders: list[str] = []
    for start in range(0, len(names), AHEAD):
        chunk = names[start : start + AHEAD]
        opened = open_ahead(chunk, dir_fd=fd, advise=hash_files)
        try:
            for name, file_fd in zip(chunk, opened, strict=True):
                entry = _read_entry(
                    fd,
                    name,
                    prefix + name,
                    file_fd,
                    hash_files=hash_files,
                    buffer=buffer,
                    read=read if record else None,
                )
                if entry is None:  # a folder no task covers: walked after this folder is closed
                    subfolders.append(name)
                    if expected is not None and prefix + name in expected:  # listed as a file
                        out.append(Entry(prefix + name, "special", error="a folder where a file was expected"))
                else:
                    out.append(entry)
        finally:
            close_all(opened)
    return subfolders


def _unread(
    fd: int, prefix: str, names: list[str], known: Mapping[str, tuple[Stat, str]], out: list[Entry]
) -> list[str]:
    """The names that must be read: a regular file whose stat is as the stat cache recorded it gets
    its recorded digest here, unopened."""
    todo = []
    for name in names:
        try:
            info = os.stat(name, dir_fd=fd, follow_symlinks=False)
        except OSError:
            todo.append(name)  # reading it says what is wrong
            continue
        digest = unchanged(known, prefix + name, info) if stat.S_ISREG(info.st_mode) else None
        if digest is None:
            todo.append(name)
        else:
            out.append(Entry(prefix + name, "file", info.st_size, digest))
    return todo


def unsafe_name(rel: str) -> str | None:
    """Why a payload path (relative, POSIX) cannot be listed in INDEX.md, or None: its first bad
    component's problem, as the walk reports it."""
    return next((problem for problem in map(_name_problem, rel.split("/")) if problem), None)


def _name_problem(name: str) -> str | None:
    """Why a name on disk cannot be listed in INDEX.md (not UTF-8, or unsafe), or None."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "file name is not valid UTF-8: rename it"
    problem = None if SAFE_PATH.match(name) else path_problem(name)  # the regex: the common case at C speed
    return f"{problem}: rename it" if problem else None


def _shown(rel: str) -> str:
    """An unsafe path as reports show it: bytes that are not UTF-8, control characters and line
    separators written as backslash escapes, so the name can never break a line of output."""
    return one_line(rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"))


def _read_entry(
    fd: int, name: str, rel: str, opened: int | OSError, *, hash_files: bool, buffer: bytearray, read: _Read | None
) -> Entry | None:
    """Hash one entry from its descriptor (or its open error); None when it is a real folder (to be walked)."""
    if isinstance(opened, OSError):
        return _classify(fd, name, rel, opened)
    try:
        info = os.fstat(opened)
        if stat.S_ISDIR(info.st_mode):
            return None
        special = _special(info.st_mode, rel)
        if special or not hash_files:
            return special or Entry(rel, "file", info.st_size)
        view = memoryview(buffer)
        count = os.readv(opened, [buffer])
        digest = hashlib.sha256(view[:count])
        size = count
        while count == BUFFER:
            count = os.readv(opened, [buffer])
            digest.update(view[:count])
            size += count
        if read is not None and size == info.st_size:
            read.append((rel, stat_of(info), digest.hexdigest()))
        return Entry(rel, "file", size, digest.hexdigest())
    except OSError as exc:
        if exc.errno == errno.EISDIR:
            return None
        if exc.errno in (errno.EAGAIN, errno.ENXIO):
            return Entry(rel, "special", error="not a regular file (FIFO, socket or device)")
        return Entry(rel, "unreadable", error=exc.strerror or str(exc))


def _classify(fd: int, name: str, rel: str, exc: OSError) -> Entry | None:
    try:
        mode = os.lstat(name, dir_fd=fd).st_mode
    except OSError:
        return Entry(rel, "unreadable", error=exc.strerror or str(exc))
    if stat.S_ISLNK(mode):
        return Entry(rel, "symlink", error="symbolic link, not followed")
    if stat.S_ISDIR(mode):
        return None
    return _special(mode, rel) or Entry(rel, "unreadable", error=exc.strerror or str(exc))


def _special(mode: int, rel: str) -> Entry | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return Entry(rel, "special", error="a folder where a file was expected")
    return Entry(rel, "special", error="not a regular file (FIFO, socket or device)")

"""The one way corpus-audit opens a file: beneath the corpus, no link followed, never blocking, bounded.

Every file the tool reads, payload or metadata, is opened here:
- relative to the corpus folder's descriptor, with no symbolic link followed at any component and
  no escape above it: `openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS)` where the kernel has it
  (Linux 5.6+), otherwise a walk one component at a time with O_NOFOLLOW;
- non-blocking, so a FIFO or a device never hangs the run, and then checked with fstat to be a
  regular file (or a folder, when one is asked for) before a byte is read;
- read with a size bound, so one huge file cannot take the machine's memory.
The corpus folder itself is the one path resolved as given: it is what the steward named.
"""

from __future__ import annotations

import ctypes
import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from provenance.errors import ManifestError

_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
_DIR_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_DIRECTORY
_RESOLVE_NO_SYMLINKS = 0x04
_RESOLVE_BENEATH = 0x08
_SYS_OPENAT2 = 437  # the same number on every Linux architecture (it is newer than the split)


class _OpenHow(ctypes.Structure):
    _fields_ = (("flags", ctypes.c_uint64), ("mode", ctypes.c_uint64), ("resolve", ctypes.c_uint64))


def _load_syscall() -> Callable[..., int] | None:
    if not hasattr(os, "O_PATH"):  # not Linux
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        call: Callable[..., int] = libc.syscall
        return call
    except (OSError, AttributeError):
        return None


_syscall = _load_syscall()
#: Whether openat2 is used; set to False when the kernel (or a sandbox) refuses it, or by tests.
use_openat2 = _syscall is not None


class NotRegularFileError(OSError):
    """The path is a FIFO, socket, device or folder where a regular file was expected."""


class TooLargeError(OSError):
    """The file is larger than the bound it may be read with."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(errno.EFBIG, f"{size:,} bytes, over the limit of {limit:,}")
        self.size, self.limit = size, limit


def open_dir(path: str | os.PathLike[str]) -> int:
    """A descriptor for the corpus folder itself (the one path taken as the steward gave it)."""
    return os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)


def open_beneath(root_fd: int, relative: str, *, directory: bool = False) -> int:
    """A descriptor for `relative` beneath the folder open on `root_fd`, no link followed anywhere.

    Raises OSError: ELOOP when a component is a symbolic link, EXDEV when the path would leave the
    folder, ENOENT, ENOTDIR and the like as the kernel reports them. A file is opened
    non-blocking: opening a FIFO returns at once.
    """
    global use_openat2  # noqa: PLW0603 - switched off once when the kernel refuses openat2
    flags = _DIR_FLAGS if directory else _FILE_FLAGS
    if not relative:
        return os.dup(root_fd) if directory else _refuse(errno.EISDIR, relative)
    if use_openat2 and _syscall is not None:
        how = _OpenHow(flags, 0, _RESOLVE_BENEATH | _RESOLVE_NO_SYMLINKS)
        fd = _syscall(_SYS_OPENAT2, root_fd, os.fsencode(relative), ctypes.byref(how), ctypes.sizeof(how))
        if fd >= 0:
            return int(fd)
        code = ctypes.get_errno()
        if code not in (errno.ENOSYS, errno.EPERM, errno.E2BIG):  # a real answer about the path
            raise OSError(code, _reason(code), relative)
        use_openat2 = False  # an old kernel or a sandbox that filters it: walk instead, from now on
    return _walk_open(root_fd, relative, flags)


def _walk_open(root_fd: int, relative: str, flags: int) -> int:
    """open_beneath without openat2: one component at a time, each with O_NOFOLLOW."""
    parts = relative.split("/")
    if relative.startswith("/") or any(part in ("", ".", "..") for part in parts):
        _refuse(errno.EXDEV, relative)
    fd = root_fd
    try:
        for part in parts[:-1]:
            try:
                child = os.open(part, _DIR_FLAGS, dir_fd=fd)
            except OSError as exc:  # O_DIRECTORY|O_NOFOLLOW on a link says ENOTDIR: tell them apart
                code = errno.ELOOP if exc.errno == errno.ENOTDIR and _is_link(fd, part) else exc.errno
                raise OSError(code, _reason(code or 0), relative) from None
            if fd != root_fd:
                os.close(fd)
            fd = child
        try:
            return os.open(parts[-1], flags, dir_fd=fd)
        except OSError as exc:
            code = errno.ELOOP if exc.errno == errno.ENOTDIR and _is_link(fd, parts[-1]) else exc.errno
            raise OSError(code, _reason(code or 0), relative) from None
    finally:
        if fd != root_fd:
            os.close(fd)


def _is_link(fd: int, name: str) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(name, dir_fd=fd).st_mode)
    except OSError:
        return False


def _reason(code: int) -> str:
    if code == errno.ELOOP:
        return "symbolic link, not followed"
    if code == errno.EXDEV:
        return "path leaves the corpus folder"
    return os.strerror(code)


def _refuse(code: int, relative: str) -> int:
    raise OSError(code, _reason(code), relative)


def check_regular(fd: int, *, limit: int | None = None) -> os.stat_result:
    """fstat `fd`: a regular file (else NotRegularFileError) of at most `limit` bytes (else TooLargeError)."""
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file (FIFO, socket or device)"
        raise NotRegularFileError(errno.EINVAL, kind)
    if limit is not None and info.st_size > limit:
        raise TooLargeError(info.st_size, limit)
    return info


def read_fd(fd: int, *, limit: int) -> bytes:
    """The whole regular file open on `fd`, which must hold at most `limit` bytes.

    The buffer is sized from fstat. A file that grows past the limit while being read is
    TooLargeError, so what is returned is never silently cut short.
    """
    info = check_regular(fd, limit=limit)
    chunks = []
    want, got = min(info.st_size + 1, limit + 1), 0
    while chunk := os.read(fd, want):
        chunks.append(chunk)
        got += len(chunk)
        if got > limit:
            raise TooLargeError(got, limit)
        if len(chunk) < want and got >= info.st_size:  # the end fstat saw: no extra read to see EOF
            break
        want = min(1 << 20, limit + 1 - got)
    return b"".join(chunks)  # a single chunk is returned as it is, not copied


def read_beneath(root: str | os.PathLike[str], relative: str, *, limit: int) -> bytes:
    """The bytes of corpus file `relative` (see open_beneath, check_regular and read_fd)."""
    root_fd = open_dir(root)
    try:
        fd = open_beneath(root_fd, relative)
    finally:
        os.close(root_fd)
    try:
        return read_fd(fd, limit=limit)
    finally:
        os.close(fd)


def open_regular(path: str | os.PathLike[str]) -> BinaryIO:
    """A file named on the command line (a saved report), opened only if it is a regular file.

    Opened non-blocking and checked with fstat first, so a FIFO or a device raises
    NotRegularFileError instead of hanging; links are followed, as the user named the path.
    """
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    try:
        check_regular(fd)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


METADATA_LIMIT = 64 << 20  # WAIVERS.md, outlets.toml and the like: larger is not a steward's file


def open_metadata(corpus: Path, name: str) -> BinaryIO | None:
    """A corpus metadata file (INDEX.md, WAIVERS.md, ...) open for reading; None when there is none.

    The same rules as payload: no link followed, no FIFO or device opened for reading. Anything
    else raises ManifestError naming the file, which the CLI reports with exit 2.
    """
    path = corpus / name
    try:
        root_fd = open_dir(corpus)
    except OSError as exc:
        raise ManifestError(path, f"cannot open the corpus folder: {exc.strerror}") from None
    try:
        fd = open_beneath(root_fd, name)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ManifestError(path, _metadata_problem(exc)) from None
    finally:
        os.close(root_fd)
    try:
        check_regular(fd)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except OSError as exc:
        os.close(fd)
        raise ManifestError(path, _metadata_problem(exc)) from None


def read_metadata(corpus: Path, name: str, *, limit: int = METADATA_LIMIT) -> bytes | None:
    """The bytes of a corpus metadata file (see open_metadata); None when there is none."""
    handle = open_metadata(corpus, name)
    if handle is None:
        return None
    with handle:
        try:
            return read_fd(handle.fileno(), limit=limit)
        except OSError as exc:
            raise ManifestError(corpus / name, _metadata_problem(exc)) from None


def _metadata_problem(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "is a symbolic link: corpus-audit never follows links; put the file itself there"
    if isinstance(exc, NotRegularFileError):
        return f"is {exc.strerror}: expected a regular file"
    if isinstance(exc, TooLargeError):
        return f"is too large ({exc.strerror})"
    return f"cannot read: {exc.strerror or exc}"

"""Atomic file output: write to a temporary file beside the target, then rename over it."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from provenance.errors import UsageError


def write_atomic(path: Path, data: bytes | str) -> None:
    """Replace `path` with `data` so readers see the old file or the new one, never half of one."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    make_folder(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _mode_for(path: Path) -> int:
    """Keep an existing file's mode; a new file gets the usual 0o666 less the umask."""
    try:
        return os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def check_folder(path: Path) -> Path:
    """`path` if it is a folder or can be made one; a usage error naming whatever is in the way.

    Nothing is created, so a long run can check its output folder before it starts.
    """
    for existing in (path, *path.parents):
        if os.path.exists(existing):  # follows symbolic links; "under a file" reads as absent, so go up
            if os.path.isdir(existing):
                return path
            if existing == path:
                raise UsageError(f"{path}: exists and is not a directory")
            raise UsageError(f"{path}: {existing} is not a directory")
    return path


def make_folder(path: Path) -> Path:
    """Create `path` and its parents (fine if they exist); a usage error when a file is in the way."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        check_folder(path)  # names the file in the way
        raise UsageError(f"{path}: cannot create the folder: {exc.strerror}") from None
    return path

"""Atomic file output: write to a temporary file beside the target, then rename over it.

A set of outputs (a report folder) is written into a staging folder beside them and moved into
place together, so readers see the old set or the new one, never a mix.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from provenance.errors import UsageError
from provenance.interrupts import sigint_deferred


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


STAGING_PREFIX = ".staging."


class Staging:
    """A hidden folder inside `folder` where a set of outputs is written before `commit` moves it in.

    Its name is chosen up front and it is created on first need (`create`, or by whoever writes
    into `path`), so a run that fails before writing anything creates nothing.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / f"{STAGING_PREFIX}{secrets.token_hex(8)}"

    def create(self) -> Path:
        """Make the staging folder (and the folder it is in); its path."""
        make_folder(self.folder)
        self.path.mkdir(exist_ok=True)
        return self.path

    def commit(self, names: Sequence[str]) -> None:
        """Move each of `names` (a file or a folder) present in staging into the folder, in order.

        Ctrl-C is held back until every one is moved. A file replaces its namesake atomically; a
        folder replaces its namesake by two renames (the old one goes into staging, removed with
        it). Whatever is in the way is checked first, so the renames do not fail half-way.
        """
        staged = [name for name in names if os.path.lexists(self.path / name)]
        for name in staged:
            target = self.folder / name
            if not (self.path / name).is_dir() and target.is_dir() and not target.is_symlink():
                raise UsageError(f"{target}: is a directory")
        with sigint_deferred():
            for name in staged:
                source, target = self.path / name, self.folder / name
                if source.is_dir() and os.path.lexists(target):
                    os.rename(target, self.path / f".replaced.{name}")
                os.replace(source, target)

    def discard(self) -> None:
        """Remove the staging folder and whatever is left in it (Ctrl-C waits until it is gone)."""
        with sigint_deferred():
            shutil.rmtree(self.path, ignore_errors=True)


@contextlib.contextmanager
def staging(folder: Path) -> Iterator[Staging]:
    """A Staging in `folder`, removed however the block ends (an error, Ctrl-C, or after a commit)."""
    stage = Staging(folder)
    try:
        yield stage
    finally:
        stage.discard()

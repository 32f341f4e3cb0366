"""What an export writes from: the verified manifest, and a reader that copies only verified bytes.

Every file is opened by the project's safe openers (safeopen.py): beneath the corpus, no link
followed at any component, and only when it is a regular file, so a file swapped for a link or a
FIFO after fixity ran is refused, never followed and never waited on.
"""

from __future__ import annotations

import errno
import hashlib
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

from provenance.errors import ExportRefusedError
from provenance.fixity.walk import METADATA_FILES
from provenance.manifest.model import INDEX_NAME, Manifest, Pin, Row
from provenance.parsing.settings import DEFAULT, ParseSettings
from provenance.safeopen import check_regular, open_beneath, open_dir, open_metadata

CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class ExportPlan:
    """A corpus whose files all matched INDEX.md a moment ago, and how to copy them."""

    corpus: Path
    manifest: Manifest
    pin: Pin
    today: date
    link: bool = False  # hard-link payload files where the filesystem allows, instead of copying
    settings: ParseSettings = DEFAULT  # how the corpus's policy reads its articles (for parsed tables)
    jobs: int = 1

    @property
    def rows(self) -> tuple[Row, ...]:
        return tuple(sorted(self.manifest.rows, key=lambda row: row.file))

    def copy(self, row: Row, target: Path) -> tuple[int, str]:
        """Copy (or hard-link) the payload file of `row` to `target`; its size and sha256, which must
        still be the ones INDEX.md records, else ExportRefusedError."""
        target.parent.mkdir(parents=True, exist_ok=True)
        if self.link and self._linked(row.file, target):
            with target.open("rb") as handle:
                size, digest = _digest(handle)
        else:
            with self._payload(row.file) as source, target.open("xb") as sink:
                size, digest = _digest(source, sink)
        if (size, digest) != (row.bytes, row.sha256):
            raise ExportRefusedError(
                f"{row.file}: changed while being exported (expected {row.bytes} bytes, sha256 {row.sha256[:12]}…; "
                f"found {size} bytes, sha256 {digest[:12]}…): run `corpus-audit verify` and export again"
            )
        return size, digest

    def copy_metadata(self, folder: Path) -> list[tuple[str, int, str]]:
        """Copy the corpus's own metadata files that exist (INDEX.md first) into `folder`:
        (name, size, sha256) of each. A link or a FIFO there is a ManifestError, as everywhere."""
        folder.mkdir(parents=True, exist_ok=True)
        copied = []
        for name in (INDEX_NAME, *sorted(METADATA_FILES - {INDEX_NAME})):
            handle = open_metadata(self.corpus, name)
            if handle is None:
                continue
            with handle, (folder / name).open("xb") as sink:
                copied.append((name, *_digest(handle, sink)))
        return copied

    def _payload(self, name: str) -> BinaryIO:
        """A payload file open for reading, beneath the corpus, only if it is a regular file."""
        root = open_dir(self.corpus)
        try:
            fd = open_beneath(root, name)
        except OSError as exc:
            raise ExportRefusedError(f"{name}: cannot be read ({_why(exc)}): run `corpus-audit verify`") from None
        finally:
            os.close(root)
        try:
            check_regular(fd)
            os.set_blocking(fd, True)
        except OSError as exc:
            os.close(fd)
            raise ExportRefusedError(f"{name}: {_why(exc)}: run `corpus-audit verify`") from None
        return os.fdopen(fd, "rb")

    def _linked(self, name: str, target: Path) -> bool:
        """Hard-link payload file `name` at `target`, its folder opened beneath the corpus and the
        file itself never through a link; False when the filesystem cannot link."""
        folder, _, base = name.rpartition("/")
        root = open_dir(self.corpus)
        try:
            parent = open_beneath(root, folder, directory=True) if folder else os.dup(root)
        except OSError as exc:
            raise ExportRefusedError(f"{name}: cannot be read ({_why(exc)}): run `corpus-audit verify`") from None
        finally:
            os.close(root)
        try:
            os.link(base, target, src_dir_fd=parent, follow_symlinks=False)
        except OSError as exc:
            if exc.errno in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
                return False
            raise ExportRefusedError(f"{name}: cannot be linked ({_why(exc)})") from None
        finally:
            os.close(parent)
        if not target.is_file() or target.is_symlink():  # a link to a link or a FIFO: not payload
            target.unlink()
            raise ExportRefusedError(f"{name}: not a regular file: run `corpus-audit verify`")
        return True


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


def sha256_of(path: Path) -> str:
    """The sha256 of a file the export itself wrote (a table, a tag file), read a chunk at a time."""
    with path.open("rb") as handle:
        return _digest(handle)[1]


def _digest(source: BinaryIO, sink: BinaryIO | None = None) -> tuple[int, str]:
    """Size and sha256 of what `source` holds, written to `sink` as it is read."""
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if sink is not None:
            sink.write(chunk)
    return size, digest.hexdigest()

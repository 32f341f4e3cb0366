"""What an export writes from: the verified manifest, and a reader that copies only verified bytes."""

from __future__ import annotations

import errno
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from provenance.errors import ExportRefusedError
from provenance.fixity.walk import METADATA_FILES
from provenance.manifest.model import Manifest, Pin, Row
from provenance.parsing.settings import DEFAULT, ParseSettings
from provenance.safeopen import open_beneath, open_dir

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

    def metadata(self) -> Iterator[str]:
        """The corpus's own metadata files that exist (INDEX.md first), as regular files."""
        root = open_dir(self.corpus)
        try:
            for name in ("INDEX.md", *sorted(METADATA_FILES - {"INDEX.md"})):
                try:
                    os.close(open_beneath(root, name))
                except FileNotFoundError:
                    continue
                except OSError as exc:
                    raise ExportRefusedError(f"{name}: cannot be read ({exc.strerror or exc})") from None
                yield name
        finally:
            os.close(root)

    def copy(self, name: str, target: Path, *, row: Row | None) -> tuple[int, str]:
        """Copy (or hard-link) `name` from beneath the corpus to `target`; its size and sha256.

        A payload file (`row` given) must still be the bytes INDEX.md records, else ExportRefusedError.
        """
        target.parent.mkdir(parents=True, exist_ok=True)
        if self.link and row is not None and _linked(self.corpus / name, target):
            size, digest = _digest(target)
        else:
            size, digest = self._copied(name, target)
        if row is not None and (size, digest) != (row.bytes, row.sha256):
            raise ExportRefusedError(
                f"{name}: changed while being exported (expected {row.bytes} bytes, sha256 {row.sha256[:12]}…; "
                f"found {size} bytes, sha256 {digest[:12]}…): run `corpus-audit verify` and export again"
            )
        return size, digest

    def _copied(self, name: str, target: Path) -> tuple[int, str]:
        root = open_dir(self.corpus)
        try:
            fd = open_beneath(root, name)  # no link followed, nothing outside the corpus
        except OSError as exc:
            why = exc.strerror or str(exc)
            raise ExportRefusedError(f"{name}: cannot be read ({why}): run `corpus-audit verify`") from None
        finally:
            os.close(root)
        digest, size = hashlib.sha256(), 0
        with os.fdopen(fd, "rb") as source, target.open("xb") as sink:
            os.set_blocking(fd, True)
            while chunk := source.read(CHUNK):
                digest.update(chunk)
                sink.write(chunk)
                size += len(chunk)
        return size, digest.hexdigest()


def _linked(source: Path, target: Path) -> bool:
    """Hard-link `source` (never through a symbolic link) at `target`; False when the filesystem cannot."""
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError as exc:
        if exc.errno in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP):
            return False
        raise
    if target.is_symlink():  # a link to a symbolic link: not a payload file
        target.unlink()
        return False
    return True


def _digest(path: Path) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()

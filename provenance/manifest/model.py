"""INDEX.md, the Markdown manifest that pins every corpus file's bytes: its rows, pin and rendering.

manifest_reader reads it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import NamedTuple

INDEX_NAME = "INDEX.md"
REQUIRED = ("file", "sha256", "bytes")
INDEX_LIMIT = 1 << 30  # bytes of INDEX.md read at most: one of a million rows is about 150 MB
DEFAULT_HEADER = ("file", "sha256", "bytes")
PIN_LINE = re.compile(
    r"^\*\*Corpus pin:\*\* (?P<files>[0-9]{1,18}) files?, (?P<bytes>[0-9]{1,24}) bytes, "
    r"sha256 `(?P<digest>[0-9a-f]{64})`\Z"
)
_NEW_PROLOGUE = (
    "# Corpus manifest",
    "",
    "Every payload file of this corpus with its size and SHA-256, maintained by "
    "`corpus-audit index` and checked by `corpus-audit verify`.",
    "",
)


NO_EXTRA: Mapping[str, str] = MappingProxyType({})
PIN_CHUNK = 8192  # listing lines hashed at a time (at 1,000,000 files the whole text was 230 MB of strings)


class Row(NamedTuple):
    """One manifest row: the pinned facts plus any steward columns, kept verbatim."""

    file: str
    sha256: str
    bytes: int
    extra: Mapping[str, str] = NO_EXTRA
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Pin:
    """The one-line summary under the table: count, total size and a digest of (file, sha256)."""

    files: int
    bytes: int
    digest: str

    def render(self) -> str:
        return f"**Corpus pin:** {self.files} files, {self.bytes} bytes, sha256 `{self.digest}`"


@dataclass(frozen=True, slots=True)
class Manifest:
    """A parsed INDEX.md: the prose around the table is kept so rendering round-trips."""

    header: tuple[str, ...] = DEFAULT_HEADER
    rows: tuple[Row, ...] = ()
    before: tuple[str, ...] = _NEW_PROLOGUE
    after: tuple[str, ...] = ()
    pin: Pin | None = None
    pin_line: int | None = None
    newline: str = "\n"

    def by_file(self) -> dict[str, Row]:
        return {row.file: row for row in self.rows}

    def expected_pin(self) -> Pin:
        return compute_pin((row.file, row.sha256, row.bytes) for row in self.rows)

    def with_rows(self, rows: Iterable[Row]) -> Manifest:
        return replace(self, rows=tuple(sorted(rows, key=lambda r: r.file)))

    def column(self, name: str) -> str | None:
        """The header cell naming column `name` (case-insensitive), or None."""
        return next((h for h in self.header if h.lower() == name), None)


def compute_pin(entries: Iterable[tuple[str, str, int]]) -> Pin:
    """Digest = SHA-256 of the `sha256sum` listing (`<sha256>  <file>` lines) sorted by file."""
    listing = sorted(entries)
    digest = hashlib.sha256()
    for start in range(0, len(listing), PIN_CHUNK):  # one update per chunk: never the whole listing as text
        digest.update("".join([f"{sha}  {name}\n" for name, sha, _ in listing[start : start + PIN_CHUNK]]).encode())
    return Pin(len(listing), sum(size for _, _, size in listing), digest.hexdigest())


def render_manifest(manifest: Manifest, *, pin: Pin | None = None) -> str:
    """INDEX.md text: prose before, the table sorted by file, the pin, then the prose after.

    `pin` is the rows' pin when the caller has already computed it (manifest.expected_pin())."""

    def cell(value: str) -> str:
        return value.replace("|", "\\|")

    out = list(manifest.before)
    out.append("| " + " | ".join(cell(h) for h in manifest.header) + " |")
    out.append("|" + "|".join("---" for _ in manifest.header) + "|")
    rows = sorted(manifest.rows, key=lambda r: r.file)
    if tuple(h.lower() for h in manifest.header) == REQUIRED:  # the usual table: one f-string a row
        out += [f"| `{cell(row.file)}` | {row.sha256} | {row.bytes} |" for row in rows]
    else:
        for row in rows:
            pinned = {"file": f"`{row.file}`", "sha256": row.sha256, "bytes": str(row.bytes)}
            values = [pinned.get(h.lower(), row.extra.get(h, "")) for h in manifest.header]
            out.append("| " + " | ".join(cell(v) for v in values) + " |")
    out.extend(["", (pin or manifest.expected_pin()).render()])
    after = list(manifest.after)
    while after and not after[0].strip():
        after.pop(0)
    if after:
        out.extend(["", *after])
    return manifest.newline.join(out) + manifest.newline

"""INDEX.md, the Markdown manifest that pins every corpus file's bytes: its rows, pin and rendering.

manifest_reader reads it.
"""

from __future__ import annotations

import hashlib
import re
from array import array
from collections.abc import Iterable, Iterator, KeysView, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import NamedTuple, overload

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


_HEX = re.compile(r"[0-9a-f]{64}\Z")
NO_LINE = -1  # a row's line when it came from no file (rows built in memory)


class Rows(Sequence[Row]):
    """A manifest's rows, held as columns: the names, the digests as 32 bytes each, the sizes and
    the line numbers in arrays, and the rare steward columns by row. A Row is made when one is
    asked for. At 1,000,000 rows, Row objects held about 380 MB; the columns hold about 140 MB.

    It compares equal to any tuple or list of the same Rows, as the tuple it replaces did.
    """

    __slots__ = ("_digests", "_extras", "_files", "_index", "_lines", "_sizes")

    def __init__(
        self,
        files: list[str],
        digests: bytes | list[str],
        sizes: array[int],
        lines: array[int],
        extras: dict[int, Mapping[str, str]] | None = None,
    ) -> None:
        self._files, self._sizes, self._lines, self._extras = files, sizes, lines, extras or {}
        self._digests = digests  # bytes: 32 a row; a list of str when one is not lowercase hex
        self._index: dict[str, int] | None = None

    @classmethod
    def of(cls, rows: Iterable[Row]) -> Rows:
        """Rows from Row objects (any iterable; a Rows is returned as it is)."""
        if isinstance(rows, Rows):
            return rows
        listed = list(rows)
        return cls(
            [row.file for row in listed],
            _packed([row.sha256 for row in listed]),
            array("q", [row.bytes for row in listed]),
            array("q", [NO_LINE if row.line is None else row.line for row in listed]),
            {at: MappingProxyType(dict(row.extra)) for at, row in enumerate(listed) if row.extra},
        )

    def __len__(self) -> int:
        return len(self._files)

    @overload
    def __getitem__(self, at: int) -> Row: ...
    @overload
    def __getitem__(self, at: slice) -> tuple[Row, ...]: ...
    def __getitem__(self, at: int | slice) -> Row | tuple[Row, ...]:
        if isinstance(at, slice):
            return tuple(self._row(n) for n in range(*at.indices(len(self))))
        if at < 0:
            at += len(self)
        if not 0 <= at < len(self):
            raise IndexError("row index out of range")
        return self._row(at)

    def __iter__(self) -> Iterator[Row]:
        return map(self._row, range(len(self)))

    def triples(self) -> Iterator[tuple[str, str, int]]:
        """(file, sha256, bytes) of each row, without making a Row."""
        return zip(self._files, map(self._digest, range(len(self))), self._sizes, strict=True)

    def position(self, file: str) -> int | None:
        """The row of `file`, or None."""
        return self._names().get(file)

    def names(self) -> KeysView[str]:
        """The listed names, as a set-like view."""
        return self._names().keys()

    def _names(self) -> dict[str, int]:
        """{name: row}, built on first use."""
        if self._index is None:
            self._index = {name: at for at, name in enumerate(self._files)}
        return self._index

    def _digest(self, at: int) -> str:
        digests = self._digests
        return digests[at] if isinstance(digests, list) else digests[at * 32 : at * 32 + 32].hex()

    def _row(self, at: int) -> Row:
        line = self._lines[at]
        extra = self._extras.get(at, NO_EXTRA)
        return Row(self._files[at], self._digest(at), self._sizes[at], extra, None if line == NO_LINE else line)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Rows | tuple | list):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"Rows({list(self)!r})"


def _packed(shas: list[str]) -> bytes | list[str]:
    """The digests as 32 bytes each, or as they are when one is not lowercase hex of 64 digits
    (rows built in memory may hold anything; the bytes must give back the very strings)."""
    if all(map(_HEX.match, shas)):
        return bytes.fromhex("".join(shas))
    return list(shas)


class Listed(Mapping[str, Row]):
    """INDEX.md's rows by file name: a view over the rows' columns (Manifest.by_file()), no Row
    held per file."""

    __slots__ = ("_rows",)

    def __init__(self, rows: Rows) -> None:
        self._rows = rows

    def __getitem__(self, file: str) -> Row:
        at = self._rows.position(file)
        if at is None:
            raise KeyError(file)
        return self._rows._row(at)

    def __contains__(self, file: object) -> bool:
        return isinstance(file, str) and self._rows.position(file) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows.names())

    def __len__(self) -> int:
        return len(self._rows)

    def keys(self) -> KeysView[str]:
        return self._rows.names()


@dataclass(frozen=True, slots=True)
class Manifest:
    """A parsed INDEX.md: the prose around the table is kept so rendering round-trips. `rows` may
    be given as any iterable of Row; it is held as Rows (columns)."""

    header: tuple[str, ...] = DEFAULT_HEADER
    rows: Rows = field(default_factory=lambda: Rows([], b"", array("q"), array("q")))
    before: tuple[str, ...] = _NEW_PROLOGUE
    after: tuple[str, ...] = ()
    pin: Pin | None = None
    pin_line: int | None = None
    newline: str = "\n"

    def __post_init__(self) -> None:
        if not isinstance(self.rows, Rows):  # a tuple or list of Row, as callers may give
            object.__setattr__(self, "rows", Rows.of(self.rows))  # type: ignore[unreachable]

    def by_file(self) -> Listed:
        """The rows by file name (a view: each Row made when asked for)."""
        return Listed(self.rows)

    def expected_pin(self) -> Pin:
        return compute_pin(self.rows.triples())

    def with_rows(self, rows: Iterable[Row]) -> Manifest:
        return replace(self, rows=Rows.of(sorted(rows, key=lambda r: r.file)))

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

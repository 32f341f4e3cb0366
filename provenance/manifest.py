"""Read and render INDEX.md, the Markdown manifest that pins every corpus file's bytes."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

from provenance.errors import ManifestError, Problem
from provenance.mdtable import cells as _cells
from provenance.mdtable import find_tables as _find_tables
from provenance.mdtable import is_delimiter as _is_delimiter
from provenance.mdtable import unquote as _unquote
from provenance.paths import SAFE_PATH, path_problem

INDEX_NAME = "INDEX.md"
REQUIRED = ("file", "sha256", "bytes")
DEFAULT_HEADER = ("file", "sha256", "bytes")
_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")
_PIN = re.compile(
    r"^\*\*Corpus pin:\*\* (?P<files>\d+) files?, (?P<bytes>\d+) bytes, sha256 `(?P<digest>[0-9a-f]{64})`$"
)
_NEW_PROLOGUE = (
    "# Corpus manifest",
    "",
    "Every payload file of this corpus with its size and SHA-256, maintained by "
    "`corpus-audit index` and checked by `corpus-audit verify`.",
    "",
)


_NO_EXTRA: Mapping[str, str] = MappingProxyType({})


class Row(NamedTuple):
    """One manifest row: the pinned facts plus any steward columns, kept verbatim."""

    file: str
    sha256: str
    bytes: int
    extra: Mapping[str, str] = _NO_EXTRA
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
    for name, sha, _ in listing:
        digest.update(f"{sha}  {name}\n".encode())
    return Pin(len(listing), sum(size for _, _, size in listing), digest.hexdigest())


def read_manifest(corpus: Path) -> Manifest:
    """Parse `corpus/INDEX.md`; every problem found is raised at once as one ManifestError."""
    path = corpus / INDEX_NAME
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ManifestError(path, f"no {INDEX_NAME} in {corpus}: run `corpus-audit index {corpus}`") from None
    except OSError as exc:
        raise ManifestError(path, f"cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ManifestError(path, [Problem(line, "not valid UTF-8")]) from None
    return parse_manifest(text, path=path)


def parse_manifest(text: str, *, path: Path | str = INDEX_NAME) -> Manifest:
    """Parse manifest text (see read_manifest)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = [line.rstrip("\r") for line in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    tables = _find_tables(lines)
    if not tables:
        raise ManifestError(path, "no table found: expected one pipe table with columns file, sha256, bytes")
    if len(tables) > 1:
        raise ManifestError(path, [Problem(tables[1][0] + 1, "a second table: INDEX.md holds exactly one table")])
    start, end = tables[0]
    problems: list[Problem] = []
    header = tuple(_cells(lines[start]))
    lowered = [h.lower() for h in header]
    for name in REQUIRED:
        if name not in lowered:
            problems.append(Problem(start + 1, f"table header lacks the column {name!r}"))
    for name in {h for h in lowered if lowered.count(h) > 1}:
        problems.append(Problem(start + 1, f"column {name!r} appears twice in the header"))
    if start + 1 >= end or not _is_delimiter(lines[start + 1], len(header)):
        problems.append(Problem(start + 2, "the header must be followed by a delimiter row such as |---|---|"))
    if problems:
        raise ManifestError(path, problems)
    rows = _parse_rows(lines, start + 2, end, header, problems)
    pin, pin_line, after = _split_pin(lines[end:], end)
    if problems:
        raise ManifestError(path, problems)
    return Manifest(header, tuple(rows), tuple(lines[:start]), after, pin, pin_line, newline)


def _parse_rows(lines: list[str], first: int, end: int, header: tuple[str, ...], problems: list[Problem]) -> list[Row]:
    keys = [h.lower() for h in header]
    at_file, at_sha, at_bytes = (keys.index(name) for name in REQUIRED)
    extra_at = [(i, h) for i, h in enumerate(header) if keys[i] not in REQUIRED]
    width = len(header)
    rows: list[Row] = []
    seen: dict[str, int] = {}
    fast = _row_pattern(keys)
    safe = SAFE_PATH.match
    for number in range(first + 1, end + 1):
        match = fast.fullmatch(lines[number - 1])
        if match:  # a well-formed row with no escapes: one regex instead of splitting and checks
            groups = match.groups()
            name = groups[at_file]
            if name not in seen and safe(name):
                seen[name] = number
                extra = {h: groups[i] for i, h in extra_at} if extra_at else _NO_EXTRA
                rows.append(Row(name, groups[at_sha], int(groups[at_bytes]), extra, number))
                continue
        cells = _cells(lines[number - 1])
        if len(cells) != width:
            problems.append(Problem(number, f"row has {len(cells)} cells, the header has {width}"))
            continue
        name = _unquote(cells[at_file])
        sha, size = cells[at_sha].strip("`"), cells[at_bytes].strip("`")
        row_problems = []
        if not SAFE_PATH.match(name):
            row_problems.append(path_problem(name) or f"unsafe file name {name!r}")
        if not _HEX64.match(sha):
            row_problems.append(f"bad sha256 {sha!r} for {name!r}: expected 64 hex digits")
        if not (size.isascii() and size.isdigit()):
            row_problems.append(f"bad size {size!r} for {name!r}: expected a whole number of bytes")
        if name in seen:
            row_problems.append(f"{name!r} is listed twice (first on line {seen[name]})")
        if row_problems:
            problems.extend(Problem(number, p) for p in row_problems)
            continue
        seen[name] = number
        extra = {h: cells[i] for i, h in extra_at} if extra_at else _NO_EXTRA
        rows.append(Row(name, sha.lower(), int(size), extra, number))
    return rows


def _row_pattern(keys: list[str]) -> re.Pattern[str]:
    """A regex matching a valid row without escaped pipes; each cell is a group, stripped."""
    cell = {
        "file": r"`?([^|\\`]*?)`?",
        "sha256": r"([0-9a-f]{64})",
        "bytes": r"(\d+)",
    }
    other = r"([^|\\]*?)"
    body = r"\|".join(rf"[ \t]*{cell.get(k, other)}[ \t]*" for k in keys)
    return re.compile(rf"[ \t]*\|{body}\|[ \t]*")


def _split_pin(rest: list[str], offset: int) -> tuple[Pin | None, int | None, tuple[str, ...]]:
    for index, line in enumerate(rest):
        match = _PIN.match(line.strip())
        if match:
            pin = Pin(int(match["files"]), int(match["bytes"]), match["digest"])
            return pin, offset + index + 1, tuple(rest[:index] + rest[index + 1 :])
    return None, None, tuple(rest)


def render_manifest(manifest: Manifest) -> str:
    """INDEX.md text: prose before, the table sorted by file, the pin, then the prose after."""

    def cell(value: str) -> str:
        return value.replace("|", "\\|")

    out = list(manifest.before)
    out.append("| " + " | ".join(cell(h) for h in manifest.header) + " |")
    out.append("|" + "|".join("---" for _ in manifest.header) + "|")
    for row in sorted(manifest.rows, key=lambda r: r.file):
        pinned = {"file": f"`{row.file}`", "sha256": row.sha256, "bytes": str(row.bytes)}
        values = [pinned.get(h.lower(), row.extra.get(h, "")) for h in manifest.header]
        out.append("| " + " | ".join(cell(v) for v in values) + " |")
    out.extend(["", manifest.expected_pin().render()])
    after = list(manifest.after)
    while after and not after[0].strip():
        after.pop(0)
    if after:
        out.extend(["", *after])
    return manifest.newline.join(out) + manifest.newline

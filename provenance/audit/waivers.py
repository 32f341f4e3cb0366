"""WAIVERS.md: failures a steward has explicitly accepted, each with a reason, an expiry and a digest."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from expectations.catalogue import CATALOGUE
from expectations.ids import Check
from provenance.errors import ManifestError, Problem
from provenance.findings import Result
from provenance.manifest.mdtable import cells, find_tables, is_delimiter, unquote
from provenance.manifest.paths import path_problem
from provenance.safeopen import read_metadata

WAIVERS_NAME = "WAIVERS.md"
REQUIRED = ("file", "check", "sha256", "expires", "reason")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True, slots=True)
class Waiver:
    """Accept the failure of `check` on `file` while the file has `sha256`, until `expires`."""

    file: str
    check: str
    sha256: str
    expires: date
    reason: str
    line: int


def read_waivers(corpus: Path) -> list[Waiver]:
    """The waivers in corpus/WAIVERS.md ([] when there is none); every problem raised at once."""
    path = corpus / WAIVERS_NAME
    data = read_metadata(corpus, WAIVERS_NAME)  # no link followed, no FIFO opened
    if data is None:
        return []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ManifestError(path, [Problem(data[: exc.start].count(b"\n") + 1, "not valid UTF-8")]) from None
    return parse_waivers(text, path=path)


def parse_waivers(text: str, *, path: Path | str = WAIVERS_NAME) -> list[Waiver]:
    lines = [line.rstrip("\r") for line in text.split("\n")]
    tables = find_tables(lines)
    if len(tables) != 1:
        where = Problem(tables[1][0] + 1 if len(tables) > 1 else None, "")
        raise ManifestError(
            path, [Problem(where.line, f"expected exactly one table with columns {', '.join(REQUIRED)}")]
        )
    start, end = tables[0]
    header = [h.lower() for h in cells(lines[start])]
    problems = [
        Problem(start + 1, f"table header lacks the column {name!r}") for name in REQUIRED if name not in header
    ]
    if start + 1 >= end or not is_delimiter(lines[start + 1], len(header)):
        problems.append(Problem(start + 2, "the header must be followed by a delimiter row such as |---|---|"))
    if problems:
        raise ManifestError(path, problems)
    waivers: list[Waiver] = []
    seen: dict[tuple[str, str], int] = {}
    for number in range(start + 3, end + 1):
        row = cells(lines[number - 1])
        if len(row) != len(header):
            problems.append(Problem(number, f"row has {len(row)} cells, the header has {len(header)}"))
            continue
        values = {h: unquote(c) for h, c in zip(header, row, strict=True)}
        waiver, row_problems = _waiver(values, number)
        if waiver and (waiver.file, waiver.check) in seen:
            row_problems.append(
                f"a second waiver for {waiver.check} on {waiver.file} (first on line {seen[waiver.file, waiver.check]})"
            )
        problems.extend(Problem(number, p) for p in row_problems)
        if waiver and not row_problems:
            seen[waiver.file, waiver.check] = number
            waivers.append(waiver)
    if problems:
        raise ManifestError(path, problems)
    return waivers


def _waiver(values: dict[str, str], number: int) -> tuple[Waiver | None, list[str]]:
    problems = []
    if unsafe := path_problem(values["file"]):
        problems.append(unsafe)
    if values["check"] not in CATALOGUE:
        problems.append(f"unknown check id {values['check']!r} (see the README's check ids)")
    sha = values["sha256"].lower()
    if not _HEX64.match(sha):
        problems.append(f"bad sha256 {values['sha256']!r}: expected the 64 hex digits of the waived file")
    try:
        expires = date.fromisoformat(values["expires"])
    except ValueError:
        problems.append(f"bad expiry {values['expires']!r}: expected a date such as 2027-06-30")
        expires = date.min
    if not values["reason"].strip():
        problems.append("a waiver needs a reason")
    if problems:
        return None, problems
    return Waiver(values["file"], values["check"], sha, expires, values["reason"].strip(), number), []


def judge_waiver(
    waiver: Waiver, *, digests: Mapping[str, str], today: date, failing: set[tuple[str, str | None]]
) -> Result | None:
    """None when the waiver applies; else the waiver's own finding (stale, expired or unused)."""
    where = {"waived_check": waiver.check, "waiver_line": waiver.line}
    current = digests.get(waiver.file)
    if current != waiver.sha256:
        found = current[:12] + "…" if current else "no such file"
        message = f"waiver for {waiver.check} was granted for sha256 {waiver.sha256[:12]}…, the file is now {found}"
        return Result(Check.WAIVER_STALE, waiver.file, "failed", message, {}, where)
    if waiver.expires < today:
        return Result(
            Check.WAIVER_EXPIRED,
            waiver.file,
            "failed",
            f"waiver for {waiver.check} expired on {waiver.expires.isoformat()}",
            {},
            where,
        )
    if (waiver.check, waiver.file) not in failing:
        return Result(
            Check.WAIVER_UNUSED,
            waiver.file,
            "failed",
            f"waiver for {waiver.check} matches no failure: remove it",
            {},
            where,
        )
    return None

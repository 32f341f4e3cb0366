"""The outlet registry: who published an article, recognised from markers in its text."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from provenance.errors import ManifestError, Problem
from provenance.parsing.textnorm import normalize_key
from provenance.safeopen import read_metadata

OUTLETS_NAME = "outlets.toml"
Evidence = Literal["credit", "dateline", "source", "title"]
_LISTS = ("credits", "datelines", "title_suffixes", "sources")


@dataclass(frozen=True, slots=True)
class Outlet:
    """One registry entry; marker tuples hold normalized keys, compared on normalized text."""

    id: str
    name_ar: str
    name_latin: str
    credits: tuple[str, ...]
    datelines: tuple[str, ...]
    title_suffixes: tuple[str, ...]
    sources: tuple[str, ...]
    default_tz: str | None
    started: date | None


@dataclass(frozen=True, slots=True)
class Registry:
    """Outlets by id, with lookup tables built once."""

    outlets: dict[str, Outlet]

    def by_credit(self, key: str) -> str | None:
        return _longest_prefix(key, ((m, o.id) for o in self.outlets.values() for m in o.credits))

    def by_dateline(self, agency_key: str) -> str | None:
        return next((o.id for o in self.outlets.values() if agency_key in o.datelines), None)

    def by_source(self, key: str) -> str | None:
        return _longest_prefix(key, ((m, o.id) for o in self.outlets.values() for m in o.sources))

    def by_title(self, key: str) -> str | None:
        matches = [(len(m), o.id) for o in self.outlets.values() for m in o.title_suffixes if key.endswith(" " + m)]
        return max(matches)[1] if matches else None

    def dateline_agencies(self) -> set[str]:
        return {m for o in self.outlets.values() for m in o.datelines}


def _longest_prefix(key: str, markers: Any) -> str | None:
    best: tuple[int, str] | None = None
    for marker, outlet in markers:
        if (key == marker or key.startswith(marker + " ")) and (best is None or len(marker) > best[0]):
            best = (len(marker), outlet)
    return best[1] if best else None


def load_registry(corpus: Path | None = None) -> Registry:
    """The shipped registry, extended (or overridden by id) by `corpus/outlets.toml` if present."""
    shipped = resources.files("provenance.parsing").joinpath("data", OUTLETS_NAME).read_text(encoding="utf-8")
    outlets = _parse(shipped, source="provenance/data/outlets.toml")
    data = read_metadata(corpus, OUTLETS_NAME) if corpus is not None else None  # no link, no FIFO
    if data is not None and corpus is not None:
        path = corpus / OUTLETS_NAME
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ManifestError(path, [Problem(data[: exc.start].count(b"\n") + 1, "not valid UTF-8")]) from None
        outlets.update(_parse(text, source=str(path)))
    return Registry(outlets)


_ENTRY = re.compile(r"^\s*\[\[\s*outlet\s*\]\]")
_KEYS = frozenset({"id", "name_ar", "name_latin", "default_tz", "started", *_LISTS})


def _parse(text: str, *, source: str) -> dict[str, Outlet]:
    """The outlets of a registry file; every problem, with its line, raised at once."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        raise ManifestError(source, [Problem(line, f"not valid TOML: {exc}")]) from None
    starts = [n for n, line in enumerate(text.splitlines(), start=1) if _ENTRY.match(line)]
    problems = [Problem(None, f"unknown key {key!r}: a registry holds only [[outlet]] tables") for key in data]
    problems = [p for p in problems if "'outlet'" not in p.message]
    entries = data.get("outlet", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        problems.append(Problem(None, "'outlet' must be an array of tables, each written [[outlet]]"))
        entries = []
    outlets: dict[str, Outlet] = {}
    for number, entry in enumerate(entries, start=1):
        line = starts[number - 1] if number <= len(starts) else None
        try:
            outlet = _outlet(entry)
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(Problem(line, f"[[outlet]] #{number}: {exc}"))
            continue
        if outlet.id in outlets:
            problems.append(Problem(line, f"[[outlet]] #{number}: outlet id {outlet.id!r} appears twice"))
        outlets[outlet.id] = outlet
    if problems:
        raise ManifestError(source, problems)
    return outlets


def _outlet(entry: dict[str, Any]) -> Outlet:
    """One registry entry, every field's type and value checked."""
    if not isinstance(entry.get("id"), str) or not entry["id"].strip():
        raise ValueError("needs a non-empty string 'id'")
    name = entry["id"]
    if unknown := sorted(set(entry) - _KEYS):
        raise ValueError(f"{name}: unknown key(s) {', '.join(map(repr, unknown))} (known: {', '.join(sorted(_KEYS))})")
    for key in ("name_ar", "name_latin"):
        if not isinstance(entry.get(key, ""), str):
            raise TypeError(f"{name}: '{key}' must be a string")
    for key in _LISTS:
        value = entry.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise TypeError(f"{name}: '{key}' must be a list of strings")
    zone = entry.get("default_tz")
    if zone is not None and (not isinstance(zone, str) or not _known_zone(zone)):
        raise ValueError(f"{name}: 'default_tz' must be a time zone name such as 'Asia/Riyadh', not {zone!r}")
    started = entry.get("started")
    if isinstance(started, str):
        try:
            started = date.fromisoformat(started)
        except ValueError:
            raise ValueError(f"{name}: 'started' must be a date such as 2014-11-10, not {started!r}") from None
    if started is not None and (isinstance(started, datetime) or not isinstance(started, date)):
        raise TypeError(f"{name}: 'started' must be a date such as 2014-11-10 (no time of day)")
    keys = {key: tuple(k for k in (normalize_key(v) for v in entry.get(key, [])) if k) for key in _LISTS}
    return Outlet(
        id=name,
        name_ar=entry.get("name_ar", ""),
        name_latin=entry.get("name_latin", ""),
        default_tz=zone,
        started=started,
        **keys,
    )


def _known_zone(name: str) -> bool:
    if name.upper() == "UTC":
        return True
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True

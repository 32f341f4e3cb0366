"""The outlet registry: who published an article, recognised from markers in its text."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from provenance.errors import ManifestError, Problem
from provenance.parsing.textnorm import normalize_key

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
    if corpus is not None and (corpus / OUTLETS_NAME).is_file():
        path = corpus / OUTLETS_NAME
        outlets.update(_parse(path.read_text(encoding="utf-8"), source=str(path)))
    return Registry(outlets)


def _parse(text: str, *, source: str) -> dict[str, Outlet]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        raise ManifestError(source, [Problem(line, f"not valid TOML: {exc}")]) from None
    problems: list[Problem] = []
    outlets: dict[str, Outlet] = {}
    for number, entry in enumerate(data.get("outlet", []), start=1):
        where = f"[[outlet]] #{number}"
        try:
            outlet = _outlet(entry)
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(Problem(None, f"{where}: {exc}"))
            continue
        if outlet.id in outlets:
            problems.append(Problem(None, f"{where}: outlet id {outlet.id!r} appears twice"))
        outlets[outlet.id] = outlet
    if problems:
        raise ManifestError(source, problems)
    return outlets


def _outlet(entry: dict[str, Any]) -> Outlet:
    if not isinstance(entry.get("id"), str) or not entry["id"]:
        raise ValueError("needs a non-empty string 'id'")
    for name in _LISTS:
        value = entry.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise TypeError(f"{entry['id']}: '{name}' must be a list of strings")
    started = entry.get("started")
    if isinstance(started, str):
        started = date.fromisoformat(started)
    if started is not None and not isinstance(started, date):
        raise TypeError(f"{entry['id']}: 'started' must be a date such as 2014-11-10")
    keys = {name: tuple(k for k in (normalize_key(v) for v in entry.get(name, [])) if k) for name in _LISTS}
    return Outlet(
        id=entry["id"],
        name_ar=str(entry.get("name_ar", "")),
        name_latin=str(entry.get("name_latin", "")),
        default_tz=entry.get("default_tz"),
        started=started,
        **keys,
    )

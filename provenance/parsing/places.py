"""The gazetteer and word lists for attribution headers: places, sections, report and wire words, non-names."""

from __future__ import annotations

import functools
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Any, Final

from provenance.errors import ManifestError, Problem
from provenance.parsing.textnorm import normalize_key

__all__ = ["PLACES_NAME", "Gazetteer", "load_gazetteer", "parse_gazetteer"]

PLACES_NAME: Final = "places.toml"
_SHIPPED: Final = "provenance/parsing/data/places.toml"
_CODE = re.compile(r"[A-Z]{2}")  # the loader checks the shape; tests hold every code to outlets.COUNTRIES
_WORD_LISTS: Final = ("sections", "report", "wire", "not_names")
_NEVER_PLACES: Final = ("sections", "report", "wire")  # words that stand where a city would and are none
_TABLE = re.compile(r"^\s*\[\s*([^\]\s]+)\s*\]")
_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=")


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """Place names and word lists, each keyed by normalize_key; every method takes a normalized key."""

    places: Mapping[str, tuple[str, ...]]  # place key -> ISO 3166-1 alpha-2 codes, sorted
    sections: frozenset[str]
    report_words: frozenset[str]
    wire_words: frozenset[str]
    not_names: frozenset[str]
    longest_place_words: int  # the most words any place name has (for scanning)

    def countries(self, key: str) -> tuple[str, ...]:
        """The codes of the countries that have a place of this name, () if none does."""
        return self.places.get(key, ())

    def is_place(self, key: str) -> bool:
        return key in self.places

    def is_section(self, key: str) -> bool:
        return key in self.sections

    def is_report_word(self, key: str) -> bool:
        return key in self.report_words

    def is_wire_word(self, key: str) -> bool:
        return key in self.wire_words

    def is_not_name(self, word_key: str) -> bool:
        """Whether this one word cannot be part of a person's name."""
        return word_key in self.not_names


@functools.cache
def load_gazetteer() -> Gazetteer:
    """The gazetteer shipped in provenance/parsing/data/places.toml (read once)."""
    text = resources.files("provenance.parsing").joinpath("data", PLACES_NAME).read_text(encoding="utf-8")
    return parse_gazetteer(text, source=_SHIPPED)


def parse_gazetteer(text: str, *, source: str = _SHIPPED) -> Gazetteer:
    """The gazetteer a places.toml text holds; every problem, with its line, raised at once as ManifestError."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(source, [Problem(_decode_line(exc), f"not valid TOML: {exc}")]) from None
    where = _Lines(text)
    problems = [
        Problem(where.of(key), f"unknown table {key!r}: a gazetteer holds only [places] and [words]")
        for key in data
        if key not in ("places", "words")
    ]
    places = _places(data.get("places"), where, problems)
    words = _words(data.get("words"), where, problems)
    for name in _NEVER_PLACES:
        for key in sorted(words.get(name, {}).keys() & places.keys()):
            line = where.of("words", name, words[name][key])
            problems.append(Problem(line, f"[words] {name}: {words[name][key]!r} is also a place"))
    if problems:
        raise ManifestError(source, problems)
    codes = MappingProxyType({key: tuple(sorted(found)) for key, found in places.items()})
    return Gazetteer(
        places=codes,
        sections=frozenset(words["sections"]),
        report_words=frozenset(words["report"]),
        wire_words=frozenset(words["wire"]),
        not_names=frozenset(words["not_names"]),
        longest_place_words=max((len(key.split()) for key in codes), default=0),
    )


def _places(table: object, where: _Lines, problems: list[Problem]) -> dict[str, set[str]]:
    """Place key -> the codes listing it; a problem for each bad code, list or name."""
    if not isinstance(table, dict):
        problems.append(Problem(where.of("places"), "needs a [places] table of country code = [names]"))
        return {}
    places: dict[str, set[str]] = {}
    for code, names in table.items():
        if not _CODE.fullmatch(code) or code == "XX":  # XX is outlets.toml's "pan-Arab", no country
            problems.append(Problem(where.of("places", code), f"[places] {code!r} is not an ISO 3166-1 alpha-2 code"))
            continue
        for key in _names(names, f"[places] {code}", ("places", code), where, problems):
            places.setdefault(key, set()).add(code)
    return places


def _words(table: object, where: _Lines, problems: list[Problem]) -> dict[str, dict[str, str]]:
    """Each word list as key -> the word as written; a problem for each bad, missing or shared word."""
    if not isinstance(table, dict):
        problems.append(Problem(where.of("words"), f"needs a [words] table with {', '.join(_WORD_LISTS)}"))
        return {name: {} for name in _WORD_LISTS}
    problems.extend(
        Problem(where.of("words", key), f"[words] unknown list {key!r} (known: {', '.join(_WORD_LISTS)})")
        for key in table
        if key not in _WORD_LISTS
    )
    words: dict[str, dict[str, str]] = {}
    for name in _WORD_LISTS:
        if name in table:
            words[name] = _names(table[name], f"[words] {name}", ("words", name), where, problems)
        else:
            problems.append(Problem(where.of("words"), f"[words] needs a {name!r} list"))
            words[name] = {}
    for key, word in words["not_names"].items():
        if " " in key:
            line = where.of("words", "not_names", word)
            problems.append(Problem(line, f"[words] not_names: {word!r} is not one word"))
    owners: dict[str, str] = {}
    for name in _NEVER_PLACES:
        for key, word in words[name].items():
            if (owner := owners.setdefault(key, name)) != name:
                line = where.of("words", name, word)
                problems.append(Problem(line, f"[words] {name}: {word!r} is already in {owner}"))
    return words


def _names(value: object, label: str, path: tuple[str, str], where: _Lines, problems: list[Problem]) -> dict[str, str]:
    """The normalized keys of a list of names (key -> the name as written), each problem noted."""
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        problems.append(Problem(where.of(*path), f"{label} must be a non-empty list of strings"))
        return {}
    keys: dict[str, str] = {}
    seen: dict[str, int] = {}  # name -> how many times it came before
    for name in value:
        nth = seen[name] = seen.get(name, -1) + 1
        key = normalize_key(name)
        if not key:
            problems.append(Problem(where.of(*path, name), f"{label}: {name!r} has no letters"))
        elif (first := keys.setdefault(key, name)) == name and nth:
            problems.append(Problem(where.of(*path, name, nth=nth), f"{label}: {name!r} is listed twice"))
        elif first != name:
            problems.append(Problem(where.of(*path, name), f"{label}: {name!r} is {first!r} again, normalized"))
    return keys


class _Lines:
    """Where a table, a key or a name within a key's list sits in the text (1-based; None if not found)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.starts: dict[tuple[str, ...], int] = {}
        table = ""
        for number, line in enumerate(self.lines, start=1):
            if match := _TABLE.match(line):
                table = match[1]
                self.starts.setdefault((table,), number)
            elif match := _KEY.match(line):
                self.starts.setdefault((table, match[1]) if table else (match[1],), number)

    def of(self, *path: str, nth: int = 0) -> int | None:
        """The line of a table (one part), a key (two) or the nth listing of a name in the key's list (three)."""
        start = self.starts.get(path[:2])
        if start is None or len(path) < 3:
            return start
        quoted = json.dumps(path[2], ensure_ascii=False)
        for number in range(start, len(self.lines) + 1):
            line = self.lines[number - 1]
            if number > start and (_KEY.match(line) or _TABLE.match(line)):
                break
            nth -= line.count(quoted)
            if nth < 0:
                return number
        return start


def _decode_line(exc: Any) -> int | None:
    line = getattr(exc, "lineno", None)  # Python 3.14+; older versions say it in the message
    if line is None and (match := re.search(r"line (\d+)", str(exc))):
        line = int(match[1])
    return line if isinstance(line, int) else None

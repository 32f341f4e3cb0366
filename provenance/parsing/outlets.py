"""The outlet registry: who published an article, recognised from markers in its text."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Final, Literal, cast, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from provenance.errors import ManifestError, Problem
from provenance.parsing.textnorm import normalize_key
from provenance.safeopen import read_metadata

OUTLETS_NAME = "outlets.toml"
Evidence = Literal["credit", "dateline", "source", "title"]
Kind = Literal["publisher", "agency"]
KINDS: Final = get_args(Kind)
_LISTS = ("credits", "datelines", "title_suffixes", "sources")
PAN_ARAB: Final = "XX"  # `country` of an outlet that belongs to no one country; stored as None
# ISO 3166-1 alpha-2, as in tzdata's iso3166.tab (a test holds the two equal where the file exists).
_ISO_3166 = """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV
    BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET
    FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM
    IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD
    ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE
    PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST
    SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS
    YE YT ZA ZM ZW"""
COUNTRIES: Final = frozenset(_ISO_3166.split())
# A host name as a URL carries it: lowercase ASCII labels (IDNs in their xn-- form), two or more,
# the last one not all digits (no IP addresses), no scheme, port, path or trailing dot.
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_HOST = re.compile(rf"{_LABEL}(?:\.{_LABEL})*\.(?!\d+$){_LABEL}")
_HOST_MAX = 253


@dataclass(frozen=True, slots=True)
class Outlet:
    """One registry entry; marker tuples hold normalized keys, compared on normalized text."""

    id: str
    kind: Kind
    name_ar: str
    name_latin: str
    names: tuple[str, ...]  # other names and spellings, as written (not evidence: never matched)
    country: str | None  # ISO 3166-1 alpha-2; None for a pan-Arab or international outlet
    domains: tuple[str, ...]  # host names; each also covers its subdomains
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
    _domains: dict[str, str] = field(init=False, repr=False, compare=False)
    _markers: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)
    _names: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)
    # Markers by the word a matching key must start (credits, sources) or end (titles) with, in
    # registry order: a line is compared with the few markers that can match it, not all of them.
    _credits: dict[str, list[tuple[str, str]]] = field(init=False, repr=False, compare=False)
    _sources: dict[str, list[tuple[str, str]]] = field(init=False, repr=False, compare=False)
    _titles: dict[str, list[tuple[str, str]]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # A domain two outlets list goes to the first: a corpus's own outlets come before the shipped ones.
        domains: dict[str, str] = {}
        markers: dict[str, list[str]] = {}
        names: dict[str, list[str]] = {}
        for outlet in self.outlets.values():
            for domain in outlet.domains:
                domains.setdefault(domain, outlet.id)
            for key in outlet.datelines:
                markers.setdefault(key, []).append(outlet.id)
            written = (outlet.name_ar, outlet.name_latin, *outlet.names)
            for key in {*outlet.datelines, *(normalize_key(name) for name in written)} - {""}:
                names.setdefault(key, []).append(outlet.id)
        object.__setattr__(self, "_domains", domains)
        for name, attribute, word in (
            ("_credits", "credits", 0),
            ("_sources", "sources", 0),
            ("_titles", "title_suffixes", -1),
        ):
            index: dict[str, list[tuple[str, str]]] = {}
            for outlet in self.outlets.values():
                for marker in getattr(outlet, attribute):
                    index.setdefault(marker.split(" ")[word], []).append((marker, outlet.id))
            object.__setattr__(self, name, index)
        object.__setattr__(self, "_markers", {key: tuple(ids) for key, ids in markers.items()})
        object.__setattr__(self, "_names", {key: tuple(ids) for key, ids in names.items()})

    def by_marker(self, key: str) -> tuple[str, ...]:
        """The ids of every outlet that signs with `key` in a dateline or byline (several: ambiguous)."""
        return self._markers.get(key, ())

    def by_name(self, key: str) -> tuple[str, ...]:
        """The ids of every outlet called `key` (any of its names or markers), as a quoted «name» is."""
        return self._names.get(key, ())

    def by_credit(self, key: str) -> str | None:
        return _longest_prefix(key, self._credits.get(key.partition(" ")[0], ()))

    def by_dateline(self, agency_key: str) -> str | None:
        return next((o.id for o in self.outlets.values() if agency_key in o.datelines), None)

    def by_source(self, key: str) -> str | None:
        return _longest_prefix(key, self._sources.get(key.partition(" ")[0], ()))

    def by_title(self, key: str) -> str | None:
        candidates = self._titles.get(key.rpartition(" ")[2], ())
        matches = [(len(m), outlet) for m, outlet in candidates if key.endswith(" " + m)]
        return max(matches)[1] if matches else None

    def by_domain(self, host: str) -> str | None:
        """The id of the outlet whose domain is `host` or a parent of it (the longest wins), or None.

        `host` is a URL's host name (`urlsplit(url).hostname`): www.okaz.com.sa and m.okaz.com.sa
        are okaz.com.sa's, notokaz.com.sa is not.
        """
        name = host.strip().rstrip(".").lower()
        while name:
            if (outlet := self._domains.get(name)) is not None:
                return outlet
            name = name.partition(".")[2]
        return None


def _longest_prefix(key: str, markers: Any) -> str | None:
    best: tuple[int, str] | None = None
    for marker, outlet in markers:
        if (key == marker or key.startswith(marker + " ")) and (best is None or len(marker) > best[0]):
            best = (len(marker), outlet)
    return best[1] if best else None


def load_registry(corpus: Path | None = None) -> Registry:
    """The shipped registry, extended (or overridden by id) by `corpus/outlets.toml` if present."""
    shipped = resources.files("provenance.parsing").joinpath("data", OUTLETS_NAME).read_text(encoding="utf-8")
    outlets = _parse(shipped, source="provenance/parsing/data/outlets.toml")
    data = read_metadata(corpus, OUTLETS_NAME) if corpus is not None else None  # no link, no FIFO
    if data is not None and corpus is not None:
        path = corpus / OUTLETS_NAME
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ManifestError(path, [Problem(data[: exc.start].count(b"\n") + 1, "not valid UTF-8")]) from None
        own = _parse(text, source=str(path))
        # The steward's outlets come first: where a marker ties with a shipped one, theirs decides.
        outlets = {**own, **{key: outlet for key, outlet in outlets.items() if key not in own}}
    return Registry(outlets)


_ENTRY = re.compile(r"^\s*\[\[\s*outlet\s*\]\]")
_KEYS = frozenset(
    {"id", "kind", "name_ar", "name_latin", "names", "country", "domains", "default_tz", "started", *_LISTS}
)


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
    owners: dict[str, str] = {}  # domain -> the id of the entry that lists it first
    for number, entry in enumerate(entries, start=1):
        line = starts[number - 1] if number <= len(starts) else None
        outlet, found = _outlet(entry)
        problems.extend(Problem(line, f"[[outlet]] #{number}: {message}") for message in found)
        if outlet is None:
            continue
        if outlet.id in outlets:
            problems.append(Problem(line, f"[[outlet]] #{number}: outlet id {outlet.id!r} appears twice"))
        for domain in outlet.domains:
            owner = owners.setdefault(domain, outlet.id)
            if owner != outlet.id:
                message = f"{outlet.id}: domain {domain!r} is already outlet {owner!r}'s"
                problems.append(Problem(line, f"[[outlet]] #{number}: {message}"))
        outlets[outlet.id] = outlet
    if problems:
        raise ManifestError(source, problems)
    return outlets


def _outlet(entry: dict[str, Any]) -> tuple[Outlet | None, list[str]]:
    """One registry entry, or None, and every problem with its keys' types and values."""
    name = entry.get("id")
    if not isinstance(name, str) or not name.strip():
        return None, ["needs a non-empty string 'id'"]
    problems = _scalar_problems(entry)
    lists = _string_lists(entry, problems)
    started = _started(entry.get("started"), problems)
    if problems:
        return None, [f"{name}: {p}" for p in problems]
    country = entry.get("country")
    keys = {key: tuple(k for k in (normalize_key(v) for v in lists[key]) if k) for key in _LISTS}
    outlet = Outlet(
        id=name,
        kind=cast(Kind, entry["kind"]),
        name_ar=entry.get("name_ar", ""),
        name_latin=entry.get("name_latin", ""),
        names=tuple(v.strip() for v in lists["names"]),
        country=None if country == PAN_ARAB else country,
        domains=tuple(lists["domains"]),
        default_tz=entry.get("default_tz"),
        started=started,
        **keys,
    )
    return outlet, []


def _scalar_problems(entry: dict[str, Any]) -> list[str]:
    problems = []
    if unknown := sorted(set(entry) - _KEYS):
        problems.append(f"unknown key(s) {', '.join(map(repr, unknown))} (known: {', '.join(sorted(_KEYS))})")
    kind = entry.get("kind")
    if kind not in KINDS:
        wanted = " or ".join(map(repr, KINDS))
        problems.append(f"'kind' must be {wanted}" + ("" if kind is None else f", not {kind!r}"))
    names = ("name_ar", "name_latin")
    problems.extend(f"'{key}' must be a string" for key in names if not isinstance(entry.get(key, ""), str))
    country = entry.get("country")
    if country is not None and country != PAN_ARAB and (not isinstance(country, str) or country not in COUNTRIES):
        problems.append(
            f"'country' must be an ISO 3166-1 alpha-2 code such as 'SA' (or {PAN_ARAB!r} for pan-Arab), not {country!r}"
        )
    zone = entry.get("default_tz")
    if zone is not None and (not isinstance(zone, str) or not known_zone(zone)):
        problems.append(f"'default_tz' must be a time zone name such as 'Asia/Riyadh', not {zone!r}")
    return problems


def _string_lists(entry: dict[str, Any], problems: list[str]) -> dict[str, list[str]]:
    """The list-of-strings keys that are lists of strings; a problem for each that is not."""
    lists: dict[str, list[str]] = {}
    for key in ("names", "domains", *_LISTS):
        value = entry.get(key, [])
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            lists[key] = value
        else:
            problems.append(f"'{key}' must be a list of strings")
    if blank := [v for v in lists.get("names", []) if not v.strip()]:
        problems.append(f"'names' must not hold empty names ({len(blank)} found)")
    problems.extend(_domain_problems(lists.get("domains", [])))
    return lists


def _domain_problems(domains: list[str]) -> list[str]:
    problems = []
    for domain in domains:
        if not _HOST.fullmatch(domain) or len(domain) > _HOST_MAX:
            problems.append(
                f"'domains' must hold host names such as 'okaz.com.sa' (lowercase, no scheme, port or path), "
                f"not {domain!r}"
            )
        elif domain.startswith("www."):
            problems.append(f"'domains': list {domain[4:]!r}, not {domain!r} (a domain covers its subdomains)")
    if repeated := sorted({d for d in domains if domains.count(d) > 1}):
        problems.append(f"'domains' lists {', '.join(map(repr, repeated))} more than once")
    return problems


def _started(value: object, problems: list[str]) -> date | None:
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            problems.append(f"'started' must be a date such as 2014-11-10, not {value!r}")
            return None
    if value is not None and (isinstance(value, datetime) or not isinstance(value, date)):
        problems.append("'started' must be a date such as 2014-11-10 (no time of day)")
        return None
    return value


def known_zone(name: str) -> bool:
    """Whether `name` is a time zone: "UTC" or an IANA name ("Asia/Riyadh"; not a folder such as "Asia")."""
    if name.upper() == "UTC":
        return True
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder of zones such as 'Asia'
        return False
    return True

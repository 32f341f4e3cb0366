"""Parse one scraped article file into an article record and its line records; never raises."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, tzinfo
from hashlib import sha256
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from expectations.columns import PARAGRAPHS
from expectations.ids import Code
from provenance.parsing.attribution import Attribution, Reader
from provenance.parsing.dates import FoundDate, find_dates, parse_date, text_outside_dates
from provenance.parsing.outlets import Registry
from provenance.parsing.places import load_gazetteer
from provenance.parsing.roles import BODY_ROLES, classify
from provenance.parsing.settings import DEFAULT, ParseSettings, Source
from provenance.parsing.textnorm import arabic_letter_fraction, normalize_key, normalize_keys

DATE_SEARCH_CHARS = 400  # dates sit in short header lines; never scan a 50 MB line for one
HEADER_LINES = 4  # the date line is among the first lines after the title
DATELINE_PARAGRAPHS = 3  # a dateline opens one of the first body paragraphs
BINARY_CONTROL_SHARE = 0.10  # more control bytes than this: not text


@dataclass(slots=True)
class Lines:
    """An article's non-blank lines as columns: its rows of the paragraphs table, less `file`."""

    index: list[int] = field(default_factory=list)
    line: list[int] = field(default_factory=list)
    role: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    norm_hash: list[str | None] = field(default_factory=list)
    duplicate_of: list[int | None] = field(default_factory=list)
    char_count: list[int] = field(default_factory=list)


#: The paragraphs table's columns that come from the article itself (all but `file`), in order.
LINE_COLUMNS = tuple(c.name for c in PARAGRAPHS if c.name != "file")
# Lines holds exactly those columns: the table's definition (expectations/columns.py) is the one list.
if tuple(f.name for f in fields(Lines)) != LINE_COLUMNS:
    raise TypeError("provenance.parsing.article.Lines must hold the columns of expectations.columns.PARAGRAPHS")


@dataclass(slots=True)
class ParsedArticle:
    """One article: `article` is a row of the articles table, `lines` its rows of the other."""

    article: dict[str, Any]
    lines: Lines = field(default_factory=Lines)

    @property
    def paragraphs(self) -> list[dict[str, Any]]:
        """The rows of the paragraphs table, one dict per line."""
        file = self.article["file"]
        columns = [getattr(self.lines, name) for name in LINE_COLUMNS]
        return [{"file": file, **dict(zip(LINE_COLUMNS, row, strict=True))} for row in zip(*columns, strict=True)]


def decode(data: bytes, *, encoding: str | None) -> tuple[str, str, list[str]]:
    """Text, the encoding used and decoding problems; invalid bytes become U+FFFD, never an error.

    NUL bytes padding the end of the file are dropped and reported apart (text.nul_padding) from
    NULs inside the text (text.nul). When the bytes are not valid in the encoding, the problem
    names the encoding that reads them as Arabic, if one does, and how to declare it.
    """
    problems: list[str] = []
    name = (encoding or "utf-8").strip().lower() or "utf-8"
    if name in ("utf-8", "utf8") and data.startswith(b"\xef\xbb\xbf"):
        name = "utf-8-sig"
    padding = len(data) - len(data.rstrip(b"\x00")) if data.endswith(b"\x00") and not _wide(name, data) else 0
    if padding:
        data = data[:-padding]
        problems.append(f"{Code.TEXT_NUL_PADDING}: {padding} NUL byte(s) pad the end of the file; parsed without them")
    try:
        text = data.decode(name)
    except LookupError:
        problems.append(f"{Code.TEXT_ENCODING}: unknown encoding {encoding!r} declared; read as UTF-8")
        name = "utf-8"
        text = data.decode(name, errors="replace")
    except UnicodeDecodeError as exc:
        bad = data.decode(name, errors="replace").count("\ufffd") - data.decode(name, errors="ignore").count("\ufffd")
        text = data.decode(name, errors="replace")
        # Text that reads as Arabic despite a few bad bytes is damaged, not in another encoding.
        damaged = arabic_letter_fraction(text) >= ARABIC_HINT_SHARE
        problems.append(
            f"{Code.TEXT_UTF8}: {bad} invalid byte sequence(s) for {name}, first at byte {exc.start}; replaced"
            + ("" if damaged else _encoding_hint(data, tried=name))
        )
    if "\x00" in text:
        problems.append(f"{Code.TEXT_NUL}: {text.count(chr(0))} NUL byte(s) inside the text")
    return text, name, problems


#: Encodings Arabic text is stored in besides UTF-8, tried in this order when a file does not decode.
ARABIC_ENCODINGS = ("windows-1256", "iso-8859-6", "cp720")
_HINT_SAMPLE = 1 << 16


def _wide(name: str, data: bytes) -> bool:
    """UTF-16/32 text, whose NUL bytes are half its characters, not padding."""
    return name.replace("-", "").replace("_", "").startswith(("utf16", "utf32")) or data[:2] in (
        b"\xff\xfe",
        b"\xfe\xff",
    )


def _encoding_hint(data: bytes, *, tried: str) -> str:
    """Which encoding reads the bytes as Arabic text, and how to declare it; "" if none does."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        found = "utf-16"
    else:
        sample = data[:_HINT_SAMPLE]
        scored = []
        for candidate in ARABIC_ENCODINGS:
            if candidate == tried:
                continue
            try:
                text = sample.decode(candidate)
            except UnicodeDecodeError as exc:
                if exc.start < len(sample) - 4:  # not merely a sample cut inside a character
                    continue
                text = sample[: exc.start].decode(candidate)
            if arabic_letter_fraction(text) >= ARABIC_HINT_SHARE:
                scored.append((_common_letter_share(text), candidate))
        # Single-byte Arabic code pages all decode Arabic bytes to Arabic letters; the right one gives
        # the letters Arabic text is made of (ا, ل, ي, و ...), a wrong one a scatter of rare ones.
        found = max(scored)[1] if scored else ""
    if not found:
        return ""
    return (
        f'. The bytes read as Arabic in {found}: declare it for the corpus with `encoding = "{found}"` under '
        f"[corpus] in corpus-audit.toml, or for this file in its INDEX.md `encoding` cell"
    )


ARABIC_HINT_SHARE = 0.6  # of the letters: enough that the encoding is surely the right one
_COMMON_LETTERS = frozenset("اليونمهرتبعدسة")  # the most frequent letters of Arabic text


def _common_letter_share(text: str) -> float:
    letters = [ch for ch in text[:4096] if ch.isalpha()]
    return sum(ch in _COMMON_LETTERS for ch in letters) / len(letters) if letters else 0.0


_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
# bytes.translate deletes every byte but the ASCII controls _CONTROL looks for: one C pass.
_ALL_BUT_CONTROL = bytes(b for b in range(256) if not _CONTROL.match(chr(b)))
_ASCII_SUPERSETS = frozenset(["utf-8", "utf8", "utf-8-sig"])


def _looks_binary(text: str, *, data: bytes, used: str) -> bool:
    """Mostly control bytes or undecodable sequences: not text."""
    if used in _ASCII_SUPERSETS and not data.translate(None, _ALL_BUT_CONTROL) and "\ufffd" not in text:
        return False  # the common case: in UTF-8 a control character is its own byte, so none is in the text
    sample = text[:65536]
    if not _CONTROL.search(sample):  # the common case: one scan, no list
        return False
    return len(_CONTROL.findall(sample)) / len(sample) > BINARY_CONTROL_SHARE


def _line_endings(text: str) -> str:
    if "\r" not in text:  # the common case: one scan
        return "lf" if "\n" in text else "none"
    crlf = text.count("\r\n")
    cr, lf = text.count("\r") - crlf, text.count("\n") - crlf
    kinds = [name for name, count in (("crlf", crlf), ("lf", lf), ("cr", cr)) if count]
    return kinds[0] if len(kinds) == 1 else ("mixed" if kinds else "none")


def _zone(name: str | None) -> tzinfo | None:
    if not name:
        return None
    try:
        return UTC if name.upper() == "UTC" else ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder of zones such as 'Asia'
        return None


def _instant(found: FoundDate | None, default_tz: str | None) -> tuple[datetime | None, bool, bool]:
    """(UTC instant, zone stated, zone assumed: the outlet's default, else the policy's)."""
    if found is None or found.value is None:
        return None, False, False
    if found.tz_known:
        return found.value.astimezone(UTC), True, False
    zone = _zone(default_tz)
    if zone is None:
        return None, False, False
    try:
        return found.value.replace(tzinfo=zone).astimezone(UTC), False, True
    except (OverflowError, ValueError):  # 31.12.9999 23:00 west of UTC is past year 9999
        return None, False, False


def parse_article(
    data: bytes,
    *,
    file: str,
    registry: Registry,
    encoding: str | None = None,
    source: Source | None = None,
    settings: ParseSettings = DEFAULT,
) -> ParsedArticle:
    """Parse the bytes of one article file. Problems are recorded in `parse_errors`, never raised.

    `source` holds what INDEX.md declares about the file; `encoding` (else the source's, else the
    settings') names the encoding to read it with.
    """
    encoding = encoding or (source.encoding if source else None) or settings.encoding
    text, used, problems = decode(data, encoding=encoding)
    article: dict[str, Any] = {
        "file": file,
        "sha256": sha256(data).hexdigest(),
        "bytes": len(data),
        "encoding": used,
        "line_endings": _line_endings(text),
    }
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[0].startswith("\ufeff"):
        lines[0] = lines[0][1:]
    if _looks_binary(text, data=data, used=used):
        problems.append(f"{Code.TEXT_BINARY}: mostly control bytes; not parsed as an article")
        lines = []
    result = ParsedArticle(article)
    numbered = [(n, line) for n, line in enumerate(lines, start=1) if line.strip()]
    if not numbered and Code.TEXT_BINARY not in " ".join(problems):
        problems.append(f"{Code.TEXT_EMPTY}: no text")
    declared = _declared(source, registry, settings, problems)
    _parse_lines(numbered, result, registry=registry, problems=problems, settings=settings, declared=declared)
    article["parse_errors"] = "\n".join(problems)
    article["parse_error_count"] = len(problems)
    return result


class _Walker:
    """Walks an article's non-blank lines once, assigning roles and collecting what they reveal."""

    def __init__(
        self, result: ParsedArticle, *, context: _Context, problems: list[str], settings: ParseSettings
    ) -> None:
        self.result, self.context, self.problems, self.settings = result, context, problems, settings
        self.registry = context.registry
        self.dates: list[FoundDate] = []
        self.publisher: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}  # kind -> (ids, countries)
        self.agency: dict[str, str] = {}  # kind -> agency id
        self.header: Attribution | None = None
        self.city: str | None = None
        self.source: tuple[str, str] | None = None  # (line as found, kind)
        self.first_body: dict[str, int] = {}
        self.body_keys: list[str] = []
        self.body_seen = 0

    def note(self, kind: str, ids: tuple[str, ...], countries: tuple[str, ...] = ()) -> None:
        """Record what a marker of `kind` names: agencies apart from publishers."""
        agencies = self.context.agencies
        agency = next((i for i in ids if i in agencies), None)
        publishers = tuple(i for i in ids if i not in agencies)
        if agency and not publishers:
            self.agency.setdefault(kind, agency)
        elif publishers:
            self.publisher.setdefault(kind, (publishers, countries))

    def role_of(self, position: int, number: int, line: str, key: str) -> str:
        if position == 0:
            self.note("title", _ids(self.registry.by_title(key)))
            return "title"
        if position <= HEADER_LINES and not self.dates and (found := _date_line(line, self.settings)):
            self.dates = found
            return "date"
        role, problem = classify(line, key)
        if problem:
            self.problems.append(f"{problem}: line {number}")
        if role == "credit":
            self.note("credit", _ids(self.registry.by_credit(key)))
        elif role == "source":
            self.note("source", _ids(self.registry.by_source(key)) or self.registry.by_name(_after_label(key)))
            if self.source is None or self.source[1] != "source":
                self.source = (line.strip(), "source")
        elif role == "body" and (
            (self.header is None and self.body_seen < DATELINE_PARAGRAPHS) or line.rstrip(" .…")[-1:] in (")", "]")
        ):
            role = self.check_attribution(number, line)  # most body lines never get here
        return role

    def check_attribution(self, number: int, line: str) -> str:
        """The role of a body line that may attribute the article: a header, a credit, a closing agency."""
        reader = self.context.reader
        if self.header is None and self.body_seen < DATELINE_PARAGRAPHS:
            found = reader.credit_line(line) or reader.header(line)
            if found is not None and (found.credits or self.city is None):
                return self.take_header(found, number)
        if "closing" not in self.agency and (closing := reader.closing_agency(line)) is not None:
            self.note("closing", (closing.agency or "",))
            if self.source is None:
                self.source = (closing.text, "agency")
        return "body"

    def take_header(self, found: Attribution, number: int) -> str:
        self.city = self.city or found.city
        if not found.credits:
            return "body"  # a city alone: where it was written, not who wrote it
        self.header = found
        if found.agency:
            self.agency.setdefault("dateline" if found.city else "line", found.agency)
        if found.publishers:
            self.publisher.setdefault("dateline", (found.publishers, found.countries))
        if self.source is None or self.source[1] != "source":
            self.source = (found.text, found.kind)
        if found.whole_line:
            # A line of its own, not body text: "واس" alone is a source line.
            return {"byline": "byline", "agency": "source"}.get(found.kind, "dateline")
        if self.body_seen > 0:
            where = f"body paragraph {self.body_seen + 1}, line {number}"
            self.problems.append(f"{Code.LAYOUT_DATELINE_NOT_FIRST}: the dateline opens {where}")
        return "body"

    def walk(self, numbered: list[tuple[int, str]]) -> None:
        texts = [line for _, line in numbered]
        keys = normalize_keys(texts)
        roles: list[str] = []
        duplicate_of: list[int | None] = []
        hashes: list[str | None] = []
        min_chars, min_words = max(self.settings.min_repeat_chars, 1), self.settings.min_repeat_words
        for position, key in enumerate(keys):
            number, line = numbered[position]
            role = self.role_of(position, number, line, key)
            roles.append(role)
            # A line too short to count as a repeat (the policy's [duplicates] minimums; an empty key
            # always) has no norm_hash: the parser and both engines agree by construction.
            repeatable = len(key) >= min_chars and (min_words <= 1 or key.count(" ") + 1 >= min_words)
            hashes.append(sha256(key.encode()).hexdigest()[:16] if repeatable else None)
            if role in BODY_ROLES:
                self.body_seen += 1
                self.body_keys.append(key)
                first = self.first_body.setdefault(key, position) if repeatable else position
                duplicate_of.append(None if first == position else first)
            else:
                duplicate_of.append(None)
        self.result.lines = Lines(
            index=list(range(len(texts))),
            line=[number for number, _ in numbered],
            role=roles,
            text=texts,
            norm_hash=hashes,
            duplicate_of=duplicate_of,
            char_count=[len(text) for text in texts],
        )


def _ids(outlet: str | None) -> tuple[str, ...]:
    return (outlet,) if outlet else ()


def _after_label(key: str) -> str:
    """The name after "المصدر" in a source line's key."""
    return key.partition(" ")[2]


@dataclass(frozen=True, slots=True)
class _Context:
    """What every article of a run is read against: the registry, the header reader, the agencies."""

    registry: Registry
    reader: Reader
    agencies: frozenset[str]


_CONTEXTS: dict[int, _Context] = {}


def _context(registry: Registry) -> _Context:
    """The registry's header reader, built once per registry (per process)."""
    found = _CONTEXTS.get(id(registry))
    if found is None or found.registry is not registry:
        reader = Reader(registry, load_gazetteer())
        found = _Context(registry, reader, reader.agencies)
        _CONTEXTS.clear()  # one registry at a time: no growth when tests build many
        _CONTEXTS[id(registry)] = found
    return found


@dataclass(frozen=True, slots=True)
class _Declared:
    """What INDEX.md declares about the article, as read (None where absent or unreadable)."""

    outlet: str | None = None  # a registry id
    url_outlet: str | None = None
    published: FoundDate | None = None
    language: str | None = None  # as the cell writes it, lowercased ("ar", "en")


def _declared(source: Source | None, registry: Registry, settings: ParseSettings, problems: list[str]) -> _Declared:
    """INDEX.md's facts about the article; a cell that cannot be read is a problem, never an error."""
    if source is None:
        return _Declared()
    outlet = url_outlet = None
    if source.outlet:
        if source.outlet in registry.outlets:
            outlet = source.outlet
        else:
            hint = (
                difflib.get_close_matches(source.outlet, list(registry.outlets), n=1)
                if len(source.outlet) <= 64
                else []
            )
            also = f" (did you mean {hint[0]!r}?)" if hint else ""
            problems.append(
                f"{Code.INDEX_OUTLET}: INDEX.md names outlet {_cell(source.outlet)}, which is not in the "
                f"registry{also}; use a registry id or add the outlet to the corpus's outlets.toml"
            )
    if source.url:
        host = _host(source.url)
        if host is None:
            problems.append(f"{Code.INDEX_URL}: INDEX.md url {_cell(source.url)} has no host name; write the full URL")
        else:
            url_outlet = registry.by_domain(host)
    published = None
    if source.published:
        published = _declared_date(source.published, settings)
        if published is None or published.value is None:
            why = f": {published.problem}" if published is not None and published.problem else ""
            problems.append(
                f"{Code.INDEX_PUBLISHED}: INDEX.md published {_cell(source.published)} is not a date{why}; "
                "write it as 2012-05-30 or 2012-05-30T23:25:00+03:00"
            )
            published = None
    return _Declared(outlet, url_outlet, published, source.language.lower() if source.language else None)


def _cell(text: str, limit: int = 80) -> str:
    """An INDEX.md cell quoted in a problem, cut at `limit` characters (a cell may be a megabyte)."""
    return repr(text) if len(text) <= limit else f"{text[:limit]!r}… ({len(text):,} characters)"


def _host(url: str) -> str | None:
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname
    except ValueError:
        return None
    return host if host and "." in host else None


def _declared_date(text: str, settings: ParseSettings) -> FoundDate | None:
    """An INDEX.md date cell: ISO 8601 first, else any date form the text parser reads."""
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return parse_date(text, date_order=settings.date_order)
    known = value.tzinfo is not None
    try:
        value = value.astimezone(UTC) if known else value
    except (OverflowError, ValueError):  # 9999-12-31T23:59-14:00 is past year 9999 in UTC
        return FoundDate(text, 0, len(text), None, known, True, None, None, "out of range in UTC")
    return FoundDate(text, 0, len(text), value, known, True, None, None, None)


def _parse_lines(
    numbered: list[tuple[int, str]],
    result: ParsedArticle,
    *,
    registry: Registry,
    problems: list[str],
    settings: ParseSettings,
    declared: _Declared,
) -> None:
    context = _context(registry)
    walker = _Walker(result, context=context, problems=problems, settings=settings)
    walker.walk(numbered)
    lines, article = result.lines, result.article
    if walker.source is None:
        credit = next((text for text, role in zip(lines.text, lines.role, strict=True) if role == "credit"), None)
        walker.source = (credit.strip(), "credit") if credit else None
    text_outlet, evidence = _publisher(walker, registry, declared)
    outlet_id, outlet_source = next(
        ((o, s) for o, s in ((declared.outlet, "index"), (declared.url_outlet, "url"), (text_outlet, "text")) if o),
        (None, None),
    )
    outlet = registry.outlets.get(outlet_id) if outlet_id else None
    agency_kinds = [k for k in ("dateline", "line", "source", "closing") if k in walker.agency]
    text_published = next((d for d in walker.dates if d.label != "updated"), None)
    updated = next((d for d in walker.dates if d.label == "updated"), None)
    for found in (text_published, updated):
        if found is not None and found.problem:
            problems.append(f"{Code.DATE_INVALID}: {found.problem} in {found.raw!r}")
    published = declared.published or text_published
    if published is None and numbered:
        problems.append(f"{Code.DATE_MISSING}: no publication date in the first lines")
    zone = (outlet.default_tz if outlet else None) or settings.default_timezone
    _add_dates(article, published, updated, zone)
    text_when = _instant(text_published, zone)[0] if text_published is not None else None
    if text_when is None and text_published is not None and text_published.value is not None:
        text_when = text_published.value.replace(tzinfo=UTC)  # wall time read as UTC: a day's tolerance covers it
    body = [i for i, role in enumerate(lines.role) if role in BODY_ROLES]
    body_text = "\n".join([lines.text[i] for i in body])
    body_chars = sum([lines.char_count[i] for i in body])
    repeats = [i for i in body if lines.duplicate_of[i] is not None]
    duplicate_chars = sum([lines.char_count[i] for i in repeats])
    fraction = arabic_letter_fraction(body_text)
    header = walker.header
    article.update(
        {
            "outlet": outlet_id,
            "outlet_source": outlet_source,
            "outlet_evidence": evidence,
            "text_outlet": text_outlet,
            "url_outlet": declared.url_outlet,
            "agency": walker.agency[agency_kinds[0]] if agency_kinds else None,
            "agency_evidence": ",".join(agency_kinds) or None,
            "byline": header.byline if header else None,
            "published_source": ("index" if declared.published else "text") if published else None,
            "text_published_at": text_when,
            "title": numbered[0][1].strip() if numbered else None,
            "dateline": walker.city,
            "source_line": walker.source[0] if walker.source else None,
            "source_kind": walker.source[1] if walker.source else None,
            "paragraph_count": len(body),
            "duplicate_paragraph_count": len(repeats),
            "duplicate_char_fraction": duplicate_chars / body_chars if body_chars else 0.0,
            "char_count": len(body_text),
            "word_count": sum([_word_count(lines.text[i]) for i in body]),
            "arabic_fraction": fraction,
            "boilerplate_count": lines.role.count("boilerplate") + lines.role.count("related"),
            "body_key": sha256(" ".join(walker.body_keys).encode()).hexdigest() if body else None,
            "language": declared.language or ("ar" if fraction >= 0.5 else ("other" if body_text.strip() else "und")),
        }
    )


_EVIDENCE_ORDER = ("credit", "dateline", "source", "title")


def _publisher(walker: _Walker, registry: Registry, declared: _Declared) -> tuple[str | None, str | None]:
    """The publisher the text names, and the evidence: the kinds of marker that named it, or why none.

    A marker several outlets share (الجزيرة: Al Jazeera, and the Saudi daily Al-Jazirah) decides
    only when INDEX.md's outlet or url, or the dateline city's country, settles it.
    """
    kinds = [k for k in _EVIDENCE_ORDER if k in walker.publisher]
    ambiguous: list[str] = []
    for kind in kinds:
        ids, countries = walker.publisher[kind]
        chosen = _settle(ids, countries, registry, declared)
        if chosen is not None:
            agreeing = [k for k in kinds if chosen in walker.publisher[k][0]]
            return chosen, ",".join(agreeing)
        ambiguous.append(f"{kind} names one of {', '.join(ids)}")
    return None, ("ambiguous: " + "; ".join(ambiguous)) if ambiguous else None


def _settle(ids: tuple[str, ...], countries: tuple[str, ...], registry: Registry, declared: _Declared) -> str | None:
    if len(ids) == 1:
        return ids[0]
    for known in (declared.outlet, declared.url_outlet):
        if known in ids:
            return known
    local = [i for i in ids if registry.outlets[i].country in countries] if countries else []
    return local[0] if len(local) == 1 else None


def _word_count(line: str) -> int:
    """len(line.split()), without making the words when single spaces are the only whitespace."""
    text = line.strip(" ")
    if text.isprintable() and "  " not in text:  # isprintable: no whitespace but " " (nor \n, NBSP...)
        return text.count(" ") + 1 if text else 0
    return len(line.split())


def _date_line(line: str, settings: ParseSettings) -> list[FoundDate] | None:
    """The dates of a line that is (mostly) a date line, else None."""
    head = line[:DATE_SEARCH_CHARS]
    found = find_dates(head, date_order=settings.date_order)
    if not found:
        return None
    rest = text_outside_dates(head, found)
    return found if len(normalize_key(rest).replace("تم التحديث", "")) <= 24 else None


def _add_dates(
    article: dict[str, Any], published: FoundDate | None, updated: FoundDate | None, default_tz: str | None
) -> None:
    for prefix, found in (("published", published), ("updated", updated)):
        instant, known, assumed = _instant(found, default_tz)
        local = (
            found.value.replace(tzinfo=None)
            if found is not None and found.value is not None and not found.tz_known
            else None
        )
        article.update(
            {
                f"{prefix}_at": instant,
                f"{prefix}_raw": found.raw if found else None,
                f"{prefix}_local": local,
                f"{prefix}_tz_known": known,
                f"{prefix}_tz_assumed": assumed,
            }
        )

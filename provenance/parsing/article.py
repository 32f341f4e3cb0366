"""Parse one scraped article file into an article record and its line records; never raises."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, tzinfo
from hashlib import sha256
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from expectations.columns import PARAGRAPHS
from expectations.ids import Code
from provenance.parsing.dates import FoundDate, find_dates
from provenance.parsing.outlets import Registry
from provenance.parsing.roles import BODY_ROLES, classify, find_dateline
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
    norm_hash: list[str] = field(default_factory=list)
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
    """Text, the encoding used and decoding problems; invalid bytes become U+FFFD, never an error."""
    problems: list[str] = []
    name = (encoding or "utf-8").strip().lower() or "utf-8"
    if name in ("utf-8", "utf8") and data.startswith(b"\xef\xbb\xbf"):
        name = "utf-8-sig"
    try:
        text = data.decode(name)
    except LookupError:
        problems.append(f"{Code.TEXT_ENCODING}: unknown encoding {encoding!r} in INDEX.md; read as UTF-8")
        name = "utf-8"
        text = data.decode(name, errors="replace")
    except UnicodeDecodeError as exc:
        bad = data.decode(name, errors="replace").count("\ufffd") - data.decode(name, errors="ignore").count("\ufffd")
        problems.append(
            f"{Code.TEXT_UTF8}: {bad} invalid byte sequence(s) for {name}, first at byte {exc.start}; replaced"
        )
        text = data.decode(name, errors="replace")
    if "\x00" in text:
        problems.append(f"{Code.TEXT_NUL}: {text.count(chr(0))} NUL byte(s)")
    return text, name, problems


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
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _instant(found: FoundDate | None, default_tz: str | None) -> tuple[datetime | None, bool, bool]:
    """(UTC instant, zone stated, zone assumed from the outlet's default)."""
    if found is None or found.value is None:
        return None, False, False
    if found.tz_known:
        return found.value.astimezone(UTC), True, False
    zone = _zone(default_tz)
    if zone is None:
        return None, False, False
    return found.value.replace(tzinfo=zone).astimezone(UTC), False, True


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
    _parse_lines(numbered, result, registry=registry, problems=problems)
    article["parse_errors"] = "\n".join(problems)
    article["parse_error_count"] = len(problems)
    return result


class _Walker:
    """Walks an article's non-blank lines once, assigning roles and collecting what they reveal."""

    def __init__(self, result: ParsedArticle, *, registry: Registry, problems: list[str]) -> None:
        self.result, self.registry, self.problems = result, registry, problems
        self.agencies = registry.dateline_agencies()
        self.dates: list[FoundDate] = []
        self.evidence: dict[str, str] = {}
        self.dateline: str | None = None
        self.source: tuple[str, str] | None = None  # (line as found, kind)
        self.first_body: dict[str, int] = {}
        self.body_keys: list[str] = []
        self.body_seen = 0

    def note(self, kind: str, outlet: str | None) -> None:
        if outlet:
            self.evidence.setdefault(kind, outlet)

    def role_of(self, position: int, number: int, line: str, key: str) -> str:
        if position == 0:
            self.note("title", self.registry.by_title(key))
            return "title"
        if position <= HEADER_LINES and not self.dates and (found := _date_line(line)):
            self.dates = found
            return "date"
        role, problem = classify(line, key)
        if problem:
            self.problems.append(f"{problem}: line {number}")
        if role == "credit":
            self.note("credit", self.registry.by_credit(key))
        elif role == "source":
            self.note("source", self.registry.by_source(key))
            if self.source is None or self.source[1] != "source":
                self.source = (line.strip(), "source")
        elif role == "body" and self.dateline is None and self.body_seen < DATELINE_PARAGRAPHS:
            role = self.check_dateline(number, line)
        return role

    def check_dateline(self, number: int, line: str) -> str:
        found = find_dateline(line, agencies=self.agencies)
        if found is None:
            return "body"
        self.dateline = found.city
        self.note("dateline", self.registry.by_dateline(normalize_key(found.agency)))
        if self.source is None:
            self.source = (found.text, "dateline")
        if found.text == line.strip():
            return "dateline"  # a line of its own: not body text
        if self.body_seen > 0:
            where = f"body paragraph {self.body_seen + 1}, line {number}"
            self.problems.append(f"{Code.LAYOUT_DATELINE_NOT_FIRST}: the dateline opens {where}")
        return "body"

    def walk(self, numbered: list[tuple[int, str]]) -> None:
        texts = [line for _, line in numbered]
        keys = normalize_keys(texts)
        roles: list[str] = []
        duplicate_of: list[int | None] = []
        for position, key in enumerate(keys):
            number, line = numbered[position]
            role = self.role_of(position, number, line, key)
            roles.append(role)
            if role in BODY_ROLES:
                self.body_seen += 1
                self.body_keys.append(key)
                first = self.first_body.setdefault(key, position) if key else position
                duplicate_of.append(None if first == position else first)
            else:
                duplicate_of.append(None)
        self.result.lines = Lines(
            index=list(range(len(texts))),
            line=[number for number, _ in numbered],
            role=roles,
            text=texts,
            norm_hash=[sha256(key.encode()).hexdigest()[:16] for key in keys],
            duplicate_of=duplicate_of,
            char_count=[len(text) for text in texts],
        )


def _parse_lines(
    numbered: list[tuple[int, str]], result: ParsedArticle, *, registry: Registry, problems: list[str]
) -> None:
    walker = _Walker(result, registry=registry, problems=problems)
    walker.walk(numbered)
    lines, article = result.lines, result.article
    if walker.source is None:
        credit = next((text for text, role in zip(lines.text, lines.role, strict=True) if role == "credit"), None)
        walker.source = (credit.strip(), "credit") if credit else None
    kinds = [k for k in ("credit", "dateline", "source", "title") if k in walker.evidence]
    outlet_id = walker.evidence[kinds[0]] if kinds else None
    outlet = registry.outlets.get(outlet_id) if outlet_id else None
    published = next((d for d in walker.dates if d.label != "updated"), None)
    updated = next((d for d in walker.dates if d.label == "updated"), None)
    for found in (published, updated):
        if found is not None and found.problem:
            problems.append(f"{Code.DATE_INVALID}: {found.problem} in {found.raw!r}")
    if published is None and numbered:
        problems.append(f"{Code.DATE_MISSING}: no publication date in the first lines")
    _add_dates(article, published, updated, outlet.default_tz if outlet else None)
    body = [i for i, role in enumerate(lines.role) if role in BODY_ROLES]
    body_text = "\n".join([lines.text[i] for i in body])
    body_chars = sum([lines.char_count[i] for i in body])
    repeats = [i for i in body if lines.duplicate_of[i] is not None]
    duplicate_chars = sum([lines.char_count[i] for i in repeats])
    fraction = arabic_letter_fraction(body_text)
    article.update(
        {
            "outlet": outlet_id,
            "outlet_evidence": ",".join(kinds) or None,
            "title": numbered[0][1].strip() if numbered else None,
            "dateline": walker.dateline,
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
            "language": "ar" if fraction >= 0.5 else ("other" if body_text.strip() else "und"),
        }
    )


def _word_count(line: str) -> int:
    """len(line.split()), without making the words when single spaces are the only whitespace."""
    text = line.strip(" ")
    if text.isprintable() and "  " not in text:  # isprintable: no whitespace but " " (nor \n, NBSP...)
        return text.count(" ") + 1 if text else 0
    return len(line.split())


def _date_line(line: str) -> list[FoundDate] | None:
    """The dates of a line that is (mostly) a date line, else None."""
    head = line[:DATE_SEARCH_CHARS]
    found = find_dates(head)
    if not found:
        return None
    rest = head
    for date in sorted(found, key=lambda d: d.start, reverse=True):
        rest = rest[: date.start] + rest[date.end :]
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

"""Find Gregorian dates, times, zones and update labels in scraped Arabic news lines."""

from __future__ import annotations

import bisect
import calendar
import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from provenance.parsing.settings import DateOrder
from provenance.parsing.textnorm import clean_line_spans, normalize_key

__all__ = ["FoundDate", "find_dates", "parse_date", "text_outside_dates"]


@dataclass(frozen=True, slots=True)
class FoundDate:
    """One Gregorian date found in a line; ``raw`` is ``line[start:end]``.

    ``raw`` holds the date, its time and zone, and a weekday written right before it
    ("الأحد، 13 مارس 2022 - 10:20"); ``hijri`` is the raw text of a Hijri date beside it.
    """

    raw: str
    start: int
    end: int
    value: datetime | None
    tz_known: bool
    has_time: bool
    label: str | None
    hijri: str | None
    problem: str | None


_MONTH_NAMES = (
    "يناير جانفي كانون_الثاني january jan",
    "فبراير فيفري شباط february feb",
    "مارس آذار اذار march mar",
    "أبريل ابريل إبريل أفريل افريل نيسان april apr",
    "مايو ماي أيار ايار may",
    "يونيو يونيه جوان حزيران june jun",
    "يوليو يوليه يوليوز جويلية تموز july jul",
    "أغسطس اغسطس غشت أوت اوت آب اب august aug",
    "سبتمبر شتنبر أيلول ايلول september sept sep",
    "أكتوبر اكتوبر تشرين_الأول تشرين_الاول october oct",
    "نوفمبر نونبر تشرين_الثاني november nov",
    "ديسمبر دجنبر كانون_الأول كانون_الاول december dec",
)
_HIJRI_NAMES = (
    "محرم صفر ربيع_الأول ربيع_أول ربيع_الآخر ربيع_الثاني جمادى_الأولى جمادى_الآخرة جمادى_الثانية"
    " رجب شعبان رمضان شوال ذو_القعدة ذي_القعدة ذو_الحجة ذي_الحجة"
)
_WEEKDAYS = (
    "السبت الأحد الاثنين الإثنين الثلاثاء الأربعاء الخميس الجمعة"
    " monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun"
)
# English names for problem messages (calendar.month_name follows the locale).
_EN_MONTHS = ("", *(next(w for w in names.split() if w.isascii()).title() for names in _MONTH_NAMES))
# Zones named in Arabic ("بتوقيت ..."): a fixed offset in hours or an IANA zone name.
_ZONES: dict[str, float | str] = {
    **dict.fromkeys(["غرينتش", "غرينيتش", "جرينتش", "جرينيتش"], 0),
    **dict.fromkeys(["مكة_المكرمة", "مكة", "السعودية", "الرياض", "الدوحة", "بغداد"], 3),
    **dict.fromkeys(["أبوظبي", "دبي", "الإمارات"], 4),
    **dict.fromkeys(["القاهرة", "مصر"], "Africa/Cairo"),
    **{"موسكو": "Europe/Moscow", "بيروت": "Asia/Beirut", "دمشق": "Asia/Damascus"},
}
# Used only when the system has no tz database.
_ZONE_FALLBACK = {"Africa/Cairo": 2, "Europe/Moscow": 3, "Asia/Beirut": 2, "Asia/Damascus": 3}
_UPDATE_WORDS = "تم_التحديث تم_تحديث آخر_تحديث اخر_تحديث محدث محدثة last_updated updated"
_FLEX = {"ا": "[اأإآ]", "أ": "[اأإآ]", "إ": "[اأإآ]", "آ": "[اأإآ]", "ي": "[يى]", "ى": "[يى]", "ة": "[ةه]", "_": r"\s+"}


def _flex(word: str) -> str:
    """Regex for a word tolerant of alef/ya/ta-marbuta spelling variants; '_' is a space."""
    return "".join(_FLEX.get(ch, re.escape(ch)) for ch in word)


def _alternation(words: str) -> str:
    # Longest first, so e.g. "كانون الثاني" wins over shorter names.
    return "(?:" + "|".join(_flex(w) for w in sorted(words.split(), key=len, reverse=True)) + ")"


_MONTH_BY_KEY = {normalize_key(w.replace("_", " ")): i for i, ws in enumerate(_MONTH_NAMES, 1) for w in ws.split()}
_ZONE_BY_KEY = {normalize_key(k.replace("_", " ")): v for k, v in _ZONES.items()}
_NOT_LETTER_BEFORE = r"(?<![^\W\d_])"
_NOT_LETTER_AFTER = r"(?![^\W\d_])"
_MONTH = _NOT_LETTER_BEFORE + _alternation(" ".join(_MONTH_NAMES)) + r"\.?" + _NOT_LETTER_AFTER
# An era marker (2015 م = AD) belongs to the year; a year followed by هـ is Hijri, not Gregorian.
_YEAR_END = rf"(?![0-9])(?:\s*(?:م|ميلادي[ةه]?){_NOT_LETTER_AFTER})?(?!\s*ه{_NOT_LETTER_AFTER})"
_ORD = r"(?:st|nd|rd|th)?"
_CORE = re.compile(
    r"(?<![0-9./])(?:(?P<y1>[0-9]{4})(?P<s1>[-/.])(?P<m1>[0-9]{1,2})(?P=s1)(?P<d1>[0-9]{1,2})(?![0-9])"
    r"|(?P<a2>[0-9]{1,2})(?P<s2>[-/.])(?P<b2>[0-9]{1,2})(?P=s2)(?P<y2>[0-9]{4})"
    rf"|(?P<d3>[0-9]{{1,2}}){_ORD}[\s-]*(?P<n3>{_MONTH})"
    rf"(?:\s*[/\-–]\s*(?P<n3b>{_MONTH})|\s*\(\s*(?P<n3c>{_MONTH})\s*\))?[\s,،-]*(?P<y3>[0-9]{{4}})"
    rf"|(?P<n4>{_MONTH})\s*(?P<d4>[0-9]{{1,2}}){_ORD}[\s,،]+(?P<y4>[0-9]{{4}}))" + _YEAR_END,
    re.IGNORECASE,
)
_TZ_WORD = (
    r"(?:(?i:GMT|UTC)(?:(?:\s?\+|[\-−])[0-9]{1,2}(?::?[0-9]{2})?(?![0-9.]))?|(?i:MSK)|ت\s?\.\s?غ\.?"
    rf"|\+[0-9]{{1,2}}:[0-9]{{2}}|(?:ب|ال)?توقيت\s+{_alternation(' '.join(_ZONES))})" + _NOT_LETTER_AFTER
)
# A day-part word after an hour. Each names the hour (24-hour clock) its part of the day starts at;
# an hour of 1-12 is read as whichever of its two readings comes first from there (_day_part_hour).
_DAY_PARTS: dict[str, int] = {
    **dict.fromkeys(["ص", "صباح", "صباحا", "فجرا", "am"], 0),
    "ظهرا": 10,  # 11 ظهرا is 11:00, 12 ظهرا noon, 2 ظهرا 14:00
    **dict.fromkeys(["م", "مساء", "مساءا", "عصرا", "بعدالظهر", "pm"], 12),
    "ليلا": 18,  # 10 ليلا is 22:00, 12 ليلا midnight, 2 ليلا 02:00
}
_AM_PM = r"(?P<ap>صباحا|صباح|ص|فجرا|ظهرا|بعد\s+الظهر|عصرا|ليلا|مساءا|مساء|م|[ap]\.?\s?m\.?)" + _NOT_LETTER_AFTER


def _time(*, clock_word: bool) -> str:
    """Regex for a time; an hour without minutes needs a day-part word (or, if ``clock_word``, الساعة before it).

    A bare number next to a date is a page, a count or an age far more often than an hour.
    """
    hour_only = r"(?(ap)|(?(clock)|(?!)))" if clock_word else r"(?(ap)|(?!))"
    return (
        r"(?<![0-9:])(?P<h>[0-9]{1,2})(?::(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?:\.[0-9]{1,9})?)?)?(?![0-9])"
        rf"(?:\s*{_AM_PM})?(?(mi)|{hour_only})"
        # With seconds, an offset may follow a space (2022-03-13 10:20:00 +0300, RSS dates).
        r"(?:(?P<tza>Z|(?(s)[+\-]|\+)[0-9]{2}(?::?[0-9]{2})?|(?(s)\s[+\-][0-9]{2}:?[0-9]{2}|(?!)))(?![0-9A-Za-z])"
        rf"|\s*\((?P<tzp>{_TZ_WORD})\)|\s*(?P<tzw>{_TZ_WORD}))?"
    )


_SEP = r"[\s,،|\-–—]*"
_CLOCK_WORD = r"(?P<clock>(?:(?:في|على|عند)\s+)?(?:تمام\s+)?(?:ال)?ساع[ةه]\s*)"
_TIME_AFTER = re.compile(rf"(?:T|{_SEP}{_CLOCK_WORD}?){_time(clock_word=True)}", re.IGNORECASE)
_TIME_BEFORE = re.compile(rf"{_time(clock_word=False)}{_SEP}\Z", re.IGNORECASE)
_SEPARATORS = re.compile(_SEP)
_TZ_OFFSET = re.compile(r"(?:GMT|UTC)?\s?([+\-−])([0-9]{1,2}):?([0-9]{2})?", re.IGNORECASE)
_UPDATED = re.compile(
    rf"{_NOT_LETTER_BEFORE}{_alternation(_UPDATE_WORDS)}[\s:：\-–—|,،]*(?:(?:في|on|at|بتاريخ|يوم)\s*)?"
    rf"(?:{_alternation(_WEEKDAYS)}[\s,،]*)?\Z",
    re.IGNORECASE,
)
_HIJRI_MARK = rf"\s*ه{_NOT_LETTER_AFTER}"  # هـ after a year (tatweel already dropped)
_HIJRI = re.compile(
    rf"(?<![0-9])(?:[0-9]{{1,2}}\s*{_NOT_LETTER_BEFORE}{_alternation(_HIJRI_NAMES)}{_NOT_LETTER_AFTER}"
    rf"[\s,،]*[0-9]{{3,4}}(?:{_HIJRI_MARK})?"
    rf"|(?:[0-9]{{1,2}}[-/.][0-9]{{1,2}}[-/.][0-9]{{4}}|[0-9]{{4}}[-/.][0-9]{{1,2}}[-/.][0-9]{{1,2}})"
    rf"{_HIJRI_MARK})(?![0-9])"
)
_GAP_PUNCT = r"[\s,،\-–—/|()\[\]:]*"
_HIJRI_GAP = re.compile(rf"{_GAP_PUNCT}(?:(?:ال)?موافق[ةه]?\s*(?:ل\s*)?|م{_NOT_LETTER_AFTER})?{_GAP_PUNCT}")
_ANY_DIGIT = re.compile(r"\d")
_Match = re.Match[str]
_DateParts = tuple[int, int, int, str | None]  # year, month, day, problem
_MAX_LOOKBACK = 80  # a time written before its date sits right next to it
_WEEKDAY_BEFORE = re.compile(rf"{_NOT_LETTER_BEFORE}{_alternation(_WEEKDAYS)}\.?[\s,،\-–—]*\Z", re.IGNORECASE)
# How far from its date a Hijri companion's raw text can start or end: the gap is at most
# _MAX_LOOKBACK cleaned characters, widened by the invisible marks cleaning dropped from it.
_HIJRI_REACH = 4 * _MAX_LOOKBACK
_WEEKDAY_LOOKBACK = 24  # the longest weekday name and the separators after it


@functools.cache
def _zone(spec: float | str) -> tzinfo:
    """Turn a table entry into a tzinfo; fall back to a fixed offset without tz data."""
    if isinstance(spec, str):
        try:
            return ZoneInfo(spec)
        except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError
            spec = _ZONE_FALLBACK.get(spec, 0.0)
    return UTC if spec == 0 else timezone(timedelta(hours=spec))


def _parse_tz(text: str) -> tuple[tzinfo | None, str | None]:
    """Map a matched zone text to (tzinfo, problem)."""
    word = text.strip()
    upper = word.upper()
    if "توقيت" in word:
        name = normalize_key(word.split(maxsplit=1)[-1])
        return _zone(_ZONE_BY_KEY.get(name, 0)), None
    if upper in ("Z", "GMT", "UTC") or word.startswith("ت"):  # ت.غ = توقيت غرينتش
        return UTC, None
    if upper == "MSK":
        return _zone("Europe/Moscow"), None
    m = _TZ_OFFSET.fullmatch(word)
    if m is None:
        return None, f"unknown time zone: {word}"
    hours, minutes = int(m.group(2)), int(m.group(3) or 0)
    if hours > 14 or minutes > 59:
        return None, f"offset {word} out of range"
    sign = -1 if m.group(1) in "-−" else 1
    return timezone(sign * timedelta(hours=hours, minutes=minutes)), None


def _month_of(name: str | None) -> int | None:
    return None if name is None else _MONTH_BY_KEY.get(normalize_key(name))


def _date_parts(m: re.Match[str], *, date_order: DateOrder) -> _DateParts:
    """(year, month, day, problem) from a core match."""
    if m.group("y1"):
        year, month, day = int(m.group("y1")), int(m.group("m1")), int(m.group("d1"))
        return year, month, day, _month_problem(month, order="year/month/day")
    if m.group("y2"):
        return _year_last(int(m.group("a2")), int(m.group("b2")), int(m.group("y2")), date_order=date_order)
    if m.group("y4"):
        return int(m.group("y4")), _month_of(m.group("n4")) or 0, int(m.group("d4")), None
    month = _month_of(m.group("n3")) or 0
    other = m.group("n3b") or m.group("n3c")
    problem = None
    if other is not None and _month_of(other) != month:
        problem = f"month names disagree: {m.group('n3')} / {other}"
    return int(m.group("y3")), month, int(m.group("d3")), problem


def _year_last(first: int, second: int, year: int, *, date_order: DateOrder) -> _DateParts:
    """Read first/second/year as the corpus's order says, or the other way when only that is a date.

    "mdy" reads month/day/year; "dmy" and "ymd" (whose norm is year-first) read day/month/year.
    """
    day, month = (second, first) if date_order == "mdy" else (first, second)
    if not _is_date(year, month=month, day=day) and _is_date(year, month=day, day=month):
        day, month = month, day  # unambiguous (05-30-2012): only the other order is a date
    elif not 1 <= month <= 12 and 1 <= day <= 12:
        day, month = month, day  # 31/04/2012 read as mdy: report the impossible 31 April, not month 31
    order = "month/day/year" if date_order == "mdy" else "day/month/year"
    return year, month, day, _month_problem(month, order=order)


def _is_date(year: int, *, month: int, day: int) -> bool:
    return 1 <= year <= 9999 and 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


def _month_problem(month: int, *, order: str) -> str | None:
    """The problem of a numeric month outside 1-12, naming the order the date was read in."""
    return None if 1 <= month <= 12 else f"month {month} out of range (read as {order})"


def _build(date: _DateParts, *, time: re.Match[str] | None) -> tuple[datetime | None, bool, str | None]:
    """Return (value, tz_known, problem) for a date and its optional time match."""
    year, month, day, problem = date
    hour = minute = second = 0
    tz: tzinfo | None = None
    tz_known = False
    if time is not None:
        hour, minute, second = int(time.group("h")), int(time.group("mi") or 0), int(time.group("s") or 0)
        tz_text = time.group("tza") or time.group("tzp") or time.group("tzw")
        if tz_text:
            tz_known = True
            tz, tz_problem = _parse_tz(tz_text)
            problem = problem or tz_problem
        if time.group("ap") and 1 <= hour <= 12:  # a marker on 0 or 13-23 is redundant
            hour = _day_part_hour(hour, marker=time.group("ap"))
    if problem is None:
        problem = _check(year, month=month, day=day, hour=hour, minute=minute, second=second)
    if problem is not None:
        return None, tz_known, problem
    value = datetime(year, month, day, hour, minute, second)
    if tz is None:
        return value, tz_known, None
    try:
        return value.replace(tzinfo=tz).astimezone(UTC), tz_known, None
    except (OverflowError, ValueError):
        return None, tz_known, f"date {value.isoformat()} out of range after time zone conversion"


def _day_part_hour(hour: int, *, marker: str) -> int:
    """The 24-hour reading of ``hour`` (1-12) followed by a day-part word.

    Of its two readings (hour % 12 and that plus 12), the first at or after the hour the day part
    starts: so 12 AM is midnight, 12 PM noon, 12 ليلا midnight and 2 ليلا two in the morning.
    """
    start = _DAY_PARTS["".join(marker.lower().replace(".", "").split())]
    return min(hour % 12, hour % 12 + 12, key=lambda h: (h - start) % 24)


def _check(year: int, *, month: int, day: int, hour: int, minute: int, second: int) -> str | None:
    """One-line description of the first impossible field, or None."""
    if not 1 <= year <= 9999:
        return f"year {year} out of range"
    if not 1 <= month <= 12:
        return f"month {month} out of range"
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return f"impossible date: {day} {_EN_MONTHS[month]} {year}"
    for name, number, limit in (("hour", hour, 23), ("minute", minute, 59), ("second", second, 59)):
        if number > limit:
            return f"{name} {number} out of range"
    return None


def _orig_end(line: str, *, index: list[int], end: int) -> int:
    """End in ``line`` of cleaned span ending at ``end``, with trailing harakat/tatweel that were dropped."""
    stop = index[end] if end < len(index) else len(line)
    pos = index[end - 1] + 1
    while pos < stop and (line[pos] == "\u0640" or unicodedata.category(line[pos])[0] == "M"):
        pos += 1
    return pos


def _find_hijri(line: str, *, text: str, index: list[int], span: tuple[int, int], hijri: list[_Match]) -> str | None:
    """Raw text of a Hijri date written right before or after ``span`` of the cleaned ``text``."""
    lo, hi = span
    # Only the nearest Hijri match on each side can be adjacent (matches are sorted, non-overlapping).
    before = bisect.bisect_right(hijri, lo, key=lambda h: h.end()) - 1
    after = bisect.bisect_left(hijri, hi, key=lambda h: h.start())
    candidates = [(hijri[before], hijri[before].end(), lo)] if before >= 0 else []
    if after < len(hijri):
        candidates.append((hijri[after], hi, hijri[after].start()))
    for h, gap_start, gap_end in candidates:
        if gap_end - gap_start <= _MAX_LOOKBACK and _HIJRI_GAP.fullmatch(text, gap_start, gap_end):
            return line[index[h.start()] : _orig_end(line, index=index, end=h.end())]
    return None


def _may_hold_update_word(text: str) -> bool:
    """False only if no update word can match: each holds "حد" or, in any case, "updated".

    Two C-speed scans spare the regex an attempt at every position of the line.
    """
    return "حد" in text or "updated" in text.lower()


def find_dates(line: str, *, date_order: DateOrder = "dmy") -> list[FoundDate]:
    """All Gregorian dates in ``line``, in order; problems are reported in FoundDate.problem.

    `date_order` says how to read an all-numeric date whose order is ambiguous (03/04/2012):
    "dmy" reads a year-last date as day/month/year (3 April), "mdy" as month/day/year (4 March),
    and "ymd", for corpora whose norm is year-first, reads a year-last date as day/month/year.
    A year-last date that is a date in only one order (05-30-2012, 30/05/2012) is read in that
    order whatever `date_order` says; a date with a 4-digit year first (2012-04-03, 2012/04/03)
    is always year/month/day. When neither order gives a month of 1-12 (31/13/2012) the problem
    names the order the date was read in.
    """
    if _ANY_DIGIT.search(line) is None:
        return []
    text, index = clean_line_spans(line)
    cores = list(_CORE.finditer(text))
    if not cores:
        return []
    hijri = list(_HIJRI.finditer(text))
    may_update = _may_hold_update_word(text)
    found: list[FoundDate] = []
    prev_end = 0
    for n, core in enumerate(cores):
        next_start = cores[n + 1].start() if n + 1 < len(cores) else len(text)
        start, end = core.start(), core.end()
        after = _TIME_AFTER.match(text, end)
        before = _TIME_BEFORE.search(text, max(prev_end, start - _MAX_LOOKBACK), start)
        if after is not None and after.end() > next_start:
            after = None
        # A time running straight into the next date is that date's leading time, unless this one has none.
        if after is not None and before is not None and n + 1 < len(cores):
            after = None if _SEPARATORS.fullmatch(text, after.end(), next_start) else after
        time = after or before
        if after is not None:
            end = after.end()
        elif before is not None:
            start = before.start()
        weekday = _WEEKDAY_BEFORE.search(text, max(prev_end, start - _WEEKDAY_LOOKBACK), start)
        if weekday is not None:
            start = weekday.start()
        value, tz_known, problem = _build(_date_parts(core, date_order=date_order), time=time)
        label = "updated" if may_update and _UPDATED.search(text, prev_end, start) else None
        raw_start, raw_end = index[start], _orig_end(line, index=index, end=end)
        found.append(
            FoundDate(
                raw=line[raw_start:raw_end],
                start=raw_start,
                end=raw_end,
                value=value,
                tz_known=tz_known,
                has_time=time is not None,
                label=label,
                hijri=_find_hijri(line, text=text, index=index, span=(start, end), hijri=hijri),
                problem=problem,
            )
        )
        prev_end = end
    return found


def text_outside_dates(line: str, found: Sequence[FoundDate]) -> str:
    """``line`` without the dates ``find_dates(line)`` found, nor their Hijri companions and what joins them.

    What is left ("نشر في", a sentence around a date) tells a date line from a line mentioning one:
    a weekday is part of a date's raw text, and "الموافق" or "/" between it and its Hijri date goes
    with them. Pieces are joined with a space, so words on either side of a date stay apart.
    """
    cuts = sorted(_span_with_hijri(line, date) for date in found)
    pieces: list[str] = []
    pos = 0
    for start, end in cuts:
        pieces.append(line[pos:start])
        pos = max(pos, end)
    pieces.append(line[pos:])
    return " ".join(piece for piece in pieces if piece)


def _span_with_hijri(line: str, date: FoundDate) -> tuple[int, int]:
    """The span of ``date`` in ``line``, widened over its Hijri companion and the gap between them."""
    if date.hijri is None:
        return date.start, date.end
    reach = len(date.hijri) + _HIJRI_REACH
    before = line.rfind(date.hijri, max(0, date.start - reach), date.start)
    if before >= 0 and _is_hijri_gap(line[before + len(date.hijri) : date.start]):
        return before, date.end
    after = line.find(date.hijri, date.end, date.end + reach)
    if after >= 0 and _is_hijri_gap(line[date.end : after]):
        return date.start, after + len(date.hijri)
    return date.start, date.end


def _is_hijri_gap(gap: str) -> bool:
    """True if ``gap`` may join a date and its Hijri companion, as find_dates requires."""
    return _HIJRI_GAP.fullmatch(clean_line_spans(gap)[0]) is not None


def parse_date(text: str, *, date_order: DateOrder = "dmy") -> FoundDate | None:
    """The first Gregorian date in ``text``, or None."""
    dates = find_dates(text, date_order=date_order)
    return dates[0] if dates else None

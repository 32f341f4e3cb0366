"""Tests for provenance.parsing.dates: Gregorian dates, times, zones, labels and Hijri companions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from provenance.parsing import dates as dates_module
from provenance.parsing.dates import FoundDate, find_dates, parse_date, text_outside_dates
from provenance.parsing.settings import DATE_ORDERS, DateOrder
from provenance.parsing.textnorm import normalize_key


def only(line: str) -> FoundDate:
    """The single date in ``line``, after checking span invariants."""
    found = find_dates(line)
    assert len(found) == 1, found
    check_spans(line, found)
    return found[0]


def check_spans(line: str, found: list[FoundDate]) -> None:
    for date in found:
        assert date.raw == line[date.start : date.end]
        assert (date.value is None) == (date.problem is not None)
    assert [d.start for d in found] == sorted(d.start for d in found)


MONTH_SPELLINGS = [
    *[(name, 1) for name in ("يناير", "جانفي", "كانون الثاني", "January", "Jan")],
    *[(name, 2) for name in ("فبراير", "فيفري", "شباط", "February", "Feb")],
    *[(name, 3) for name in ("مارس", "آذار", "اذار", "March", "Mar")],
    *[(name, 4) for name in ("أبريل", "ابريل", "إبريل", "أفريل", "افريل", "نيسان", "April", "Apr")],
    *[(name, 5) for name in ("مايو", "ماي", "أيار", "ايار", "May")],
    *[(name, 6) for name in ("يونيو", "يونيه", "جوان", "حزيران", "June", "Jun")],
    *[(name, 7) for name in ("يوليو", "يوليه", "يوليوز", "جويلية", "تموز", "July", "Jul")],
    *[(name, 8) for name in ("أغسطس", "اغسطس", "غشت", "أوت", "اوت", "آب", "اب", "August", "Aug")],
    *[(name, 9) for name in ("سبتمبر", "شتنبر", "أيلول", "ايلول", "September", "Sept", "Sep")],
    *[(name, 10) for name in ("أكتوبر", "اكتوبر", "تشرين الأول", "تشرين الاول", "October", "Oct")],
    *[(name, 11) for name in ("نوفمبر", "نونبر", "تشرين الثاني", "November", "Nov")],
    *[(name, 12) for name in ("ديسمبر", "دجنبر", "كانون الأول", "كانون الاول", "December", "Dec")],
]


@pytest.mark.parametrize(("name", "month"), MONTH_SPELLINGS)
def test_every_month_spelling_maps_to_its_number(name: str, month: int) -> None:
    """Each Egyptian, Levantine, Maghreb, Algerian/Tunisian and English month name is recognised."""
    line = f"نشر في 9 {name} 2021 ثم"
    date = only(line)
    assert date.value == datetime(2021, month, 9)
    assert date.raw == f"9 {name} 2021"
    assert (date.has_time, date.tz_known, date.problem) == (False, False, None)


DATE_CASES = [
    # numeric, day first, and ISO
    ("17.01.2022", "17.01.2022", datetime(2022, 1, 17)),
    ("في 17/01/2022 قال", "17/01/2022", datetime(2022, 1, 17)),
    ("17-01-2022", "17-01-2022", datetime(2022, 1, 17)),
    ("2022-01-17", "2022-01-17", datetime(2022, 1, 17)),
    ("2022/1/7", "2022/1/7", datetime(2022, 1, 7)),
    ("17.01.2022 18:53", "17.01.2022 18:53", datetime(2022, 1, 17, 18, 53)),
    ("18:53 17.01.2022", "18:53 17.01.2022", datetime(2022, 1, 17, 18, 53)),
    ("17.01.2022 18:53:07", "17.01.2022 18:53:07", datetime(2022, 1, 17, 18, 53, 7)),
    ("2022-01-17T18:53:00", "2022-01-17T18:53:00", datetime(2022, 1, 17, 18, 53)),
    # digit systems
    ("١١ فبراير ٢٠٢٢", "١١ فبراير ٢٠٢٢", datetime(2022, 2, 11)),
    ("۱۱ فبراير ۲۰۲۲ ۱۰:۵۰", "۱۱ فبراير ۲۰۲۲ ۱۰:۵۰", datetime(2022, 2, 11, 10, 50)),
    ("١٧.٠١.٢٠٢٢", "١٧.٠١.٢٠٢٢", datetime(2022, 1, 17)),
    # weekday (part of raw), commas, English order
    ("الجمعة، 11 فبراير 2022، 10:50", "الجمعة، 11 فبراير 2022، 10:50", datetime(2022, 2, 11, 10, 50)),
    ("الاثنين 17 يناير 2022", "الاثنين 17 يناير 2022", datetime(2022, 1, 17)),
    ("الإثنين 17 يناير 2022", "الإثنين 17 يناير 2022", datetime(2022, 1, 17)),
    ("Monday, January 17, 2022", "Monday, January 17, 2022", datetime(2022, 1, 17)),
    ("17 Jan. 2022, 6:05 pm", "17 Jan. 2022, 6:05 pm", datetime(2022, 1, 17, 18, 5)),
    ("11 فبراير 2022 الساعة 10:50", "11 فبراير 2022 الساعة 10:50", datetime(2022, 2, 11, 10, 50)),
    ("3 غشت 2021 على الساعة 14:05", "3 غشت 2021 على الساعة 14:05", datetime(2021, 8, 3, 14, 5)),
    # combined month forms
    ("24 فبراير/ شباط 2022", "24 فبراير/ شباط 2022", datetime(2022, 2, 24)),
    ("24 فبراير (شباط) 2022", "24 فبراير (شباط) 2022", datetime(2022, 2, 24)),
    ("24 شباط/فبراير 2022", "24 شباط/فبراير 2022", datetime(2022, 2, 24)),
    ("9 و10 يناير/كانون الثاني 2022", "10 يناير/كانون الثاني 2022", datetime(2022, 1, 10)),
    # era marker: م right after a year means AD, never PM
    ("11 فبراير 2015 م", "11 فبراير 2015 م", datetime(2015, 2, 11)),
    ("11 فبراير 2015م", "11 فبراير 2015م", datetime(2015, 2, 11)),
    ("11 فبراير 2015م، 10:50", "11 فبراير 2015م، 10:50", datetime(2015, 2, 11, 10, 50)),
    ("10:50 11 فبراير 2015 م", "10:50 11 فبراير 2015 م", datetime(2015, 2, 11, 10, 50)),
    ("17.01.2015 ميلادي", "17.01.2015 ميلادي", datetime(2015, 1, 17)),
    # noise: bidi marks, tatweel, harakat, NBSP, BOM, CRLF
    ("\u200f11\u200e فبراير 2022\u200f", "11\u200e فبراير 2022", datetime(2022, 2, 11)),
    ("\u202b١١ فبـــراير ٢٠٢٢\u202c", "١١ فبـــراير ٢٠٢٢", datetime(2022, 2, 11)),
    ("\u2067۱۷\u2069 \u061cيناير 2022", "۱۷\u2069 \u061cيناير 2022", datetime(2022, 1, 17)),
    ("11 فِبْرَايِر 2022", "11 فِبْرَايِر 2022", datetime(2022, 2, 11)),
    ("11\u00a0فبراير\u00a02022\u00a010:50", "11\u00a0فبراير\u00a02022\u00a010:50", datetime(2022, 2, 11, 10, 50)),
    ("\ufeff17.01.2022 18:53\r\n", "17.01.2022 18:53", datetime(2022, 1, 17, 18, 53)),
    ("11 فبراير 2022\r", "11 فبراير 2022", datetime(2022, 2, 11)),
]


@pytest.mark.parametrize(("line", "raw", "value"), DATE_CASES)
def test_date_forms_parse_to_wall_time(line: str, raw: str, value: datetime) -> None:
    """Numeric, ISO, month-name, combined, era-marked and noisy forms give the naive wall time."""
    date = only(line)
    assert (date.raw, date.value, date.tz_known) == (raw, value, False)
    assert date.has_time == (":" in raw)


AMPM_CASES = [
    ("11 فبراير 2022 10:50 ص", 10),
    ("11 فبراير 2022 10:50 صباحا", 10),
    ("11 فبراير 2022 10:50 صباحًا", 10),
    ("11 فبراير 2022 10:50 صباحاً", 10),
    ("11 فبراير 2022 10:50 AM", 10),
    ("11 فبراير 2022 10:50 am", 10),
    ("11 فبراير 2022 10:50 a.m.", 10),
    ("11 فبراير 2022 10:50 م", 22),
    ("11 فبراير 2022 10:50 مـ", 22),
    ("11 فبراير 2022 10:50 مساء", 22),
    ("11 فبراير 2022 10:50 مساءً", 22),
    ("11 فبراير 2022 10:50 مساءا", 22),
    ("11 فبراير 2022 10:50 PM", 22),
    ("11 فبراير 2022 10:50 pm", 22),
    ("11 فبراير 2022 10:50 p.m.", 22),
    ("11 فبراير 2022 12:50 ص", 0),  # 12 AM is midnight
    ("11 فبراير 2022 12:50 AM", 0),
    ("11 فبراير 2022 12:50 م", 12),  # 12 PM is noon
    ("11 فبراير 2022 12:50 PM", 12),
    ("11 فبراير 2022 13:50 م", 13),  # redundant PM on a 24-hour time
    ("11 فبراير 2022 00:50 م", 0),  # hour 0 is already 24-hour
    ("10:50 مساءً، 11 فبراير 2022", 22),  # time before the date
]


@pytest.mark.parametrize(("line", "hour"), AMPM_CASES)
def test_am_pm_markers(line: str, hour: int) -> None:
    """Every AM/PM marker shifts the hour; 12 AM is 00 and 12 PM is 12; raw includes the marker."""
    date = only(line)
    assert (date.raw, date.value) == (line, datetime(2022, 2, 11, hour, 50))


NUMERIC_ORDER_CASES: list[tuple[str, DateOrder, datetime]] = [
    # ambiguous: the corpus's order decides; "ymd" reads a year-last date day first
    ("03/04/2012", "dmy", datetime(2012, 4, 3)),
    ("03/04/2012", "mdy", datetime(2012, 3, 4)),
    ("03/04/2012", "ymd", datetime(2012, 4, 3)),
    ("٠٣/٠٤/٢٠١٢", "mdy", datetime(2012, 3, 4)),
    ("۰۳-۰۴-۲۰۱۲", "dmy", datetime(2012, 4, 3)),
    ("3.4.2012", "mdy", datetime(2012, 3, 4)),
    ("12/11/2021 10:05", "mdy", datetime(2021, 12, 11, 10, 5)),
    ("12/11/2021 10:05", "dmy", datetime(2021, 11, 12, 10, 5)),
    ("نشر في 1/2/2020 الساعة 08:00", "mdy", datetime(2020, 1, 2, 8)),
    ("07/07/2022", "mdy", datetime(2022, 7, 7)),
    # unambiguous: read in the only order that gives a date, whatever the corpus says
    ("05-30-2012 11:25 PM", "dmy", datetime(2012, 5, 30, 23, 25)),
    ("05-30-2012 11:25 PM", "ymd", datetime(2012, 5, 30, 23, 25)),
    ("05-30-2012 11:25 PM", "mdy", datetime(2012, 5, 30, 23, 25)),
    ("30/05/2012", "mdy", datetime(2012, 5, 30)),
    ("30/05/2012", "dmy", datetime(2012, 5, 30)),
    ("٣٠/٠٥/٢٠١٢", "mdy", datetime(2012, 5, 30)),
    ("١٢/٣١/٢٠٢١ ١١:٥٩ م", "dmy", datetime(2021, 12, 31, 23, 59)),
    ("2/29/2020", "dmy", datetime(2020, 2, 29)),
    ("29.2.2020", "mdy", datetime(2020, 2, 29)),
    ("13-12-2021", "mdy", datetime(2021, 12, 13)),
    # year first: always year/month/day
    ("2022/03/13", "dmy", datetime(2022, 3, 13)),
    ("2022/03/13", "mdy", datetime(2022, 3, 13)),
    ("2022/03/13", "ymd", datetime(2022, 3, 13)),
    ("2022-03-04", "mdy", datetime(2022, 3, 4)),
    ("2022.03.04", "dmy", datetime(2022, 3, 4)),
    ("٢٠٢٢/٠٣/٠٤", "mdy", datetime(2022, 3, 4)),
    ("2022.3.4 09:15", "ymd", datetime(2022, 3, 4, 9, 15)),
]


@pytest.mark.parametrize(("line", "order", "value"), NUMERIC_ORDER_CASES)
def test_numeric_dates_follow_the_date_order_when_ambiguous(line: str, order: DateOrder, value: datetime) -> None:
    """An ambiguous day/month is read in the corpus's order; an unambiguous or year-first one is not."""
    found = find_dates(line, date_order=order)
    check_spans(line, found)
    assert [(d.value, d.problem) for d in found] == [(value, None)]
    assert parse_date(line, date_order=order) == found[0]


NUMERIC_PROBLEM_CASES: list[tuple[str, DateOrder, str]] = [
    ("31/13/2012", "dmy", "month 13 out of range (read as day/month/year)"),
    ("31/13/2012", "mdy", "month 31 out of range (read as month/day/year)"),
    ("31/13/2012", "ymd", "month 13 out of range (read as day/month/year)"),
    ("٣١/١٣/٢٠١٢", "dmy", "month 13 out of range (read as day/month/year)"),
    ("13-13-2012", "mdy", "month 13 out of range (read as month/day/year)"),
    ("00/00/2012", "dmy", "month 0 out of range (read as day/month/year)"),
    ("2012/13/03", "ymd", "month 13 out of range (read as year/month/day)"),
    ("2012/13/03", "dmy", "month 13 out of range (read as year/month/day)"),
    ("2012-00-10", "mdy", "month 0 out of range (read as year/month/day)"),
    # one order has a month of 1-12 but no such day: that month's impossible day is reported
    ("31/04/2012", "mdy", "impossible date: 31 April 2012"),
    ("31/04/2012", "dmy", "impossible date: 31 April 2012"),
    ("30/02/2012", "mdy", "impossible date: 30 February 2012"),
    ("02/30/2013", "dmy", "impossible date: 30 February 2013"),
    ("05/00/2012", "dmy", "impossible date: 0 May 2012"),
    ("2012/02/30", "mdy", "impossible date: 30 February 2012"),
]


@pytest.mark.parametrize(("line", "order", "problem"), NUMERIC_PROBLEM_CASES)
def test_numeric_dates_impossible_in_both_orders(line: str, order: DateOrder, problem: str) -> None:
    """A numeric date that is no date in either order keeps a problem naming how it was read."""
    found = find_dates(line, date_order=order)
    check_spans(line, found)
    assert [(d.value, d.problem) for d in found] == [(None, problem)]


@pytest.mark.parametrize("order", DATE_ORDERS)
def test_date_order_never_changes_month_name_dates(order: DateOrder) -> None:
    """date_order only concerns all-numeric dates: a named month is that month in every order."""
    line = "3 أبريل 2012 و April 5, 2012 و 2012-04-06"
    dates = find_dates(line, date_order=order)
    assert [d.value for d in dates] == [datetime(2012, 4, 3), datetime(2012, 4, 5), datetime(2012, 4, 6)]


HOUR_ONLY_CASES = [
    ("13 مارس 2022 3 ص", "13 مارس 2022 3 ص", 3),
    ("13 مارس 2022 ٣ ص", "13 مارس 2022 ٣ ص", 3),
    ("13 مارس 2022 9 مساء", "13 مارس 2022 9 مساء", 21),
    ("13 مارس 2022 9 مساءً", "13 مارس 2022 9 مساءً", 21),
    ("13 مارس 2022 ٩ مساءاً", "13 مارس 2022 ٩ مساءاً", 21),
    ("13 مارس 2022 9 م", "13 مارس 2022 9 م", 21),
    ("13 مارس 2022 الساعة 3 عصرا", "13 مارس 2022 الساعة 3 عصرا", 15),
    ("13 مارس 2022، الساعة ٣ عصراً", "13 مارس 2022، الساعة ٣ عصراً", 15),
    ("13 مارس 2022 11 صباحا", "13 مارس 2022 11 صباحا", 11),
    ("13 مارس 2022 11 صباحاً", "13 مارس 2022 11 صباحاً", 11),
    ("13 مارس 2022 7 صباح", "13 مارس 2022 7 صباح", 7),
    ("13 مارس 2022 10 ليلا", "13 مارس 2022 10 ليلا", 22),
    ("13 مارس 2022 10 ليلاً", "13 مارس 2022 10 ليلاً", 22),
    ("13 مارس 2022 5 فجرا", "13 مارس 2022 5 فجرا", 5),
    ("13 مارس 2022 1 ظهرا", "13 مارس 2022 1 ظهرا", 13),
    ("13 مارس 2022 2 بعد الظهر", "13 مارس 2022 2 بعد الظهر", 14),
    ("March 13, 2022 3 pm", "March 13, 2022 3 pm", 15),
    ("13 March 2022 3PM", "13 March 2022 3PM", 15),
    ("13 March 2022, 3 p.m.", "13 March 2022, 3 p.m.", 15),
    ("13.03.2022 9am", "13.03.2022 9am", 9),
    ("13/03/2022 - 9 A.M.", "13/03/2022 - 9 A.M.", 9),
    # الساعة alone makes a number an hour: a 24-hour one
    ("13 مارس 2022 الساعة 3", "13 مارس 2022 الساعة 3", 3),
    ("13 مارس 2022 الساعة 15", "13 مارس 2022 الساعة 15", 15),
    ("13 مارس 2022 على الساعة ١٠", "13 مارس 2022 على الساعة ١٠", 10),
    ("13 مارس 2022 ساعة 8 مساء", "13 مارس 2022 ساعة 8 مساء", 20),
    # the 12 o'clock rules, and a marker on a 24-hour hour changes nothing
    ("13 مارس 2022 12 ص", "13 مارس 2022 12 ص", 0),
    ("13 مارس 2022 12 AM", "13 مارس 2022 12 AM", 0),
    ("13 مارس 2022 12 م", "13 مارس 2022 12 م", 12),
    ("13 مارس 2022 12 مساء", "13 مارس 2022 12 مساء", 12),
    ("13 مارس 2022 12 ظهرا", "13 مارس 2022 12 ظهرا", 12),
    ("13 مارس 2022 11 ظهرا", "13 مارس 2022 11 ظهرا", 11),
    ("13 مارس 2022 12 ليلا", "13 مارس 2022 12 ليلا", 0),
    ("13 مارس 2022 2 ليلا", "13 مارس 2022 2 ليلا", 2),  # two in the night, not 14:00
    ("13 مارس 2022 12 pm", "13 مارس 2022 12 pm", 12),
    ("13 مارس 2022 15 م", "13 مارس 2022 15 م", 15),
    ("13 مارس 2022 0 ص", "13 مارس 2022 0 ص", 0),
    # before the date, and with a zone
    ("9 مساءً، 13 مارس 2022", "9 مساءً، 13 مارس 2022", 21),
    ("3 PM 13 March 2022", "3 PM 13 March 2022", 15),
    ("13 مارس 2022 - 10 ليلاً", "13 مارس 2022 - 10 ليلاً", 22),
]


@pytest.mark.parametrize(("line", "raw", "hour"), HOUR_ONLY_CASES)
def test_hour_only_times_with_a_day_part_or_the_word_hour(line: str, raw: str, hour: int) -> None:
    """An hour with no minutes is a time when a day-part word follows it or الساعة precedes it."""
    found = find_dates(line)
    check_spans(line, found)
    assert [(d.raw, d.value, d.has_time) for d in found] == [(raw, datetime(2022, 3, 13, hour), True)]


HOUR_ONLY_ZONE_CASES = [
    ("13 مارس 2022 3 م بتوقيت مكة", datetime(2022, 3, 13, 12, tzinfo=UTC)),
    ("13 March 2022 3 pm GMT", datetime(2022, 3, 13, 15, tzinfo=UTC)),
    ("13 مارس 2022 الساعة 10 (ت.غ)", datetime(2022, 3, 13, 10, tzinfo=UTC)),
]


@pytest.mark.parametrize(("line", "value"), HOUR_ONLY_ZONE_CASES)
def test_hour_only_times_take_a_zone(line: str, value: datetime) -> None:
    """A zone after an hour-only time applies as after any time."""
    date = only(line)
    assert (date.raw, date.value, date.tz_known) == (line, value, True)


NOT_A_TIME_CASES = [
    ("13 مارس 2022 3", "13 مارس 2022"),  # a bare number: a page, a count
    ("13 مارس 2022، 15 قتيلا", "13 مارس 2022"),
    ("13 مارس 2022 3 مصابين", "13 مارس 2022"),  # م must be a word of its own
    ("13 مارس 2022 3 مايو", "13 مارس 2022"),
    ("13 مارس 2022 ص 3", "13 مارس 2022"),  # ص before a number is a page
    ("13 March 2022 3 amendments", "13 March 2022"),
    ("13 March 2022 3 people", "13 March 2022"),
    ("صفحة 3 13 مارس 2022", "13 مارس 2022"),
    ("العدد 12 - 13 مارس 2022", "13 مارس 2022"),
    ("13 مارس 2022 10:5", "13 مارس 2022"),
    ("13 مارس 2022 الساعات 3", "13 مارس 2022"),
]


@pytest.mark.parametrize(("line", "raw"), NOT_A_TIME_CASES)
def test_a_number_without_a_day_part_or_the_word_hour_is_not_a_time(line: str, raw: str) -> None:
    """A number beside a date with neither a day-part word nor الساعة is left out; the date has no time."""
    date = only(line)
    assert (date.raw, date.has_time, date.value) == (raw, False, datetime(2022, 3, 13))


TZ_CASES = [
    ("17.01.2022 18:53 GMT", datetime(2022, 1, 17, 18, 53, tzinfo=UTC)),
    ("17.01.2022 18:53 UTC", datetime(2022, 1, 17, 18, 53, tzinfo=UTC)),
    ("18:53 ت.غ 17.01.2022", datetime(2022, 1, 17, 18, 53, tzinfo=UTC)),
    ("17.01.2022 18:53 (ت.غ)", datetime(2022, 1, 17, 18, 53, tzinfo=UTC)),
    ("17.01.2022 18:53 بتوقيت غرينتش", datetime(2022, 1, 17, 18, 53, tzinfo=UTC)),
    ("17.01.2022 18:53 UTC+3", datetime(2022, 1, 17, 15, 53, tzinfo=UTC)),
    ("17.01.2022 18:53 GMT+03:00", datetime(2022, 1, 17, 15, 53, tzinfo=UTC)),
    ("17.01.2022 18:53 GMT-5", datetime(2022, 1, 17, 23, 53, tzinfo=UTC)),
    ("17.01.2022 18:53 +03:00", datetime(2022, 1, 17, 15, 53, tzinfo=UTC)),
    ("2022-01-17T18:53:00Z", datetime(2022, 1, 17, 18, 53, tzinfo=UTC)),
    ("2022-01-17T18:53:00+03:00", datetime(2022, 1, 17, 15, 53, tzinfo=UTC)),
    ("2022-01-17T18:53:00-05:00", datetime(2022, 1, 17, 23, 53, tzinfo=UTC)),
    ("11 فبراير 2022 10:50 مساءً بتوقيت مكة", datetime(2022, 2, 11, 19, 50, tzinfo=UTC)),
    ("11 فبراير 2022 10:50 بتوقيت مكة المكرمة", datetime(2022, 2, 11, 7, 50, tzinfo=UTC)),
    ("11 فبراير 2022 10:50 بتوقيت السعودية", datetime(2022, 2, 11, 7, 50, tzinfo=UTC)),
    ("11 فبراير 2022 10:50 بتوقيت القاهرة", datetime(2022, 2, 11, 8, 50, tzinfo=UTC)),
    ("11 فبراير 2022 10:50 بتوقيت موسكو", datetime(2022, 2, 11, 7, 50, tzinfo=UTC)),
    ("11 فبراير 2022 10:50 MSK", datetime(2022, 2, 11, 7, 50, tzinfo=UTC)),
]


@pytest.mark.parametrize(("line", "value"), TZ_CASES)
def test_time_zones_convert_to_utc(line: str, value: datetime) -> None:
    """A stated zone or offset makes the value UTC-aware and sets tz_known."""
    date = only(line)
    assert date.value == value
    assert date.value is not None and date.value.tzinfo is UTC
    assert (date.tz_known, date.has_time) == (True, True)


ISO_CASES = [
    ("2022-03-13T10:20:00+03:00", datetime(2022, 3, 13, 7, 20, tzinfo=UTC), True),
    ("2022-03-13T10:20:00Z", datetime(2022, 3, 13, 10, 20, tzinfo=UTC), True),
    ("2022-03-13t10:20:00z", datetime(2022, 3, 13, 10, 20, tzinfo=UTC), True),
    ("2022-03-13 10:20", datetime(2022, 3, 13, 10, 20), False),
    ("2022-03-13T10:20", datetime(2022, 3, 13, 10, 20), False),
    ("2022-03-13T10:20:00.123456+0300", datetime(2022, 3, 13, 7, 20, tzinfo=UTC), True),
    ("2022-03-13T10:20:00.5Z", datetime(2022, 3, 13, 10, 20, tzinfo=UTC), True),
    ("2022-03-13T10:20+03:00", datetime(2022, 3, 13, 7, 20, tzinfo=UTC), True),
    ("2022-03-13T10:20:00+03", datetime(2022, 3, 13, 7, 20, tzinfo=UTC), True),
    ("2022-03-13T10:20:00-0530", datetime(2022, 3, 13, 15, 50, tzinfo=UTC), True),
    ("2022-03-13T23:20:00-02:00", datetime(2022, 3, 14, 1, 20, tzinfo=UTC), True),  # the UTC day is the next
    ("2022-03-13 10:20:00 +0300", datetime(2022, 3, 13, 7, 20, tzinfo=UTC), True),
    ("2022-03-13T10:20:00 GMT", datetime(2022, 3, 13, 10, 20, tzinfo=UTC), True),
    ("٢٠٢٢-٠٣-١٣T١٠:٢٠:٠٠+٠٣:٠٠", datetime(2022, 3, 13, 7, 20, tzinfo=UTC), True),
]


@pytest.mark.parametrize(("iso", "value", "tz_known"), ISO_CASES)
@pytest.mark.parametrize("context", ["{}", "نشر في {} وفق الموقع", "({})", 'datePublished":"{}",', "{}."])
def test_iso_8601_in_running_text(context: str, iso: str, value: datetime, tz_known: bool) -> None:
    """An ISO 8601 timestamp inside a sentence, brackets or JSON is read whole, with its zone when stated."""
    line = context.format(iso)
    date = only(line)
    assert (date.raw, date.value, date.tz_known, date.has_time) == (iso, value, tz_known, True)


def test_an_offset_after_a_space_needs_seconds() -> None:
    """A signed number after an hh:mm time is not taken for a zone: "10:20 -0500" may be a range or a count."""
    assert [d.raw for d in find_dates("13.03.2022 10:20 -0500 ثم 13.03.2022 10:20:00 -12 قتيلا")] == [
        "13.03.2022 10:20",
        "13.03.2022 10:20:00",
    ]


SPUTNIK = "18:53 GMT 17.01.2022 (تم التحديث: 09:02 GMT 27.01.2022)"
SEED_CASES = [
    (
        SPUTNIK,
        [
            FoundDate(
                "18:53 GMT 17.01.2022", 0, 20, datetime(2022, 1, 17, 18, 53, tzinfo=UTC), True, True, None, None, None
            ),
            FoundDate(
                "09:02 GMT 27.01.2022",
                34,
                54,
                datetime(2022, 1, 27, 9, 2, tzinfo=UTC),
                True,
                True,
                "updated",
                None,
                None,
            ),
        ],
    ),
    (
        "11 فبراير 2022 ، 10:50 مساءً",
        [FoundDate("11 فبراير 2022 ، 10:50 مساءً", 0, 28, datetime(2022, 2, 11, 22, 50), False, True, None, None, None)],
    ),
    (
        "– وزارة الدفاع 🇬🇧 (DefenceHQ) 11 فبراير 2022",
        [FoundDate("11 فبراير 2022", 30, 44, datetime(2022, 2, 11), False, False, None, None, None)],
    ),
]


@pytest.mark.parametrize(("line", "expected"), SEED_CASES)
def test_seed_lines_exactly(line: str, expected: list[FoundDate]) -> None:
    """The real Sputnik, RT and tweet lines give exact dates, spans and labels."""
    found = find_dates(line)
    check_spans(line, found)
    assert found == expected


WEEKDAY_CASES = [
    ("الأحد 13 مارس 2022", "الأحد 13 مارس 2022", datetime(2022, 3, 13)),
    ("الأحد، 13 مارس 2022 - 10:20", "الأحد، 13 مارس 2022 - 10:20", datetime(2022, 3, 13, 10, 20)),
    ("Sunday, March 13, 2022", "Sunday, March 13, 2022", datetime(2022, 3, 13)),
    ("sunday 13 march 2022", "sunday 13 march 2022", datetime(2022, 3, 13)),
    ("Sun, 13 Mar 2022 10:20:00 +0300", "Sun, 13 Mar 2022 10:20:00 +0300", datetime(2022, 3, 13, 7, 20, tzinfo=UTC)),
    ("Mon. 14 March 2022", "Mon. 14 March 2022", datetime(2022, 3, 14)),
    ("Thurs, 17 March 2022", "Thurs, 17 March 2022", datetime(2022, 3, 17)),
    ("الاثنين 2022/03/14", "الاثنين 2022/03/14", datetime(2022, 3, 14)),
    ("الأثنين ١٤/٠٣/٢٠٢٢", "الأثنين ١٤/٠٣/٢٠٢٢", datetime(2022, 3, 14)),
    ("الاحد 13 مارس 2022", "الاحد 13 مارس 2022", datetime(2022, 3, 13)),  # without hamza
    ("الثلاثاء - 15 آذار 2022", "الثلاثاء - 15 آذار 2022", datetime(2022, 3, 15)),
    ("الاربعاء 16.03.2022 12:30", "الاربعاء 16.03.2022 12:30", datetime(2022, 3, 16, 12, 30)),
    ("الخميس،١٧ مارس ٢٠٢٢", "الخميس،١٧ مارس ٢٠٢٢", datetime(2022, 3, 17)),
    ("الجمعه 18 مارس 2022 9 مساءً", "الجمعه 18 مارس 2022 9 مساءً", datetime(2022, 3, 18, 21)),
    ("السبت ١٩ مارس ٢٠٢٢", "السبت ١٩ مارس ٢٠٢٢", datetime(2022, 3, 19)),
    ("الأحد 10:20 13 مارس 2022", "الأحد 10:20 13 مارس 2022", datetime(2022, 3, 13, 10, 20)),  # time first
    ("نشر يوم الأحد 13 مارس 2022", "الأحد 13 مارس 2022", datetime(2022, 3, 13)),
    ("\u200fالأحد\u200f، 13 مارس 2022", "الأحد\u200f، 13 مارس 2022", datetime(2022, 3, 13)),
    ("الأحـــد 13 مارس 2022", "الأحـــد 13 مارس 2022", datetime(2022, 3, 13)),  # tatweel
    # not a weekday of its own: left out of raw
    ("الأحدث 13 مارس 2022", "13 مارس 2022", datetime(2022, 3, 13)),
    ("بالأحد 13 مارس 2022", "13 مارس 2022", datetime(2022, 3, 13)),
    ("Sundays 13 March 2022", "13 March 2022", datetime(2022, 3, 13)),
    ("الأحد وفي 13 مارس 2022", "13 مارس 2022", datetime(2022, 3, 13)),
]


@pytest.mark.parametrize(("line", "raw", "value"), WEEKDAY_CASES)
def test_a_weekday_right_before_a_date_is_part_of_its_raw_text(line: str, raw: str, value: datetime) -> None:
    """A weekday (Arabic or English, with a comma or dash) directly before a date widens raw and start."""
    date = only(line)
    assert (date.raw, date.value) == (raw, value)


def test_each_date_takes_only_its_own_weekday() -> None:
    """Two dates with weekdays each take theirs; a weekday never reaches back over the previous date."""
    line = "الأحد 13 مارس 2022 - الاثنين 14 مارس 2022 الأحد 20 مارس 2022"
    found = find_dates(line)
    check_spans(line, found)
    assert [d.raw for d in found] == ["الأحد 13 مارس 2022", "الاثنين 14 مارس 2022", "الأحد 20 مارس 2022"]


OUTSIDE_CASES = [
    ("الأحد، 13 مارس 2022 - 10:20", ""),
    ("Sunday, March 13, 2022", ""),
    ("نشر في: الأحد 13 مارس 2022", "نشر في"),
    ("15 رجب 1443 هـ الموافق 17 فبراير 2022", ""),
    ("12 ربيع الأول 1443 هـ الموافق لـ 18 أكتوبر 2021", ""),
    ("الخميس 17 فبراير 2022 م الموافق 15 رجب 1443هـ", ""),
    ("17 فبراير 2022 (15 رجب 1443 هـ) - 10:00", "10 00"),  # a time after the Hijri date is not the date's
    ("15/07/1443 هـ الموافق 17/02/2022 - كتب: محمد", "كتب محمد"),
    ("17 فبراير 2022 وفي خبر آخر 15 رجب 1443 هـ", "وفي خبر اخر 15 رجب 1443 ه"),  # not its companion
    ("15 رجب 1443 هـ وفي خبر آخر 17 فبراير 2022 الموافق 15 رجب 1443 هـ", "15 رجب 1443 ه وفي خبر اخر"),
    ("15 رجب 1443 هـ \u200fالموافِق 17 فبراير 2022", ""),  # marks in the gap
    ("الموافقة على القرار في 13 مارس 2022", "الموافقه علي القرار في"),
    ("نشر: 17.01.2022 | آخر تحديث: الخميس 27.01.2022", "نشر اخر تحديث"),
    ("قال الوزير13 مارس 2022إن", "قال الوزير ان"),  # words on either side stay apart
    ("لا تاريخ هنا", "لا تاريخ هنا"),
]


@pytest.mark.parametrize(("line", "key"), OUTSIDE_CASES)
def test_text_outside_dates(line: str, key: str) -> None:
    """What is left of a line without its dates, weekdays, Hijri companions and الموافق (as a key)."""
    assert normalize_key(text_outside_dates(line, find_dates(line))) == key


LABEL_CASES = [
    ("نشر: 17.01.2022 | آخر تحديث: 27.01.2022", [None, "updated"]),
    ("17.01.2022 محدث 27.01.2022 10:00", [None, "updated"]),
    ("Published 17.01.2022, Updated: 27.01.2022", [None, "updated"]),
    ("last updated on January 27, 2022", ["updated"]),
    ("آخر تحديث: الخميس 27 يناير 2022", ["updated"]),
    ("المحدث 27.01.2022", [None]),  # marker must be a word of its own
]


@pytest.mark.parametrize(("line", "labels"), LABEL_CASES)
def test_update_labels(line: str, labels: list[str | None]) -> None:
    """Dates right after an update marker are labelled "updated"; others are unlabelled."""
    found = find_dates(line)
    check_spans(line, found)
    assert [d.label for d in found] == labels


HIJRI_CASES = [
    ("15 رجب 1443 هـ الموافق 17 فبراير 2022", "15 رجب 1443 هـ", datetime(2022, 2, 17)),
    ("17 فبراير 2022 م الموافق 15 رجب 1443هـ", "15 رجب 1443هـ", datetime(2022, 2, 17)),
    ("17 فبراير 2022 (15 رجب 1443 هـ)", "15 رجب 1443 هـ", datetime(2022, 2, 17)),
    ("1 محرم 1443 - 9 أغسطس 2021", "1 محرم 1443", datetime(2021, 8, 9)),
    ("12 ربيع الأول 1443 هـ الموافق لـ 18 أكتوبر 2021", "12 ربيع الأول 1443 هـ", datetime(2021, 10, 18)),
    ("1 ذو الحجة 1442 الموافق 11 يوليو 2021", "1 ذو الحجة 1442", datetime(2021, 7, 11)),
    ("15/07/1443 هـ الموافق 17/02/2022", "15/07/1443 هـ", datetime(2022, 2, 17)),
    ("17 فبراير 2022 وفي خبر آخر 15 رجب 1443 هـ", None, datetime(2022, 2, 17)),  # not adjacent
]


@pytest.mark.parametrize(("line", "hijri", "value"), HIJRI_CASES)
def test_hijri_beside_gregorian_is_kept_raw(line: str, hijri: str | None, value: datetime) -> None:
    """A Hijri date next to a Gregorian one is attached as raw text; only the Gregorian is a date."""
    date = only(line)
    assert (date.hijri, date.value) == (hijri, value)


PROBLEM_CASES = [
    ("30 فبراير 2022", "impossible date: 30 February 2022"),
    ("29.02.2022", "impossible date: 29 February 2022"),
    ("31.04.2022", "impossible date: 31 April 2022"),
    ("17.13.2022", "month 13 out of range (read as day/month/year)"),
    ("17.01.2022 24:00", "hour 24 out of range"),
    ("17.01.2022 25:10", "hour 25 out of range"),
    ("17.01.2022 10:60", "minute 60 out of range"),
    ("17.01.2022 10:59:61", "second 61 out of range"),
    ("00.01.2022", "impossible date: 0 January 2022"),
    ("17.01.0000", "year 0 out of range"),
    ("2022-01-17T10:00+15:00", "offset +15:00 out of range"),
]


@pytest.mark.parametrize(("line", "problem"), PROBLEM_CASES)
def test_impossible_dates_are_reported_not_skipped(line: str, problem: str) -> None:
    """Impossible fields give value None and a one-line problem instead of raising or skipping."""
    date = only(line)
    assert (date.value, date.problem) == (None, problem)


NO_DATE_CASES = [
    "9 و10 يناير/كانون الثاني الجاري",  # a day range without a year
    "15 رجب 1443 هـ",  # Hijri alone is not converted
    "15/07/1443 هـ",
    "في نهاية عام 2021",
    "11 فبراير",
    "الساعة 10:50 مساءً",
    "رقم 12.345.6789",
    "مايو2022 ماي",
    "",
    "\ufeff\u200f\r\n",
]


@pytest.mark.parametrize("line", NO_DATE_CASES)
def test_lines_without_a_gregorian_date(line: str) -> None:
    """Lines with no full Gregorian date (year required) give an empty list and parse_date None."""
    assert find_dates(line) == []
    assert parse_date(line) is None


TIME_ATTRIBUTION_CASES = [
    ("18:53 GMT 17.01.2022 - 09:02 GMT 27.01.2022", ["18:53 GMT 17.01.2022", "09:02 GMT 27.01.2022"]),
    ("17.01.2022 09:02 - 18.01.2022 10:00", ["17.01.2022 09:02", "18.01.2022 10:00"]),
    ("18:53 17.01.2022 09:02 27.01.2022", ["18:53 17.01.2022", "09:02 27.01.2022"]),
    ("17.01.2022 09:02 27.01.2022", ["17.01.2022 09:02", "27.01.2022"]),
]


@pytest.mark.parametrize(("line", "raws"), TIME_ATTRIBUTION_CASES)
def test_time_between_two_dates_goes_to_the_right_one(line: str, raws: list[str]) -> None:
    """A time leading into the next date belongs to it when the current date already has a time."""
    found = find_dates(line)
    check_spans(line, found)
    assert [d.raw for d in found] == raws


def test_several_dates_in_order() -> None:
    """find_dates returns every date in line order; parse_date returns the first."""
    line = "من 9 يناير 2022 إلى 2022-02-01 ثم 03/03/2022"
    found = find_dates(line)
    check_spans(line, found)
    assert [d.value for d in found] == [datetime(2022, 1, 9), datetime(2022, 2, 1), datetime(2022, 3, 3)]
    assert parse_date(line) == found[0]


PATHOLOGICAL_CASES = [
    ("1" * 100_000, []),
    ("١" * 100_000, []),
    ("/" * 10_000, []),
    ("1/" * 50_000, []),
    ("11/11/2022/" * 5_000, ["11/11/2022"]),  # the rest run on from the one before
    ("3 م " * 20_000, []),
    ("12:" * 30_000 + " 13 مارس 2022", ["13 مارس 2022"]),
    ("13 " + " " * 100_000 + "مارس", []),
    ("1" + "-" * 50_000 + "1", []),
    ("الأحد " * 20_000 + "13 مارس 2022", ["الأحد 13 مارس 2022"]),
    ("13 مارس 2022 " + "الساعة " * 20_000, ["13 مارس 2022"]),
    ("13 مارس 2022 " + "3 ص " * 20_000, ["13 مارس 2022 3 ص"]),
    ("13.03.2022" + " -" * 50_000 + "10:20", ["13.03.2022" + " -" * 50_000 + "10:20"]),  # separators
    ("آخر تحديث: " * 20_000 + "27 يناير 2022", ["27 يناير 2022"]),
]


@pytest.mark.parametrize(("line", "raws"), PATHOLOGICAL_CASES, ids=lambda case: repr(case)[:20])
def test_pathological_lines_finish(line: str, raws: list[str]) -> None:
    """Long digit runs, separator runs and repeated words give the right dates in one linear pass."""
    found = find_dates(line)
    check_spans(line, found)
    assert [d.raw for d in found] == raws
    assert len(text_outside_dates(line, found)) <= len(line)


def test_many_dates_in_one_line() -> None:
    """Thousands of dates, with times, weekdays and Hijri companions, are each found once."""
    line = "الأحد 15 رجب 1443 هـ الموافق 17 فبراير 2022 - 3 م، " * 2_000
    found = find_dates(line)
    check_spans(line, found)
    assert len(found) == 2_000
    assert {(d.value, d.hijri) for d in found} == {(datetime(2022, 2, 17, 15), "15 رجب 1443 هـ")}
    assert normalize_key(text_outside_dates(line, found)) == " ".join(["الاحد"] * 2_000)


FRAGMENTS = [
    "17",
    "01",
    "2022",
    "١١",
    "۲۰۲۲",
    ".",
    "/",
    "-",
    ":",
    " ",
    "،",
    "(",
    ")",
    "ـ",
    "\u200f",
    "\u064b",
    "فبراير",
    "كانون الثاني",
    "ماي",
    "رجب",
    "هـ",
    "م",
    "ص",
    "مساءً",
    "GMT",
    "UTC+",
    "+03:00",
    "T",
    "Z",
    "بتوقيت القاهرة",
    "ت.غ",
    "تم التحديث:",
    "الموافق",
    "10:50",
    "25:61",
    "3",
    "١٢",
    "ليلا",
    "عصراً",
    "ظهرا",
    "فجرا",
    "PM",
    "a.m.",
    "الساعة",
    "الأحد",
    "الاثنين",
    "Sunday",
    "Sun,",
    "03/04/2012",
    "05-30-2012",
    "2022-03-13T10:20:00.123456+0300",
    "\r\n",
    "\ufeff",
]


@settings(max_examples=400)
@given(st.text() | st.lists(st.sampled_from(FRAGMENTS), max_size=25).map("".join), st.sampled_from(DATE_ORDERS))
def test_find_dates_never_raises(line: str, order: DateOrder) -> None:
    """find_dates/parse_date accept arbitrary text in every order; raw always equals line[start:end]."""
    found = find_dates(line, date_order=order)
    check_spans(line, found)
    assert parse_date(line, date_order=order) == (found[0] if found else None)
    assert len(text_outside_dates(line, found)) <= len(line) + len(found)
    for date in found:
        assert date.value is None or date.tz_known == (date.value.tzinfo is not None)


UPDATE_FRAGMENTS = [
    *(word.replace("_", " ") for word in dates_module._UPDATE_WORDS.split()),
    "LAST UPDATED",
    "Updated",
    "اخر تحدىث",
    "محدثه",
    "تم  التحديث",
    ": ",
    " في ",
    "الخميس",
    "12 مارس 2023",
    "حد",
    "تحد",
]


@settings(max_examples=600)
@given(st.lists(st.sampled_from(UPDATE_FRAGMENTS) | st.text(max_size=3), max_size=8).map("".join))
def test_the_update_word_prefilter_never_hides_a_match(text: str) -> None:
    """Wherever the update-label regex matches, the cheap prefilter lets it run."""
    if dates_module._UPDATED.search(text):
        assert dates_module._may_hold_update_word(text)


def test_every_update_word_passes_the_prefilter() -> None:
    """Each update word, as written in the list, is seen by the prefilter (a new word must be too)."""
    for word in dates_module._UPDATE_WORDS.split():
        assert dates_module._may_hold_update_word(word.replace("_", " ")), word

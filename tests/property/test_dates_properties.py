"""Numeric dates read back in every order, hour-only times stay in their day part, weekdays join raw."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

from provenance.parsing import dates as dates_module
from provenance.parsing.dates import find_dates, text_outside_dates
from provenance.parsing.settings import DATE_ORDERS, DateOrder

DIGITS = st.sampled_from(["0123456789", "٠١٢٣٤٥٦٧٨٩", "۰۱۲۳۴۵۶۷۸۹"])
SEPARATORS = st.sampled_from(["/", "-", "."])
DAYS = st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31))
FIELD_ORDER = {"dmy": "{d}{s}{m}{s}{y}", "mdy": "{m}{s}{d}{s}{y}", "ymd": "{y}{s}{m}{s}{d}"}


def numeric(day: date, *, order: DateOrder, sep: str, pad: bool, digits: str) -> str:
    """``day`` written all-numeric in ``order``, in the given digit script."""
    width = 2 if pad else 1
    text = FIELD_ORDER[order].format(d=f"{day.day:0{width}}", m=f"{day.month:0{width}}", y=day.year, s=sep)
    return text.translate(str.maketrans("0123456789", digits))


@given(DAYS, st.sampled_from(DATE_ORDERS), SEPARATORS, st.booleans(), DIGITS)
def test_a_date_written_in_the_corpus_order_reads_back(
    day: date, order: DateOrder, sep: str, pad: bool, digits: str
) -> None:
    """Whatever the date, a corpus's own order (and year-first in any order) gives it back."""
    line = f"نشر في {numeric(day, order=order, sep=sep, pad=pad, digits=digits)} ."
    assert [d.value for d in find_dates(line, date_order=order)] == [datetime(day.year, day.month, day.day)]


@given(DAYS.filter(lambda d: d.day > 12), st.sampled_from(["dmy", "mdy"]), SEPARATORS, DIGITS)
def test_an_unambiguous_date_reads_the_same_in_every_order(
    day: date, written: DateOrder, sep: str, digits: str
) -> None:
    """A day over 12 can only be the day: the date is read whatever the corpus's order."""
    line = numeric(day, order=written, sep=sep, pad=True, digits=digits)
    for order in DATE_ORDERS:
        found = find_dates(line, date_order=order)
        assert [(d.value, d.problem) for d in found] == [(datetime(day.year, day.month, day.day), None)]


MORNING, AFTERNOON = range(12), range(12, 24)
NIGHT, MIDDAY = [*range(18, 24), *range(6)], range(10, 22)
DAY_PART_WORDS = st.sampled_from(
    [(w, MORNING) for w in ("ص", "صباحا", "صباحاً", "صباح", "فجرا", "am", "AM", "a.m.")]
    + [(w, AFTERNOON) for w in ("م", "مساء", "مساءً", "مساءا", "عصرا", "بعد الظهر", "pm", "PM", "p.m.")]
    + [(w, NIGHT) for w in ("ليلا", "ليلاً")]
    + [(w, MIDDAY) for w in ("ظهرا", "ظهراً")]
)


@given(st.integers(1, 12), DAY_PART_WORDS, st.booleans())
def test_an_hour_only_time_falls_in_its_day_part(hour: int, part: tuple[str, range | list[int]], clock: bool) -> None:
    """An hour with a day-part word keeps its 12-hour reading and lands in the hours of that part."""
    word, hours = part
    line = f"13 مارس 2022 {'الساعة ' if clock else ''}{hour} {word}"
    [found] = find_dates(line)
    assert found.raw == line and found.has_time and found.value is not None
    assert found.value.hour % 12 == hour % 12
    assert found.value.hour in hours


WEEKDAYS = st.sampled_from([w.replace("_", " ") for w in dates_module._WEEKDAYS.split()])
DATE_FORMS = st.sampled_from(["13 مارس 2022", "March 13, 2022", "13/03/2022", "2022-03-13", "١٣ مارس ٢٠٢٢ ٣ م"])


@given(WEEKDAYS, st.sampled_from([" ", "، ", ", ", " - ", "،"]), DATE_FORMS)
def test_a_weekday_before_a_date_joins_its_raw_text(weekday: str, sep: str, form: str) -> None:
    """Any weekday name directly before any date form is part of raw; nothing of the line is left over."""
    line = f"{weekday}{sep}{form}"
    [found] = find_dates(line)
    assert (found.raw, found.start) == (line, 0)
    assert found.value is not None and found.value.date() == date(2022, 3, 13)
    assert text_outside_dates(line, [found]) == ""

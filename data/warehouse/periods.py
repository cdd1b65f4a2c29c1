"""Reporting periods: what a `period=` / `compare=` pair in the URL means, as inclusive date ranges.
Pure, so publishing a snapshot uses them too; the query layer re-exports them as queries.periods.

Calendar periods (`2026-Q3`, `2026-11`, `2026`) end at the "as of" date when they are still running
(to date); trailing periods (`t30`, `t90`, `t365`) end on it. No `period` means the quarter to date.
`compare=prev` is the previous *full* calendar period (the N days before, for trailing periods);
`compare=yoy` is the same dates a year earlier.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

import i18n
from i18n import _, ngettext

TRAILING_DAYS = (30, 90, 365)
COMPARISONS = {"prev": i18n.N_("previous period"), "yoy": i18n.N_("same period last year")}
DEFAULT_COMPARE = "prev"

_QUARTER = re.compile(r"(\d{4})-Q([1-4])")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_YEAR = re.compile(r"(\d{4})")
_TRAILING = re.compile(r"t(\d+)")
#: Calendar periods Beacon accepts; anything else is a typo, not a request for ancient history.
FIRST_YEAR, LAST_YEAR = 1900, 9999
_MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


class PeriodError(ValueError):
    """A period or comparison the URL asked for that Beacon cannot show; the message says why."""


#: How a period's label is worded, so that it is written in the language of whoever reads it (periods
#: are memoised and shared, so their words cannot be fixed when they are made). "": its English name as is.
WHOLE, TO_DATE, LAST, PREVIOUS, DAYS_TO, TO_DAY = "whole", "to_date", "last", "previous", "days_to", "to_day"


@dataclass(frozen=True)
class Period:
    key: str  # as written in the URL
    name: str  # its label in English, as made
    start: date
    end: date  # inclusive
    wording: str = ""  # one of WHOLE … TO_DAY: how `label` says it in another language

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        """'Q3 2026 to date', 'Last 30 days': in the language being spoken (i18n.current())."""
        if not self.wording or i18n.current() == i18n.SOURCE:
            return self.name
        return _worded(self)


def calendar_name(key: str) -> str:
    """A calendar period's name in the current language: 'Q3 2026' ('3. nelj. 2026'), 'Nov 2026', '2026'."""
    if m := _QUARTER.fullmatch(key):
        return i18n.format_quarter(int(m[1]), int(m[2]))
    if m := _MONTH.fullmatch(key):
        return i18n.format_month(int(m[1]), int(m[2]))
    return i18n.format_year(int(key))


def _worded(period: Period) -> str:
    if period.wording == WHOLE:
        return calendar_name(period.key)
    if period.wording == TO_DATE:
        return _("%(period)s to date", period=calendar_name(period.key))
    if period.wording == LAST:
        return ngettext("Last %(num)s day", "Last %(num)s days", period.days)
    if period.wording == PREVIOUS:
        return ngettext("Previous %(num)s day", "Previous %(num)s days", period.days)
    if period.wording == DAYS_TO:
        return ngettext(
            "%(num)s day to %(day)s", "%(num)s days to %(day)s", period.days, day=i18n.format_day(period.end)
        )
    return _("%(period)s to %(day)s", period=calendar_name(period.key), day=i18n.format_day_month(period.end))


@dataclass(frozen=True)
class View:
    """The period being reported on, what it is compared with, and the latest data date."""

    period: Period
    comparison: Period
    compare: str
    as_of: date


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _month_end(year: int, month: int) -> date:
    if month == 12:  # not via 1 January next year: there is none after 9999
        return date(year, 12, 31)
    return date(year, month + 1, 1) - timedelta(days=1)


def _days_before(day: date, days: int) -> date:
    """`days` days before `day`; PeriodError when the calendar has no such day (before year 1)."""
    try:
        return day - timedelta(days=days)
    except OverflowError:
        raise PeriodError(f"There are no {days} days before {day.isoformat()} to show.") from None


def _calendar_bounds(key: str) -> tuple[date, date, str] | None:
    """(first day, last day, label) of a calendar period key, or None if the key is not one."""
    year = re.match(r"\d{4}", key)
    if year is None or not FIRST_YEAR <= int(year[0]) <= LAST_YEAR:
        return None
    if m := _QUARTER.fullmatch(key):
        year, quarter = int(m[1]), int(m[2])
        return date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter), f"Q{quarter} {year}"
    if m := _MONTH.fullmatch(key):
        year, month = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            return None
        return date(year, month, 1), _month_end(year, month), f"{_MONTH_NAMES[month - 1]} {year}"
    if m := _YEAR.fullmatch(key):
        year = int(m[1])
        return date(year, 1, 1), date(year, 12, 31), str(year)
    return None


def parse_period(key: str | None, as_of: date) -> Period:
    """The period a URL key names, clipped to the latest data date."""
    key = (key or quarter_of(as_of)).strip()
    if m := _TRAILING.fullmatch(key):
        days = int(m[1])
        if days not in TRAILING_DAYS:
            raise PeriodError(f"Trailing periods are t30, t90 or t365, not “{key}”.")
        return Period(key, f"Last {days} days", _days_before(as_of, days - 1), as_of, LAST)
    bounds = _calendar_bounds(key)
    if bounds is None:
        raise PeriodError(
            f"“{key}” is not a period. Use a quarter (2026-Q3), a month (2026-11), a year (2026) "
            f"from {FIRST_YEAR} on, or a trailing window (t30, t90, t365)."
        )
    start, end, label = bounds
    if start > as_of:
        raise PeriodError(f"{label} starts after the latest data ({as_of.isoformat()}).")
    if end > as_of:
        return Period(key, f"{label} to date", start, as_of, TO_DATE)
    return Period(key, label, start, end, WHOLE)


def year_earlier(day: date) -> date:
    if day.year == 1:
        raise PeriodError(f"There is no year before {day.isoformat()} to compare with.")
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _previous_key(key: str) -> str:
    if m := _QUARTER.fullmatch(key):
        year, quarter = int(m[1]), int(m[2])
        return f"{year - 1}-Q4" if quarter == 1 else f"{year}-Q{quarter - 1}"
    if m := _MONTH.fullmatch(key):
        year, month = int(m[1]), int(m[2])
        return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"
    return str(int(key) - 1)


def _year_earlier_key(key: str) -> str:
    """The same calendar period a year earlier (2026-Q3 → 2025-Q3); a trailing key stays as it is."""
    return key if _TRAILING.fullmatch(key) else f"{int(key[:4]) - 1}{key[4:]}"


def _year_earlier_label(period: Period, start: date, end: date) -> str:
    """'Q3 2025', 'Q4 2025 to 23 Nov', '30 days to 23 Nov 2025': the earlier period by its own name."""
    if _TRAILING.fullmatch(period.key):
        return f"{period.days} days to {end.day} {_MONTH_NAMES[end.month - 1]} {end.year}"
    bounds = _calendar_bounds(_year_earlier_key(period.key))
    if bounds is None:
        raise PeriodError(f"There is no year before {period.label} to compare with.")
    _start, last_day, label = bounds
    return label if end == last_day else f"{label} to {end.day} {_MONTH_NAMES[end.month - 1]}"


def comparison_period(period: Period, compare: str) -> Period:
    """The period `period` is compared with: `prev` or `yoy`."""
    if compare == "yoy":
        start, end = year_earlier(period.start), year_earlier(period.end)
        whole, earlier = _calendar_bounds(period.key), _calendar_bounds(_year_earlier_key(period.key))
        if whole is not None and earlier is not None and whole[1] == period.end:
            # A whole calendar period is compared with the whole one a year earlier (all of a leap February).
            end = earlier[1]
        key = _year_earlier_key(period.key)
        earlier_whole = earlier is not None and end == earlier[1]
        wording = DAYS_TO if _TRAILING.fullmatch(period.key) else WHOLE if earlier_whole else TO_DAY
        return Period(key, _year_earlier_label(period, start, end), start, end, wording)
    if compare != "prev":
        raise PeriodError(
            f"Compare with “prev” (previous period) or “yoy” (same period last year), not “{compare}”."
        )
    if _TRAILING.fullmatch(period.key):
        end = _days_before(period.start, 1)
        return Period(
            period.key, f"Previous {period.days} days", _days_before(end, period.days - 1), end, PREVIOUS
        )
    key = _previous_key(period.key)
    bounds = _calendar_bounds(key)
    if bounds is None:
        raise PeriodError(f"There is no period before {period.label} to compare with.")
    start, end, label = bounds
    return Period(key, label, start, end, WHOLE)


def resolve_view(period: str | None, compare: str | None, as_of: date) -> View:
    """The view a URL's `period` and `compare` ask for; PeriodError with a plain message if malformed."""
    current = parse_period(period, as_of)
    compare = (compare or DEFAULT_COMPARE).strip()
    return View(current, comparison_period(current, compare), compare, as_of)


def period_choices(first_day: date, as_of: date) -> list[tuple[str, str]]:
    """(key, label) of the periods a selector offers: this quarter to date and the trailing windows
    first, then every quarter, month and year with data, newest first. Data before FIRST_YEAR (an odd
    but valid date) offers nothing earlier than FIRST_YEAR: those periods cannot be asked for."""
    first_day = max(first_day, date(FIRST_YEAR, 1, 1))
    keys = [quarter_of(as_of), *(f"t{days}" for days in TRAILING_DAYS)]
    quarter = _previous_key(quarter_of(as_of))
    while (bounds := _calendar_bounds(quarter)) and bounds[1] >= first_day:
        keys.append(quarter)
        quarter = _previous_key(quarter)
    month = f"{as_of.year}-{as_of.month:02d}"
    while (bounds := _calendar_bounds(month)) and bounds[1] >= first_day:
        keys.append(month)
        month = _previous_key(month)
    keys += [str(year) for year in range(as_of.year, first_day.year - 1, -1)]
    return [(key, parse_period(key, as_of).label) for key in keys]

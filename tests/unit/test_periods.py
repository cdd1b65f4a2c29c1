"""Reporting periods (queries/periods.py): URL keys to inclusive date ranges, worked on a calendar."""

from datetime import date

import pytest

from queries.periods import PeriodError, comparison_period, parse_period, period_choices, resolve_view

AS_OF = date(2026, 11, 23)


def spans(view):
    """(start, end) of the period and of its comparison, as ISO strings."""
    return (
        (view.period.start.isoformat(), view.period.end.isoformat()),
        (view.comparison.start.isoformat(), view.comparison.end.isoformat()),
    )


def test_default_is_quarter_to_date_against_previous_full_quarter():
    """No period, no compare: Q4 2026 to date vs the whole of Q3 2026."""
    view = resolve_view(None, None, AS_OF)
    # 2026-11-23 is in Q4 (Oct–Dec) → 10-01..11-23; previous full quarter Q3 = 07-01..09-30
    assert spans(view) == (("2026-10-01", "2026-11-23"), ("2026-07-01", "2026-09-30"))
    assert view.compare == "prev"
    assert view.as_of == AS_OF
    assert view.period.key == "2026-Q4"
    assert view.period.label == "Q4 2026 to date"
    assert view.comparison.label == "Q3 2026"
    # 31 (Oct) + 23 = 54 days; 31 + 31 + 30 = 92 days
    assert (view.period.days, view.comparison.days) == (54, 92)


def test_empty_strings_mean_defaults_and_keys_are_stripped():
    """Empty period/compare fall back to the defaults; surrounding spaces are ignored."""
    assert spans(resolve_view("", "", AS_OF)) == (("2026-10-01", "2026-11-23"), ("2026-07-01", "2026-09-30"))
    assert spans(resolve_view(" 2026-Q4 ", " prev ", AS_OF)) == spans(resolve_view(None, None, AS_OF))


def test_month_to_date_against_previous_full_month():
    """2026-11 as of 11-23: 11-01..11-23 vs the whole of October."""
    view = resolve_view("2026-11", "prev", AS_OF)
    assert spans(view) == (("2026-11-01", "2026-11-23"), ("2026-10-01", "2026-10-31"))
    assert view.period.label == "Nov 2026 to date"
    assert view.comparison.label == "Oct 2026"


def test_january_compares_with_previous_december():
    """2026-01 → previous period is December 2025 (year rolls back)."""
    view = resolve_view("2026-01", "prev", AS_OF)
    assert spans(view) == (("2026-01-01", "2026-01-31"), ("2025-12-01", "2025-12-31"))
    assert view.comparison.key == "2025-12"


def test_march_compares_with_february_of_leap_and_common_years():
    """The previous month's end is its true last day: 28 Feb 2026, 29 Feb 2028."""
    assert spans(resolve_view("2026-03", "prev", AS_OF))[1] == ("2026-02-01", "2026-02-28")
    assert spans(resolve_view("2028-03", "prev", date(2028, 4, 2)))[1] == ("2028-02-01", "2028-02-29")


def test_q1_compares_with_previous_q4():
    """2026-Q1 → previous is Q4 2025; a full past quarter is not clipped."""
    view = resolve_view("2026-Q1", "prev", AS_OF)
    assert spans(view) == (("2026-01-01", "2026-03-31"), ("2025-10-01", "2025-12-31"))
    assert view.period.label == "Q1 2026"  # not "to date": it ended before as_of
    assert view.comparison.key == "2025-Q4"


def test_full_past_quarter_is_not_clipped():
    """Q3 2026 as of 2026-11-23: the whole quarter 07-01..09-30 (92 days), vs Q2."""
    view = resolve_view("2026-Q3", "prev", AS_OF)
    assert spans(view) == (("2026-07-01", "2026-09-30"), ("2026-04-01", "2026-06-30"))
    assert view.period.days == 92  # 31 + 31 + 30


def test_quarter_ending_on_as_of_is_full():
    """A quarter whose last day is the as-of date is the full quarter, not 'to date'."""
    period = parse_period("2026-Q3", date(2026, 9, 30))
    assert (period.start, period.end, period.label) == (date(2026, 7, 1), date(2026, 9, 30), "Q3 2026")


def test_year_to_date_against_previous_full_year():
    """2026 as of 11-23: 01-01..11-23 vs the whole of 2025; 2025 itself is not clipped."""
    view = resolve_view("2026", "prev", AS_OF)
    assert spans(view) == (("2026-01-01", "2026-11-23"), ("2025-01-01", "2025-12-31"))
    assert view.period.label == "2026 to date"
    assert spans(resolve_view("2025", None, AS_OF)) == (
        ("2025-01-01", "2025-12-31"),
        ("2024-01-01", "2024-12-31"),
    )


def test_trailing_30_days_and_the_30_before():
    """t30 as of 2026-11-23: 10-25..11-23; previous 09-25..10-24."""
    view = resolve_view("t30", "prev", AS_OF)
    # Oct 25..31 = 7 days + Nov 1..23 = 23 → 30; Sep 25..30 = 6 + Oct 1..24 = 24 → 30
    assert spans(view) == (("2026-10-25", "2026-11-23"), ("2026-09-25", "2026-10-24"))
    assert (view.period.days, view.comparison.days) == (30, 30)
    assert view.period.label == "Last 30 days"


def test_trailing_90_days():
    """t90 as of 2026-11-23: 08-26..11-23; previous 05-28..08-25."""
    view = resolve_view("t90", "prev", AS_OF)
    # Aug 26..31 = 6 + Sep 30 + Oct 31 + Nov 23 = 90; May 28..31 = 4 + Jun 30 + Jul 31 + Aug 1..25 = 25 → 90
    assert spans(view) == (("2026-08-26", "2026-11-23"), ("2026-05-28", "2026-08-25"))
    assert (view.period.days, view.comparison.days) == (90, 90)


def test_trailing_365_days():
    """t365 as of 2026-11-23: 2025-11-24..2026-11-23; previous 2024-11-24..2025-11-23."""
    view = resolve_view("t365", "prev", AS_OF)
    # no 29 Feb in either window (2025, 2026 are common years; 2024-02-29 is before 2024-11-24)
    assert spans(view) == (("2025-11-24", "2026-11-23"), ("2024-11-24", "2025-11-23"))
    assert (view.period.days, view.comparison.days) == (365, 365)


def test_yoy_is_same_dates_a_year_earlier():
    """compare=yoy on the default view: Q4 2026 to date vs 2025-10-01..2025-11-23."""
    view = resolve_view(None, "yoy", AS_OF)
    assert spans(view) == (("2026-10-01", "2026-11-23"), ("2025-10-01", "2025-11-23"))
    assert view.compare == "yoy"


def test_yoy_names_the_year_before():
    """The earlier period is named as itself, never as the period it is compared with."""
    assert resolve_view("2026-Q3", "yoy", AS_OF).comparison.label == "Q3 2025"
    assert resolve_view("2026-Q3", "yoy", AS_OF).comparison.key == "2025-Q3"
    assert resolve_view(None, "yoy", AS_OF).comparison.label == "Q4 2025 to 23 Nov"
    assert resolve_view("2026-11", "yoy", AS_OF).comparison.label == "Nov 2025 to 23 Nov"
    assert resolve_view("2025", "yoy", AS_OF).comparison.label == "2024"
    assert resolve_view("t30", "yoy", AS_OF).comparison.label == ("30 days to 23 Nov 2025")
    with pytest.raises(PeriodError, match="no year before"):
        resolve_view("1900", "yoy", date(1900, 12, 31))


def test_yoy_of_a_whole_february_is_the_whole_february_before():
    """February 2025 (whole) against all of February 2024, leap day included, named "Feb 2024"."""
    view = resolve_view("2025-02", "yoy", date(2026, 11, 23))
    assert spans(view)[1] == ("2024-02-01", "2024-02-29")
    assert view.comparison.label == "Feb 2024"


def test_yoy_of_a_trailing_window():
    """t30 yoy: 2025-10-25..2025-11-23."""
    assert spans(resolve_view("t30", "yoy", AS_OF))[1] == ("2025-10-25", "2025-11-23")


def test_yoy_with_29_february():
    """29 Feb has no twin a year earlier: it maps to 28 Feb."""
    # Feb 2028 (leap) as of 29 Feb: 02-01..02-29, full month → yoy 2027-02-01..2027-02-28
    view = resolve_view("2028-02", "yoy", date(2028, 2, 29))
    assert spans(view) == (("2028-02-01", "2028-02-29"), ("2027-02-01", "2027-02-28"))
    # t30 as of 2028-03-29 starts on 29 Feb (Mar 29 − 29 days) → yoy 2027-02-28..2027-03-29
    view = resolve_view("t30", "yoy", date(2028, 3, 29))
    assert spans(view) == (("2028-02-29", "2028-03-29"), ("2027-02-28", "2027-03-29"))


def test_comparison_period_directly():
    """comparison_period on a parsed period gives the previous full calendar period."""
    period = parse_period("2026-Q4", AS_OF)
    previous = comparison_period(period, "prev")
    assert (previous.start, previous.end) == (date(2026, 7, 1), date(2026, 9, 30))


@pytest.mark.parametrize("key", ["2026-Q5", "2026-13", "2026-00", "banana", "t45", "Q3", "2026-Q3-01"])
def test_malformed_period_raises_with_the_key_in_the_message(key):
    """A key that is not a period raises PeriodError naming it."""
    with pytest.raises(PeriodError) as error:
        resolve_view(key, None, AS_OF)
    assert key in str(error.value)


@pytest.mark.parametrize(
    ("key", "label"), [("2026-12", "Dec 2026"), ("2027-Q1", "Q1 2027"), ("2027", "2027")]
)
def test_period_starting_after_as_of_raises(key, label):
    """A period that starts after the latest data raises PeriodError naming that period and the date."""
    with pytest.raises(PeriodError) as error:
        resolve_view(key, None, AS_OF)
    assert label in str(error.value)
    assert "2026-11-23" in str(error.value)


def test_unknown_comparison_raises_with_its_name():
    """compare=foo raises PeriodError naming 'foo'."""
    with pytest.raises(PeriodError) as error:
        resolve_view("2026-Q4", "foo", AS_OF)
    assert "foo" in str(error.value)


def test_year_zero_raises_period_error():
    """Year 0000 is malformed input: PeriodError naming it (the pages catch only PeriodError)."""
    # Regression: datetime.date used to raise its own ValueError here, which the pages do not catch.
    with pytest.raises(PeriodError) as error:
        resolve_view("0000", None, AS_OF)
    assert "0000" in str(error.value)


@pytest.mark.parametrize("key", ["0999", "1000-Q1", "1899", "1900-Q1"])
def test_years_out_of_range_are_refused_not_crashed(key):
    """Calendar periods start in 1900: earlier years, and comparisons before 1900, are a PeriodError."""
    # Regression: unpadded years ("998") matched no pattern and the comparison crashed with TypeError.
    with pytest.raises(PeriodError):
        resolve_view(key, None, AS_OF)


def test_period_choices():
    """Selector: this quarter to date and trailing windows, then quarters, months, years with data."""
    choices = period_choices(date(2026, 9, 15), AS_OF)
    # quarters ending on or after 09-15: Q3 (ends 09-30); months: Nov, Oct, Sep; years: 2026
    assert choices == [
        ("2026-Q4", "Q4 2026 to date"),
        ("t30", "Last 30 days"),
        ("t90", "Last 90 days"),
        ("t365", "Last 365 days"),
        ("2026-Q3", "Q3 2026"),
        ("2026-11", "Nov 2026 to date"),
        ("2026-10", "Oct 2026"),
        ("2026-09", "Sep 2026"),
        ("2026", "2026 to date"),
    ]


@pytest.mark.parametrize("key", ["9999-Q4", "9999-12", "9999"])
def test_the_last_year_s_end_is_a_period_after_the_data_not_a_crash(key):
    """December 9999 ends on 9999-12-31 (there is no 10000-01-01 to step back from): a PeriodError
    saying the period starts after the latest data, which the pages show as a message."""
    # Regression: ValueError "year 10000 is out of range", a 500 on every data page.
    with pytest.raises(PeriodError) as error:
        resolve_view(key, None, AS_OF)
    assert "starts after the latest data (2026-11-23)" in str(error.value)


def test_period_choices_with_data_from_year_one_start_in_the_first_year():
    """Facts from 0001-01-01 (odd but valid) offer periods back to 1900, the first that can be asked
    for, never a crash: 1900-Q1 is the oldest quarter, 1900-01 the oldest month, 1900 the oldest year."""
    # Regression: TypeError in period_choices on 1899-Q4, a 500 on every page with a period selector.
    choices = dict(period_choices(date(1, 1, 1), AS_OF))
    keys = list(choices)
    # Q1 1900 .. Q3 2026 = 126 years × 4 + 3 quarters; Jan 1900 .. Nov 2026 = 126 × 12 + 11 months;
    # 1900 .. 2026 = 127 years; plus this quarter to date and three trailing windows.
    assert len(keys) == 4 + (126 * 4 + 3) + (126 * 12 + 11) + 127
    assert keys[-1] == "1900" and choices["1900-Q1"] == "Q1 1900" and choices["1900-01"] == "Jan 1900"
    assert "1899-Q4" not in choices


def test_trailing_windows_and_comparisons_that_would_leave_the_calendar_are_period_errors():
    """As of the calendar's first days, a trailing window or its comparison cannot reach back: a
    PeriodError naming the day, not an OverflowError."""
    with pytest.raises(PeriodError) as error:
        resolve_view("t30", None, date(1, 1, 10))
    assert "0001-01-10" in str(error.value)
    with pytest.raises(PeriodError):
        resolve_view("t30", "prev", date(1, 1, 31))
    with pytest.raises(PeriodError) as error:
        resolve_view("t30", "yoy", date(1, 2, 28))
    assert "no year before" in str(error.value)

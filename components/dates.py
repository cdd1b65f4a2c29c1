"""One day format: how a day and a count of days read everywhere on screen."""

import pandas as pd


def format_day(day) -> str:
    """'3 Nov 2026'; a dash when there is no day."""
    return "—" if day is None or pd.isna(day) else f"{pd.Timestamp(day):%-d %b %Y}"


def days_text(count: int) -> str:
    """'1 day', '3 days'."""
    return f"{count} day{'' if count == 1 else 's'}"

"""One day format: how a day and a count of days read everywhere on screen, in the current language."""

import pandas as pd

import i18n
from i18n import ngettext


def format_day(day) -> str:
    """'3 Nov 2026' ('3.11.2026', '3 nov. 2026'); a dash when there is no day."""
    return "—" if day is None or pd.isna(day) else i18n.format_day(pd.Timestamp(day).date())


def days_text(count: int) -> str:
    """'1 day', '3 days', by the language's plural rules."""
    return ngettext("%(num)s day", "%(num)s days", count)

"""Numbers as people read them, by the metric's unit, in the current language's way of writing numbers
(i18n: the decimal sign, grouping, percent and per-mille, Persian digits). Pure functions; '—' where
there is no number. DOM attributes never go through here: they stay raw (components/attributes.py)."""

import pandas as pd

from data.warehouse.contract import UNITS, Unit
from i18n import N_, _, format_decimal, format_integer, format_percent

NO_NUMBER = "—"
#: How a unit the contract does not know is shown: one decimal, no suffix.
_UNKNOWN = Unit(multiplier=1.0, decimals=1, suffix="", change_suffix="", words="")
#: Each unit in words, for a field asking for a value in it (translate with `_` where shown).
UNIT_WORDS = {name: unit.words for name, unit in UNITS.items()}
N_("points"), N_("percent"), N_("seconds"), N_("score points"), N_("‰ (per 1 000)")

#: A value and a change of each unit as a translatable text around the number ("%(number)s s"): where
#: the unit's sign goes, and the space before it, are the language's. A percentage is the locale's own
#: percent format; a change of one is in percentage points. Units not named here are bare numbers.
_VALUE_TEXTS = {"s": N_("%(number)s s"), "per1000": N_("%(number)s ‰")}
_CHANGE_TEXTS = {"pts": N_("%(number)s pts"), "%": N_("%(number)s pp"), **_VALUE_TEXTS}


def _unit(unit: str) -> Unit:
    return UNITS.get(unit, _UNKNOWN)


def _missing(value) -> bool:
    return value is None or bool(pd.isna(value))


def _number(value: float, unit: str, signed: bool = False) -> str:
    return format_decimal(value, _unit(unit).decimals, signed=signed)


def _with_unit(number: str, unit: str, texts: dict, suffix: str) -> str:
    return _(texts[unit], number=number) if unit in texts else number + suffix


def format_value(value, unit: str) -> str:
    if _missing(value):
        return NO_NUMBER
    if unit == "%":
        return format_percent(value, _unit(unit).decimals)
    return _with_unit(_number(value, unit), unit, _VALUE_TEXTS, _unit(unit).suffix)


def format_interval(low, high, unit: str) -> str:
    """The 95% interval as a range (intervals are not symmetric around the value)."""
    if _missing(low) or _missing(high):
        return NO_NUMBER
    return _("%(low)s to %(high)s", low=_number(low, unit), high=_number(high, unit))


def rounds_to_zero(value, unit: str) -> bool:
    """Whether a change shows as 0 at the unit's precision (then it is drawn as no change)."""
    return not _missing(value) and round(value, _unit(unit).decimals) == 0


def format_change(change, unit: str) -> str:
    if _missing(change):
        return NO_NUMBER
    return _with_unit(_number(change, unit, signed=True), unit, _CHANGE_TEXTS, _unit(unit).change_suffix)


def format_count(n) -> str:
    return NO_NUMBER if _missing(n) else format_integer(int(n))


def format_target(target, tolerance, unit: str, higher_is_better: bool) -> str:
    """'≥ 45.0 (tolerance 3.0)': the direction says which side of the target is good."""
    if _missing(target):
        return NO_NUMBER
    text = f"{'≥' if higher_is_better else '≤'} {format_value(target, unit)}"
    if _missing(tolerance) or tolerance == 0:
        return text
    return _("%(target)s (tolerance %(tolerance)s)", target=text, tolerance=_number(tolerance, unit))

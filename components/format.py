"""Numbers as people read them, by the metric's unit. Pure functions; '—' where there is no number."""

import pandas as pd

from data.warehouse.contract import UNITS, Unit

NO_NUMBER = "—"
MINUS = "\u2212"  # a true minus sign, as wide as the plus
#: How a unit the contract does not know is shown: one decimal, no suffix.
_UNKNOWN = Unit(multiplier=1.0, decimals=1, suffix="", change_suffix="", words="")
#: Each unit in words, for a field asking for a value in it.
UNIT_WORDS = {name: unit.words for name, unit in UNITS.items()}


def _unit(unit: str) -> Unit:
    return UNITS.get(unit, _UNKNOWN)


def _missing(value) -> bool:
    return value is None or bool(pd.isna(value))


def _number(value: float, unit: str, signed: bool = False) -> str:
    decimals = _unit(unit).decimals
    value = round(value, decimals) + 0.0  # + 0.0 turns −0.0 into 0.0: no "−0.00"
    sign = "+" if signed and value != 0 else ""
    return f"{value:{sign},.{decimals}f}".replace(",", "\u202f").replace("-", MINUS)


def format_value(value, unit: str) -> str:
    return NO_NUMBER if _missing(value) else _number(value, unit) + _unit(unit).suffix


def format_interval(low, high, unit: str) -> str:
    """The 95% interval as a range (intervals are not symmetric around the value)."""
    if _missing(low) or _missing(high):
        return NO_NUMBER
    return f"{_number(low, unit)} to {_number(high, unit)}"


def rounds_to_zero(value, unit: str) -> bool:
    """Whether a change shows as 0 at the unit's precision (then it is drawn as no change)."""
    return not _missing(value) and round(value, _unit(unit).decimals) == 0


def format_change(change, unit: str) -> str:
    return NO_NUMBER if _missing(change) else _number(change, unit, signed=True) + _unit(unit).change_suffix


def format_count(n) -> str:
    return NO_NUMBER if _missing(n) else f"{int(n):,}".replace(",", "\u202f")


def format_target(target, tolerance, unit: str, higher_is_better: bool) -> str:
    """'≥ 45.0 (tolerance 3.0)': the direction says which side of the target is good."""
    if _missing(target):
        return NO_NUMBER
    text = f"{'≥' if higher_is_better else '≤'} {format_value(target, unit)}"
    return text if _missing(tolerance) or tolerance == 0 else f"{text} (tolerance {_number(tolerance, unit)})"

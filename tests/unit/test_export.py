"""CSV exports (components/export.py): every text cell that a spreadsheet would run is kept as text."""

import io
from datetime import date

import pandas as pd
import pytest

from components.export import csv_text, inert
from components.kpi_table import kpi_csv
from queries.periods import resolve_view


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ('=HYPERLINK("http://evil.example","click")', '\'=HYPERLINK("http://evil.example","click")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Slow = bad", "Slow = bad"),  # only the first character counts
        ("", ""),
    ],
)
def test_text_starting_like_a_formula_gets_a_leading_apostrophe(typed, written):
    assert inert(typed) == written


@pytest.mark.parametrize("value", [-5, -0.25, 3.0, None, date(2026, 11, 2), True])
def test_what_is_not_text_is_left_as_it_is(value):
    assert inert(value) is value


def test_csv_text_guards_text_columns_and_keeps_numbers_numbers():
    """A negative number stays a number (no apostrophe); text, even in a column mixing types, is guarded."""
    frame = pd.DataFrame(
        {
            "comment": ["=1+1", "fine", None],
            "change": [-1.5, 2.0, float("nan")],
            "n": [-3, 4, 5],
            "mixed": ["-x", -7, "ok"],
        }
    )
    assert csv_text(frame).splitlines() == [
        "comment,change,n,mixed",
        "'=1+1,-1.5,-3,'-x",
        "fine,2.0,4,-7",
        ",,5,ok",
    ]


def test_kpi_csv_guards_ingested_metric_and_owner_names():
    """The scorecard's KPI CSV writes the catalogue's names, which come from a customer's files."""
    row = {
        "metric_id": "nps", "name": "=HYPERLINK(\"http://evil.example\")", "owner_name": "@Ana",
        "touchpoint_id": None, "segment_id": None, "n": 10, "value": -12.5, "low": -30.0, "high": 5.0,
        "target": 10.0, "tolerance": 5.0, "status": "off_track", "gap_clear": True, "previous_value": -20.0,
        "previous_n": 12, "change": 7.5, "change_significant": False,
    }  # fmt: skip
    view = resolve_view("2026-Q4", "yoy", date(2026, 11, 20))
    frame = pd.read_csv(io.StringIO(kpi_csv(pd.DataFrame([row]), view)))
    written = frame.iloc[0]
    assert (written["metric"], written["owner"]) == ('\'=HYPERLINK("http://evil.example")', "'@Ana")
    assert (written["value"], written["low"], written["change"]) == (-12.5, -30.0, 7.5)
    assert (written["period_start"], written["period_end"]) == ("2026-10-01", "2026-11-20")
    assert (written["compare_start"], written["compare_end"]) == ("2025-10-01", "2025-11-20")

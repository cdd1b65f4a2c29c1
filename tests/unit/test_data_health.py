"""Data health: cadence inference and freshness worked by hand on small frames, then the health queries
(row counts, freshness, the snapshot and its publish log) on the hand-made tiny warehouse."""

import json
import os
import shutil
import uuid
from datetime import date, datetime, timedelta

import duckdb
import pandas as pd
import pytest

import config
import queries
from components.data_health import cadence_label, freshness_summary, snapshot_card_body
from data.warehouse.snapshot import WRITE_SNAPSHOT_ID, previous_path, write_snapshot
from queries.cadence import ASSUMED_CADENCE, GRACE_DAYS, infer_cadence, late_after_days
from queries.health import freshness, freshness_status
from tests import tiny_warehouse as tiny


def days_frame(metric_id: str, days) -> pd.DataFrame:
    return pd.DataFrame({"metric_id": metric_id, "day": list(days)})


def every_day(start: date, count: int) -> list[date]:
    return [start + timedelta(days=i) for i in range(count)]


# --- the rule, pure ------------------------------------------------------------------------------------
# 1 Nov 2026 is a Sunday; weeks run Monday to Sunday.


def catalogue(*metric_ids, **declared) -> pd.DataFrame:
    return pd.DataFrame({"metric_id": list(metric_ids), "cadence": [declared.get(m) for m in metric_ids]})


def test_daily_and_weekday_data_are_daily():
    """Every day, or Monday to Friday (steps of 1, 1, 1, 1, 3 days: median 1), is daily."""
    assert infer_cadence(every_day(date(2026, 11, 1), 20)) == "daily"
    weekdays = [d for d in every_day(date(2026, 11, 2), 21) if d.weekday() < 5]
    assert infer_cadence(weekdays) == "daily"


def test_cadence_is_read_from_the_periods_with_data_not_from_days():
    """One Wednesday a week: days 7 apart, weeks 1 apart → weekly. The 15th of each month → monthly.
    1 Jan, 5 Apr, 5 Jul, 1 Oct: months 3 apart, quarters 1 apart → quarterly, although the gaps in days
    (94, 91, 88) are all different."""
    assert infer_cadence([date(2026, 9, 2) + timedelta(weeks=i) for i in range(8)]) == "weekly"
    assert infer_cadence([date(2026, month, 15) for month in range(5, 11)]) == "monthly"
    quarterly = [date(2026, 1, 1), date(2026, 4, 5), date(2026, 7, 5), date(2026, 10, 1)]
    assert infer_cadence(quarterly) == "quarterly"


def test_fewer_than_two_days_have_no_cadence():
    assert infer_cadence([]) is None
    assert infer_cadence([date(2026, 11, 5), date(2026, 11, 5)]) is None


def test_late_after_the_next_period_ends_plus_its_grace():
    """Grace: 1 day daily, 2 weekly, 7 monthly, 31 quarterly (results released after the quarter).
    Daily, last 18 Nov: due by 19 Nov, late after 1 + 1 = 2 days. Weekly, last Wed 18 Nov: the next
    week (23–29 Nov) ends 11 days later → 13. Monthly, last 15 Oct: November ends 46 days later → 53.
    Quarterly, last 30 Sep: Q4 ends 92 days later → 123 (31 Jan)."""
    assert GRACE_DAYS == {"daily": 1, "weekly": 2, "monthly": 7, "quarterly": 31}
    assert late_after_days(date(2026, 11, 18), "daily") == 2
    assert late_after_days(date(2026, 11, 18), "weekly") == 13
    assert late_after_days(date(2026, 10, 15), "monthly") == 53
    assert late_after_days(date(2026, 9, 30), "quarterly") == 123
    latest = date(2026, 11, 18)
    assert freshness_status(latest, "daily", date(2026, 11, 20)) == "fresh"  # age 2
    assert freshness_status(latest, "daily", date(2026, 11, 21)) == "late"  # age 3 > 2
    assert freshness_status(date(2026, 9, 30), "quarterly", date(2027, 1, 31)) == "fresh"  # age 123
    assert freshness_status(date(2026, 9, 30), "quarterly", date(2027, 2, 1)) == "late"  # age 124
    assert freshness_status(None, "daily", latest) == "no_data"


def test_freshness_of_each_metric_worked_by_hand():
    """As of 20 Nov: a daily metric to 19 Nov is fresh (age 1, late after 2); one to 16 Nov is late
    (age 4); a quarterly one last seen 1 Oct is fresh at age 50 (Q1 2027 is due by 31 Mar plus 31 days:
    late after 212); one with a single day assumes daily and is late at age 5; one with no rows has no
    data. A survey fielded every day of Q3 but declared quarterly is quarterly, fresh at age 51 (late
    after 92 + 31 = 123)."""
    as_of = date(2026, 11, 20)
    days = pd.concat(
        [
            days_frame("daily", every_day(date(2026, 11, 1), 19)),  # 1..19 Nov
            days_frame("stopped", every_day(date(2026, 11, 1), 16)),  # 1..16 Nov
            days_frame(
                "quarterly", [date(2026, 1, 1), date(2026, 4, 5), date(2026, 7, 5), date(2026, 10, 1)]
            ),
            days_frame("once", [date(2026, 11, 15)] * 3),
            days_frame("enps", every_day(date(2026, 7, 1), 92)),  # 1 Jul..30 Sep
        ]
    )
    metrics = catalogue("once", "daily", "quarterly", "stopped", "never", "enps", enps="quarterly")
    frame = freshness(days, metrics, as_of).set_index("metric_id")
    assert list(frame.index) == ["once", "daily", "quarterly", "stopped", "never", "enps"]
    daily = frame.loc["daily", ["latest_day", "cadence", "cadence_source", "age_days", "late_after_days"]]
    assert daily.tolist() == [date(2026, 11, 19), "daily", "inferred", 1, 2]
    assert frame.loc["daily", "freshness"] == "fresh"
    assert (frame.loc["stopped", "age_days"], frame.loc["stopped", "freshness"]) == (4, "late")
    quarterly = frame.loc["quarterly", ["cadence", "age_days", "late_after_days", "freshness"]]
    assert quarterly.tolist() == ["quarterly", 50, 212, "fresh"]
    assert frame.loc["once", ["cadence", "cadence_source", "age_days", "freshness"]].tolist() == [
        ASSUMED_CADENCE, "assumed", 5, "late",
    ]  # fmt: skip
    enps = frame.loc["enps", ["cadence", "cadence_source", "age_days", "late_after_days", "freshness"]]
    assert enps.tolist() == ["quarterly", "declared", 51, 123, "fresh"]
    never = frame.loc["never"]
    assert never["latest_day"] is None and never["age_days"] is pd.NA and never["late_after_days"] is pd.NA
    assert never["freshness"] == "no_data"


def test_freshness_without_any_data():
    frame = freshness(pd.DataFrame({"metric_id": [], "day": []}), catalogue("a", "b"), None)
    assert frame["freshness"].tolist() == ["no_data", "no_data"]


def test_cadence_words():
    """The word in the cell, where it comes from in the tooltip; "assumed" said in the cell too."""
    labels = [cadence_label(c) for c in ("daily", "weekly", "monthly", "quarterly")]
    assert [label.children for label in labels] == ["Daily", "Weekly", "Monthly", "Quarterly"]
    assert labels[3].title == "Quarterly, as the catalogue declares it"
    inferred = cadence_label("quarterly", "inferred")
    assert (inferred.children, inferred.title) == (
        "Quarterly",
        "Quarterly, from its data (the catalogue declares none)",
    )
    assert cadence_label("daily", "assumed").children == "Daily (assumed)"


def test_summary_counts_late_first():
    frame = pd.DataFrame({"freshness": ["fresh", "late", "fresh", "no_data"]})
    chips = freshness_summary(frame).children
    assert [(c.to_plotly_json()["props"]["data-freshness"], c.to_plotly_json()["props"]["data-count"]) for c in chips] == [
        ("late", "1"),
        ("no_data", "1"),
        ("fresh", "2"),
    ]  # fmt: skip


# --- the queries, on the tiny warehouse ----------------------------------------------------------------


@pytest.mark.usefixtures("tiny_warehouse")
def test_row_counts_are_what_the_tiny_warehouse_holds():
    counts = dict(zip(*queries.row_counts()[["table_name", "row_count"]].T.values, strict=True))
    assert counts == tiny.ROW_COUNTS
    assert len(tiny._responses()) == 41


@pytest.mark.usefixtures("tiny_warehouse")
def test_freshness_on_the_tiny_warehouse_worked_by_hand():
    """As of 20 Nov. NPS: days 10 Aug, 15 Oct, 2 Nov → months Aug, Oct, Nov (steps 2, 1) but quarters
    Q3, Q4 (step 1): quarterly, age 18: fresh. AHT: 19 and 20 Nov → daily, age 0: fresh. FCR: 1 and 2
    Oct → daily, age 49: late. CSAT, effort and the pilot have one day each (daily assumed): late at
    ages 15, 31 and 19."""
    as_of = queries.latest_data_day()
    assert as_of == tiny.AS_OF
    frame = queries.data_freshness(as_of).set_index("metric_id")
    assert list(frame.index) == [m[0] for m in tiny.METRICS]
    expected = {
        "nps": (date(2026, 11, 2), "quarterly", 18, "fresh"),
        "csat": (date(2026, 11, 5), "daily", 15, "late"),
        "effort": (date(2026, 10, 20), "daily", 31, "late"),
        "fcr": (date(2026, 10, 2), "daily", 49, "late"),
        "aht": (date(2026, 11, 20), "daily", 0, "fresh"),
        "pilot": (date(2026, 11, 1), "daily", 19, "late"),
    }
    for metric_id, row in expected.items():
        got = frame.loc[metric_id, ["latest_day", "cadence", "age_days", "freshness"]].tolist()
        assert tuple(got) == row, metric_id
    assert frame.loc["nps", "owner_name"] == "Ana Silva"


@pytest.mark.usefixtures("tiny_warehouse")
def test_tiny_warehouse_has_an_empty_publish_log():
    info = queries.snapshot_info()
    assert (info.has_log, info.publishes, info.current, info.previous) == (True, 0, None, None)
    assert info.live.path == str(config.WAREHOUSE)
    assert info.live.size_bytes == os.stat(config.WAREHOUSE).st_size
    assert "No publish recorded" in str(snapshot_card_body(info))


def copy_with_log(source, path, rows: list[tuple] | None):
    """A copy of `source` at `path` whose publish log holds `rows` (None: no log table at all), with a
    snapshot id of its own, as a publish of it would have: cached answers are keyed on that id."""
    shutil.copy(source, path)
    with duckdb.connect(str(path)) as con:
        con.execute(WRITE_SNAPSHOT_ID, {"id": str(uuid.uuid4())})
        if rows is None:
            con.execute("DROP TABLE snapshot_log")
        for row in rows or []:
            con.execute("INSERT INTO snapshot_log VALUES (?, ?, ?, ?, ?, ?)", row)
    return path


def test_current_publish_is_the_last_row_of_the_log(tiny_warehouse_path, tmp_path, monkeypatch):
    """Three publishes, newest last: the current is the last row and the previous the one before, even
    when the clock went back between them; the files' JSON comes back as a list."""
    files = [{"path": "/in/responses.csv", "table": "responses", "rows": 12, "added": 10, "skipped": 2}]
    rows = [
        (datetime(2026, 11, 1, 8, 0), "demo", "build", "[]", 100, 0),
        (datetime(2026, 11, 20, 9, 30), "ingest", "append", json.dumps(files), 10, 2),
        (datetime(2026, 11, 20, 9, 15), "ingest", "replace", "not json", 7, 0),
    ]
    path = copy_with_log(tiny_warehouse_path, tmp_path / "cx.duckdb", rows)
    monkeypatch.setattr(config, "WAREHOUSE", path)
    info = queries.snapshot_info()
    assert info.publishes == 3
    assert (info.current.published_at, info.current.mode, info.current.rows_added) == (
        datetime(2026, 11, 20, 9, 15),
        "replace",
        7,
    )
    assert info.current.files == []  # unreadable JSON shows as no files rather than failing
    assert (info.previous.source, info.previous.duplicates_skipped, info.previous.files) == (
        "ingest",
        2,
        files,
    )
    assert info.kept is None


def test_a_file_without_the_log_shows_only_its_time(tiny_warehouse_path, tmp_path, monkeypatch):
    path = copy_with_log(tiny_warehouse_path, tmp_path / "cx.duckdb", None)
    monkeypatch.setattr(config, "WAREHOUSE", path)
    info = queries.snapshot_info()
    assert (info.has_log, info.publishes, info.current) == (False, 0, None)
    assert "predates the publish log" in str(snapshot_card_body(info))


def test_the_snapshot_kept_for_rollback_is_shown(tmp_path, monkeypatch):
    live = tiny.build_tiny_warehouse(tmp_path / "cx.duckdb")
    tiny.build_tiny_warehouse(live)  # a second publish keeps the first as cx.duckdb.previous
    monkeypatch.setattr(config, "WAREHOUSE", live)
    info = queries.snapshot_info()
    assert info.kept is not None and info.kept.path == str(previous_path(live))
    assert info.kept.version != info.live.version


def test_an_empty_warehouse_has_no_as_of_and_no_data_anywhere(tmp_path, monkeypatch):
    path = tmp_path / "cx.duckdb"

    def catalogue_only(con):
        con.append("owners", pd.DataFrame(tiny.OWNERS))
        con.append("metrics", pd.DataFrame(tiny.METRICS))

    write_snapshot(path, catalogue_only)
    monkeypatch.setattr(config, "WAREHOUSE", path)
    assert queries.latest_data_day() is None
    frame = queries.data_freshness(None)
    assert frame["freshness"].eq("no_data").all() and len(frame) == len(tiny.METRICS)
    assert queries.row_counts().set_index("table_name")["row_count"].to_dict()["responses"] == 0


def test_files_of_a_publish_show_only_what_the_log_says_of_them():
    """Ingest names each file's table and counts; the demo names only where it came from."""
    from components.data_health import _files_table

    def headings(files):
        table = _files_table(files).to_plotly_json()["props"]["children"][0]
        return [th.children for th in table.children.children]

    assert headings([{"path": "data.demo (seed 7, 20000 responses)"}]) == ["Loaded from"]
    ingest = [{"path": "/in/a.csv", "table": "responses", "rows": 3, "added": 2, "skipped": 1}]
    assert headings(ingest) == ["Loaded from", "Table", "Rows", "Added", "Skipped"]
    assert _files_table([]) is None

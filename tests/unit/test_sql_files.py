"""Every queries/*.sql file runs against a small generated demo warehouse and returns the expected
columns and totals, checked against plain SQL over the raw facts."""

from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from pandas.testing import assert_frame_equal

import config
import queries
from data.demo.generator import build_demo
from queries.api import sums_params
from queries.runner import SQL_DIR, run_uncached

END = date(2026, 11, 23)
Q4 = {"start": date(2026, 10, 1), "end": END}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "cx.duckdb"
    build_demo(path, responses=20_000, end=END, seed=7)
    return path


@pytest.fixture(autouse=True)
def point_at_demo(demo, monkeypatch):
    monkeypatch.setattr(config, "WAREHOUSE", demo)


def raw(demo: Path, sql: str, params=None):
    with duckdb.connect(str(demo), read_only=True) as con:
        return con.execute(sql, params or {}).fetchall()


def test_every_sql_file_is_covered_here():
    covered = {
        "annotations", "as_of", "distribution", "distribution_raw", "kpi_sums", "kpi_sums_raw", "metrics", "owners",
        "segments", "targets", "touchpoints", "verbatims", "verbatims_raw", "row_counts", "data_days", "has_snapshot_log",
        "snapshot_log", "response_answers",
        "kpi_answers", "kpi_monthly",  # tests/unit/test_answers.py
    }  # fmt: skip
    assert {p.stem for p in SQL_DIR.glob("*.sql")} == covered


def test_data_health_queries_match_the_raw_tables(demo):
    """Row counts per table, each metric's days with data, and the demo's own publish in the log."""
    counts = run_uncached("row_counts").set_index("table_name")["row_count"]
    for table in ("owners", "metrics", "responses", "measurements", "daily_rollup"):
        assert counts[table] == raw(demo, f"SELECT count(*) FROM {table}")[0][0]
    days = run_uncached("data_days", {"window_days": 10_000})
    assert len(days) == raw(demo, "SELECT count(DISTINCT (metric_id, day)) FROM daily_rollup")[0][0]
    assert bool(run_uncached("has_snapshot_log").iloc[0]["present"])
    log = run_uncached("snapshot_log")
    assert (len(log), log.iloc[0]["source"], int(log.iloc[0]["publishes"])) == (1, "demo", 1)


def test_catalogue_queries_return_every_row(demo):
    for name, count_sql in (
        ("metrics", "SELECT count(*) FROM metrics"),
        ("touchpoints", "SELECT count(*) FROM touchpoints"),
        ("segments", "SELECT count(*) FROM segments"),
    ):
        assert len(run_uncached(name)) == raw(demo, count_sql)[0][0]
    assert list(run_uncached("owners").columns) == ["owner_id", "name", "title", "email"]
    assert {"owner_name", "owner_title", "min_sample", "higher_is_better"} <= set(
        run_uncached("metrics").columns
    )


def test_a_responses_answers_are_every_row_it_gave(demo):
    response_id, responded_at, count = raw(
        demo,
        "SELECT response_id, min(responded_at), count(*) FROM responses GROUP BY response_id "
        "HAVING count(*) > 1 ORDER BY response_id LIMIT 1",
    )[0]
    found = run_uncached("response_answers", {"response_id": response_id, "day": responded_at.date()})
    assert len(found) == count and set(found["responded_at"]) == {responded_at}
    assert list(found["metric_id"]) == sorted(found["metric_id"])
    assert run_uncached("response_answers", {"response_id": "no-such-id", "day": responded_at.date()}).empty


def test_as_of_is_the_latest_data_day(demo):
    row = run_uncached("as_of").iloc[0]
    assert row["as_of"].date() == END
    assert row["first_day"].date() == raw(demo, "SELECT min(CAST(responded_at AS DATE)) FROM responses")[0][0]


def test_kpi_sums_totals_match_raw_facts(demo):
    sums = run_uncached("kpi_sums", {**Q4, **sums_params(None, None, None)}).set_index("metric_id")
    expected = dict(
        raw(demo, "SELECT metric_id, count(*) FROM responses WHERE CAST(responded_at AS DATE) BETWEEN $start AND $end GROUP BY ALL", Q4)
    )  # fmt: skip
    for metric_id, n in expected.items():
        assert sums.loc[metric_id, "n"] == n
    numerator = raw(
        demo,
        "SELECT sum(numerator) FROM measurements WHERE metric_id = 'fcr' AND day BETWEEN $start AND $end",
        Q4,
    )
    assert sums.loc["fcr", "numerator"] == pytest.approx(numerator[0][0])


def test_kpi_sums_breakdowns_and_buckets_add_up():
    whole = run_uncached("kpi_sums", {**Q4, **sums_params("tnps", None, None)})
    by_cell = run_uncached("kpi_sums", {**Q4, **sums_params("tnps", None, None, ("touchpoint", "segment"))})
    by_month = run_uncached("kpi_sums", {**Q4, **sums_params("tnps", None, None, grain="month")})
    assert by_cell["n"].sum() == whole["n"].iloc[0] == by_month["n"].sum()
    assert sorted(by_month["bucket_start"].dt.month) == [10, 11]
    assert by_cell["touchpoint_id"].notna().all() and by_cell["segment_id"].notna().all()


def test_raw_and_rollup_sums_are_identical_for_every_breakdown():
    for by in [(), ("touchpoint",), ("segment",), ("touchpoint", "segment")]:
        params = {**Q4, **sums_params(None, None, None, by)}
        keys = ["metric_id", "touchpoint_id", "segment_id"]
        rollup = run_uncached("kpi_sums", params).sort_values(keys, ignore_index=True)
        reference = run_uncached("kpi_sums_raw", params).sort_values(keys, ignore_index=True)
        # Same sums; floating-point totals may differ in the last bits from the summation order.
        assert_frame_equal(rollup, reference, check_dtype=False, rtol=1e-12, obj=str(by))


def test_ratio_daily_moments_come_from_each_days_total(demo):
    """Σnum², Σnum·den, Σden² and the day count are of each day's total over the slice, not of cells."""
    sums = run_uncached("kpi_sums", {**Q4, **sums_params("fcr", None, None)}).iloc[0]
    expected = raw(
        demo,
        "SELECT count(*), sum(n * n), sum(n * d), sum(d * d) FROM (SELECT day, sum(numerator) AS n, "
        "sum(denominator) AS d FROM measurements WHERE metric_id = 'fcr' AND day BETWEEN $start AND $end "
        "GROUP BY day)",
        Q4,
    )[0]
    moments = (sums["days"], sums["numerator_sq"], sums["numerator_denominator"], sums["denominator_sq"])
    assert moments == pytest.approx(expected, rel=1e-12)


def test_rest_of_segment_sums_are_everyone_but_the_segment(demo):
    """The rest of customers: survey counts are all minus the segment; ratio moments are of each day's
    total outside the segment, from the raw measurements."""
    params = {**Q4, **sums_params(None, None, None, rest_of_segment=True)}
    rest = run_uncached("kpi_sums", params).set_index(["metric_id", "segment_id"])
    n_outside = raw(
        demo,
        "SELECT count(*) FROM responses WHERE metric_id = 'tnps' AND segment_id <> 'smb' "
        "AND CAST(responded_at AS DATE) BETWEEN $start AND $end",
        Q4,
    )[0][0]
    assert rest.loc[("tnps", "smb"), "n"] == n_outside
    expected = raw(
        demo,
        "SELECT count(*), sum(n), sum(d), sum(n * n), sum(n * d), sum(d * d) FROM (SELECT day, "
        "sum(numerator) AS n, sum(denominator) AS d FROM measurements WHERE metric_id = 'fcr' "
        "AND segment_id <> 'smb' AND day BETWEEN $start AND $end GROUP BY day)",
        Q4,
    )[0]
    row = rest.loc[("fcr", "smb")]
    columns = ["days", "numerator", "denominator", "numerator_sq", "numerator_denominator", "denominator_sq"]
    assert tuple(row[columns]) == pytest.approx(expected, rel=1e-12)


def test_targets_filter_by_metric(demo):
    assert (
        len(run_uncached("targets", {"metric_id": None})) == raw(demo, "SELECT count(*) FROM targets")[0][0]
    )
    assert set(run_uncached("targets", {"metric_id": "csat"})["metric_id"]) == {"csat"}


def test_annotations_include_those_for_all_metrics(demo):
    notes = run_uncached(
        "annotations", {"start": date(2024, 1, 1), "end": END, "metric_id": "tnps", "touchpoint_id": None}
    )
    assert (
        len(notes)
        == raw(demo, "SELECT count(*) FROM annotations WHERE metric_id IS NULL OR metric_id = 'tnps'")[0][0]
    )
    assert notes["day"].is_monotonic_increasing


def test_distribution_counts_every_response_in_the_slice(demo):
    params = {"metric_id": "tnps", "touchpoint_id": "billing", "segment_id": None, "start": Q4["start"]}
    counts = run_uncached("distribution", {**params, "end_exclusive": END + timedelta(days=1)})
    expected = raw(
        demo,
        "SELECT count(*) FROM responses WHERE metric_id = 'tnps' AND touchpoint_id = 'billing' "
        "AND CAST(responded_at AS DATE) BETWEEN $start AND $end",
        Q4,
    )[0][0]
    assert counts["responses"].sum() == expected
    assert counts["score"].between(0, 10).all()


def test_verbatims_page_newest_first_with_total(demo):
    view = queries.view()
    first, total = queries.verbatims(view, "tnps", band="worst", page=1, page_size=5)
    second, _ = queries.verbatims(view, "tnps", band="worst", page=2, page_size=5)
    expected = raw(
        demo,
        "SELECT count(*) FROM responses WHERE metric_id = 'tnps' AND comment IS NOT NULL AND score <= 6 "
        "AND CAST(responded_at AS DATE) BETWEEN $start AND $end",
        Q4,
    )[0][0]
    assert total == expected > 10
    assert len(first) == len(second) == 5
    times = list(first["responded_at"]) + list(second["responded_at"])
    assert times == sorted(times, reverse=True)
    assert (first["score"] <= 6).all()

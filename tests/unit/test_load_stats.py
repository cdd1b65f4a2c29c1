"""The load test's sums (tests/bench/load_stats.py), on samples whose figures are worked out by hand."""

import math

from tests.bench.load_stats import (
    HEARTBEAT,
    LATE,
    WALL_REFRESH,
    Sample,
    closing_line,
    error_kinds,
    rows,
    status_outcome,
    table,
    window,
)


def _ms(row: str, *times: float) -> list[Sample]:
    return [Sample(row, start=n, ms=ms) for n, ms in enumerate(times)]


def test_good_answers_are_2xx_and_304_and_every_other_status_is_an_error():
    assert [status_outcome(code) for code in (200, 204, 299, 304)] == [None] * 4
    assert [status_outcome(code) for code in (301, 400, 404, 500, 502)] == [
        "HTTP 301", "HTTP 400", "HTTP 404", "HTTP 500", "HTTP 502",
    ]  # fmt: skip


def test_a_redirect_is_good_only_where_the_browser_was_redirected_too():
    assert status_outcome(302, redirect=True) is None
    assert status_outcome(302) == "HTTP 302"
    assert status_outcome(500, redirect=True) == "HTTP 500"


def test_a_late_heartbeat_is_counted_apart_not_as_an_error():
    assert not Sample(HEARTBEAT, 0, 4000, LATE).error
    assert Sample(HEARTBEAT, 0, 3, "HTTP 502").error
    assert Sample("metric", 0, 30000, "timeout").error


def test_percentiles_of_a_view_are_nearest_rank_over_its_twenty_requests():
    """20 requests of 10, 20, ..., 200 ms: the 50th percentile is rank round(0.5 × 19) = 10 (from 0),
    110 ms; p95 rank round(18.05) = 18, 190 ms; p99 rank round(18.81) = 19, 200 ms; max 200 ms."""
    samples = _ms("metric", *range(10, 201, 10))
    (metric, views, everything) = rows(samples)
    assert metric == ["metric", 20, 0, 110, 190, 200, 200]
    assert views[1:] == metric[1:] and everything[1:] == metric[1:]


def test_rows_give_views_first_then_refreshes_and_heartbeats_then_the_totals():
    """Views in the order first seen; the wall's rows after them whatever the order of the samples;
    "views (all)" leaves out the walls' requests, "all requests" does not."""
    samples = [
        *_ms(HEARTBEAT, 2, 4),
        *_ms("scorecard", 100, 300),
        Sample(WALL_REFRESH, 5, 50, "timeout"),
        *_ms("owners", 200),
    ]
    table_rows = rows(samples)
    assert [row[0] for row in table_rows] == [
        "scorecard", "owners", WALL_REFRESH, HEARTBEAT, "views (all)", "all requests",
    ]  # fmt: skip
    by_name = {row[0]: row for row in table_rows}
    # The views: 100, 200, 300 ms: p50 rank 1 = 200, p95 rank round(1.9) = 2 = 300.
    assert by_name["views (all)"] == ["views (all)", 3, 0, 200, 300, 300, 300]
    # Everything: 2, 4, 50, 100, 200, 300 ms: p50 rank round(2.5) = 2 (banker's rounding) = 50,
    # p95 rank round(4.75) = 5 = 300; the refresh's timeout is the one error.
    assert by_name["all requests"] == ["all requests", 6, 1, 50, 300, 300, 300]
    assert by_name[WALL_REFRESH][1:3] == [1, 1]


def test_the_table_is_markdown_with_one_line_per_row():
    lines = table(_ms("scorecard", 12.5, 30.0)).splitlines()
    assert lines[0] == "| view | requests | errors | p50 ms | p95 ms | p99 ms | max ms |"
    assert lines[2] == "| scorecard | 2 | 0 | 12.5 | 30.0 | 30.0 | 30.0 |"
    assert len(lines) == 2 + 3  # header, rule, the view, views (all), all requests


def test_error_kinds_are_counted_most_frequent_first():
    samples = [
        Sample("a", 0, 1, "timeout"),
        Sample("a", 0, 1, "HTTP 502"),
        Sample("a", 0, 1, "HTTP 502"),
        Sample(HEARTBEAT, 0, 4000, LATE),
        Sample("a", 0, 1),
    ]
    assert error_kinds(samples) == "HTTP 502 × 2, timeout × 1"
    assert error_kinds(samples[3:]) == "none"


def test_a_fault_window_counts_what_was_under_way_in_it_and_when_errors_stopped():
    """Window 10–20 s: the samples sent at 10, 12 and 15 s are in, and the one sent at 9.5 s still in
    flight at 10.1 s; not the one answered at 9.1 s nor the one sent at 20 s. The last error was sent at
    15 s and answered 2 s later, so recovery took 17 − 10 = 7 s."""
    samples = [
        Sample("a", 9, 100, "timeout"),
        Sample("a", 9.5, 600, "HTTP 502"),
        Sample("a", 10, 300, "HTTP 502"),
        Sample(HEARTBEAT, 12, 4000, LATE),
        Sample("a", 15, 2000, "connection (ClientOSError)"),
        Sample("a", 20, 10, "HTTP 500"),
    ]
    counts = window(samples, 10, 20)
    assert (counts.requests, counts.errors, counts.late_heartbeats) == (4, 3, 1)
    assert counts.p95_ms == 4000  # of 300, 600, 2000, 4000: rank round(2.85) = 3
    assert counts.recovery_s == 7


def test_a_window_without_errors_recovers_at_once():
    assert window(_ms("a", 5, 6), 0, 10).recovery_s == 0
    assert math.isnan(window([], 0, 10).p95_ms)


def test_the_closing_line_counts_every_request_with_their_p95_in_whole_ms():
    samples = [*_ms("a", *range(1, 20)), Sample(HEARTBEAT, 0, 1234.6, "timeout")]
    # 20 samples: 1..19 ms and 1234.6 ms; p95 rank round(18.05) = 18, the 19th smallest = 19 ms.
    assert closing_line(samples) == "load: 20 requests, 1 errors, p95 19 ms"

"""The sums of tests/bench/load.py: what counts as an error, the table per view, the counts of a window of
the run (a fault), and the closing line. Pure: tests/unit/test_load_stats.py checks them by hand."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from tests.bench.side_by_side import markdown, percentile

HEARTBEAT = "heartbeat"
WALL_REFRESH = "wall refresh"
SAVE = "save"
OWN_ROWS = (WALL_REFRESH, HEARTBEAT, SAVE)  # after the views, in this order
LATE = "late"  # a heartbeat past the wall's 4 s: not an error, but the screen counts it as a failed check
HEADERS = ["view", "requests", "errors", "p50 ms", "p95 ms", "p99 ms", "max ms"]


@dataclass(frozen=True)
class Sample:
    row: str  # the view the request belongs to, or one of OWN_ROWS
    start: float  # seconds into the run when it was sent
    ms: float  # until its whole answer arrived, or until it was given up
    outcome: str | None = None  # None when answered well; LATE; or the error ("HTTP 502", "timeout"...)

    @property
    def error(self) -> bool:
        return self.outcome not in (None, LATE)


def status_outcome(status: int, redirect: bool = False) -> str | None:
    """An answer's outcome from its status: any 2xx (204 too) or an expected 304 is good, and a 3xx when
    the browser was redirected there too (it then asked the address it was sent to, captured as well)."""
    if 200 <= status < 300 or status == 304 or (redirect and 300 <= status < 400):
        return None
    return f"HTTP {status}"


def row(name: str, samples: list[Sample]) -> list:
    times = [sample.ms for sample in samples]
    return [
        name,
        len(samples),
        sum(sample.error for sample in samples),
        percentile(times, 0.50),
        percentile(times, 0.95),
        percentile(times, 0.99),
        max(times, default=float("nan")),
    ]


def rows(samples: Iterable[Sample]) -> list[list]:
    """One row per view (in the order first seen), then the wall refreshes, heartbeats and saves, then
    the pages' own requests (every view's, statics included), then every request."""
    samples = list(samples)
    by_row = {}
    for sample in samples:
        by_row.setdefault(sample.row, []).append(sample)
    views = [name for name in by_row if name not in OWN_ROWS]
    table = [row(name, by_row[name]) for name in views]
    table += [row(name, by_row[name]) for name in OWN_ROWS if name in by_row]
    table.append(row("views (all)", [sample for name in views for sample in by_row[name]]))
    table.append(row("all requests", samples))
    return table


def table(samples: Iterable[Sample]) -> str:
    return markdown(HEADERS, rows(samples))


def error_kinds(samples: Iterable[Sample]) -> str:
    """The errors by kind, most frequent first ("HTTP 502 × 3, timeout × 1"), or "none"."""
    counts = Counter(sample.outcome for sample in samples if sample.error)
    return ", ".join(f"{kind} × {count}" for kind, count in counts.most_common()) or "none"


@dataclass(frozen=True)
class Window:
    requests: int
    errors: int
    late_heartbeats: int
    p95_ms: float
    recovery_s: float  # from the window's start to its last error's answer; 0 without errors


def window(samples: Iterable[Sample], start: float, end: float) -> Window:
    """The requests under way at some moment from `start` to `end` (seconds into the run): sent before
    `end` and answered, or given up, at `start` or later, so those in flight when a fault struck count."""
    inside = [sample for sample in samples if sample.start < end and sample.start + sample.ms / 1000 >= start]
    errors = [sample for sample in inside if sample.error]
    last_error = max((sample.start + sample.ms / 1000 for sample in errors), default=start)
    return Window(
        requests=len(inside),
        errors=len(errors),
        late_heartbeats=sum(sample.outcome == LATE for sample in inside),
        p95_ms=percentile([sample.ms for sample in inside], 0.95),
        recovery_s=last_error - start,
    )


def closing_line(samples: Iterable[Sample]) -> str:
    """The run's last line, read by `make bench-load`'s callers."""
    samples = list(samples)
    p95 = percentile([sample.ms for sample in samples], 0.95)
    return f"load: {len(samples)} requests, {sum(s.error for s in samples)} errors, p95 {p95:.0f} ms"

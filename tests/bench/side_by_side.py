"""What the side-by-side benchmarks of issue 16 share: two source trees (the old code, a checkout of main,
and the new one) measured in one run against one warehouse file, their servers, the pages, the browser's
notion of "ready", and Markdown tables.

Nothing here imports the measured trees' code: each tree runs in its own processes (its gunicorn, its
`python -m data.demo`), so the old tree is measured as it is, whatever this tree has changed since.
"""

import argparse
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from tests.browser import beacon_server

ROOT = Path(__file__).resolve().parents[2]
BEFORE = Path("/work/wt/before")
BENCH_CONFIG = Path(__file__).with_name("gunicorn_bench.py")


@dataclass(frozen=True)
class Tree:
    label: str  # "before" / "after", with the commit: what the tables name
    path: Path

    def python(self) -> str:
        own = self.path / ".venv" / "bin" / "python"
        return str(own if own.exists() else Path(sys.executable))


def arguments(doc: str, runs: int, warehouse: Path | None = ROOT / "data" / "cx.duckdb"):
    """The options every side-by-side benchmark takes; the caller adds its own and parses."""
    parser = argparse.ArgumentParser(
        description=doc.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--warehouse", type=Path, default=warehouse, help=f"warehouse file (default {warehouse})"
    )
    parser.add_argument(
        "--before",
        type=Path,
        default=BEFORE if BEFORE.is_dir() else None,
        help=f"the old tree (default {BEFORE} when it exists); '' for none",
    )
    parser.add_argument("--tree", type=Path, default=ROOT, help=f"the new tree (default {ROOT})")
    parser.add_argument("--runs", type=int, default=runs, help=f"runs per tree (default {runs})")
    return parser


def trees(args) -> list[Tree]:
    """The trees to measure, old first: "before" only when --before names a tree."""
    found = []
    if args.before and str(args.before) not in ("", "."):
        found.append(Tree(f"before ({revision(args.before)})", args.before.resolve()))
    found.append(Tree(f"after ({revision(args.tree)})", args.tree.resolve()))
    return found


def revision(path: Path) -> str:
    """The tree's commit, with "+changes" when its work tree differs from it."""
    head = subprocess.run(
        ["git", "-C", str(path), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(path), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return (head or "?") + ("+changes" if dirty else "")


def in_turn(items: list, run: int) -> list:
    """`items` in order on even runs and reversed on odd ones: a busy machine hurts each tree alike."""
    return items if run % 2 == 0 else items[::-1]


@contextmanager
def tree_server(tree: Tree, warehouse: Path, state_url: str, log: Path | None = None):
    """One gunicorn worker of `tree` on `warehouse`, on a free loopback port; yields (base URL, master pid).
    With `log`, served through gunicorn_bench.py, which logs every request and SQL statement there."""
    env = {"BEACON_STATE_URL": state_url, "PYTHONPATH": str(tree.path), "BEACON_LOG_LEVEL": "WARNING"}
    config = "gunicorn.conf.py"
    if log is not None:
        env["BEACON_BENCH_LOG"] = str(log)
        config = str(BENCH_CONFIG)
    before = set(children(os.getpid()))
    with beacon_server(warehouse, workers=1, extra_env=env, root=tree.path, config=config) as url:
        (master,) = set(children(os.getpid())) - before
        yield url, master


def seeded_state(tree: Tree, warehouse: Path, folder: Path) -> str:
    """A state database of the tree's own in `folder`, with the demo commitments seeded as `make demo`
    does, so that the accountability pages have something to show."""
    url = f"sqlite:///{folder / 'state.db'}"
    env = {
        **os.environ,
        "BEACON_STATE_URL": url,
        "BEACON_WAREHOUSE": str(warehouse),
        "PYTHONPATH": str(tree.path),
    }
    subprocess.run(
        [tree.python(), "-m", "data.demo.commitments"],
        cwd=tree.path,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return url


@dataclass(frozen=True)
class Page:
    label: str
    path: str
    ready: tuple[str, ...]  # CSS selectors of DOM-contract attributes, each shown once the page is filled in


def pages(warehouse: Path) -> list[Page]:
    """Every page of Beacon, with ids from the warehouse: the NPS and a ratio metric, the touchpoint,
    segment and owner with the most data (the heaviest of their pages)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:

        def first(sql: str, preferred: str) -> str:
            found = [row[0] for row in con.execute(sql).fetchall()]
            return preferred if preferred in found else found[0]

        nps = first("SELECT metric_id FROM metrics WHERE kind = 'nps' ORDER BY sort_order", "tnps")
        ratio = first("SELECT metric_id FROM metrics WHERE kind = 'ratio' ORDER BY sort_order", "aht")
        busiest = (
            "SELECT {0} FROM daily_rollup WHERE {0} IS NOT NULL GROUP BY ALL ORDER BY count(*) DESC, {0}"
        )
        touchpoint = first(busiest.format("touchpoint_id"), "")
        segment = first(busiest.format("segment_id"), "")
        owner = first("SELECT owner_id FROM metrics GROUP BY ALL ORDER BY count(*) DESC, owner_id", "")
    root, tile = "[data-period-start]", "[data-period-start] [data-metric-id][data-status]"
    by_touchpoint, by_segment = "[data-value][data-touchpoint-id]", "[data-value][data-segment-id]"
    return [
        Page("scorecard", "/", (tile,)),
        Page("metric (NPS)", f"/metric/{nps}", (root, by_touchpoint, by_segment)),
        Page("metric (ratio)", f"/metric/{ratio}", (root, by_touchpoint, by_segment)),
        Page("journey", "/journey", (root, by_touchpoint)),
        Page("touchpoint", f"/touchpoint/{touchpoint}", (root, by_segment)),
        Page("segments", "/segments", (root, by_segment)),
        Page("segment", f"/segment/{segment}", (root, by_touchpoint)),
        Page("owners", "/owners", (f"{root} [data-owner-id]",)),
        Page("owner", f"/owner/{owner}", (f"{root} [data-metric-id]",)),
        Page("commitments", "/commitments", ("[data-commitment-id]",)),
        Page("data", "/data", (f"{root} [data-metric-id]",)),
        Page("wall", "/wall", (f"{root} [data-metric-id][data-value]",)),
    ]


def periods(warehouse: Path) -> list[str]:
    """Period keys with data, newest first (this month, quarter and year to date, then the full ones
    before), then the trailing windows. Every run of a cold benchmark asks a different one."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        first_day, as_of = con.execute("SELECT min(day), max(day) FROM daily_rollup").fetchone()
    keys = []
    year, month = as_of.year, as_of.month
    while date(year, month, 1) >= date(first_day.year, first_day.month, 1):
        keys.append(f"{year}-{month:02d}")
        if month % 3 == 0:
            keys.append(f"{year}-Q{month // 3}")
        if month == 12:
            keys.append(str(year))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return [*keys, "t30", "t90", "t365"]


# Loaded before any page script: counts Dash's callback requests in flight (Dash uses fetch) and keeps
# every resource timing entry for the byte counts.
READY_SCRIPT = """
performance.setResourceTimingBufferSize(100000);
window.__bench = {pending: 0, lastChange: 0, readyAt: null};
const benchFetch = window.fetch;
window.fetch = function (...args) {
  const bench = window.__bench;
  bench.pending++; bench.lastChange = performance.now();
  return benchFetch.apply(this, args).finally(() => { bench.pending--; bench.lastChange = performance.now(); });
};
"""
# Ready = the page's DOM-contract attributes are on screen, no callback request is in flight and no
# component is loading, and it stays so for QUIET_MS (a callback may trigger another). Returns the
# moment it first became so, in ms since navigation start (performance.now's origin).
QUIET_MS = 300
READY_CHECK = f"""
(selectors) => {{
  const bench = window.__bench, now = performance.now();
  const done = bench.pending === 0 && selectors.every((selector) => document.querySelector(selector) !== null)
    && document.querySelector('[data-dash-is-loading="true"], ._dash-loading') === null;
  if (!done || (bench.readyAt !== null && bench.lastChange > bench.readyAt)) {{
    bench.readyAt = done ? now : null;
    return false;
  }}
  if (bench.readyAt === null) {{ bench.readyAt = now; return false; }}
  return now - bench.readyAt >= {QUIET_MS} ? bench.readyAt : false;
}}
"""
# Bytes of the document and of every resource it fetched: on the wire (compressed) and decoded.
BYTES = """
() => {
  const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
  const largest = entries.reduce((a, b) => (b.encodedBodySize > a.encodedBodySize ? b : a));
  return {
    requests: entries.length,
    transferred: entries.reduce((sum, e) => sum + e.transferSize, 0),
    encoded: entries.reduce((sum, e) => sum + e.encodedBodySize, 0),
    decoded: entries.reduce((sum, e) => sum + e.decodedBodySize, 0),
    largest: [largest.name.split('/').pop().split('?')[0], largest.encodedBodySize],
  };
}
"""
PATIENCE_MS = 120_000  # a ceiling for one page to get ready at 100 M on a busy machine


def visit(browser, url: str, ready: tuple[str, ...], measure_bytes: bool = False) -> dict:
    """Open `url` in a fresh browser context (nothing cached) and wait until it is ready; returns
    {"ready_ms": ms from navigation start}, with the page's byte counts when `measure_bytes`."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        context.add_init_script(READY_SCRIPT)
        page = context.new_page()
        page.goto(url)
        ready_ms = page.wait_for_function(
            READY_CHECK, arg=list(ready), timeout=PATIENCE_MS, polling="raf"
        ).json_value()
        result = {"ready_ms": ready_ms}
        if measure_bytes:
            page.wait_for_load_state("networkidle")  # late requests (images, lazy bundles) count too
            result |= page.evaluate(BYTES)
        return result
    finally:
        context.close()


class RequestLog:
    """Reads what gunicorn_bench.py logs, as it grows: requests with the SQL statements each ran."""

    def __init__(self, path: Path):
        self.path = path
        self.offset = 0
        self.statements = {}  # request serial -> its statements, until the request itself is logged

    def new_requests(self) -> list[dict]:
        """The requests logged since the last call, each {"callback", "method", "path", "seconds",
        "status", "sql": [(sql, params, seconds), ...]}. Statements outside any request (the worker's
        start-up) are never returned."""
        requests = []
        with open(self.path, "rb") as log:
            log.seek(self.offset)
            while True:
                try:
                    record = pickle.load(log)
                except (EOFError, pickle.UnpicklingError):  # the end, or a record still being written
                    break
                self.offset = log.tell()
                if record[0] == "sql":
                    self.statements.setdefault(record[1], []).append(record[2:])
                else:
                    _, serial, method, path, callback, status, seconds = record
                    requests.append(
                        {
                            "callback": callback,
                            "method": method,
                            "path": path,
                            "status": status,
                            "seconds": seconds,
                            "sql": self.statements.pop(serial, []),
                        }
                    )
        return requests


def temporary_log() -> Path:
    handle, name = tempfile.mkstemp(prefix="beacon-bench-", suffix=".log")
    os.close(handle)
    return Path(name)


def children(parent: int) -> list[int]:
    """Pids of the processes whose parent is `parent` (from /proc/<pid>/stat)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # "pid (command) state ppid ...": the command may hold spaces and parentheses.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process has gone
        if int(fields[1]) == parent:
            found.append(int(stat.parent.name))
    return sorted(found)


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        kids = children(todo.pop())
        found += kids
        todo += kids
    return found


def rss_mb(pid: int) -> float:
    """Resident memory of `pid` in MB (VmRSS), NaN once it has gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def percentile(samples: Iterable[float], q: float) -> float:
    samples = sorted(samples)
    return samples[min(len(samples) - 1, round(q * (len(samples) - 1)))] if samples else float("nan")


def p50(samples: Iterable[float]) -> float:
    samples = list(samples)
    return statistics.median(samples) if samples else float("nan")


def markdown(headers: list[str], rows: list[list]) -> str:
    """A Markdown table; numbers right-aligned."""

    def cell(value) -> str:
        if isinstance(value, int):
            return f"{value:,}"
        if isinstance(value, float):
            if value != value:
                return "–"
            return (
                f"{value:.2f}"
                if abs(value) < 10
                else f"{value:,.1f}"
                if abs(value) < 1000
                else f"{value:,.0f}"
            )
        return str(value)

    cells = [[cell(value) for value in row] for row in rows]
    numeric = [
        bool(rows) and all(isinstance(row[i], int | float) for row in rows) for i in range(len(headers))
    ]
    lines = ["| " + " | ".join(headers) + " |"]
    lines.append("|" + "|".join("---:" if right else "---" for right in numeric) + "|")
    lines += ["| " + " | ".join(row) + " |" for row in cells]
    return "\n".join(lines)

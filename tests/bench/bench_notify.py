"""Sender benchmark: one pass of `python -m data.notify` delivering a full outbox, on SQLite and on
PostgreSQL, against the tests' aiosmtpd server and an http.server webhook receiver on loopback.

    python -m tests.bench.bench_notify [--events 100] [--recipients 100] [--stores sqlite postgresql]

The outbox is queued as data.state.alerts queues a publish's events (add_event, then queue): --events
events (status_worsened, the facts a real one carries), each to --recipients e-mail addresses of its own
(so every address is distinct and the daily cap never bites) and to one webhook: 100 × 100 = 10 000
e-mails and 100 webhook POSTs by default. Then, each a fresh process with that store as
BEACON_STATE_URL:

* `--dry-run`: lists what would go, changes nothing;
* the pass: claims, sends every message over one SMTP connection, marks each (a delivery_attempts row and
  the outbox row, one transaction per message);
* an idle pass: nothing due (what a cron run every few minutes costs).

Times are wall-clock, process start included; peak RSS is the command's own (its VmHWM).
What arrived is checked (each Message-ID once, every POST) and shown. The mail server runs in this
process on the same 2 cores, parsing every message. Not a test: nothing is asserted. Prints Markdown.
"""

import argparse
import contextlib
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from data.state import alerts, database
from tests.bench.side_by_side import markdown
from tests.smtp_server import SmtpServer

ROOT = Path(__file__).resolve().parents[2]
FACTS = {
    "metric_id": "nps",
    "metric_name": "Net promoter score",
    "unit": "pts",
    "kind": "nps",
    "owner_id": None,
    "owner_name": None,
    "owner_email": None,
    "touchpoint_id": "web",
    "touchpoint_name": "Website",
    "segment_id": None,
    "segment_name": None,
    "period_key": "2026-Q4",
    "period_label": "Q4 2026 to date",
    "compare_label": "Q3 2026",
    "as_of": "2026-11-23",
    "value": 28.0,
    "low": 21.3,
    "high": 34.7,
    "n": 412.0,
    "target": 45.0,
    "tolerance": 10.0,
    "status": "off_track",
    "previous_status": "at_risk",
    "change": -6.1,
    "change_significant": False,
    "link": "/metric/nps?touchpoint=web",
}


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        with self.server.lock:
            self.server.posts += 1
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_args):
        pass


@contextmanager
def receiver():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.posts, server.lock = 0, threading.Lock()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def postgresql():
    from deploy.postgres import Cluster

    # Not under a folder only root may enter: as root, the server runs as `postgres`.
    cluster = Cluster(Path(tempfile.mkdtemp(prefix="beacon-pg-")))
    cluster.start()
    try:
        cluster.create_database("bench_notify")
        yield cluster.url("bench_notify")
    finally:
        cluster.stop("immediate")
        shutil.rmtree(cluster.folder, ignore_errors=True)


def queue(url: str, hook_url: str, events: int, recipients: int) -> float:
    """The outbox of `events` events, each to `recipients` addresses and one webhook; seconds taken."""
    started = time.perf_counter()
    database.migrate(url)
    with database.writing(url) as connection:
        connection.execute(
            database.webhooks.insert().values(
                name="Bench",
                url=hook_url,
                secret="s3cret",
                enabled=True,
                created_at=datetime.now(),
                created_by="bench",
            )
        )
    (hook,) = [str(h["webhook_id"]) for h in _webhooks(url)]
    for number in range(events):
        with database.writing(url) as connection:
            event_id = alerts.add_event(
                connection,
                "status_worsened",
                f"status_worsened:nps:web:*:bench-{number}",
                {**FACTS, "value": 20.0 + number / 10},
                metric_id="nps",
                touchpoint_id="web",
            )
            people = [
                alerts.Recipient("email", f"person{number}-{r}@example.com", "subscription")
                for r in range(recipients)
            ]
            alerts.queue(connection, event_id, [*people, alerts.Recipient("webhook", hook, "webhook")])
    return time.perf_counter() - started


def _webhooks(url: str) -> list[dict]:
    with database.reading(url) as connection:
        return [dict(r._mapping) for r in connection.execute(sa.select(database.webhooks.c.webhook_id))]


def statuses(url: str) -> Counter:
    with database.reading(url) as connection:
        return Counter(
            dict(
                connection.execute(
                    sa.select(database.outbox.c.status, sa.func.count()).group_by(database.outbox.c.status)
                ).all()
            )
        )


def high_water_mb(pid: int) -> float:
    """VmHWM of a running process, in MB: its peak resident memory since its exec; NaN once gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def command(env: dict, *args: str) -> dict:
    """`python -m data.notify args…` to its end: seconds, its peak RSS (MB, VmHWM read every 20 ms:
    ru_maxrss would count this process's memory, copied at the fork), its output lines."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "data.notify", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = [float("nan")]

    def watch() -> None:
        while process.poll() is None:
            seen = high_water_mb(process.pid)
            if seen == seen:
                peak[0] = seen if peak[0] != peak[0] else max(peak[0], seen)
            # Sample again in 20 ms, or at once when the pass ends: a wait on the process, not a pause.
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=0.02)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    out, err = process.communicate()
    seconds = time.perf_counter() - started
    watcher.join()
    if process.returncode:
        raise SystemExit(f"data.notify {' '.join(args)} failed ({process.returncode}): {err}")
    return {"seconds": seconds, "rss_mb": peak[0], "lines": out.strip().splitlines()}


def measure(store: str, url: str, args, scratch: Path) -> list:
    mail = SmtpServer().start()
    try:
        with receiver() as hooks:
            queued = queue(url, f"http://127.0.0.1:{hooks.server_port}/hook", args.events, args.recipients)
            total = args.events * (args.recipients + 1)
            env = {key: value for key, value in os.environ.items() if not key.startswith("BEACON_")}
            env.update(
                BEACON_STATE_URL=url,
                BEACON_SMTP_URL=mail.url,
                BEACON_WAREHOUSE=str(scratch / "no-warehouse.duckdb"),
                BEACON_PUBLIC_URL="http://beacon.test",
                BEACON_LOG_LEVEL="WARNING",
            )
            dry = command(env, "--dry-run")
            planned = sum(line.startswith("would send: ") for line in dry["lines"])
            run = command(env)
            idle = command(env)
            received = mail.wait_for(args.events * args.recipients, timeout=60)
            ids = Counter(message["Message-ID"] for _to, message in received)
            print(f"{store}: {run['lines'][-1]}; outbox {dict(statuses(url))}", file=sys.stderr, flush=True)
            return [
                store,
                total,
                queued,
                dry["seconds"],
                planned,
                dry["rss_mb"],
                run["seconds"],
                total / run["seconds"],
                run["rss_mb"],
                idle["seconds"],
                idle["rss_mb"],
                len(ids),
                max(ids.values()),
                hooks.posts,
            ]
    finally:
        mail.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--recipients", type=int, default=100, help="e-mail addresses per event")
    parser.add_argument("--stores", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args()
    rows = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="beacon-bench-notify-") as folder:
        scratch = Path(folder)
        for store in args.stores:
            if store == "sqlite":
                rows.append(measure(store, f"sqlite:///{scratch / 'state.db'}", args, scratch))
            else:
                with postgresql() as url:
                    rows.append(measure(store, url, args, scratch))
    print("\n## One pass of the sender\n")
    print(
        f"* {args.events} events × ({args.recipients} e-mail addresses + 1 webhook) = "
        f"{args.events * (args.recipients + 1):,} queued messages; aiosmtpd and an http.server receiver on "
        f"loopback; {time.monotonic() - started:.0f} s in all, load average at end {os.getloadavg()[0]:.2f}"
    )
    print("* each command a fresh process (start-up included); peak RSS = the command's VmHWM\n")
    headers = [
        "store",
        "messages",
        "queue s",
        "--dry-run s",
        "listed",
        "dry-run RSS MB",
        "pass s",
        "messages/s",
        "peak RSS MB",
        "idle pass s",
        "idle RSS MB",
        "Message-IDs at server",
        "max copies",
        "webhook POSTs",
    ]
    print(markdown(headers, rows))


if __name__ == "__main__":
    main()

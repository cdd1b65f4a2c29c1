"""Load test: many users and wall screens at once, replaying what Chromium really sends, with faults.

    python -m tests.bench.load (--url URL | --single | --topology) [--users 50] [--walls 200]
        [--wall-refresh 30] [--seconds 120] [--max-requests N] [--think 5 15] [--capture FILE]
        [--fault kill-worker|stop-host|publish|restart-redis|restart-postgres|slowloris] [--fault-at 0.33]
        [--sweep]

A benchmark, not a test (nothing is asserted), on loopback only, bounded in time and in requests.

1. Capture (tests/bench/load_capture.py): the requests of the views users open (scorecard, a metric, a
   touchpoint, owners, commitments, a segment) and of a wall (`/wall?refresh=30`, default slides: its
   refresh callback and its heartbeat), recorded once from Chromium into `--capture` and reused while
   the target serves the same tree.
2. Replay, with asyncio and aiohttp. A user is a browser (up to 6 connections): it opens a view at
   random, firing each wave of the view's requests together as the browser did (its statics only on its
   first view: a browser caches them), then thinks for 5–15 s. A wall does what assets/wall.js and
   pages/wall.py make a screen do: a heartbeat (HEAD /session, given up after 4 s) every 5 s and the
   refresh callback every `--wall-refresh` s, from a random start, sending the digest of the slides it
   last received; two failed heartbeats in a row show "Reconnecting" and the change of the connection
   store fires a refresh, as does the recovery.
3. Error: any answer but 2xx (204 included) or 304, a request over 30 s, or a failed connection.
   A heartbeat over 4 s is not an error but is counted apart (`late`): the screen counts it as a failed
   check, the first step to a false "Reconnecting".
4. Output: a table per view, with the wall refreshes, heartbeats (and saves) as their own rows; the
   generator's own CPU and event-loop lag (it must not be the bottleneck); each fault's counts; and last,
   `load: N requests, E errors, p95 X ms`, over every request sent (heartbeats and statics included).

Targets: `--url` a running server (e.g. `make run`); `--single` one gunicorn as `make run` starts it
(gunicorn.conf.py, over `--warehouse` and a state database of its own seeded with the demo
commitments); `--topology` deploy.prod.Topology (nginx, two hosts, Redis, PostgreSQL).

Faults (`--fault`, at `--fault-at` of the run): kill-worker (kill -9 a worker of host a), stop-host (host
a stopped; started again after `--stop-seconds`, 0 = never), publish (6 snapshots built beforehand with
data.demo, published through the run), restart-redis, restart-postgres (with commitment saves replayed
meanwhile: made, refused with a message, or failed; then the last one made is checked to be stored),
slowloris (40 sockets sending a request header a byte a second for 60 s). kill-worker works with
--single too, slowloris with any target; the others need --topology.

`--sweep` runs short runs (`--seconds` each) of increasing walls (100 to 1600 at `--users`), then
increasing users (50 to 400 at `--walls`), and says where p95 first passes 1 s or the first error comes.
"""

import argparse
import asyncio
import contextlib
import copy
import errno
import json
import os
import random
import resource
import socket
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp

from data.review_pack import free_port
from tests.bench import load_faults
from tests.bench.load_capture import load_or_capture
from tests.bench.load_stats import (
    HEARTBEAT,
    LATE,
    WALL_REFRESH,
    Sample,
    closing_line,
    error_kinds,
    status_outcome,
    table,
)
from tests.bench.side_by_side import ROOT, Tree, children, descendants, percentile, seeded_state
from tests.bench.wall_watch import WallWatch
from tests.browser import beacon_server

REQUEST_TIMEOUT_S = 30
HEARTBEAT_S, HEARTBEAT_TIMEOUT_S = 5, 4  # pages/wall.py HEARTBEAT_SECONDS, assets/wall.js CHECK_TIMEOUT_MS
FAILURES_BEFORE_BANNER = 3  # assets/wall.js
RECOVERY_SPREAD_S = 20  # assets/wall.js RECOVERY_SPREAD_MS: a screen back refreshes within this
CONNECTIONS_PER_BROWSER = 6
# Below gunicorn's keep-alive (2 s): the client drops an idle connection first, so no request goes out
# on one the server is closing (a browser would retry such a request; aiohttp would report it failed).
IDLE_CONNECTION_S = 1.5
LAG_TICK_S = 0.1
GENERATOR_BUSY = 0.7  # of one core: past it, or past LAG_LIMIT_MS of lag, the run says its figures suffer
LAG_LIMIT_MS = 50
SWEEP_WALLS = (100, 200, 400, 800, 1600)  # each series stops at its first break
SWEEP_USERS = (50, 100, 200, 400)
P95_LIMIT_MS = 1000
TOPOLOGY_PORTS = 4  # nginx, host a, host b, Redis (deploy.prod.Topology)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--url", help="a running Beacon, e.g. http://127.0.0.1:8050 (loopback only)")
    target.add_argument("--single", action="store_true", help="start one gunicorn as `make run` does")
    target.add_argument("--topology", action="store_true", help="start deploy.prod.Topology")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--walls", type=int, default=200)
    parser.add_argument("--wall-refresh", type=float, default=30, help="seconds between a wall's refreshes")
    parser.add_argument("--think", type=float, nargs=2, default=(5, 15), metavar=("MIN", "MAX"))
    parser.add_argument("--seconds", type=float, default=120, help="length of the run (default 120)")
    parser.add_argument(
        "--max-requests", type=int, default=200_000, help="requests at most (default 200 000)"
    )
    parser.add_argument(
        "--capture", type=Path, default=Path(tempfile.gettempdir()) / "beacon-load-capture.json"
    )
    parser.add_argument(
        "--warehouse", type=Path, default=ROOT / "data" / "cx.duckdb", help="for --single/--topology"
    )
    parser.add_argument("--fault", action="append", choices=load_faults.NAMES, default=[])
    parser.add_argument("--fault-at", type=float, default=1 / 3, help="fraction of the run (default 1/3)")
    parser.add_argument("--stop-seconds", type=float, default=20, help="stop-host: restart after (0: never)")
    parser.add_argument("--publish-responses", type=int, default=20_000, help="publish: each snapshot's size")
    parser.add_argument("--sweep", action="store_true", help="find the break point (short runs)")
    parser.add_argument("--seed", type=int, default=1, help="random choices of the replay")
    parser.add_argument(
        "--watch-wall", action="store_true", help="also one real wall in Chromium, its 'Reconnecting' counted"
    )
    args = parser.parse_args()
    if args.url and urlsplit(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
        parser.error("--url must be on loopback (127.0.0.1, localhost or ::1)")
    return args


# --- targets -------------------------------------------------------------------------------------------


@dataclass
class Target:
    """What the run talks to and what the faults act on: a Topology, or one gunicorn (`master`)."""

    url: str
    topology: object | None = None
    master: int | None = None

    def worker_pids(self, host: str) -> list[int]:
        if self.topology is not None:
            return list(self.topology.worker_pids(host))
        if self.master is None:
            raise SystemExit("kill-worker needs --single or --topology: the workers of --url are unknown")
        return children(self.master)

    def server_roots(self) -> list[int]:
        """The gunicorn masters: the hosts' (the parent of their workers) or the single one's."""
        if self.topology is not None:
            return sorted({_parent(self.topology.worker_pids(host)[0]) for host in self.topology.hosts})
        return [self.master] if self.master else []

    def needs_topology(self, fault: str):
        if self.topology is None:
            raise SystemExit(f"--fault {fault} needs --topology")
        return self.topology


@contextlib.contextmanager
def started_target(args):
    if args.url:
        yield Target(args.url.rstrip("/")), None
        return
    with tempfile.TemporaryDirectory(prefix="beacon-load-") as folder:
        folder = Path(folder)
        if args.topology:
            from deploy import prod  # needs nginx, Redis and PostgreSQL: imported only for --topology

            folder.chmod(0o755)  # PostgreSQL runs as its own user under root, and must enter it

            with prod.Topology(folder / "run", _free_ports(TOPOLOGY_PORTS), args.warehouse) as topology:
                yield Target(topology.url.rstrip("/"), topology=topology), prod.ROOT
            return
        state_url = seeded_state(Tree("single", ROOT), args.warehouse, folder)
        before = set(children(os.getpid()))
        env = {"BEACON_STATE_URL": state_url, "BEACON_LOG_LEVEL": "WARNING"}
        with beacon_server(args.warehouse, workers=2, extra_env=env) as url:  # gunicorn.conf.py's 2 workers
            (master,) = set(children(os.getpid())) - before
            yield Target(url, master=master), ROOT


def _free_ports(count: int) -> int:
    """The first of `count` consecutive free loopback ports."""
    while True:
        first = free_port()
        try:
            for port in range(first, first + count):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue


def _stat(pid: int) -> list[str]:
    """The fields of /proc/<pid>/stat after the command (the third field on: state, ppid, ...)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _parent(pid: int) -> int:
    return int(_stat(pid)[1])


def cpu_seconds(roots: list[int]) -> float:
    """User + system CPU of the process trees under `roots`: each live process's own, plus that of its
    children it has reaped (a killed worker's CPU stays counted in its master's)."""
    total, tick = 0.0, os.sysconf("SC_CLK_TCK")
    for pid in [pid for root in roots for pid in (root, *descendants(root))]:
        with contextlib.suppress(OSError, IndexError, ValueError):
            total += sum(int(value) for value in _stat(pid)[11:15]) / tick  # utime stime cutime cstime
    return total


# --- the replay ----------------------------------------------------------------------------------------


@dataclass
class Run:
    base: str
    seconds: float
    max_requests: int
    samples: list[Sample] = field(default_factory=list)
    sent: int = 0
    started: float = field(default_factory=time.monotonic)
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    reconnecting: int = 0  # times a wall showed "Reconnecting"
    walls_reconnecting: set = field(default_factory=set)
    lags_ms: list[float] = field(default_factory=list)

    def now(self) -> float:
        return time.monotonic() - self.started

    def going(self) -> bool:
        if self.now() >= self.seconds or self.sent >= self.max_requests:
            self.stop.set()
        return not self.stop.is_set()

    async def pause(self, seconds: float) -> None:
        """Wait `seconds` (a think time, a timer), ended early by the end of the run."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stop.wait(), max(seconds, 0))

    def browser(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(limit=CONNECTIONS_PER_BROWSER, keepalive_timeout=IDLE_CONNECTION_S)
        return aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.CookieJar(unsafe=True))

    async def send(self, session, row: str, request: dict, timeout: float = REQUEST_TIMEOUT_S, body=None):
        """Send one captured request (with `body` instead of its own when given); its sample is kept.
        Returns (status, answer bytes), or None when it failed or was not sent (the run is over)."""
        if not self.going():
            return None
        self.sent += 1
        headers = dict(request["headers"])
        if request["method"] == "POST":
            headers["Origin"] = self.base  # as the page sends it
        data = body if body is not None else request["body"]
        start = self.now()
        outcome, answer = None, None
        try:
            async with session.request(
                request["method"],
                self.base + request["path"],
                headers=headers,
                data=data.encode() if isinstance(data, str) else data,
                timeout=aiohttp.ClientTimeout(total=timeout),
                allow_redirects=False,
            ) as response:
                content = await response.read()
                outcome = status_outcome(response.status, request.get("redirect", False))
                answer = (response.status, content)
        except TimeoutError:
            outcome = LATE if row == HEARTBEAT else "timeout"
        except aiohttp.ClientError as error:
            reason = errno.errorcode.get(getattr(error, "errno", None) or 0, type(error).__name__)
            outcome = f"connection ({reason})"
        self.samples.append(Sample(row, start, (self.now() - start) * 1000, outcome))
        return answer if outcome is None else None

    async def measure_lag(self) -> None:
        """How late the event loop wakes: if the generator were the bottleneck, this would grow."""
        while self.going():
            asked = time.monotonic()
            await asyncio.sleep(LAG_TICK_S)
            self.lags_ms.append((time.monotonic() - asked - LAG_TICK_S) * 1000)


async def user(run: Run, views: dict, think: tuple[float, float]) -> None:
    async with run.browser() as session:
        await run.pause(random.uniform(0, think[1]))  # users arrive spread out, not all at once
        first = True
        while run.going():
            name = random.choice(list(views))
            for wave in views[name]["waves"]:
                await asyncio.gather(
                    *(run.send(session, name, request) for request in wave if first or not request["static"])
                )
            first = False
            await run.pause(random.uniform(*think))


class Wall:
    """One screen after its page has loaded: the state its refresh callback sends."""

    def __init__(self, run: Run, number: int, captured: dict, refresh_s: float):
        self.run, self.number, self.refresh_s = run, number, refresh_s
        self.request = captured["refresh"]
        self.heartbeat_request = captured["heartbeat"]
        self.body = json.loads(self.request["body"])
        self.inputs = {item["id"]: item for item in self.body["inputs"]}
        self.digest = next(item for item in self.body["state"] if item["id"] == "wall-digest")["value"]
        self.n_intervals = 0
        self.connection = {"online": True}
        self.failures = 0
        self.recovering = False
        self.last_answer_ms = time.time() * 1000
        self.pending = set()

    def refresh_body(self, changed: str) -> str:
        body = copy.deepcopy(self.body)
        for item in body["inputs"]:
            item["value"] = self.n_intervals if item["id"] == "wall-refresh" else self.connection
        for item in body["state"]:
            if item["id"] == "wall-digest":
                item["value"] = self.digest
        body["changedPropIds"] = body["parsedChangedPropsIds"] = [changed]
        return json.dumps(body)

    async def refresh(self, session, changed: str) -> None:
        answer = await self.run.send(session, WALL_REFRESH, self.request, body=self.refresh_body(changed))
        if answer and answer[0] == 200:
            digest = json.loads(answer[1]).get("response", {}).get("wall-digest", {}).get("data")
            if digest:
                self.digest = digest  # as the browser's store takes it: the next refresh sends it

    def fire(self, session, changed: str) -> None:
        """A refresh in the background: the browser does not wait for one before the next timer."""
        task = asyncio.ensure_future(self.refresh(session, changed))
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)

    async def heartbeats(self, session) -> None:
        await self.run.pause(random.uniform(0, HEARTBEAT_S))
        next_at = self.run.now()
        while self.run.going():
            answer = await self.run.send(
                session, HEARTBEAT, self.heartbeat_request, timeout=HEARTBEAT_TIMEOUT_S
            )
            if answer is not None:
                self.failures = 0
                self.last_answer_ms = time.time() * 1000
                if not self.connection["online"] and not self.recovering:
                    # Back: the banner goes, and the store flips (which refreshes) after a random pause.
                    self.recovering = True
                    recovery = asyncio.create_task(self.recover(session))
                    self.pending.add(recovery)
                    recovery.add_done_callback(self.pending.discard)
            elif self.run.going():
                self.failures += 1
                if self.connection["online"] and self.failures >= FAILURES_BEFORE_BANNER:
                    self.connection = {"online": False, "since": self.last_answer_ms}
                    self.run.reconnecting += 1
                    self.run.walls_reconnecting.add(self.number)
                    self.fire(session, "wall-connection.data")
            next_at += HEARTBEAT_S
            await self.run.pause(next_at - self.run.now())

    async def recover(self, session) -> None:
        await self.run.pause(random.uniform(0, min(RECOVERY_SPREAD_S, self.refresh_s)))
        self.recovering = False
        if self.run.going() and self.failures == 0:
            self.connection = {"online": True, "since": time.time() * 1000}
            self.fire(session, "wall-connection.data")

    async def refreshes(self, session) -> None:
        await self.run.pause(random.uniform(0, self.refresh_s))
        next_at = self.run.now()
        while self.run.going():
            self.n_intervals += 1
            self.fire(session, "wall-refresh.n_intervals")
            next_at += self.refresh_s
            await self.run.pause(next_at - self.run.now())

    async def __call__(self) -> None:
        async with self.run.browser() as session:
            await asyncio.gather(self.heartbeats(session), self.refreshes(session))
            if self.pending:  # what is in flight at the end still counts (each bounded by its timeout)
                await asyncio.wait(self.pending)


@dataclass
class Result:
    samples: list[Sample]
    seconds: float
    cpu_s: float
    lags_ms: list[float]
    reconnecting: int
    walls_reconnecting: int
    server_cpu_s: float | None
    faults: list = field(default_factory=list)


async def replay(args, target: Target, captured: dict, users: int, walls: int, faults=()) -> Result:
    run = Run(target.url, args.seconds, args.max_requests)
    roots = target.server_roots()
    server_before = cpu_seconds(roots)
    usage_before = resource.getrusage(resource.RUSAGE_SELF)
    tasks = [user(run, captured["views"], tuple(args.think)) for _ in range(users)]
    tasks += [Wall(run, n, captured["wall"], args.wall_refresh)() for n in range(walls)]
    await asyncio.gather(run.measure_lag(), *tasks, *(fault.run(run) for fault in faults))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return Result(
        samples=run.samples,
        seconds=run.now(),
        cpu_s=(usage.ru_utime - usage_before.ru_utime) + (usage.ru_stime - usage_before.ru_stime),
        lags_ms=run.lags_ms,
        reconnecting=run.reconnecting,
        walls_reconnecting=len(run.walls_reconnecting),
        server_cpu_s=cpu_seconds(roots) - server_before if roots else None,
        faults=list(faults),
    )


def report(result: Result, users: int, walls: int) -> None:
    print(f"\n{users} users + {walls} walls for {result.seconds:.0f} s\n")
    print(table(result.samples))
    failed = [sample.start for sample in result.samples if sample.error]
    when = f" (sent from {min(failed):.0f} s to {max(failed):.0f} s)" if failed else ""
    print(f"\nerrors: {error_kinds(result.samples)}{when}")
    late = sum(sample.outcome == LATE for sample in result.samples)
    print(
        f"heartbeats over {HEARTBEAT_TIMEOUT_S} s: {late}; 'Reconnecting' shown {result.reconnecting} times "
        f"on {result.walls_reconnecting} walls"
    )
    print(
        f"generator: {result.cpu_s:.1f} s CPU in {result.seconds:.0f} s "
        f"({100 * result.cpu_s / result.seconds:.0f}% of one core); event-loop lag "
        f"p99 {percentile(result.lags_ms, 0.99):.0f} ms, max {max(result.lags_ms, default=0):.0f} ms"
    )
    if result.cpu_s / result.seconds > GENERATOR_BUSY or percentile(result.lags_ms, 0.99) > LAG_LIMIT_MS:
        print("  the generator, or the machine it shares, was busy: latencies include its delay")
    if result.server_cpu_s is not None:
        print(
            f"server: {result.server_cpu_s:.1f} s CPU ({100 * result.server_cpu_s / result.seconds:.0f}% of "
            f"one core; the machine has {os.cpu_count()})"
        )
    for fault in result.faults:
        print(fault.report(result.samples))


def sweep(args, target: Target, captured: dict) -> None:
    """Short runs of more and more walls, then users; where each first breaks."""
    series = [("walls", [(args.users, walls) for walls in SWEEP_WALLS])]
    series.append(("users", [(users, args.walls) for users in SWEEP_USERS]))
    found = []
    for name, steps in series:
        broke = None
        for users, walls in steps:
            result = asyncio.run(replay(args, target, captured, users, walls))
            samples = result.samples
            errors = sum(sample.error for sample in samples)
            p95 = percentile([sample.ms for sample in samples], 0.95)
            print(
                f"sweep: {users} users + {walls} walls: {len(samples)} requests, {errors} errors, "
                f"p95 {p95:.0f} ms, generator {100 * result.cpu_s / result.seconds:.0f}% of a core",
                flush=True,
            )
            if errors or p95 > P95_LIMIT_MS:
                broke = f"{users} users + {walls} walls (p95 {p95:.0f} ms, {errors} errors)"
                break
        found.append(f"sweep by {name}: first break at {broke or 'none up to ' + str(steps[-1])}")
    print("\n".join(found))


def main() -> None:
    args = arguments()
    random.seed(args.seed)
    with started_target(args) as (target, source):
        captured = load_or_capture(args.capture, target.url, source, "restart-postgres" in args.fault)
        if args.sweep:
            sweep(args, target, captured)
            return
        faults = [load_faults.Fault(name, target, captured, args) for name in args.fault]
        # One real screen in Chromium beside the simulated ones: does it ever say "Reconnecting"?
        watching = WallWatch(f"{target.url}/wall?refresh={args.wall_refresh:g}") if args.watch_wall else None
        with watching or contextlib.nullcontext():
            result = asyncio.run(replay(args, target, captured, args.users, args.walls, faults))
        report(result, args.users, args.walls)
        if watching:
            print(f"the wall in Chromium: {watching.result()}")
        print(closing_line(result.samples), flush=True)


if __name__ == "__main__":
    main()

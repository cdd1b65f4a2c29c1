"""The faults tests/bench/load.py can inject into a run, each with its own counts.

Each fault acts at its moment of the run and watches a window from then until it is over plus SETTLE_S:
the requests sent in it, those that failed, the heartbeats that came late, the p95, and the recovery
time (from the fault to the answer of the last request that failed).
"""

import asyncio
import contextlib
import copy
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from tests.bench.load_capture import SAVED, readable
from tests.bench.load_stats import SAVE, Sample, window
from tests.bench.side_by_side import ROOT, percentile

NAMES = ("kill-worker", "stop-host", "publish", "restart-redis", "restart-postgres", "slowloris")
HOST = "a"
SETTLE_S = 30
PUBLISHES = 6
SAVE_EVERY_S = 1
SAVES_AFTER_S = 10  # saves go on this long after PostgreSQL is back
SLOW_SOCKETS, SLOW_SECONDS = 40, 60
NOT_SAVED = "Not saved"  # how both editors begin a refusal (components/commitments/form.py, pages/owner.py)
CONFLICT = "someone else changed this commitment"
OWNER_CHECK = "owner (save check)"


class Fault:
    def __init__(self, name: str, target, captured: dict, args):
        self.name, self.target, self.captured, self.args = name, target, captured, args
        self.start = self.end = None
        self.notes = []
        self.snapshots = self._build_snapshots() if name == "publish" else []
        if name != "slowloris" and name != "kill-worker":
            target.needs_topology(name)

    def _build_snapshots(self) -> list[Path]:
        """Small demo warehouses differing by seed, built before the run (a build would take the CPU)."""
        self._folder = tempfile.TemporaryDirectory(prefix="beacon-load-snapshots-")  # gone with the fault
        folder = Path(self._folder.name)
        paths = []
        for number in range(PUBLISHES):
            path = folder / f"snapshot-{number}.duckdb"
            subprocess.run(
                [sys.executable, "-m", "data.demo", "--out", str(path), "--seed", str(100 + number),
                 "--responses", str(self.args.publish_responses)],
                cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
            paths.append(path)
        print(f"publish: {PUBLISHES} snapshots built in {folder}", flush=True)
        return paths

    async def run(self, load) -> None:
        await load.pause(self.args.fault_at * self.args.seconds)
        if not load.going():
            return
        self.start = load.now()
        await getattr(self, "_" + self.name.replace("-", "_"))(load)
        self.end = load.now()

    def note(self, load, text: str) -> None:
        self.notes.append(f"{load.now():6.1f} s  {text}")

    async def _kill_worker(self, load) -> None:
        pid = self.target.worker_pids(HOST)[0]
        os.kill(pid, signal.SIGKILL)
        self.note(load, f"kill -9 worker {pid} of host {HOST}")

    async def _stop_host(self, load) -> None:
        topology = self.target.topology
        await asyncio.to_thread(topology.stop_host, HOST)
        self.note(load, f"host {HOST} stopped")
        if self.args.stop_seconds:
            await load.pause(self.args.stop_seconds)
            await asyncio.to_thread(topology.start_host, HOST)
            self.note(load, f"host {HOST} started")

    async def _publish(self, load) -> None:
        every = (self.args.seconds - load.now()) / (PUBLISHES + 1)
        for snapshot in self.snapshots:
            if not load.going():
                break
            began = load.now()
            await asyncio.to_thread(self.target.topology.publish, snapshot)
            self.note(load, f"published {snapshot.name} in {load.now() - began:.1f} s")
            await load.pause(every - (load.now() - began))

    async def _restart_redis(self, load) -> None:
        await asyncio.to_thread(self.target.topology.restart_redis)
        self.note(load, "Redis restarted")

    async def _restart_postgres(self, load) -> None:
        saves = Saves(load, self.captured["save"], getattr(self.target.topology, "state_url", None))
        restart = asyncio.ensure_future(asyncio.to_thread(self.target.topology.restart_postgres))
        self.note(load, "PostgreSQL restarting")
        await saves.keep_saving(restart)
        self.note(load, "PostgreSQL restarted")
        self.notes += saves.summary()

    async def _slowloris(self, load) -> None:
        dropped = []  # seconds each socket lasted before the server closed it
        await asyncio.gather(*(self._slow_socket(load, dropped) for _ in range(SLOW_SOCKETS)))
        lasted = f", after a median {percentile(dropped, 0.5):.0f} s" if dropped else ""
        self.note(load, f"{SLOW_SOCKETS} slow sockets done: {len(dropped)} closed by the server{lasted}")
        before = [s.ms for s in load.samples if s.start < self.start]
        self.notes.append(f"p95 of the other requests before it: {percentile(before, 0.95):.0f} ms")

    async def _slow_socket(self, load, dropped: list) -> None:
        """A client that opens a request and sends its header a byte a second, never finishing it."""
        parts = urlsplit(load.base)
        began = load.now()
        try:
            reader, writer = await asyncio.open_connection(parts.hostname, parts.port or 80)
        except OSError:
            dropped.append(0)
            return
        try:
            writer.write(f"GET / HTTP/1.1\r\nHost: {parts.netloc}\r\nX-Slow: ".encode())
            while load.now() - began < SLOW_SECONDS and load.going():
                await writer.drain()
                if reader.at_eof() or writer.is_closing():
                    dropped.append(load.now() - began)
                    return
                with contextlib.suppress(TimeoutError):
                    if await asyncio.wait_for(reader.read(1 << 16), 1) == b"":  # closed by the server
                        dropped.append(load.now() - began)
                        return
                writer.write(b"a")
        except OSError:
            dropped.append(load.now() - began)
        finally:
            writer.close()

    def report(self, samples: list[Sample]) -> str:
        if self.start is None:
            return f"\nfault {self.name}: did not happen (the run ended first)"
        counts = window(samples, self.start, self.end + SETTLE_S)
        lines = [
            f"\nfault {self.name} at {self.start:.0f} s (window to {SETTLE_S} s after it ended, "
            f"{self.end + SETTLE_S:.0f} s):",
            *(f"  {note}" for note in self.notes),
            f"  {counts.requests} requests, {counts.errors} failed, {counts.late_heartbeats} heartbeats late, "
            f"p95 {counts.p95_ms:.0f} ms, recovered {counts.recovery_s:.1f} s after it began",
        ]
        return "\n".join(lines)


class Saves:
    """The owner page's in-place save of one commitment, replayed every second: the version it sends is
    the last one it heard of, as an owner saving again would have."""

    def __init__(self, load, captured: dict, state_url: str | None):
        self.load, self.request, self.state_url = load, captured["request"], state_url
        self.owner_page = [
            request
            for wave in captured["owner_view"]["waves"]
            for request in wave
            if request["method"] == "POST" and "_pages_content" in (request["body"] or "")
        ]
        self.body = json.loads(self.request["body"])
        self.commitment = self.body["inputs"][0]["id"]["commitment"]
        self.counts = {"made": 0, "refused with a message": 0, "conflict": 0, "unclear": 0, "failed": 0}
        self.made = None  # (version, progress) of the last save the page was told was made
        self.made_all = []  # every such (version, progress)
        self.final = None  # (version, progress) stored once the saves are over

    async def stored(self, session) -> tuple[int, int] | None:
        """(version, progress) of the commitment as its owner page shows it now."""
        for request in self.owner_page:
            answer = await self.load.send(session, OWNER_CHECK, request)
            if answer is None:
                return None
            found = _card_values(json.loads(answer[1]), self.commitment)
            if found:
                return found
        return None

    def body_for(self, version: int, progress: int) -> str:
        body = copy.deepcopy(self.body)
        for item in body["state"]:
            kind = item["id"]["type"]
            if kind == "owner-edit-version":
                item["value"] = version
            elif kind == "owner-edit-progress":
                item["value"] = str(progress)
        return json.dumps(body)

    async def keep_saving(self, restart) -> None:
        """Save every SAVE_EVERY_S until SAVES_AFTER_S after `restart` is done."""
        async with self.load.browser() as session:
            known, progress, done_at = None, 10, None
            while self.load.going() and (done_at is None or self.load.now() < done_at + SAVES_AFTER_S):
                if done_at is None and restart.done():
                    done_at = self.load.now()
                if known is None:
                    known = await self.stored(session)
                if known is not None:
                    progress = 10 + (progress + 7) % 80
                    answer = await self.load.send(
                        session, SAVE, self.request, body=self.body_for(known[0], progress)
                    )
                    self._count(answer, progress)
                    known = (self.made[0], progress) if answer and self._was_made(answer) else None
                await self.load.pause(SAVE_EVERY_S)
            await restart
            self.final = await self.stored(session)

    def _was_made(self, answer) -> bool:
        return SAVED in readable(answer[1])

    def _count(self, answer, progress: int) -> None:
        if answer is None:
            self.counts["failed"] += 1
            return
        text = readable(answer[1])
        if SAVED in text:
            self.counts["made"] += 1
            self.made = (int(re.search(rf"{SAVED} (\d+)", text).group(1)), progress)
            self.made_all.append(self.made)
        elif CONFLICT in text:
            self.counts["conflict"] += 1
        elif NOT_SAVED in text:
            self.counts["refused with a message"] += 1
        else:
            self.counts["unclear"] += 1

    def summary(self) -> list[str]:
        counts = ", ".join(f"{kind} {count}" for kind, count in self.counts.items())
        lines = [f"saves of commitment {self.commitment}: {counts}"]
        if self.made is None:
            return lines
        if self.final is None:
            return [*lines, "the stored commitment could not be read afterwards"]
        version, progress = self.final
        if (version, progress) == self.made:
            verdict = "the last save made is stored"
        elif version > self.made[0]:
            verdict = "stored is newer than the last save acknowledged (a save made but its answer lost)"
        else:
            verdict = "LOST: the last save acknowledged is not stored"
        lines.append(
            f"afterwards: stored version {version}, progress {progress}; last made {self.made}: {verdict}"
        )
        if self.state_url:
            lines.append(self._in_history())
        return lines

    def _in_history(self) -> str:
        """Every save the page was told was made, looked for in the commitment's history in the database."""
        from data.state import commitments  # the state database's own reader, only when it is reachable

        stored = {
            entry["version"]: entry["changes"].get("progress", [None, None])[1]
            for entry in commitments.history(self.commitment, url=self.state_url)
        }
        missing = [made for made in self.made_all if stored.get(made[0]) != made[1]]
        return (
            f"in the database's history: {len(self.made_all) - len(missing)} of {len(self.made_all)} saves made"
            + (f"; MISSING {missing}" if missing else "")
        )


def _card_values(node, commitment: int) -> tuple[int, int] | None:
    """(version, progress) of `commitment`'s card in a page's layout: its version store and progress input."""
    found = {}

    def walk(value):
        if isinstance(value, dict):
            props = value.get("props")
            if isinstance(props, dict) and isinstance(props.get("id"), dict):
                ident = props["id"]
                if ident.get("commitment") == commitment:
                    if ident.get("type") == "owner-edit-version":
                        found["version"] = props.get("data")
                    elif ident.get("type") == "owner-edit-progress":
                        found["progress"] = props.get("value")
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(node)
    if "version" not in found:
        return None
    return int(found["version"]), int(float(found.get("progress") or 0))

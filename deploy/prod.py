"""Beacon's production topology on one machine, standing in for several: `make prod`.

    browser ──► nginx :8050 ──┬──► host a: gunicorn :8051, its own copy var/prod/host-a/cx.duckdb
                (balancer)    └──► host b: gunicorn :8052, its own copy var/prod/host-b/cx.duckdb
                                     │ both share
                                     ├──► Redis :8053 (memoised results; deploy/redis.conf)
                                     └──► PostgreSQL on a socket in var/prod/postgres (state, outbox)

    python -m deploy.prod up [--run-dir var/prod] [--port 8050]   start all, serve until Ctrl-C
    python -m deploy.prod publish [SNAPSHOT]                       the new snapshot onto every host
    python -m deploy.prod down                                     stop a topology started elsewhere

A publish copies the snapshot (by default the configured warehouse, where ingest writes) beside each
host's live file, warms the shared cache from it (warm.py), then swaps it in on every host
(data.warehouse.snapshot.swap_in: a rename, the replaced one kept for a rollback). On real machines the
copy is `rsync --partial SNAPSHOT host:/srv/beacon/data/.cx.duckdb.incoming` and the swap `ssh host mv`
(the README's Production section). Every process this starts, `down()` stops, also after a failure.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import suppress
from pathlib import Path

import config
from data.state import alerts
from data.warehouse.snapshot import swap_in
from deploy.postgres import Cluster, ClusterError

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
HOSTS = ("a", "b")
SNAPSHOT_NAME = "cx.duckdb"
INCOMING_NAME = f".{SNAPSHOT_NAME}.incoming"
#: How long a part may take to come up (a cold gunicorn worker on a busy machine takes seconds).
START_SECONDS = 120
STOP_SECONDS = 30


def _say(message: str) -> None:
    print(message, flush=True)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _wait_for(what: str, ready, process: subprocess.Popen | None = None, log: Path | None = None) -> None:
    """Poll `ready()` until it holds; a process that exits meanwhile, or the deadline, is an error."""
    deadline = time.monotonic() + START_SECONDS
    while not ready():
        if process is not None and process.poll() is not None:
            tail = log.read_text()[-2000:] if log and log.exists() else ""
            raise RuntimeError(f"{what} stopped while starting (exit {process.returncode}).\n{tail}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not come up within {START_SECONDS} s.")
        time.sleep(0.1)  # polling a server that is starting, under the deadline


def _stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Topology:
    """nginx on `port`, hosts a and b on port+1 and port+2, Redis on port+3, PostgreSQL on a socket;
    everything's files under `run_dir`. A context manager: `with Topology(...) as topology:`."""

    def __init__(self, run_dir: Path, port: int = 8050, source: Path | None = None, auth: str = "none"):
        self.run_dir = Path(run_dir).resolve()
        self.port = port
        self.source = Path(source or config.WAREHOUSE)
        self.ports = {"a": port + 1, "b": port + 2}
        self.redis_port = port + 3
        self.url = f"http://127.0.0.1:{port}"
        self.hosts = {name: f"http://127.0.0.1:{self.ports[name]}" for name in HOSTS}
        self.postgres = Cluster(self.run_dir / "postgres")
        self.auth = auth
        self._gunicorn: dict[str, subprocess.Popen] = {}
        self._redis: subprocess.Popen | None = None
        self._nginx: subprocess.Popen | None = None

    # --- what each host runs with ---------------------------------------------------------------

    def snapshot(self, name: str) -> Path:
        return self.run_dir / f"host-{name}" / SNAPSHOT_NAME

    @property
    def env(self) -> dict:
        """The settings every host shares (each adds its own warehouse copy and port)."""
        return {
            "BEACON_CACHE_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "BEACON_STATE_URL": self.postgres.url(),
            "BEACON_TRUST_PROXY": "1",
            "BEACON_HOST": "127.0.0.1",
            "BEACON_AUTH": self.auth,
        }

    def host_env(self, name: str) -> dict:
        return {
            **os.environ,
            **self.env,
            "BEACON_WAREHOUSE": str(self.snapshot(name)),
            "BEACON_PORT": str(self.ports[name]),
        }

    # --- starting and stopping ------------------------------------------------------------------

    def __enter__(self):
        self.up()
        return self

    def __exit__(self, *_exc):
        self.down()

    def up(self) -> None:
        """Start PostgreSQL, Redis, both hosts and nginx, each waited for before the next."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        try:
            _say(f"PostgreSQL (state): {self.postgres.folder}")
            self.postgres.start()
            self._seed_demo_commitments()
            _say(f"Redis (shared cache): 127.0.0.1:{self.redis_port}")
            self.start_redis()
            for name in HOSTS:
                if not self.snapshot(name).exists():
                    self.snapshot(name).parent.mkdir(parents=True, exist_ok=True)
                    _say(f"host {name}: a copy of {self.source}")
                    self._copy(self.source, self.snapshot(name))
            for name in HOSTS:
                _say(f"host {name}: gunicorn on {self.hosts[name]}")
                self.start_host(name)
            _say(f"nginx (load balancer): {self.url}")
            self._start_nginx()
            # For `publish` and `down` from another shell: where it listens, and the process holding it.
            (self.run_dir / "topology.json").write_text(json.dumps({"port": self.port, "pid": os.getpid()}))
        except BaseException:
            self.down()
            raise

    def down(self) -> None:
        """Stop everything this topology started (nginx first, so nothing new reaches the hosts)."""
        _stop(self._nginx)
        self._nginx = None
        for name in list(self._gunicorn):
            self.stop_host(name)
        _stop(self._redis)
        self._redis = None
        with suppress(ClusterError):  # not running
            self.postgres.stop()
        (self.run_dir / "topology.json").unlink(missing_ok=True)

    def _seed_demo_commitments(self) -> None:
        """Over the demo warehouse, the demo's commitments into a new, empty state database (as `make
        demo` does for SQLite); anyone else's data is left alone (data.demo.commitments says which)."""
        done = subprocess.run(
            [sys.executable, "-m", "data.demo.commitments"],
            cwd=ROOT,
            env={**os.environ, **self.env, "BEACON_WAREHOUSE": str(self.source)},
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise RuntimeError(f"Seeding the demo commitments failed:\n{done.stderr[-3000:]}")
        _say(f"  {done.stdout.strip().splitlines()[-1]}")

    def start_redis(self) -> None:
        log = self.run_dir / "redis.log"
        self._redis = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                str(HERE / "redis.conf"),
                "--port", str(self.redis_port),
                "--dir", str(self.run_dir),
                "--logfile", str(log),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        _wait_for("Redis", self._redis_answers, self._redis, log)

    def _redis_answers(self) -> bool:
        import redis

        try:
            return redis.Redis(port=self.redis_port, socket_timeout=1).ping()
        except redis.RedisError:
            return False

    def restart_redis(self) -> None:
        """Stop Redis (every shared entry lost) and start it again, empty."""
        _stop(self._redis)
        self.start_redis()

    def restart_postgres(self) -> None:
        self.postgres.restart()

    def start_host(self, name: str) -> None:
        log = self.run_dir / f"host-{name}.log"
        gunicorn = Path(sys.executable).with_name("gunicorn")
        handle = log.open("a")
        self._gunicorn[name] = subprocess.Popen(
            [str(gunicorn), "--config", "gunicorn.conf.py", "--pid", str(self._pid_file(name)), "app:server"],
            cwd=ROOT,
            env=self.host_env(name),
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
        handle.close()
        _wait_for(f"host {name}", lambda: _answers(f"{self.hosts[name]}/healthz"), self._gunicorn[name], log)

    def stop_host(self, name: str) -> None:
        """Stop host `name` as a machine going down would: its requests in flight finish first."""
        _stop(self._gunicorn.pop(name, None))

    def _pid_file(self, name: str) -> Path:
        return self.run_dir / f"host-{name}.pid"

    def worker_pids(self, name: str) -> list[int]:
        """The gunicorn workers of host `name` (the arbiter's children)."""
        arbiter = self._gunicorn[name].pid
        workers = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                # The parent's pid is the 4th field, after the command name in parentheses.
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # ended meanwhile
            if int(fields[1]) == arbiter:
                workers.append(int(stat.parent.name))
        return sorted(workers)

    def _start_nginx(self) -> None:
        conf = self.run_dir / "nginx.conf"
        filled = {
            # As root, nginx's workers would become `nobody`, who cannot write the run folder.
            "@USER": "user root;" if os.geteuid() == 0 else "",
            "@RUN_DIR": str(self.run_dir),
            "@PORT_A": str(self.ports["a"]),
            "@PORT_B": str(self.ports["b"]),
            "@PORT": str(self.port),
        }
        text = (HERE / "nginx.conf").read_text()
        for blank, value in filled.items():  # @PORT_A before @PORT
            text = text.replace(blank, value)
        conf.write_text(text)
        (self.run_dir / "nginx-temp").mkdir(exist_ok=True)
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        log = self.run_dir / "nginx.log"
        self._nginx = subprocess.Popen(
            [nginx, "-p", str(self.run_dir), "-c", str(conf), "-e", str(log)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for("nginx", lambda: _answers(f"{self.url}/healthz"), self._nginx, log)

    # --- publishing -----------------------------------------------------------------------------

    @staticmethod
    def _copy(source: Path, target: Path) -> None:
        """A complete copy at `target`, on disk before it is used (copy, then flush)."""
        shutil.copyfile(source, target)
        with open(target, "rb+") as handle:
            os.fsync(handle.fileno())

    def publish(self, source: Path | None = None) -> float:
        """Distribute the snapshot `source` to every host: copied beside each live file, the shared
        cache warmed from a copy, then swapped in on each host. Seconds taken."""
        started = time.monotonic()
        source = Path(source or self.source)
        staged = []
        for name in HOSTS:
            incoming = self.snapshot(name).with_name(INCOMING_NAME)
            self._copy(source, incoming)
            staged.append((incoming, self.snapshot(name)))
        self.warm(staged[0][0])
        for incoming, live in staged:
            swap_in(incoming, live)
        # Every host holds the same snapshot: one records its alerts (a data.notify pass would too).
        alerts.record_publication(staged[0][1], url=self.postgres.url())
        return time.monotonic() - started

    def warm(self, snapshot: Path) -> None:
        """Draw the standard views from `snapshot` into the shared cache before any host serves it."""
        done = subprocess.run(
            [sys.executable, "-m", "warm", str(snapshot)],
            cwd=ROOT,
            env={**os.environ, **self.env, "BEACON_WAREHOUSE": str(snapshot)},
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise RuntimeError(f"Warming {snapshot} failed; nothing was swapped in.\n{done.stderr[-3000:]}")
        _say(done.stdout.strip())


def _topology(arguments) -> Topology:
    return Topology(arguments.run_dir, arguments.port, arguments.snapshot)


def main(argv: list[str] | None = None) -> int:
    config.validate()
    parser = argparse.ArgumentParser(prog="python -m deploy.prod", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("up", "publish", "down"))
    parser.add_argument(
        "snapshot", nargs="?", type=Path, help="publish: the snapshot (default: the warehouse)"
    )
    parser.add_argument("--run-dir", type=Path, default=ROOT / "var" / "prod")
    parser.add_argument("--port", type=int, default=config.PORT)
    arguments = parser.parse_args(argv)
    state = arguments.run_dir / "topology.json"
    if arguments.command != "up":
        if not state.exists():
            raise SystemExit(f"No topology is running from {arguments.run_dir} (start it with `make prod`).")
        arguments.port = json.loads(state.read_text())["port"]
    topology = _topology(arguments)
    if arguments.command == "publish":
        seconds = topology.publish(arguments.snapshot)
        _say(f"Published {arguments.snapshot or topology.source} to hosts a and b in {seconds:.1f} s.")
        return 0
    if arguments.command == "down":  # the process holding it stops every part as it exits
        os.kill(json.loads(state.read_text())["pid"], signal.SIGTERM)
        return 0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with topology:
        _say(f"Beacon (production topology) is ready: {topology.url}  (Ctrl-C stops it)")
        signal.pause()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

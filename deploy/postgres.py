"""A PostgreSQL server of Beacon's own in a folder, on a Unix socket there and no TCP port: the state
database of the production topology (deploy/prod.py) and the throwaway one of the tests.

Debian's `postgresql` package keeps its programs in /usr/lib/postgresql/<version>/bin, off the PATH.
PostgreSQL refuses to run as root: as root, its commands run as the `postgres` user, in a folder that
user owns.
"""

import os
import shutil
import subprocess
from pathlib import Path

USER = "beacon"  # the database's superuser, trusted on the socket (the folder is the only way in)
DATABASE = "beacon"


def programs() -> Path | None:
    """The folder of PostgreSQL's server programs (initdb, pg_ctl), or None when it is not installed."""
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).parent
    installed = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda path: int(path.parts[-3]))
    return installed[-1].parent if installed else None


class ClusterError(RuntimeError):
    """A PostgreSQL command failed; the message has what it said."""


class Cluster:
    """A cluster in `folder` (its data in folder/data, its socket and log in folder)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.data = self.folder / "data"
        self.bin = programs()
        if self.bin is None:
            raise RuntimeError("PostgreSQL is not installed: `make services` installs Debian's postgresql.")
        self.as_root = os.geteuid() == 0

    def _run(self, *args: str, timeout: float = 120) -> None:
        line = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:  # the program and its arguments reach the shell as $0 and $@, unquoted by none
            line = ["su", "-s", "/bin/sh", "-c", 'exec "$0" "$@"', "postgres", "--", *line]
        done = subprocess.run(line, capture_output=True, text=True, timeout=timeout)
        if done.returncode:
            said = (done.stderr or done.stdout).strip()
            raise ClusterError(f"PostgreSQL's {args[0]} failed in {self.folder}: {said}")

    def url(self, database: str = DATABASE) -> str:
        return f"postgresql+psycopg://{USER}@/{database}?host={self.folder}"

    def start(self) -> None:
        """Make the cluster if the folder has none, start it and wait until it takes connections."""
        self.folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self.folder, 0o755)
        if self.as_root:
            shutil.chown(self.folder, "postgres")
        if not (self.data / "PG_VERSION").exists():
            self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", USER)
        options = f"-k {self.folder} -c listen_addresses=''"
        self._run(
            "pg_ctl", "-D", str(self.data), "-w", "-l", str(self.folder / "log"), "-o", options, "start"
        )
        self.create_database(DATABASE)

    def create_database(self, name: str) -> None:
        """Make database `name` unless it is there (names are Beacon's own: letters, digits, _)."""
        import sqlalchemy as sa

        admin = sa.create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as connection:
                present = connection.execute(
                    sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
                ).first()
                if not present:
                    connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        finally:
            admin.dispose()

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: "fast" rolls back open transactions and closes connections, "immediate"
        is a crash (recovered at the next start)."""
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-w", "-m", mode, "stop")

    def restart(self) -> None:
        self.stop()
        self.start()

"""Every Beacon setting, read from the environment in one place.

Defaults run the local demo with no configuration at all.
"""

import ipaddress
import os
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent


def _path(name: str, default: str) -> Path:
    value = Path(os.environ.get(name) or default)
    return value if value.is_absolute() else ROOT / value


WAREHOUSE = _path("BEACON_WAREHOUSE", "data/cx.duckdb")
STATE_URL = os.environ.get("BEACON_STATE_URL") or f"sqlite:///{ROOT / 'data' / 'state.db'}"
CACHE_URL = os.environ.get("BEACON_CACHE_URL", "")
HOST = os.environ.get("BEACON_HOST", "127.0.0.1")
PORT = int(os.environ.get("BEACON_PORT", "8050"))
AUTH = os.environ.get("BEACON_AUTH", "none")
AUTH_MODES = ("none",)  # sign-in modes this version has; "none" is the local single-user demo


def _loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# Without sign-in anyone who reaches the port sees everything and may edit commitments: "none" is for
# one person on this machine only. Refused at start, by name, rather than served open.
if AUTH not in AUTH_MODES:
    raise SystemExit(
        f"BEACON_AUTH={AUTH!r} is not a sign-in mode of this version of Beacon (it has: {', '.join(AUTH_MODES)})."
    )
if AUTH == "none" and not _loopback(HOST):
    raise SystemExit(
        f"BEACON_AUTH=none serves everyone who reaches the port without sign-in, so it only listens on "
        f"this machine (127.0.0.1), not BEACON_HOST={HOST!r}. Serve on 127.0.0.1 behind a reverse proxy "
        "that signs people in."
    )
# The business's time zone (IANA name, e.g. Europe/Helsinki): when "today" is for overdue commitments and
# the clock of their histories. Unset: the server's own. A wrong name stops the app at start, named.
TIMEZONE = os.environ.get("BEACON_TIMEZONE", "")
if TIMEZONE:
    ZoneInfo(TIMEZONE)
# Who is acting, written into every commitment's history, until sign-in (BEACON_AUTH) says who.
ACTING_USER = os.environ.get("BEACON_USER") or "Local user"
# Only the loopback demo may run without a secret; sign-in (BEACON_AUTH) will refuse to start without one.
SECRET_KEY = os.environ.get("BEACON_SECRET_KEY", "")
# DuckDB's memory per app process (its buffer pool caches what raw scans read): keeps workers bounded.
DUCKDB_MEMORY_LIMIT = os.environ.get("BEACON_DUCKDB_MEMORY_LIMIT", "200MB")
# Seconds a memoised query result lives; a new warehouse snapshot invalidates it sooner.
CACHE_TIMEOUT = int(os.environ.get("BEACON_CACHE_TIMEOUT", "3600"))

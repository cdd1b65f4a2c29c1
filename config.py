"""Every Beacon setting, read from the environment in one place.

Defaults run the local demo with no configuration at all. Importing this module only reads the
environment; `validate()`, called as the app and the commands start, refuses settings Beacon cannot run
with, by name.
"""

import ipaddress
import os
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

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
# Sign-in modes: "none" is the local single-user demo, "local" accounts with a sign-in page (auth/).
AUTH_MODES = ("none", "local")


def is_loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# The business's time zone (IANA name, e.g. Europe/Helsinki): when "today" is for overdue commitments and
# the clock of their histories. Unset: the server's own. A wrong name stops the app at start, named.
TIMEZONE = os.environ.get("BEACON_TIMEZONE", "")
# The earliest day ingest accepts in the warehouse (ISO date): a mistyped year (0001-01-01) is refused,
# naming its row, instead of stretching every period list back two thousand years.
_FIRST_DAY = os.environ.get("BEACON_FIRST_DAY") or "1990-01-01"


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None  # refused by validate()


FIRST_DAY = _day(_FIRST_DAY)
# Who is acting without sign-in (BEACON_AUTH=none), written into every commitment's history.
ACTING_USER = os.environ.get("BEACON_USER") or "Local user"
# Signs the session cookies. Only the loopback demo runs without one: sign-in refuses to start without a
# long random key, since anyone who knows it can make themselves any user.
SECRET_KEY = os.environ.get("BEACON_SECRET_KEY", "")
SECRET_KEY_MIN = 32
# Hours a sign-in lasts before signing in again.
SESSION_HOURS = float(os.environ.get("BEACON_SESSION_HOURS", "12"))
# How many reverse proxies in front of Beacon to trust for the client's address and scheme
# (X-Forwarded-For/-Proto/-Host): 0 when Beacon is reached directly, 1 behind one nginx.
TRUST_PROXY = int(os.environ.get("BEACON_TRUST_PROXY", "0"))
# Whether viewer accounts read verbatim comments ("shown") or not ("hidden"); owners and admins always do.
VIEWER_COMMENTS = os.environ.get("BEACON_VIEWER_COMMENTS", "shown")
# DuckDB's memory per app process (its buffer pool caches what raw scans read): keeps workers bounded.
DUCKDB_MEMORY_LIMIT = os.environ.get("BEACON_DUCKDB_MEMORY_LIMIT", "200MB")
# DuckDB's memory while `python -m data.demo` publishes (its inserts, rollup and checks), spilling beyond it
# to disk beside the new file: a 100 M demo builds on a small machine.
PUBLISH_MEMORY = os.environ.get("BEACON_PUBLISH_MEMORY", "3GB")
# Seconds a memoised query result lives; a new warehouse snapshot invalidates it sooner.
CACHE_TIMEOUT = int(os.environ.get("BEACON_CACHE_TIMEOUT", "3600"))
# Memoised results each app process keeps itself (the most recent), before or without Redis: with
# DUCKDB_MEMORY_LIMIT, what bounds a worker's memory.
CACHE_ENTRIES = int(os.environ.get("BEACON_CACHE_ENTRIES", "2000"))
# The largest request body Beacon reads (a callback's is a few kB; a commitment save's, its text):
# larger is refused (413) before it is read, by nginx in production as well.
MAX_REQUEST_BYTES = 1024 * 1024
# Outgoing e-mail for alerts and digests: smtp://user:password@host:587?starttls=1 (STARTTLS), or
# smtps://user:password@host:465 (TLS from the start); empty: no e-mail is sent (webhooks still are).
SMTP_URL = os.environ.get("BEACON_SMTP_URL", "")
MAIL_FROM = os.environ.get("BEACON_MAIL_FROM") or "Beacon <beacon@localhost>"
# Where links in messages point: the address people open Beacon at.
PUBLIC_URL = (os.environ.get("BEACON_PUBLIC_URL") or "http://127.0.0.1:8050").rstrip("/")
# Messages one recipient gets in a day before the rest wait for one summary the next morning.
ALERT_DAILY_CAP = int(os.environ.get("BEACON_ALERT_DAILY_CAP", "10"))
# The hour (0-23, in BEACON_TIMEZONE) daily batches and held-back alerts go out at.
DAILY_HOUR = int(os.environ.get("BEACON_DAILY_HOUR", "8"))
# When the weekly digest goes out: a weekday's English name and an hour, in BEACON_TIMEZONE.
DIGEST_DAY = (os.environ.get("BEACON_DIGEST_DAY") or "monday").lower()
DIGEST_HOUR = int(os.environ.get("BEACON_DIGEST_HOUR", "8"))
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Whether the weekly digest carries the executive review pack (PDF) as an attachment: 1 or 0.
DIGEST_PACK = os.environ.get("BEACON_DIGEST_PACK", "0")
# Days a metric may stay off track without an open commitment before its owner hears about it.
NO_PLAN_DAYS = int(os.environ.get("BEACON_NO_PLAN_DAYS", "14"))
# Seconds between passes of `python -m data.notify --loop`.
NOTIFY_INTERVAL = float(os.environ.get("BEACON_NOTIFY_INTERVAL", "60"))
# How much the app logs (refused requests, commitment saves and conflicts, ingest, errors): a level
# name of Python's logging, DEBUG to CRITICAL.
LOG_LEVEL = os.environ.get("BEACON_LOG_LEVEL", "INFO").upper()
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# The interface's language when neither the link, the browser, the account nor Accept-Language names one
# Beacon has (i18n.LANGUAGES: en, fi, fr, hu, es, fa), and of commands given no --lang.
DEFAULT_LANGUAGE = (os.environ.get("BEACON_DEFAULT_LANGUAGE") or "en").strip().lower()


def _problem() -> str | None:
    """The first setting Beacon cannot run with, in words saying why and what to do; None when all hold."""
    # Without sign-in anyone who reaches the port sees everything and may edit commitments: "none" is for
    # one person on this machine only. Refused at start, by name, rather than served open.
    if AUTH not in AUTH_MODES:
        return f"BEACON_AUTH={AUTH!r} is not a sign-in mode of this version of Beacon (it has: {', '.join(AUTH_MODES)})."
    if AUTH == "none" and not is_loopback(HOST):
        return (
            f"BEACON_AUTH=none serves everyone who reaches the port without sign-in, so it only listens on "
            f"this machine (127.0.0.1), not BEACON_HOST={HOST!r}. Sign people in with BEACON_AUTH=local "
            "(see the README's Production section)."
        )
    if TIMEZONE:
        try:
            ZoneInfo(TIMEZONE)
        except (ValueError, ZoneInfoNotFoundError):
            return f"BEACON_TIMEZONE={TIMEZONE!r} is not a time zone: write an IANA name such as Europe/Helsinki."
    if FIRST_DAY is None:
        return f"BEACON_FIRST_DAY={_FIRST_DAY!r} is not a date: write it as 1990-01-01."
    if AUTH != "none" and len(SECRET_KEY) < SECRET_KEY_MIN:
        return (
            f"BEACON_AUTH={AUTH} needs BEACON_SECRET_KEY, a random secret of at least {SECRET_KEY_MIN} characters "
            f"({'it is unset' if not SECRET_KEY else f'it has {len(SECRET_KEY)}'}). Make one with: "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
        )
    if VIEWER_COMMENTS not in ("shown", "hidden"):
        return f"BEACON_VIEWER_COMMENTS={VIEWER_COMMENTS!r}: use shown or hidden."
    if SMTP_URL and not SMTP_URL.startswith(("smtp://", "smtps://")):
        return (
            f"BEACON_SMTP_URL={SMTP_URL!r}: write it as smtp://user:password@host:587?starttls=1 or smtps://…"
        )
    if DIGEST_DAY not in (*WEEKDAYS, "off"):
        return (
            f"BEACON_DIGEST_DAY={DIGEST_DAY!r} is not a weekday: use one of {', '.join(WEEKDAYS)}, "
            "or off for no digest."
        )
    if not (0 <= DIGEST_HOUR <= 23 and 0 <= DAILY_HOUR <= 23):
        return "BEACON_DIGEST_HOUR and BEACON_DAILY_HOUR are hours of the day, 0 to 23."
    if DIGEST_PACK not in ("0", "1"):
        return f"BEACON_DIGEST_PACK={DIGEST_PACK!r}: use 1 (attach the review pack) or 0."
    import i18n  # here, not at the top: i18n reads this module

    if DEFAULT_LANGUAGE not in i18n.LANGUAGES:
        return (
            f"BEACON_DEFAULT_LANGUAGE={DEFAULT_LANGUAGE!r} is not a language of Beacon's interface: use one of "
            f"{', '.join(i18n.LANGUAGES)}."
        )
    if LOG_LEVEL not in LOG_LEVELS:
        return f"BEACON_LOG_LEVEL={LOG_LEVEL!r} is not a level: use one of {', '.join(LOG_LEVELS)}."
    return None


def validate() -> None:
    """Stop (SystemExit, with the message alone) on the first setting Beacon cannot run with: called as
    the app and the commands start, so that a wrong setting is named before anything is served."""
    problem = _problem()
    if problem:
        raise SystemExit(problem)
